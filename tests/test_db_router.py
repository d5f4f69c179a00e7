"""Read replicas: their settings, who may read from one, and what happens when one fails.

These run in both database passes, without a standby: a replica's settings are checked
as an operator writes them, the routing decisions on real requests, and failures on real
sockets (a port nobody listens on, a server that hangs up). tests/test_replicas.py runs
the archive on a real hot standby.
"""

import json
import socket
import threading
import time

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.utils import load_backend
from django.test import RequestFactory

from artifacts.models import Artifact
from artifacts.replicas import state
from artifacts.replicas.config import pooled, replica_databases
from artifacts.replicas.middleware import STICKY_COOKIE, STICKY_SALT, may_use_replica, wrote_lately
from artifacts.replicas.router import ReplicaRouter
from artifacts.replicas.state import RequestRouting, is_write
from tests.test_settings import run_django

POSTGRES = "django.db.backends.postgresql"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def primary(**changes) -> dict:
    """A PostgreSQL primary's settings as artifacts/settings.py makes them."""
    database = {
        "ENGINE": POSTGRES,
        "NAME": "archive",
        "USER": "archive",
        "PASSWORD": "s3cret-password",
        "HOST": "db.example.org",
        "PORT": 5432,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"options": "-c random_page_cost=1.1 -c work_mem=8MB -c hash_mem_multiplier=1 -c jit=off"},
    }
    database.update(changes)
    return database


# Settings, as an operator writes them.


def test_a_replica_gets_the_primarys_options_accounts_and_database():
    replicas = replica_databases(primary(), ["postgres://standby.example.org"], connect_timeout=2)
    replica = replicas["replica_1"]
    assert replica["HOST"] == "standby.example.org"
    assert (replica["NAME"], replica["USER"], replica["PASSWORD"], replica["PORT"]) == (
        "archive",
        "archive",
        "s3cret-password",
        5432,
    )
    assert replica["OPTIONS"]["options"] == primary()["OPTIONS"]["options"]  # plans queries the same way
    assert replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["CONN_MAX_AGE"] == 60
    assert replica["TEST"] == {"MIRROR": "default"}


def test_each_url_is_a_replica_and_its_own_parts_win():
    urls = ["postgres://reader:pw@standby-1:5433/archive?sslmode=require", "postgres://standby-2"]
    replicas = replica_databases(primary(), urls, connect_timeout=3)
    assert list(replicas) == ["replica_1", "replica_2"]
    first = replicas["replica_1"]
    assert (first["USER"], first["PASSWORD"], first["HOST"], first["PORT"]) == ("reader", "pw", "standby-1", 5433)
    assert first["OPTIONS"]["sslmode"] == "require"
    assert replicas["replica_2"]["OPTIONS"]["connect_timeout"] == 3
    assert "sslmode" not in replicas["replica_2"]["OPTIONS"]


def test_a_pooled_primary_gives_its_replicas_a_pool_that_waits_no_longer_than_a_connection():
    database = primary(CONN_MAX_AGE=0)
    pooled(database, max_size=4, timeout=10, conn_max_age=0)
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10}
    replica = replica_databases(database, ["postgres://standby"], connect_timeout=2)["replica_1"]
    assert replica["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 2}
    assert database["OPTIONS"]["pool"]["timeout"] == 10  # the primary's own is untouched


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: replica_databases(
                {"ENGINE": "django.db.backends.sqlite3"}, ["postgres://standby"], connect_timeout=2
            ),
            "the primary database (DATABASE_URL) is not PostgreSQL",
        ),
        (
            lambda: replica_databases(primary(), ["postgres://standby", "mysql://u:hunter22@h/db"], connect_timeout=2),
            "DATABASE_REPLICA_URLS, entry 2, must be a postgres:// URL",
        ),
        (
            lambda: replica_databases(primary(), ["https://u:hunter22@standby/"], connect_timeout=2),
            "DATABASE_REPLICA_URLS, entry 1, must be a postgres:// URL",
        ),
        (
            lambda: replica_databases(primary(), ["postgres://u:hunter22@standby:port/db"], connect_timeout=2),
            "DATABASE_REPLICA_URLS, entry 1, is not a valid URL",
        ),
        (
            lambda: replica_databases(primary(), ["postgres://db.example.org:5432/archive"], connect_timeout=2),
            "names the primary's own server",
        ),
        (
            lambda: replica_databases(primary(), ["postgres://standby"], connect_timeout=0),
            "DATABASE_REPLICA_CONNECT_TIMEOUT must be 1 or more seconds",
        ),
        (
            lambda: pooled(primary(), max_size=4, timeout=10, conn_max_age=60),
            "set DJANGO_CONN_MAX_AGE to 0 or leave it unset (it is 60)",
        ),
        (
            lambda: pooled(primary(), max_size=0, timeout=10, conn_max_age=0),
            "DJANGO_DB_POOL_MAX_SIZE must be 1 or more",
        ),
    ],
)
def test_settings_that_cannot_work_are_refused_with_a_message_that_keeps_passwords_out(call, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        call()
    assert message in str(refused.value)
    assert "hunter22" not in str(refused.value)


def test_start_up_refuses_replicas_of_sqlite_with_the_reason():
    result = run_django(["manage.py", "check"], DJANGO_DEBUG="1", DATABASE_REPLICA_URLS="postgres://standby")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS is set, but the primary database (DATABASE_URL) is not PostgreSQL" in result.stderr


def test_start_up_makes_one_alias_per_replica_and_pools_only_when_asked():
    show = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.DATABASE_REPLICAS, "
        "[settings.DATABASES[a]['OPTIONS'].get('pool') for a in ['default', *settings.DATABASE_REPLICAS]]]))"
    )
    env = {"DATABASE_URL": "postgres://archive@db/archive", "DATABASE_REPLICA_URLS": "postgres://r1, postgres://r2"}
    assert run_django(["-c", show], **env).stdout.strip() == '[["replica_1", "replica_2"], [null, null, null]]'
    aliases, pools = json.loads(run_django(["-c", show], **env, DJANGO_DB_POOL="1").stdout)
    assert aliases == ["replica_1", "replica_2"]
    assert pools == [{"min_size": 2, "max_size": 4, "timeout": 10}] + [{"min_size": 2, "max_size": 4, "timeout": 2}] * 2
    assert run_django(["-c", show], DJANGO_DEBUG="1").stdout.strip() == "[[], [null]]"


