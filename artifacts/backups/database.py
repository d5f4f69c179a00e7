"""Taking and restoring the database, on SQLite and on PostgreSQL.

SQLite: its online backup API copies every page, those still in the write-ahead log
included, under one read transaction, so curators keep writing meanwhile; a plain file
copy would miss what the log has not yet checkpointed. PostgreSQL: pg_dump in the custom
format, in a snapshot exported by a transaction of the archive's own, which also reads
the counts and the head the backup records, so that they describe the dump exactly.
The connection settings are Django's; the password goes to pg_dump and pg_restore in
their environment (PGPASSWORD), never on a command line other users can see.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.db import InterfaceError, OperationalError, connections, transaction

from artifacts.backups import FAILED, UNREACHABLE, BackupError

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Words of libpq's and the server's messages when the connection is the problem.
CONNECTION_WORDS = (
    "connection to server",
    "could not connect",
    "server closed the connection",
    "terminating connection",
)
SNAPSHOT_ALIAS = "backup_snapshot"


def unreachable(exc: Exception) -> BackupError:
    return BackupError(
        f"The database cannot be reached ({str(exc).strip() or type(exc).__name__}). Nothing was written; "
        "run the command again once the database is back.",
        UNREACHABLE,
    )


def ensure_reachable(using: str = "default") -> None:
    try:
        connections[using].ensure_connection()
    except DATABASE_ERRORS as exc:
        raise unreachable(exc) from None


def is_empty(using: str = "default") -> bool:
    with connections[using].cursor() as cursor:
        return not connections[using].introspection.table_names(cursor)


# SQLite.


def sqlite_backup(target: Path, using: str = "default") -> None:
    """Copy the configured SQLite database to `target`, a file of its own (no -wal)."""
    name = connections[using].settings_dict["NAME"]
    try:
        source = sqlite3.connect(f"file:{name}?mode=ro", uri=True, timeout=30)  # never creates a file
    except sqlite3.Error as exc:
        raise unreachable(exc) from None
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    except sqlite3.OperationalError as exc:
        raise unreachable(exc) from None
    finally:
        source.close()


def sqlite_restore(source: Path, using: str = "default") -> None:
    """Write the backup's pages into the configured (empty) SQLite database."""
    connections[using].close()
    name = connections[using].settings_dict["NAME"]
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(name, timeout=30)
        try:
            backup.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source.name} is not a readable SQLite database ({exc}).", FAILED) from None
    finally:
        backup.close()


@contextmanager
def sqlite_copy(path: Path):
    """The SQLite file at `path` as a read-only database alias, for the ORM to read."""
    base = connections.settings["default"]
    connections.settings[SNAPSHOT_ALIAS] = {**base, "NAME": f"file:{path}?mode=ro", "OPTIONS": {}, "TEST": {}}
    try:
        yield SNAPSHOT_ALIAS
    finally:
        connections[SNAPSHOT_ALIAS].close()
        del connections[SNAPSHOT_ALIAS]
        del connections.settings[SNAPSHOT_ALIAS]


# PostgreSQL.

_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def _libpq_environment(settings: dict) -> dict:
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    for option, variable in _LIBPQ_OPTIONS.items():
        if settings.get("OPTIONS", {}).get(option):
            env[variable] = str(settings["OPTIONS"][option])
    env["PGDATABASE"] = settings["NAME"]
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs, of the server's version or newer "
            "(Debian: apt-get install postgresql-client).",
            FAILED,
        )
    return found


def _run(command: list[str], settings: dict) -> None:
    result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        command,
        env=_libpq_environment(settings),
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        said = result.stderr.strip() or result.stdout.strip()
        if any(words in said for words in CONNECTION_WORDS):
            raise unreachable(OperationalError(said))
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {said}", FAILED)


@contextmanager
def postgres_snapshot(using: str = "default"):
    """A repeatable-read transaction whose snapshot pg_dump shares; yields its id. The ORM's
    reads on `using` inside the block see exactly what the dump holds."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor.fetchone()[0]


def postgres_dump(target: Path, snapshot: str, using: str = "default") -> None:
    command = [_program("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"]
    _run(command, connections[using].settings_dict)


def postgres_restore(source: Path, using: str = "default") -> None:
    """pg_restore into the (empty) configured database, in one transaction: a failure
    leaves it empty. Extensions (RUM) come back as the dump has them; owners and grants
    are the restoring account's."""
    connections[using].close()
    settings = connections[using].settings_dict
    command = [_program("pg_restore"), "--no-password", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", f"--dbname={settings['NAME']}", str(source)]
    _run(command, settings)
