"""Outages that say so and lose nothing: the archive in front of a real PostgreSQL server
and a real Redis server that are stopped and started again under it.

A throwaway PostgreSQL cluster (tests/standby.py's Workspace, on a free port; never the
machine's own server), migrated and loaded with the demo collection, and a throwaway
`redis-server` serve an archive run by runserver in a subprocess. The tests stop them,
ask for pages, the API, the health endpoints, run an import and a verification, start
them again and check that everything written before is still there.

They start servers of their own and run once, not in each database pass of `make test`:
`make test-outages` runs them (ARCHIVE_OUTAGE_TESTS=1).
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

if os.environ.get("ARCHIVE_OUTAGE_TESTS") != "1":
    pytest.skip(
        "the outage tests stop PostgreSQL and Redis servers of their own: run them with `make test-outages`",
        allow_module_level=True,
    )

from tests.browser_server import ROOT, _free_port  # noqa: E402
from tests.images import image_bytes  # noqa: E402
from tests.standby import Workspace, archive_server, manage, migrate_and_load  # noqa: E402

RETRY_AFTER = "7"
EXAMPLES = ROOT / "artifacts" / "importing" / "examples"


@dataclass
class Answer:
    status: int
    headers: dict
    text: str
    seconds: float

    def json(self):
        return json.loads(self.text)


def fetch(url: str, *, headers: dict | None = None, data: bytes | None = None) -> Answer:
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (http on 127.0.0.1)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, head, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, head, body = error.code, error.headers, error.read()
    return Answer(
        status, {k.lower(): v for k, v in head.items()}, body.decode(errors="replace"), time.monotonic() - started
    )


def multipart(field: str, name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "archive-outage-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class Redis:
    """A throwaway redis-server that keeps nothing on disk."""

    def __init__(self, directory: Path):
        self.port = _free_port()
        self.directory = directory
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="module")
def stack():
    if shutil.which("redis-server") is None:
        pytest.fail("The outage tests need redis-server (Debian: apt-get install redis-server).", pytrace=False)
    with Workspace() as space:
        primary = space.primary()
        database_url = primary.create_database("archive")
        workdir = Path(tempfile.mkdtemp(prefix="archive-outages-", dir=space.directory))
        migrate_and_load(database_url, workdir)
        redis = Redis(workdir)
        redis.start()
        env = {
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "DATABASE_CONNECT_TIMEOUT": "2",
            "ARCHIVE_OUTAGE_RETRY_AFTER": RETRY_AFTER,
        }
        try:
            with archive_server(database_url, workdir, env) as server:
                yield server, primary, redis
        finally:
            redis.stop()
            if not primary.is_running():
                primary.start()


def artifact_count(server) -> int:
    return server.shell_json("from artifacts.models import Artifact; print(Artifact.objects.count())")


def public_count(server) -> int:
    return fetch(server.url + "/api/artifacts/").json()["count"]


def test_health_endpoints_answer_without_a_session_or_an_allowed_host(stack):
    server, _primary, _redis = stack
    # A load balancer asks by address: a Host outside ALLOWED_HOSTS still gets its answer.
    live = fetch(server.url + "/health/live", headers={"Host": "10.1.2.3:8000"})
    ready = fetch(server.url + "/health/ready", headers={"Host": "10.1.2.3:8000"})
    assert live.status == 200 and live.json() == {"status": "ok"}
    assert ready.status == 200, ready.text
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "media": "ok", "cache": "ok"}}
    assert "set-cookie" not in ready.headers and ready.headers["content-type"] == "application/json"


def test_a_database_outage_answers_503_and_loses_nothing(stack):
    server, primary, _redis = stack
    before = public_count(server)
    imported = server.manage(
        "import_artifacts", str(EXAMPLES / "example.json"), "--photos", str(EXAMPLES / "photos"), "--no-progress"
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    total = artifact_count(server)
    log_size = len(server.log())

    primary.stop()
    try:
        page = fetch(server.url + "/artifacts/")
        assert page.status == 503, page.text[:300]
        assert page.headers["retry-after"] == RETRY_AFTER
        assert page.headers["cache-control"] == "no-store"
        assert '<html lang="en">' in page.text and "database is not answering" in page.text
        assert page.seconds < 5  # refused at once, never hanging

        ukrainian = fetch(server.url + "/uk/artifacts/")
        assert ukrainian.status == 503 and '<html lang="uk">' in ukrainian.text
        assert ukrainian.headers["content-language"] == "uk"
        korean = fetch(server.url + "/", headers={"Accept-Language": "ko"})
        assert korean.status == 503 and korean.headers["content-language"] == "ko"

        api = fetch(server.url + "/api/artifacts/")
        assert api.status == 503 and api.headers["content-type"] == "application/json"
        assert api.headers["retry-after"] == RETRY_AFTER and api.json()["retry_after"] == int(RETRY_AFTER)

        # A sign-in, which reads the session and writes django-axes' attempt: 503 too.
        login = fetch(server.url + "/accounts/login/", data=b"username=a&password=b")
        assert login.status in {403, 503}  # 403: the CSRF check refuses first, without the database

        assert fetch(server.url + "/health/live").status == 200
        ready = fetch(server.url + "/health/ready")
        assert ready.status == 503 and ready.headers["retry-after"] == RETRY_AFTER
        assert ready.json()["checks"]["database"] == "unavailable" and ready.json()["checks"]["media"] == "ok"

        imported = server.manage(
            "import_artifacts", str(EXAMPLES / "example.json"), "--photos", str(EXAMPLES / "photos"), "--no-progress"
        )
        assert imported.returncode == 3, imported.stdout + imported.stderr
        assert "database is unavailable" in imported.stderr and "not at fault" in imported.stderr
        assert "fix the" not in imported.stdout + imported.stderr and "Traceback" not in imported.stderr
        verified = server.manage("verify_integrity", "--no-record")
        assert verified.returncode == 3 and "Traceback" not in verified.stderr, verified.stderr
    finally:
        primary.start()

    log = server.log()[log_size:]
    assert "Traceback" not in log, log[-3000:]
    assert log.count("Database unavailable: GET /artifacts/ answered 503") == 1
    # Connections are checked before use: the first request after the restart is served.
    assert fetch(server.url + "/artifacts/").status == 200
    assert public_count(server) == before
    assert artifact_count(server) == total
    assert fetch(server.url + "/health/ready").status == 200


def test_a_cache_outage_degrades_to_no_cache(stack):
    server, _primary, redis = stack
    assert fetch(server.url + "/artifacts/").status == 200  # the cache filled
    log_size = len(server.log())
    redis.stop()
    try:
        for path in ("/", "/artifacts/", "/uk/artifacts/", "/api/artifacts/", "/transparency/"):
            assert fetch(server.url + path).status == 200, path
        # Search by picture counts searches in the cache: uncounted, not refused or failed.
        body, content_type = multipart("image", "photo.jpg", image_bytes(size=(64, 48)))
        for _ in range(3):
            found = fetch(server.url + "/api/photos/similar/", headers={"Content-Type": content_type}, data=body)
            assert found.status == 200, found.text[:300]
        ready = fetch(server.url + "/health/ready")
        assert ready.status == 200 and ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["cache"] == "unavailable"
        # A write moves the data's generation (artifacts.caching) with the cache away.
        written = server.manage(
            "import_artifacts", str(EXAMPLES / "example.json"), "--photos", str(EXAMPLES / "photos"), "--no-progress"
        )
        assert written.returncode == 0, written.stdout + written.stderr
    finally:
        redis.start()
    log = server.log()[log_size:]
    assert "Traceback" not in log, log[-3000:]
    assert fetch(server.url + "/health/ready").json()["status"] == "ok"
    assert fetch(server.url + "/artifacts/").status == 200


def test_an_import_cut_off_by_the_outage_says_so(stack):
    """The database stops while an import is writing: exit status 3, nothing written,
    and no word of the file having problems."""
    server, primary, _redis = stack
    rows = json.loads((EXAMPLES / "example.json").read_text())
    rows = [
        {**{k: v for k, v in rows[i % len(rows)].items() if k != "photos"}, "title": f"Outage row {i}"}
        for i in range(1500)
    ]
    big = server.workdir / "big.json"
    big.write_text(json.dumps(rows))
    before = artifact_count(server)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_artifacts", str(big), "--no-progress"],
        cwd=ROOT,
        env=server.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            writing = primary.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = 'archive' AND query ILIKE 'INSERT%'"
            )[0][0]
            if writing:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the import finished before the outage"
        primary.stop("immediate")
        out, err = process.communicate(timeout=60)
    finally:
        if not primary.is_running():
            primary.start()
    assert process.returncode == 3, out + err
    assert "fix the" not in out + err and "not at fault" in err and "Traceback" not in err
    assert artifact_count(server) == before


def test_a_locked_sqlite_file_answers_503(tmp_path):
    """SQLite: a file another process holds locked is waited for DATABASE_CONNECT_TIMEOUT,
    then the request answers 503; once released, pages come back."""
    database = tmp_path / "archive.sqlite3"
    url = f"sqlite:///{database}"
    migrate_and_load(url, tmp_path)
    manage(url, tmp_path, "check")
    with archive_server(url, tmp_path, {"DATABASE_CONNECT_TIMEOUT": "1"}) as server:
        assert fetch(server.url + "/artifacts/").status == 200
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        try:
            page = fetch(server.url + "/artifacts/")
            assert page.status == 503 and page.headers["retry-after"] == "30", page.text[:300]
            assert page.seconds < 10
        finally:
            holder.rollback()
            holder.close()
        assert fetch(server.url + "/artifacts/").status == 200
        assert "Traceback" not in server.log()
