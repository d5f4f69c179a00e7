"""What someone with the database's owner rights can do to custody, for the integrity tests.

Each helper works on both databases: triggers are switched off the way an owner would
(PostgreSQL: session_replication_role, SQLite: DROP TRIGGER) and put back afterwards, so
that what verify_integrity then finds is the tampering itself, not a missing trigger.
"""

import hashlib
from contextlib import contextmanager

from django.db import connection

from artifacts.custody import chain, heads, leaves, log, triggers
from artifacts.custody.models import CustodyEvent
from artifacts.models import Photo

# Children before parents, so that foreign keys hold after each statement.
DELETE_ORDER = (
    "artifacts_headtimestamp",
    "artifacts_treehead",
    "artifacts_signingkey",
    "artifacts_custodyattachment",
    "artifacts_eventlink",  # authorities named by events: rows beside the events, pointing at them
    "artifacts_custodyevent",
    "artifacts_lognode",
    "artifacts_logleaf",
)
LOG_TABLES = ("artifacts_headtimestamp", "artifacts_treehead", "artifacts_lognode", "artifacts_logleaf")


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def settle() -> None:
    """Check the foreign keys deferred so far in this transaction (PostgreSQL): a table
    with such checks pending cannot be truncated or altered, as in a fresh session."""
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")
        sql("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def triggers_off():
    """Run the block with every custody trigger out of the way, then restore them."""
    if connection.vendor == "postgresql":
        sql("SET LOCAL session_replication_role = replica")
        try:
            yield
        finally:
            sql("SET LOCAL session_replication_role = DEFAULT")
        return
    statements = triggers.expected("sqlite")
    for name in statements:
        sql(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        for statement in statements.values():
            sql(statement)


def edit_event_and_rechain(event: CustodyEvent, **changes) -> None:
    """Change an event's fields, then recompute its artifact's whole chain with the
    archive's own hash function, so that the chain on its own verifies again."""
    previous_hash = ""
    rows = CustodyEvent.objects.filter(artifact_id=event.artifact_id).select_related(
        "artifact", "corrects", "recorded_by"
    )
    with triggers_off():
        for row in rows.order_by("sequence"):
            if row.pk == event.pk:
                for name, value in changes.items():
                    setattr(row, name, value)
            row.previous_hash = previous_hash
            row.entry_hash = chain.compute_hash(row)
            edited = changes if row.pk == event.pk else {}
            values = {**edited, "previous_hash": row.previous_hash, "entry_hash": row.entry_hash}
            assignments = ", ".join(f"{name} = %s" for name in values)
            statement = f"UPDATE artifacts_custodyevent SET {assignments} WHERE id = %s"  # noqa: S608 (model field names)
            sql(statement, [*values.values(), row.pk])
            previous_hash = row.entry_hash


def delete_events(events: list[CustodyEvent]) -> None:
    """Delete events (and their attachments) with raw SQL."""
    ids = [event.pk for event in events]
    marks = ", ".join(["%s"] * len(ids))
    with triggers_off():
        sql(f"DELETE FROM artifacts_custodyattachment WHERE event_id IN ({marks})", ids)  # noqa: S608 (placeholders)
        sql(f"DELETE FROM artifacts_eventlink WHERE event_id IN ({marks})", ids)  # noqa: S608 (placeholders)
        sql(f"DELETE FROM artifacts_custodyevent WHERE id IN ({marks})", ids)  # noqa: S608 (placeholders)


def replace_photo_bytes(photo: Photo, data: bytes, *, update_digest: bool) -> None:
    """Overwrite the original on disk; optionally make the row agree with it."""
    with photo.original.storage.open(photo.original.name, "wb") as handle:
        handle.write(data)
    if update_digest:
        with triggers_off():
            sql(
                "UPDATE artifacts_photo SET sha256 = %s, byte_size = %s WHERE id = %s",
                [hashlib.sha256(data).hexdigest(), len(data), photo.pk],
            )


def truncate_custody_and_log() -> None:
    """Empty custody and the whole log: TRUNCATE on PostgreSQL, DELETE without WHERE on SQLite."""
    with triggers_off():
        if connection.vendor == "postgresql":
            settle()
            sql(f"TRUNCATE {', '.join(DELETE_ORDER)}")
        else:
            for table in DELETE_ORDER:
                sql(f"DELETE FROM {table}")  # noqa: S608 (table names are constants)  # noqa: S608 (table names are constants)


def rebuild_log_and_republish() -> None:
    """Throw the log away and build a new one from today's rows, signed with the same key."""
    with triggers_off():
        for table in LOG_TABLES:
            sql(f"DELETE FROM {table}")  # noqa: S608 (table names are constants)
    entries = []
    events = CustodyEvent.objects.select_related("artifact", "corrects", "recorded_by").prefetch_related("attachments")
    for event in events.order_by("pk"):
        entries.append(leaves.for_event(event))
        entries += [leaves.for_attachment(attachment, event) for attachment in event.attachments.all()]
    entries += [leaves.for_photo(photo) for photo in Photo.objects.select_related("artifact").order_by("pk")]
    log.append(entries)
    heads.publish()


def delete_head(number: int) -> None:
    with triggers_off():
        sql(
            "DELETE FROM artifacts_headtimestamp "
            "WHERE head_id IN (SELECT id FROM artifacts_treehead WHERE number = %s)",
            [number],
        )
        sql("DELETE FROM artifacts_treehead WHERE number = %s", [number])


def flip_token_bytes() -> None:
    """Flip the last byte (inside the authority's signature) of every timestamp token."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, token FROM artifacts_headtimestamp")
        rows = [(pk, bytes(token)) for pk, token in cursor.fetchall()]
    with triggers_off():
        for pk, token in rows:
            sql(
                "UPDATE artifacts_headtimestamp SET token = %s WHERE id = %s", [token[:-1] + bytes([token[-1] ^ 1]), pk]
            )
