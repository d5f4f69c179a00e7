"""When the database does not answer, say so: 503 with Retry-After, not a 500 per request.

A database that is restarting, unreachable or locked makes every request fail alike. Each
used to answer 500 "Server error" and log a full traceback; now it answers 503 Service
Unavailable with `Retry-After`, a short page in the reader's language (JSON for programs),
and one log line. Nothing a request sent was half-saved: its transaction was never
committed.

Django turns an exception into a response inside every middleware layer, so no middleware
can catch it with `try`. Instead, the `got_request_exception` signal, sent as the
exception is handled, marks the request; DatabaseOutageMiddleware, high in the stack,
replaces the marked request's 500 with the 503. The 503 page is rendered without the
request: no session, no user, no context processor may touch the database again.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from artifacts.i18n import preferred_language, without_language

logger = logging.getLogger("artifacts.outages")

try:  # Django wraps psycopg's errors, but a pool or a bare driver call may raise them as they are
    import psycopg

    DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # pragma: no cover (psycopg is in requirements.txt)
    DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)

# Answers read by programs rather than people: JSON, like the rest of what they read.
MACHINE_PREFIXES = ("/api/",)
MACHINE_SUFFIXES = (".json",)
_MARK = "_archive_database_outage"


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` means the database could not be reached or used (refused, lost,
    timed out, locked), as opposed to a query that is wrong."""
    return isinstance(exc, DATABASE_OUTAGE_ERRORS)


def describe(exc: BaseException) -> str:
    """The error in one line: its first line of text, for logs and operators."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def retry_after() -> int:
    return int(getattr(settings, "ARCHIVE_OUTAGE_RETRY_AFTER", 30))


@receiver(got_request_exception, dispatch_uid="artifacts.outages.mark")
def _mark_outage(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and is_database_outage(exc):
        setattr(request, _MARK, exc)


def wants_json(request) -> bool:
    path = without_language(request.path_info)
    return path.startswith(MACHINE_PREFIXES) or path.endswith(MACHINE_SUFFIXES)


def _language(request) -> str:
    # From the address (/uk/…), else the reader's cookie or Accept-Language; never the
    # session, which lives in the database.
    return (
        translation.get_language_from_path(request.path_info) or preferred_language(request) or settings.LANGUAGE_CODE
    )


def unavailable_response(request) -> HttpResponse:
    """The 503 answer: JSON for the API and JSON documents, else a page in the reader's language."""
    seconds = retry_after()
    with translation.override(_language(request)):
        message = _("The archive's database is not answering. Nothing you sent was half-saved. Try again shortly.")
        if wants_json(request):
            response = JsonResponse({"detail": message, "retry_after": seconds}, status=503)
        else:
            try:
                body = loader.get_template("503.html").render({"retry_after": seconds})
            except Exception:  # the page must not fail while apologising
                body = f"<!doctype html><title>503</title><h1>503</h1><p>{message}</p>"
            response = HttpResponse(body, status=503)
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(seconds)
    # Proxies and browsers must not keep the apology once the database is back.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Answers 503 for a request that failed because the database was unavailable. Near
    the top of MIDDLEWARE, above the session and authentication middleware, whose own
    database reads can be what failed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, _MARK, None)
        if exc is None or response.status_code < 500:
            return response
        # One line per failed request; the traceback is left out (artifacts.log_format).
        logger.warning(
            "Database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.path,
            describe(exc),
            extra={"path": request.path, "status_code": 503},
        )
        return unavailable_response(request)
