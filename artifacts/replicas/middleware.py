"""Decide, per request, whether its reads may go to a read replica.

They may for reading the archive's public pages, the API and downloads — what anonymous
visitors and researchers do — and never for:

- the admin, and staff wherever they are (they see drafts and act on what they read);
- requests that send something (POST, PUT, PATCH, DELETE), which read to validate;
- a browser that wrote in the last DATABASE_REPLICA_STICKY_SECONDS (10 by default), so
  that whoever saves a change, signs in or signs out sees the result on the next page,
  however far a replica lags. A signed cookie remembers the moment: it works for
  visitors without a session and adds no write of its own, and the signature keeps a
  client from forging one.

A request counts as having written when it sent the primary anything but a read: the
primary's connection is watched for the length of the request (an execute wrapper), so
that saves, QuerySet.update(), bulk operations and raw SQL are all seen. Watching
post_save signals would miss everything but save(), and judging by the method would miss
a GET that writes and mark every rejected form.

When the replica a GET request reads from fails under it (the server is shut down, the
connection is lost, a query is cancelled by recovery), the request is run again on the
primary, so the reader gets the page rather than an error; the replica is then left
alone for DATABASE_REPLICA_RETRY_SECONDS.
"""

import logging
import math
from contextlib import ExitStack

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

from artifacts.i18n import without_language
from artifacts.replicas import state

logger = logging.getLogger("artifacts.replicas")

STICKY_COOKIE = "archive_primary"
STICKY_SALT = "artifacts.replicas.sticky"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_PATHS = ("/admin/",)


def sticky_seconds() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_STICKY_SECONDS", 10))


def wrote_lately(request) -> bool:
    """Whether this browser wrote within the sticky window (a valid, unexpired cookie)."""
    value = request.get_signed_cookie(STICKY_COOKIE, default=None, salt=STICKY_SALT, max_age=sticky_seconds())
    return value is not None


def may_use_replica(request) -> bool:
    """What the method, the address and the cookie allow; the user is asked later
    (state.RequestRouting), at the request's first read."""
    return (
        request.method in SAFE_METHODS
        and not without_language(request.path_info).startswith(PRIMARY_PATHS)
        and not wrote_lately(request)
    )


def remember_write(response) -> None:
    response.set_signed_cookie(
        STICKY_COOKIE,
        "1",
        salt=STICKY_SALT,
        max_age=math.ceil(sticky_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class ReplicaRoutingMiddleware:
    """Sets the request's routing (state.RequestRouting) for the router to read. After
    AuthenticationMiddleware, so that the user is known; before the views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not state.replica_aliases():
            return self.get_response(request)
        with ExitStack() as stack:
            routing = state.RequestRouting(may_use_replica(request), request=request, stack=stack)
            stack.enter_context(connections[DEFAULT_DB_ALIAS].execute_wrapper(routing.watch_primary))
            stack.callback(state.deactivate, state.activate(routing))
            response = self.get_response(request)
        if routing.wrote:
            remember_write(response)
        return response

    def process_exception(self, request, exception):
        """Run a read-only request again on the primary when its replica failed."""
        routing = state.current()
        if (
            routing is None
            or routing.chosen is None
            or routing.retried
            or request.method not in SAFE_METHODS
            or not isinstance(exception, (OperationalError, InterfaceError))
        ):
            return None
        alias = routing.chosen
        if not connections[alias].is_usable():
            state.mark_down(alias, exception)
        elif not routing.replica_failed:
            return None  # the replica is well and nothing failed on it: the error is not its
        logger.info("Serving %s %s from the primary after replica %s failed.", request.method, request.path, alias)
        routing.read_from_primary()
        return self.get_response(request)