# Without replicas (SQLite, or one PostgreSQL server) nothing changes.


@pytest.mark.django_db
def test_without_replicas_the_router_has_no_opinion_and_no_cookie_is_set(client, researcher):
    router = ReplicaRouter()
    assert router.db_for_read(Artifact) is None
    assert router.db_for_write(Artifact) is None
    assert router.allow_migrate("default", "artifacts") is None
    response = client.post("/accounts/login/", {"username": "researcher", "password": PASSWORD})
    assert response.status_code == 302
    assert STICKY_COOKIE not in response.cookies
    assert client.get("/artifacts/").status_code == 200


# Who may read from a replica.


def _request(path="/artifacts/", method="get", user=None, cookie=None):
    request = getattr(RequestFactory(), method)(path)
    if cookie is not None:
        request.COOKIES[STICKY_COOKIE] = cookie
    if user is not None:
        request.user = user
    return request


def _sticky_cookie(seconds_ago: int = 0) -> str:
    signer = signing.get_cookie_signer(salt=STICKY_COOKIE + STICKY_SALT)
    # TimestampSigner.sign stamps the present; Signer.sign keeps the moment given here.
    return signing.Signer.sign(signer, f"1:{signing.b62_encode(int(time.time()) - seconds_ago)}")


@pytest.mark.parametrize(
    ("request_kwargs", "allowed"),
    [
        ({}, True),
        ({"path": "/uk/artifacts/BFA-2025-0001/"}, True),
        ({"path": "/api/artifacts/", "method": "head"}, True),
        ({"method": "post"}, False),
        ({"path": "/admin/artifacts/artifact/"}, False),
        ({"path": "/uk/admin/"}, False),
        ({"cookie": "1"}, True),  # not signed: ignored
        ({"cookie": "forged:AAAA:bad-signature"}, True),
    ],
)
def test_what_a_request_allows(request_kwargs, allowed):
    assert may_use_replica(_request(**request_kwargs)) is allowed


