"""The database router: reads to a replica when the request allows it, all else to the primary.

A read goes to the primary whenever reading a replica could show the reader something
older than what they have just done or what the archive is about to act on:

- outside a request (management commands, the signer, migrations, the shell);
- when the request may not use a replica (see middleware.py: staff, the admin, forms
  being sent, a browser that wrote a moment ago) or has itself written;
- inside a transaction on the primary, where a service reads what it is changing;
- for accounts, sessions, sign-in attempts, content types and the admin's log, which
  sign-in and every curator's action write and the very next request reads.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from artifacts.replicas.state import current, replica_aliases

PRIMARY_ONLY_APPS = frozenset({"admin", "auth", "axes", "contenttypes", "sessions"})


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_aliases():
            return None  # no replicas: Django's own choice, as without this router
        routing = current()
        if (
            routing is None
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return routing.replica() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        if not replica_aliases():
            return None
        routing = current()
        if routing is not None:
            # The request's later reads see its own writes (the middleware also notices
            # writes made by raw SQL, which never ask the router).
            routing.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if not replica_aliases():
            return None
        # A replica holds the primary's rows: an object read from one may point to an
        # object read from the other.
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A standby is read-only: it receives the primary's schema by replication.
        if db in replica_aliases():
            return False
        return None
