"""The archive on a real PostgreSQL hot standby: which server answers whom, and what a
reader sees when the standby lags or stops.

A throwaway primary (migrated, with the demo collection) and a standby made from it by
pg_basebackup run on free ports (tests/standby.py); the archive runs in a subprocess
with DATABASE_URL on the primary and DATABASE_REPLICA_URLS on the standby. Both servers
log every statement, which is how a test tells who answered. The standby applies the
primary's changes 60 s late (recovery_min_apply_delay), so that what a reader sees tells
which server answered too.

These start PostgreSQL servers of their own and run once, not in each database pass of
`make test`: `make test-replicas` runs them (ARCHIVE_REPLICA_TESTS=1).
"""

import html
import os
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar

import pytest

if os.environ.get("ARCHIVE_REPLICA_TESTS") != "1":
    pytest.skip(
        "the replica tests start PostgreSQL clusters of their own: run them with `make test-replicas`",
        allow_module_level=True,
    )

from tests.standby import Workspace, archive_server, manage, migrate_and_load  # noqa: E402

STICKY_SECONDS = 2
RETRY_SECONDS = 1
APPLY_DELAY = "60s"
PASSWORD = "replica-tests-" + secrets.token_hex(8)
USERS = f"""
from django.contrib.auth.models import Group, User
User.objects.create_superuser("curator", "curator@example.org", "{PASSWORD}")
researcher = User.objects.create_user("researcher", "researcher@example.org", "{PASSWORD}")
researcher.groups.add(Group.objects.get(name="Researcher"))
"""


@dataclass
class Page:
    status: int
    text: str


