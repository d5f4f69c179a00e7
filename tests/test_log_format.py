"""Log lines during an outage: one line each, and JSON lines with DJANGO_LOG_FORMAT=json."""

import json
import logging
import sys

from django.db import OperationalError

from artifacts.log_format import JsonFormatter, OutageFilter
from tests.test_settings import run_django


def _record(name="artifacts.test", msg="Something: %s", args=("x",), exc=None, **extra):
    exc_info = None
    if exc is not None:
        try:
            raise exc
        except type(exc):
            exc_info = sys.exc_info()
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, exc_info)
    record.__dict__.update(extra)
    return record


def test_a_database_outage_leaves_one_line_not_a_traceback():
    record = _record(exc=OperationalError('connection to server at "db" failed: Connection refused\nIs it running?'))
    assert OutageFilter().filter(record)
    assert record.exc_info is None
    assert (
        record.getMessage()
        == 'Something: x (OperationalError: connection to server at "db" failed: Connection refused)'
    )


def test_djangos_500_traceback_for_a_database_outage_is_dropped():
    # artifacts.outages logs its own line for the request, which answers 503.
    record = _record(name="django.request", msg="Internal Server Error: %s", args=("/",), exc=OperationalError("x"))
    assert not OutageFilter().filter(record)


def test_other_errors_keep_their_traceback():
    record = _record(exc=ValueError("a bug"))
    assert OutageFilter().filter(record)
    assert record.exc_info is not None


def test_json_lines_name_time_level_logger_message_path_and_status():
    line = JsonFormatter().format(_record(msg="Database unavailable: %s", args=("GET /",), path="/", status_code=503))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "artifacts.test"
    assert entry["message"] == "Database unavailable: GET /"
    assert entry["path"] == "/" and entry["status"] == 503
    assert entry["time"].endswith("+00:00")


def test_a_traceback_stays_inside_its_json_line():
    entry = json.loads(JsonFormatter().format(_record(exc=ValueError("a bug"))))
    assert "ValueError: a bug" in entry["exception"]


def test_the_log_format_is_read_from_the_environment():
    script = "import logging; logging.getLogger('artifacts.test').warning('hello %s', 'there')"
    result = run_django(["manage.py", "shell", "-c", script], DJANGO_DEBUG="1", DJANGO_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "hello there" and entry["level"] == "WARNING"
    refused = run_django(["manage.py", "check"], DJANGO_DEBUG="1", DJANGO_LOG_FORMAT="xml")
    assert refused.returncode != 0 and "DJANGO_LOG_FORMAT must be text or json" in refused.stderr