def test_a_browser_reads_from_the_primary_for_the_sticky_window_after_it_wrote(settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 10
    assert wrote_lately(_request(cookie=_sticky_cookie(seconds_ago=3)))
    assert not may_use_replica(_request(cookie=_sticky_cookie(seconds_ago=3)))
    assert not wrote_lately(_request(cookie=_sticky_cookie(seconds_ago=30)))
    assert may_use_replica(_request(cookie=_sticky_cookie(seconds_ago=30)))


# Choosing a replica, on real sockets.


class HangingUp:
    """A server on 127.0.0.1 that accepts connections and closes them at once: a replica
    that is there but broken. Counts the connections it was offered."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            client.close()

    def close(self):
        self.socket.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def replicas(db, settings):
    """Replica aliases added while the test runs, at addresses the test chooses. They are
    connections made at run time, which Django's test case lets connect (a DATABASES entry
    it has not been told about would be refused)."""
    added = []
    settings.DATABASE_REPLICA_RETRY_SECONDS = 5

    def add(address: str) -> str:
        alias = f"replica_test_{len(added) + 1}"
        config = replica_databases(primary(CONN_MAX_AGE=0), [f"postgres://{address}"], connect_timeout=2)["replica_1"]
        # Django's defaults for the settings left out (it wants 'default' beside them).
        config = connections.configure_settings({"default": connections.settings["default"], alias: config})[alias]
        setattr(connections._connections, alias, load_backend(config["ENGINE"]).DatabaseWrapper(config, alias))
        added.append(alias)
        settings.DATABASE_REPLICAS = list(added)
        return alias

    yield add
    for alias in added:
        connections[alias].close()
        delattr(connections._connections, alias)
    state.forget_failures()


@pytest.fixture
def hanging_up():
    server = HangingUp()
    yield server
    server.close()


def test_a_replica_that_refuses_is_skipped_and_left_alone_for_a_while(replicas, caplog):
    refusing = replicas(f"127.0.0.1:{_closed_port()}")
    assert RequestRouting(True).replica() is None  # the primary
    assert state.is_down(refusing)
    assert "Read replica replica_test_1 failed (connection failed" in caplog.text


def test_a_failed_replica_is_not_tried_again_until_its_time(replicas, hanging_up, settings):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0.3
    broken = replicas(f"127.0.0.1:{hanging_up.port}")
    assert RequestRouting(True).replica() is None
    assert hanging_up.accepted == 1
    for _ in range(5):
        assert RequestRouting(True).replica() is None
    assert hanging_up.accepted == 1  # the next requests paid no connection attempt
    time.sleep(0.35)
    assert RequestRouting(True).replica() is None
    assert hanging_up.accepted == 2
    assert state.is_down(broken)


def test_staff_and_requests_that_wrote_never_try_a_replica(replicas, hanging_up, staff_user, researcher):
    replicas(f"127.0.0.1:{hanging_up.port}")
    staff = RequestRouting(True, request=_request(user=staff_user))
    assert staff.replica() is None
    wrote = RequestRouting(True, request=_request(user=researcher))
    wrote.watch_primary(lambda *args: None, "INSERT INTO artifacts_source (title) VALUES (%s)", ["x"], False, {})
    assert wrote.wrote and wrote.replica() is None
    assert hanging_up.accepted == 0
    assert RequestRouting(True, request=_request(user=researcher)).replica() is None
    assert hanging_up.accepted == 1  # a researcher's reads do try it


def test_reads_outside_a_request_or_inside_a_transaction_go_to_the_primary(replicas, hanging_up):
    replicas(f"127.0.0.1:{hanging_up.port}")
    router = ReplicaRouter()
    assert router.db_for_read(Artifact) == "default"  # no request: a command, the shell
    token = state.activate(RequestRouting(True))
    try:
        # pytest-django holds each test in a transaction on the primary, as a service
        # that reads what it is changing would.
        assert connections["default"].in_atomic_block
        assert router.db_for_read(Artifact) == "default"
    finally:
        state.deactivate(token)
    assert hanging_up.accepted == 0
    assert router.db_for_write(Artifact) == "default"
    assert router.allow_migrate("replica_test_1", "artifacts") is False


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="needs a PostgreSQL server that answers, as the primary"
)
def test_a_replica_that_answers_is_chosen_and_one_that_hangs_up_is_not(replicas, hanging_up):
    default = connections["default"].settings_dict
    # The test database's own server under another name, standing in for a standby.
    answering = replicas(f"{default['USER'] or 'postgres'}@localhost:{default['PORT'] or 5432}/{default['NAME']}")
    broken = replicas(f"127.0.0.1:{hanging_up.port}")
    chosen = {RequestRouting(True).replica() for _ in range(10)}
    assert chosen == {answering}
    assert state.is_down(broken) and not state.is_down(answering)


@pytest.mark.django_db
def test_a_write_in_a_request_keeps_the_browser_on_the_primary_for_a_while(client, researcher, replicas, hanging_up):
    replicas(f"127.0.0.1:{hanging_up.port}")
    assert STICKY_COOKIE not in client.get("/artifacts/").cookies  # reading writes nothing
    response = client.post("/accounts/login/", {"username": "researcher", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[STICKY_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 10
    assert not may_use_replica(_request(cookie=cookie.value))


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "artifacts_artifact"."id" FROM "artifacts_artifact"', False),
        (" (SELECT 1) UNION (SELECT 2)", False),
        ("WITH recent AS (SELECT updated_at FROM t) SELECT * FROM recent", False),
        ("SELECT id FROM artifacts_artifact FOR UPDATE", False),
        ("EXPLAIN (FORMAT JSON) SELECT 1", False),
        ("SAVEPOINT s1", False),
        ('INSERT INTO "django_session" VALUES (%s)', True),
        ('update "artifacts_source" set title = %s', True),
        ("DELETE FROM artifacts_photo", True),
        ("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved", True),
        ("SELECT pg_advisory_xact_lock(1)", False),
        ("TRUNCATE artifacts_logleaf", True),
        (b"INSERT INTO t VALUES (1)", True),
    ],
)
def test_which_statements_count_as_writes(sql, writes):
    assert is_write(sql) is writes
