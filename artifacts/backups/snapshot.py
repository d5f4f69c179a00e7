"""What a database holds, as a backup records it and a restore compares it.

Read from the backup's own snapshot (PostgreSQL: the transaction whose snapshot pg_dump
uses; SQLite: the copy just made), so that the counts and the head describe exactly the
data in the backup, not what curators added while it was taken.
"""

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from artifacts.custody import heads
from artifacts.custody.models import CustodyAttachment, CustodyEvent, LogLeaf, TreeHead
from artifacts.models import Artifact, Photo

COUNTED = {
    "artifacts": Artifact,
    "photos": Photo,
    "custody_events": CustodyEvent,
    "custody_attachments": CustodyAttachment,
    "log_leaves": LogLeaf,
    "tree_heads": TreeHead,
}


def migrations(using: str) -> list[str]:
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def counts(using: str) -> dict[str, int]:
    return {name: model._base_manager.using(using).count() for name, model in COUNTED.items()}


def latest_head(using: str) -> dict | None:
    head = (
        TreeHead.objects.using(using).select_related("key").prefetch_related("timestamps").order_by("-number").first()
    )
    return heads.document(head) if head is not None else None


def media_digests(using: str) -> dict[str, str]:
    """{storage name: SHA-256} of every photo original and custody attachment the database
    records: what the media storage must hold, unchanged, for the archive to verify."""
    entries = dict(Photo._base_manager.using(using).values_list("original", "sha256").iterator())
    entries.update(CustodyAttachment._base_manager.using(using).values_list("file", "sha256").iterator())
    return entries


def differences(recorded: dict[str, int], found: dict[str, int]) -> list[str]:
    return [
        f"{name.replace('_', ' ')}: the backup recorded {recorded.get(name)}, the restored database has {count}"
        for name, count in found.items()
        if recorded.get(name) != count
    ]
