"""Run the archive in a subprocess, on a database of its own, for browser tests.

Why a subprocess: custody events are append-only (database triggers refuse DELETE), so
the test database cannot be flushed the way `live_server` needs. The server therefore
gets a fresh database — a temporary SQLite file, or, when DATABASE_URL points at
PostgreSQL, a temporary database created next to it — migrated and loaded with the
demo collection, and everything is removed afterwards. The migrated database, and the
migrated and loaded one, are made once per test process and copied for each archive (a
file copy, or PostgreSQL's CREATE DATABASE … TEMPLATE); an archive with settings of its own
that loading depends on copies the migrated one and loads the demo with its settings.
"""

import atexit
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60  # seconds for the server to answer its first request


class ServerError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_admin(config: dict):
    """An autocommit connection to the server's maintenance database."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )


@contextmanager
def temporary_database(workdir: Path):
    """Yield a DATABASE_URL for an empty database that is removed on exit."""
    base_url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(base_url) if base_url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        yield f"sqlite:///{workdir / 'archive.sqlite3'}"
        return
    from psycopg import sql

    name = f"archive_browser_{secrets.token_hex(4)}"
    with _postgres_admin(config) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(base_url)._replace(path="/" + name))
    finally:
        with _postgres_admin(config) as conn:
            # FORCE: the server process may still hold pooled connections (PostgreSQL 13+).
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run_manage(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a management command of this checkout in `env` (its database and settings);
    the caller reads its output and exit status."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _manage(args: list[str], env: dict, log: Path) -> None:
    result = run_manage(env, *args)
    log.write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise ServerError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"The server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (a URL we built, on 127.0.0.1)
                return
        except urllib.error.HTTPError:
            return  # it answers; the test decides whether the answer is right
        except OSError:
            time.sleep(0.2)
    raise ServerError(f"The server did not answer {url} within {START_TIMEOUT} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class ArchiveInstance:
    """A running archive: its base URL (no trailing slash), and manage.py on its database."""

    url: str
    env: dict
    workdir: Path

    def manage(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        """Run a management command in the server's environment (same database, same
        settings); the caller reads its output and exit status."""
        return run_manage(self.env, *args, timeout=timeout)

    def shell_json(self, script: str):
        """Run `script` in `manage.py shell` and read the JSON its last printed line holds."""
        result = self.manage("shell", "-c", script)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])


def collect_errors(page) -> list[str]:
    """The page's script errors and console errors, as they happen (a script or style the
    Content-Security-Policy refuses shows there). The browser's own request for
    /favicon.ico is no page's doing and is left out."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "favicon.ico" not in message.location.get("url", "")
            and errors.append(f"{message.text} {message.location.get('url')}")
        ),
    )
    return errors


def _archive_env(database_url: str, workdir: Path, extra_env: dict | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="artifacts.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        DJANGO_STATIC_ROOT=str(workdir / "static"),
    )
    env.update(extra_env or {})
    return env


_TEMPLATES: dict = {}


def _template(kind: str) -> tuple[str, Path]:
    """A database made once per test process, with its media folder, for archives to copy:
    "migrated" holds what the migrations write; "demo" adds the demo collection, for
    archives with no settings of their own. Migrating takes ten seconds and loading the
    demo four, a copy milliseconds. Removed when the process ends."""
    if kind not in _TEMPLATES:
        workdir = Path(tempfile.mkdtemp(prefix=f"archive-{kind}-"))
        stack = ExitStack()
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        atexit.register(stack.close)  # runs first: the database goes before its folder
        if kind == "migrated":
            database_url = stack.enter_context(temporary_database(workdir))
            _manage(["migrate", "--noinput"], _archive_env(database_url, workdir, None), workdir / "migrate.log")
        else:
            source_url, _media = _template("migrated")
            database_url = stack.enter_context(_copy_of(source_url, workdir))
            _manage(["load_demo"], _archive_env(database_url, workdir, None), workdir / "load_demo.log")
        _TEMPLATES[kind] = (database_url, workdir / "media")
    return _TEMPLATES[kind]


@contextmanager
def _copy_of(template_url: str, workdir: Path):
    """A database of its own holding what the template holds, removed on exit."""
    config = dj_database_url.parse(template_url)
    if config.get("ENGINE") != "django.db.backends.postgresql":
        source = Path(config["NAME"])
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy(f"{source}{suffix}", workdir / f"archive.sqlite3{suffix}")
        yield f"sqlite:///{workdir / 'archive.sqlite3'}"
        return
    from psycopg import sql

    name = f"archive_browser_{secrets.token_hex(4)}"
    with _postgres_admin(config) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(config["NAME"]))
        )
    try:
        yield urlunsplit(urlsplit(template_url)._replace(path="/" + name))
    finally:
        with _postgres_admin(config) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def _demo_database(workdir: Path, extra_env: dict | None):
    """The demo archive's database for one instance: a copy of the demo template, or, when
    the instance has settings of its own (a signing key, a log origin), which loading the
    demo depends on, a copy of the migrated template loaded with those settings."""
    template_url, media = _template("migrated" if extra_env else "demo")
    if media.exists():
        shutil.copytree(media, workdir / "media")
    with _copy_of(template_url, workdir) as database_url:
        if extra_env:
            _manage(["load_demo"], _archive_env(database_url, workdir, extra_env), workdir / "load_demo.log")
        yield database_url


@contextmanager
def runserver(env: dict, log: Path, ready_path: str = "/"):
    """`manage.py runserver` on a free port with `env`, its output in `log`; yields its
    base URL once `ready_path` answers, and stops it afterwards."""
    port = _free_port()
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_answering(base_url + ready_path, process, log)
            yield base_url
        finally:
            _stop(process)


@contextmanager
def archive_instance(extra_env: dict | None = None):
    """Yield an ArchiveInstance loaded with the demo data. `extra_env` adds settings, e.g.
    ARCHIVE_SIGNING_KEY_FILE or ARCHIVE_LOG_ORIGIN, for the server and its commands."""
    workdir = Path(tempfile.mkdtemp(prefix="archive-browser-"))
    try:
        with _demo_database(workdir, extra_env) as database_url:
            env = _archive_env(database_url, workdir, extra_env)
            with runserver(env, workdir / "server.log") as base_url:
                yield ArchiveInstance(url=base_url, env=env, workdir=workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def running_archive(extra_env: dict | None = None):
    """Yield the base URL (no trailing slash) of an archive loaded with the demo data."""
    with archive_instance(extra_env) as instance:
        yield instance.url
