"""Database settings for read replicas and for psycopg's connection pool.

Plain functions of plain values, called by artifacts/settings.py, so that each refusal
can be tested without starting Django again. A replica inherits everything from the
primary's settings — planner options, time zone, pool — and changes only where it is
and how long to wait for it: it serves the same queries, so it must plan them the same
way, and a replica that does not answer must not hold a reader up for long.
"""

import copy
import importlib.util

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRESQL = "django.db.backends.postgresql"
REPLICA_ALIAS = "replica_{}"
# Parts of a replica's URL that may be left out: a streaming standby holds the primary's
# databases and roles, so postgres://standby-host:5432 is enough.
INHERITED = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


def pooled(database: dict, *, max_size: int, timeout: float, conn_max_age: int) -> None:
    """Let psycopg's pool hold `database`'s connections (Django 5.1+): each request takes
    one from the pool and gives it back at its end, so Django's own persistent
    connections (CONN_MAX_AGE) must be off."""
    if database["ENGINE"] != POSTGRESQL:
        return  # SQLite opens a file, there is nothing to pool
    if conn_max_age != 0:
        raise ImproperlyConfigured(
            "DJANGO_DB_POOL=1 keeps connections in a pool, which Django allows only without "
            f"persistent connections: set DJANGO_CONN_MAX_AGE to 0 or leave it unset (it is {conn_max_age})."
        )
    if max_size < 1:
        raise ImproperlyConfigured(f"DJANGO_DB_POOL_MAX_SIZE must be 1 or more, not {max_size}.")
    if importlib.util.find_spec("psycopg_pool") is None:
        raise ImproperlyConfigured("DJANGO_DB_POOL=1 needs the psycopg-pool package (in requirements.txt).")
    database["CONN_MAX_AGE"] = 0
    database.setdefault("OPTIONS", {})["pool"] = {
        # Two ready connections per process; more are opened under load, up to max_size.
        "min_size": min(2, max_size),
        "max_size": max_size,
        # How long a request waits for a free connection before it fails.
        "timeout": timeout,
    }


def replica_databases(primary: dict, urls: list[str], *, connect_timeout: int) -> dict[str, dict]:
    """The DATABASES entries replica_1, replica_2, … for DATABASE_REPLICA_URLS."""
    if not urls:
        return {}
    if primary["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS is set, but the primary database (DATABASE_URL) is not PostgreSQL. "
            "Replicas are PostgreSQL standbys streaming from it: set DATABASE_URL to the primary, "
            "or unset DATABASE_REPLICA_URLS."
        )
    if connect_timeout < 1:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_CONNECT_TIMEOUT must be 1 or more seconds, not {connect_timeout}."
        )
    return {
        REPLICA_ALIAS.format(number): _replica(primary, url, f"DATABASE_REPLICA_URLS, entry {number},", connect_timeout)
        for number, url in enumerate(urls, start=1)
    }


def _replica(primary: dict, url: str, where: str, connect_timeout: int) -> dict:
    # The URL holds a password: messages name the entry, never its text.
    try:
        parsed = dj_database_url.parse(url)
    except dj_database_url.UnknownSchemeError:
        raise ImproperlyConfigured(f"{where} must be a postgres:// URL, like DATABASE_URL.") from None
    except ValueError as exc:
        raise ImproperlyConfigured(f"{where} is not a valid URL ({exc}).") from None
    if parsed["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured(f"{where} must be a postgres:// URL, like DATABASE_URL.")

    replica = copy.deepcopy(primary)
    for key in INHERITED:
        if parsed.get(key):
            replica[key] = parsed[key]
    if (replica["HOST"], str(replica["PORT"])) == (primary["HOST"], str(primary["PORT"])):
        raise ImproperlyConfigured(
            f"{where} names the primary's own server; a replica is another server (host or port) streaming from it."
        )
    options = replica.setdefault("OPTIONS", {})
    # A replica that does not answer costs each request that tries it this long (libpq's
    # minimum is 2 s); then it is left alone for DATABASE_REPLICA_RETRY_SECONDS.
    options["connect_timeout"] = connect_timeout
    options.update(parsed.get("OPTIONS") or {})  # the replica's URL may add its own, e.g. sslmode
    if options.get("pool"):
        pool = {} if options["pool"] is True else dict(options["pool"])
        # Waiting for a pooled connection to a replica that is down must not take longer
        # than connecting to it would.
        pool["timeout"] = min(pool.get("timeout", connect_timeout), connect_timeout)
        options["pool"] = pool
    # Check a kept connection before each request uses it, so that a replica restarted
    # since is noticed before a page's query fails on it.
    replica["CONN_HEALTH_CHECKS"] = True
    # In tests, the replica reads the test database the primary writes.
    replica["TEST"] = {"MIRROR": "default"}
    return replica
