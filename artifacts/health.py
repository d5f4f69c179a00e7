"""Health endpoints for load balancers, container health checks and monitoring.

- `/health/live`: the process is up and answering. Touches nothing else, so a database
  outage never makes an orchestrator restart healthy web processes.
- `/health/ready`: the process can serve: the database answers a query and the media
  storage takes a file and gives it back (200); otherwise 503. The cache is reported too,
  but a cache that is down never makes the archive unready: pages work without it
  (settings.CACHES), and taking every web process out of service for it would turn a
  slower archive into none.

Both answer plain JSON from the first middleware, before the host check, the HTTPS
redirect, sessions, CSRF and templates: a load balancer asks by IP address and over
plain HTTP, many times a minute. What failed is logged; the answer names only which part
failed, never hosts or error texts.
"""

import logging
import secrets

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse

from artifacts.outages import describe, retry_after

logger = logging.getLogger("artifacts.health")

LIVE = frozenset({"/health/live", "/health/live/"})
READY = frozenset({"/health/ready", "/health/ready/"})
PROBE_DIRECTORY = "health"


def check_database() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Readiness: the database is unavailable (%s)", describe(exc))
        # A broken connection is not kept for the next request.
        connection.close_if_unusable_or_obsolete()
        return False
    return True


def check_cache() -> bool:
    # django-redis ignores a Redis outage (IGNORE_EXCEPTIONS): a value that does not come
    # back is how one sees it.
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # any backend, any failure: reported, never raised
        logger.warning("Readiness: the cache is unavailable (%s)", describe(exc))
        return False
    if found != value:
        logger.warning("Readiness: the cache did not keep a value (unreachable?)")
        return False
    return True


def check_media() -> bool:
    """Write, read back and delete a small file where uploads go."""
    content = secrets.token_bytes(16)
    name = None
    try:
        name = default_storage.save(f"{PROBE_DIRECTORY}/probe-{secrets.token_hex(8)}.bin", ContentFile(content))
        with default_storage.open(name, "rb") as handle:
            readable = handle.read() == content
    except Exception as exc:  # a full disk, a read-only mount, an object store that refuses
        logger.warning("Readiness: the media storage is unavailable (%s)", describe(exc))
        return False
    finally:
        if name is not None:
            try:
                default_storage.delete(name)
            except Exception as exc:
                logger.warning("Readiness: the media probe %s could not be deleted (%s)", name, describe(exc))
    if not readable:
        logger.warning("Readiness: the media storage gave back other bytes than were written")
    return readable


def ready() -> JsonResponse:
    checks = {"database": check_database(), "media": check_media(), "cache": check_cache()}
    serving = checks["database"] and checks["media"]
    body = {
        "status": ("ok" if checks["cache"] else "degraded") if serving else "unavailable",
        "checks": {name: "ok" if passed else "unavailable" for name, passed in checks.items()},
    }
    response = JsonResponse(body, status=200 if serving else 503)
    if not serving:
        response["Retry-After"] = str(retry_after())
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two health paths and passes everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in LIVE:
            response = JsonResponse({"status": "ok"})
        elif request.path_info in READY:
            response = ready()
        else:
            return self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
