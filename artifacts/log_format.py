"""How the archive's log lines look: plain text or, with DJANGO_LOG_FORMAT=json, one JSON
object per line (for a log collector); and outages in one line, not a traceback each.

During an outage every request, and every cache call, fails the same way. A traceback
for each buried a 20-second database restart under 49 MB of identical stacks; the one
line OutageFilter leaves says what failed and where, which is all there is to say.
"""

import json
import logging
from datetime import UTC, datetime

from artifacts.outages import describe, is_database_outage


def _is_cache_outage(exc) -> bool:
    try:
        from django_redis.exceptions import ConnectionInterrupted
        from redis.exceptions import ConnectionError, TimeoutError
    except ImportError:  # pragma: no cover (both are in requirements.txt)
        return False
    return isinstance(exc, (ConnectionInterrupted, ConnectionError, TimeoutError))


class OutageFilter(logging.Filter):
    """Drops Django's "Internal Server Error" traceback for a request that failed for want
    of the database (artifacts.outages logs one line for it and answers 503), and shortens
    any other record carrying a database or cache outage to its message and the error's
    first line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not (is_database_outage(exc) or _is_cache_outage(exc)):
            return True
        if record.name == "django.request" and is_database_outage(exc):
            return False
        record.msg = f"{record.getMessage()} ({describe(exc)})"
        record.args = None
        record.exc_info = record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the
    request's path and response status when the record has them; a traceback, when there
    is one, as a single `exception` string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        path = getattr(record, "path", None)
        request = getattr(record, "request", None)
        if path is None and request is not None:
            path = getattr(request, "path", None)  # django.request's records carry the request
        if path is not None:
            entry["path"] = path
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
