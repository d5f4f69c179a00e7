"""Throwaway PostgreSQL clusters for the replica tests: a primary and hot standbys of it.

Every cluster lives in one temporary directory, listens on a free port of 127.0.0.1 and
on a socket in that directory, logs every statement with its database's name, and is
stopped and removed afterwards; the machine's own PostgreSQL is never touched.
PostgreSQL refuses to run as root, so when the tests run as root its programs run as the
`postgres` account (runuser), which is given the directory.

    with Workspace() as space:
        primary = space.primary()
        primary.create_database("archive")
        …migrate and load it…
        standby = space.standby(primary)
"""

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.browser_server import (
    ArchiveInstance,
    _archive_env,
    _free_port,
    _manage,
    runserver,
)

# Fast and disposable: nothing here must survive a crash. Every statement is logged with
# the database it ran in, which is how the tests tell which server answered.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "shared_buffers": "32MB",
    "max_connections": "60",
    "max_wal_senders": "4",
    "log_statement": "'all'",
    "log_line_prefix": "'[%d] '",
    "log_min_messages": "warning",
}
_ENTRY = re.compile(r"^\[(?P<db>[^\]]*)\] (?P<level>[A-Z]+):  (?P<text>.*)$")


class ClusterError(RuntimeError):
    pass


def pg_bindir() -> Path | None:
    """Where initdb, pg_ctl and pg_basebackup are: PG_BINDIR, else pg_config's answer,
    else the newest /usr/lib/postgresql/*/bin (Debian's layout)."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(result.stdout.strip()))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    candidates.extend(versions)
    return next((path for path in candidates if (path / "initdb").is_file() and (path / "pg_ctl").is_file()), None)


class Cluster:
    def __init__(self, space: "Workspace", name: str):
        self.space = space
        self.name = name
        self.data = space.directory / name
        self.log = space.directory / f"{name}.log"
        self.port = _free_port()

    def url(self, database: str = "archive") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, **settings: str) -> None:
        """Start the server, with `settings` (or, started again, those it had before)."""
        self.settings = settings or getattr(self, "settings", {})
        options = [f"-p {self.port}", f"-c unix_socket_directories={self.space.directory}"]
        options += [f"-c {key}={value}" for key, value in self.settings.items()]
        self.space.run("pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", self.log, "-o", " ".join(options))

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; `immediate` is a crash as far as its clients can tell."""
        self.space.run("pg_ctl", "stop", "-w", "-m", mode, "-D", self.data)

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True)

    def query(self, sql: str, database: str = "postgres"):
        with self.connect(database) as connection:
            return connection.execute(sql).fetchall()

    def flush_wal(self) -> None:
        """Send standbys all the WAL written so far, including that of transactions still
        open: a transaction that commits synchronously flushes everything before it."""
        with self.connect() as connection:
            connection.execute("SET synchronous_commit = on")
            connection.execute("SELECT pg_current_xact_id()")

    def create_database(self, name: str) -> str:
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    # The statement log.

    def log_size(self) -> int:
        return self.log.stat().st_size

    def statements(self, since: int = 0, database: str = "archive") -> list[str]:
        """The statements run in `database` since the log had `since` bytes."""
        with self.log.open("rb") as handle:
            handle.seek(since)
            text = handle.read().decode("utf-8", "replace")
        found, current = [], None
        for line in text.splitlines():
            entry = _ENTRY.match(line)
            if entry:
                current = None
                if entry["db"] == database and entry["level"] == "LOG" and entry["text"].startswith("statement: "):
                    current = len(found)
                    found.append(entry["text"][len("statement: ") :])
            elif current is not None:
                found[current] += "\n" + line  # a statement's further lines
        return found


class Workspace:
    """A temporary directory holding clusters; leaving it stops them and removes it."""

    def __init__(self):
        self.bindir = pg_bindir()
        if self.bindir is None:
            raise ClusterError(
                "The replica tests start PostgreSQL clusters of their own and need its server programs "
                "(initdb, pg_ctl, pg_basebackup): install them (Debian: apt-get install postgresql) "
                "or point PG_BINDIR at their directory."
            )
        self.as_postgres = os.geteuid() == 0
        self.directory = Path(tempfile.mkdtemp(prefix="archive-replicas-"))
        if self.as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        self.clusters: list[Cluster] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        for cluster in reversed(self.clusters):
            if cluster.is_running():
                self.run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", cluster.data, check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    def run(self, program: str, *args, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *map(str, args)]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command,
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise ClusterError(f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return result

    def primary(self, name: str = "primary") -> Cluster:
        cluster = Cluster(self, name)
        self.run("initdb", "-D", cluster.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        with (cluster.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in SETTINGS.items())
        self.clusters.append(cluster)
        cluster.start()
        return cluster

    def standby(self, primary: Cluster, name: str = "standby", **settings: str) -> Cluster:
        """A hot standby streaming from `primary` (pg_basebackup -R: a copy of its data and
        the settings to follow it), running and caught up when this returns. `settings`
        are passed to the server, e.g. recovery_min_apply_delay="60s"."""
        cluster = Cluster(self, name)
        self.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", primary.port, "-U", "postgres"),
            *("-D", cluster.data, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
        )
        self.clusters.append(cluster)
        cluster.start(**settings)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            streaming = primary.query("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")[0][0]
            if streaming and cluster.query("SELECT pg_is_in_recovery()")[0][0]:
                return cluster
            time.sleep(0.1)
        raise ClusterError(f"The standby did not start streaming from the primary:\n{cluster.log.read_text()}")


@dataclass
class Server(ArchiveInstance):
    log_path: Path | None = None

    def log(self) -> str:
        """What the server has written so far (warnings, the requests it served)."""
        return self.log_path.read_text()


def manage(database_url: str, workdir: Path, *args: str) -> None:
    """Run a management command on `database_url`; its output goes to a log in workdir."""
    _manage(list(args), _archive_env(database_url, workdir, None), workdir / f"{args[0]}.log")


def migrate_and_load(database_url: str, workdir: Path) -> None:
    """The archive's schema and demo collection in `database_url` (media under workdir)."""
    manage(database_url, workdir, "migrate", "--noinput")
    manage(database_url, workdir, "load_demo")


@contextmanager
def archive_server(database_url: str, workdir: Path, extra_env: dict | None = None):
    """The archive served by runserver on a free port, on `database_url` (already migrated),
    with `extra_env` (DATABASE_REPLICA_URLS, …); yields a Server."""
    env = _archive_env(database_url, workdir, extra_env)
    log = Path(tempfile.mkstemp(prefix="server-", suffix=".log", dir=workdir)[1])
    with runserver(env, log, "/robots.txt") as base_url:
        yield Server(url=base_url, env=env, workdir=workdir, log_path=log)
