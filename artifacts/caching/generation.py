"""The data generation: watching writes, moving the number on after they commit, and
caching values under it (see the package's docstring for why it works this way)."""

import contextlib
import contextvars
import functools
import hashlib
import logging
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

logger = logging.getLogger("artifacts.caching")

TABLE = "artifacts_datageneration"
# The tables whose rows pages show: the archive's own, and user accounts (a custody
# event names who recorded it). Sessions, sign-in attempts and the admin's log are not.
SHOWN_TABLES = re.compile(r"^(?:artifacts_|auth_user)", re.IGNORECASE)
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)", re.IGNORECASE
)
_TRUNCATE = re.compile(r"^\s*TRUNCATE\b", re.IGNORECASE)

# The generation read in this request, per database alias: one lookup per request, and
# none kept outside requests, where another process may have written in the meantime.
_seen = contextvars.ContextVar("archive_generation_seen", default=None)
_unwatched = contextvars.ContextVar("archive_generation_unwatched", default=False)


def changes_shown_data(sql) -> bool:
    if not isinstance(sql, str):
        sql = str(sql)
    if _TRUNCATE.match(sql):
        return True  # emptying tables (a test's flush) empties the generation's too
    match = _WRITE.match(sql)
    return bool(match) and match.group(1).lower() != TABLE and bool(SHOWN_TABLES.match(match.group(1)))


# One callback object per alias, so that a transaction's pending bump can be recognised
# among its on-commit callbacks (Django drops it there if the transaction rolls back).
@functools.cache
def _after_commit(alias: str):
    return functools.partial(bump, using=alias)


def has_pending_write(alias: str) -> bool:
    """Whether the connection's open transaction has changed shown data, not yet committed."""
    callback = _after_commit(alias)
    return any(entry[1] is callback for entry in connections[alias].run_on_commit)


# While migrations run the table may not exist yet; one bump after them covers their writes.
_migrating = False


@receiver(pre_migrate, dispatch_uid="artifacts.caching.pre_migrate")
def _migration_starts(**kwargs):
    global _migrating
    _migrating = True


@receiver(post_migrate, dispatch_uid="artifacts.caching.post_migrate")
def _migration_ends(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    global _migrating
    if _migrating:
        _migrating = False
        # Migrated to a point before the table exists: nothing is cached there either.
        with contextlib.suppress(DatabaseError):
            _move(connections[using])


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not _migrating and not _unwatched.get() and changes_shown_data(sql):
        connection = context["connection"]
        alias = connection.alias
        if connection.in_atomic_block:
            if not has_pending_write(alias):
                transaction.on_commit(_after_commit(alias), using=alias, robust=True)
        elif connection.get_autocommit():
            bump(using=alias)  # committed already
        else:
            # Transactions managed by hand (set_autocommit(False)) have no on-commit hook:
            # move the number inside the transaction, so it commits with the write.
            _move(connection)
    return result


@contextlib.contextmanager
def unwatched():
    """Writes inside are not seen, as a write made outside the archive is not (tests)."""
    token = _unwatched.set(True)
    try:
        yield
    finally:
        _unwatched.reset(token)


@receiver(connection_created, dispatch_uid="artifacts.caching.watch")
def watch_connection(sender, connection, **kwargs):
    # At the front: django's execute_wrapper() context manager pops the last wrapper on
    # exit, and a connection may be opened inside one (the replica router's watch).
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


def _move(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET value = value + 1 WHERE id = 1")  # noqa: S608 (a constant)
        if cursor.rowcount == 0:
            # No row: a fresh or flushed database. Start anywhere but where an emptied
            # database started, so no entry filed before the flush is found again.
            cursor.execute(
                f"INSERT INTO {TABLE} (id, value) VALUES (1, %s) ON CONFLICT DO NOTHING",  # noqa: S608
                [secrets.randbits(52)],
            )


def bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the generation on (after a commit, or for a change made outside the archive)."""
    connection = connections[using]
    try:
        _move(connection)
    except DatabaseError as error:
        # The write itself has committed; entries stay stale at most CACHE_TIMEOUT.
        logger.warning("The data generation could not be moved on after a write: %s", error)
    seen = _seen.get()
    if seen is not None:
        seen.pop(using, None)


@receiver(request_started, dispatch_uid="artifacts.caching.request_started")
def _request_started(**kwargs):
    _seen.set({})


@receiver(request_finished, dispatch_uid="artifacts.caching.request_finished")
def _request_finished(**kwargs):
    _seen.set(None)


def current(using: str | None = None) -> int | None:
    """The generation on `using` (the database this request reads from), or None before
    the first write of a new database."""
    alias = using or _read_alias()
    seen = _seen.get()
    if seen is not None and alias in seen:
        return seen[alias]
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    value = row[0] if row else None
    if seen is not None:
        seen[alias] = value
    return value


def _read_alias() -> str:
    from artifacts.caching.models import DataGeneration

    return router.db_for_read(DataGeneration)


def remember(key: str, compute, *, timeout: float | None = None):
    """compute(), or what it returned for `key` earlier in the current generation.

    `key` must name everything the value depends on besides the data (the reader's
    language, the viewer's access level), in characters any cache accepts (no spaces or
    control characters: hash free text). Long keys are hashed."""
    alias = _read_alias()
    if has_pending_write(alias) or (alias != DEFAULT_DB_ALIAS and has_pending_write(DEFAULT_DB_ALIAS)):
        return compute()
    generation = current(alias)
    if generation is None:
        return compute()
    if len(key) > 120:
        key = key[:60] + hashlib.sha256(key.encode()).hexdigest()
    full_key = f"g{generation}:{key}"
    # Stored in a one-item tuple: a cache that has failed answers None (django-redis
    # ignoring a lost server), which must read as a miss, not as a cached None.
    found = cache.get(full_key)
    if found is not None:
        return found[0]
    value = compute()
    cache.set(full_key, (value,), settings.CACHE_TIMEOUT if timeout is None else timeout)
    return value
