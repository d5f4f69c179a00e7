"""What the current request has decided about replicas, and which replicas failed lately.

The decision lives in a context variable, set by ReplicaRoutingMiddleware for the length
of one request: each thread (and each asyncio task) sees its own, and code that runs
outside a request — management commands, the signer, migrations — sees none and so
reads from the primary.

A replica that cannot be reached is remembered, per process, for
DATABASE_REPLICA_RETRY_SECONDS, so that the requests after the first one that found it
down do not each wait for a connection attempt to fail.
"""

import contextlib
import contextvars
import logging
import random
import re
import threading
import time

from django.conf import settings
from django.db import Error, InterfaceError, OperationalError, connections

logger = logging.getLogger("artifacts.replicas")

_current: contextvars.ContextVar["RequestRouting | None"] = contextvars.ContextVar("replica_routing", default=None)

_down_until: dict[str, float] = {}  # replica: when to try it again (time.monotonic)
_failed: set[str] = set()  # replicas that failed and have not answered since
_down_lock = threading.Lock()

# Statements that change nothing. Anything else sent to the primary counts as a write,
# so an unknown statement errs toward reading from the primary afterwards.
_READ_ONLY = frozenset({"SELECT", "EXPLAIN", "SHOW", "SET", "RESET", "SAVEPOINT", "RELEASE", "ROLLBACK", "VALUES"})
_WRITING_KEYWORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def replica_aliases() -> "list[str] | tuple[()]":
    return getattr(settings, "DATABASE_REPLICAS", ())


def current() -> "RequestRouting | None":
    return _current.get()


def activate(routing: "RequestRouting") -> contextvars.Token:
    return _current.set(routing)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


def is_write(sql) -> bool:
    """Whether a statement may change data: its first keyword, or for WITH … a data-
    changing statement inside it. Anything that is not plain text counts as a write."""
    if not isinstance(sql, str):
        return True
    words = sql.lstrip(" \t\n(").split(None, 1)
    if not words:
        return False
    first = words[0].upper()
    if first == "WITH":
        return bool(_WRITING_KEYWORD.search(sql))
    return first not in _READ_ONLY


def is_down(alias: str) -> bool:
    """Whether `alias` failed less than DATABASE_REPLICA_RETRY_SECONDS ago."""
    with _down_lock:
        return _down_until.get(alias, 0) > time.monotonic()


def mark_down(alias: str, reason: object) -> None:
    """Leave `alias` alone for a while. Said once when it goes down, not once per try."""
    retry = float(getattr(settings, "DATABASE_REPLICA_RETRY_SECONDS", 5))
    with _down_lock:
        first = alias not in _failed
        _failed.add(alias)
        _down_until[alias] = time.monotonic() + retry
    if first:
        text = str(reason).strip()
        logger.warning(
            "Read replica %s failed (%s); its reads go to the primary, and it is tried again every %g s.",
            alias,
            text.splitlines()[0] if text else type(reason).__name__,
            retry,
        )
    _discard_connections(alias)


def forget_failures() -> None:
    """Forget every failed replica (tests; an operator's shell after a repair)."""
    with _down_lock:
        _down_until.clear()
        _failed.clear()


def _discard_connections(alias: str) -> None:
    connection = connections[alias]
    with contextlib.suppress(Error):  # it is broken: closing it cannot fail more usefully
        connection.close()
    if connection.settings_dict["OPTIONS"].get("pool"):
        # The pool would go on reconnecting in the background, logging each failure, and
        # keep connections that died with the server. KeyError: another thread closed it.
        with contextlib.suppress(Error, KeyError):
            connection.close_pool()


def _answers(connection) -> None:
    """Connect once, outside the pool. A replica that is still down refuses at once (or
    within connect_timeout), where waiting for the pool would last its whole timeout."""
    with connection.wrap_database_errors:
        connection.Database.connect(**connection.get_connection_params()).close()


def _usable(alias: str) -> bool:
    """Connect to `alias` now, or check the connection kept from an earlier request, so
    that a replica that is down is found before a page's first query runs on it."""
    connection = connections[alias]
    with _down_lock:
        failed_before = alias in _failed
    try:
        if failed_before and connection.settings_dict["OPTIONS"].get("pool"):
            _answers(connection)
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error as exc:
        mark_down(alias, exc)
        return False
    if failed_before:
        with _down_lock:
            _failed.discard(alias)
        logger.warning("Read replica %s answers again; reads go to it.", alias)
    return True


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


class RequestRouting:
    """One request's answer to "may my reads go to a replica, and to which?".

    `may_use_replica` is what the request's method, address and cookies allow; whether
    its user is staff is asked at the first read, because the API signs scripts in
    (HTTP Basic) inside the view, after the middleware has run."""

    def __init__(self, may_use_replica: bool, *, request=None, stack: contextlib.ExitStack | None = None):
        self.may_use_replica = may_use_replica
        self.wrote = False  # the request wrote (or meant to): later reads and the next seconds go to the primary
        self.replica_failed = False  # a statement failed on the replica
        self.retried = False
        self._request = request
        self._stack = stack  # removes the replica's execute wrapper when the request ends
        self._chosen: str | None = None
        self._chose = False

    @property
    def chosen(self) -> str | None:
        """The replica this request has read from, if any."""
        return self._chosen

    def replica(self) -> str | None:
        """The replica for this request's reads, chosen and checked at its first read and
        kept for the rest of it (one request, one view of the data); None: the primary."""
        if not self.may_use_replica or self.wrote:
            return None
        if not self._chose:
            self._chose = True
            if _is_staff(self._request):
                self.may_use_replica = False  # staff see drafts and act on what they read
                return None
            candidates = [alias for alias in replica_aliases() if not is_down(alias)]
            random.shuffle(candidates)  # spreads readers over the replicas
            self._chosen = next((alias for alias in candidates if _usable(alias)), None)
            if self._chosen is not None and self._stack is not None:
                self._stack.enter_context(connections[self._chosen].execute_wrapper(self.watch_replica))
        return self._chosen

    def read_from_primary(self) -> None:
        """The rest of the request (or its second run) reads from the primary."""
        self.may_use_replica = False
        self.retried = True

    # Execute wrappers (django.db.connection.execute_wrapper), installed by the middleware.

    def watch_primary(self, execute, sql, params, many, context):
        if not self.wrote and is_write(sql):
            self.wrote = True
        return execute(sql, params, many, context)

    def watch_replica(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError):
            # Lost connection, server shut down, query cancelled by recovery: the
            # replica's trouble, which a second run on the primary does not share.
            self.replica_failed = True
            raise