class Browser:
    """One browser: its cookies, the pages it asks for and the forms it sends."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request) -> Page:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Page(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.read().decode(errors="replace"))

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310 (http on 127.0.0.1)

    def post(self, path: str, fields: dict) -> Page:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookie("csrftoken")}, doseq=True)
        request = urllib.request.Request(self.base_url + path, data=data.encode(), method="POST")  # noqa: S310
        request.add_header("Referer", self.base_url + path)
        return self._open(request)

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def sign_in(self, username: str, path: str = "/accounts/login/") -> None:
        self.get(path)  # the CSRF cookie
        page = self.post(path, {"username": username, "password": PASSWORD})
        assert page.status == 200 and self.cookie("sessionid"), page.text[:500]


class FormFields(HTMLParser):
    """The values a browser would send for the form with `form_id` (text fields, hidden
    fields, ticked boxes, chosen options, text areas)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields.append((self._textarea, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)


def form_fields(page: Page, form_id: str) -> dict:
    parser = FormFields(form_id)
    parser.feed(page.text)
    fields = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(html.unescape(value))
    return fields


@pytest.fixture(scope="module")
def replicated():
    """A primary with the demo collection and two accounts, a standby 60 s behind it, and
    the archive reading from the standby."""
    with Workspace() as space:
        primary = space.primary()
        database_url = primary.create_database("archive")
        migrate_and_load(database_url, space.directory)
        manage(database_url, space.directory, "shell", "-c", USERS)
        standby = space.standby(primary, recovery_min_apply_delay=APPLY_DELAY)
        env = replica_env(standby)
        with archive_server(database_url, space.directory, env) as server:
            yield Replicated(space, primary, standby, server.url)


@dataclass
class Replicated:
    space: Workspace
    primary: object
    standby: object
    url: str

    def record(self) -> tuple[str, int, str]:
        """A published record's address, and the id and title of a source it cites."""
        accession, source_id, title = self.primary.query(
            "SELECT a.accession_number, s.id, s.title FROM artifacts_artifact a "
            "JOIN artifacts_sourcecitation c ON c.artifact_id = a.id JOIN artifacts_source s ON s.id = c.source_id "
            "WHERE a.status = 'published' AND a.access_level = 0 ORDER BY a.id LIMIT 1",
            "archive",
        )[0]
        return f"/artifacts/{accession}/", source_id, title

    def reads(self):
        return Reads(self.primary, self.standby)


class Reads:
    """The statements reading the archive's records that each server ran from now on."""

    def __init__(self, primary, standby):
        self.servers = {"primary": primary, "standby": standby}
        self.start = {name: server.log_size() for name, server in self.servers.items()}

    def __getitem__(self, name: str) -> list[str]:
        statements = self.servers[name].statements(self.start[name])
        return [sql for sql in statements if '"artifacts_artifact"' in sql]


def replica_env(standby, **extra) -> dict:
    return {
        "DATABASE_REPLICA_URLS": standby.url(),
        "DATABASE_REPLICA_STICKY_SECONDS": str(STICKY_SECONDS),
        "DATABASE_REPLICA_RETRY_SECONDS": str(RETRY_SECONDS),
        **extra,
    }


def test_visitors_and_researchers_read_the_standby_and_staff_the_primary(replicated):
    record, _, _ = replicated.record()
    visitor = Browser(replicated.url)

    reads = replicated.reads()
    for path in ["/", "/artifacts/", record, "/uk/artifacts/", "/api/artifacts/"]:
        assert visitor.get(path).status == 200, path
    assert reads["standby"] and not reads["primary"]
    # The standby really is a standby.
    assert replicated.standby.query("SELECT pg_is_in_recovery()")[0][0] is True

    researcher = Browser(replicated.url)
    researcher.sign_in("researcher")
    time.sleep(STICKY_SECONDS + 0.5)  # signing in wrote: the next seconds read the primary
    reads = replicated.reads()
    assert researcher.get(record).status == 200
    assert reads["standby"] and not reads["primary"]

    curator = Browser(replicated.url)
    curator.sign_in("curator")
    time.sleep(STICKY_SECONDS + 0.5)
    reads = replicated.reads()
    assert curator.get("/artifacts/").status == 200
    assert curator.get("/admin/artifacts/artifact/").status == 200
    assert reads["primary"] and not reads["standby"]


def test_a_curators_change_is_seen_on_the_next_page_though_the_standby_lags(replicated):
    record, source_id, old_title = replicated.record()
    new_title = f"{old_title} (corrected {secrets.token_hex(3)})"
    change = f"/admin/artifacts/source/{source_id}/change/"

    curator = Browser(replicated.url)
    curator.sign_in("curator", "/admin/login/")
    fields = form_fields(curator.get(change), "source_form")
    fields.update(title=[new_title], _save=["Save"])
    page = curator.post(change, fields)
    assert page.status == 200 and "was changed successfully" in page.text, page.text[:2000]
    assert html.escape(new_title) in curator.get(record).text

    # Signed out, the same browser is an anonymous visitor, and still sees the change:
    # it wrote a moment ago, so it reads from the primary for a few seconds.
    assert curator.post("/admin/logout/", {}).status == 200
    assert curator.cookie("sessionid") is None
    reads = replicated.reads()
    assert html.escape(new_title) in curator.get(record).text
    assert reads["primary"] and not reads["standby"]

    # Another visitor reads the standby, which has not applied the change yet.
    page = Browser(replicated.url).get(record)
    assert html.escape(old_title) in page.text and html.escape(new_title) not in page.text

    # Once the window has passed, so does this browser.
    time.sleep(STICKY_SECONDS + 0.5)
    reads = replicated.reads()
    assert html.escape(new_title) not in curator.get(record).text
    assert reads["standby"] and not reads["primary"]


@pytest.fixture(scope="module")
def live_standby(replicated):
    """A second standby, applying changes as they come, for the tests that crash it."""
    return replicated.space.standby(replicated.primary, name="live-standby")


def _wait_for(condition, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _read_while(url: str, paths: list[str], stop: threading.Event, statuses: list, readers: int = 2):
    """`readers` browsers reading `paths` in turn until `stop` (200 pages each at most)."""

    def read():
        browser = Browser(url)
        for number in range(200):
            if stop.is_set():
                return
            path = paths[number % len(paths)]
            page = browser.get(path)
            statuses.append((path, page.status, page.text[:300] if page.status != 200 else ""))

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.parametrize("pool", [False, True], ids=["persistent-connections", "psycopg-pool"])
def test_a_standby_that_crashes_costs_no_request(replicated, live_standby, pool):
    record, _, title = replicated.record()
    primary, standby = replicated.primary, live_standby
    if not standby.is_running():
        standby.start()
    env = replica_env(standby, DJANGO_DB_POOL="1" if pool else "0", DJANGO_CONN_MAX_AGE="0" if pool else "60")
    with archive_server(primary.url(), replicated.space.directory, env) as server:
        visitor = Browser(server.url)
        reads = Reads(primary, standby)
        assert visitor.get(record).status == 200
        assert reads["standby"] and not reads["primary"]

        # 1. The standby crashes while a page's query runs on it. To hold the query there,
        # the primary locks the records' table: the lock reaches the standby, where the
        # query waits for it; the page is then read again from the primary, which waits
        # until the lock is let go.
        page = {}
        with primary.connect("archive") as locker:
            locker.execute("BEGIN")
            locker.execute("LOCK TABLE artifacts_artifact IN ACCESS EXCLUSIVE MODE")
            primary.flush_wal()
            _wait_for(lambda: _locked_on(standby), "the lock to reach the standby")
            reading = threading.Thread(target=lambda: page.update(response=visitor.get(record)))
            reading.start()
            _wait_for(lambda: _waiting_on(standby), "the page's query to wait on the standby")
            standby.stop("immediate")  # a crash, as far as the archive can tell
            locker.execute("ROLLBACK")
        reading.join(timeout=60)
        assert page["response"].status == 200
        assert html.escape(title) in page["response"].text
        assert "Read replica replica_1 failed" in server.log()

        # 2. Back up, the standby is used again once the archive tries it again.
        standby.start()
        time.sleep(RETRY_SECONDS + 0.5)
        reads = Reads(primary, standby)
        assert visitor.get("/artifacts/").status == 200
        assert reads["standby"] and not reads["primary"]

        # 3. It crashes again while two readers go from page to page.
        paths = ["/artifacts/", record, "/", "/artifacts/?q=helmet", "/api/artifacts/"]
        statuses, stop = [], threading.Event()
        reads = Reads(primary, standby)
        readers = _read_while(server.url, paths, stop, statuses)
        try:
            _wait_for(lambda: len(statuses) >= 15, "the first pages")
            standby.stop("immediate")
            stopped_at = len(statuses)
            _wait_for(lambda: len(statuses) >= stopped_at + 25, "pages after the crash")
        finally:
            stop.set()
            for thread in readers:
                thread.join(timeout=60)
        assert [entry for entry in statuses if entry[1] != 200] == []
        assert reads["standby"] and reads["primary"]


def _locked_on(standby) -> bool:
    sql = (
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = 'artifacts_artifact' AND l.mode = 'AccessExclusiveLock'"
    )
    return standby.query(sql, "archive")[0][0] > 0


def _waiting_on(standby) -> bool:
    sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'archive' AND wait_event_type = 'Lock'"
    return standby.query(sql)[0][0] > 0
