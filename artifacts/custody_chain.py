"""The canonical form and hash chain of custody events.

Each event's hash is SHA-256 over `canonical_bytes(event)`: a UTF-8 JSON object of the
fields in CHAINED_FIELDS (plus the artifact's accession number, the corrected event's
hash, the recorder's username and the attachments' digests), keys sorted, no spaces,
non-ASCII kept as is. `previous_hash` is part of that object, so changing, removing or
reordering any event breaks every later hash. The README documents the same rules, and
an independent checker can be written from it alone.
"""

import hashlib
import json

CHAINED_FIELDS = (
    "sequence",
    "event_type",
    "occurred",
    "occurred_as_reported",
    "place",
    "destination",
    "released_by",
    "released_by_role",
    "received_by",
    "received_by_role",
    "authorised_by",
    "witnesses",
    "purpose",
    "condition_before",
    "condition_after",
    "seal_numbers_out",
    "seal_numbers_in",
    "seal_intact",
    "note",
    "previous_hash",
)


def canonical_record(event) -> dict:
    record = {name: getattr(event, name) for name in CHAINED_FIELDS}
    record["accession_number"] = event.artifact.accession_number
    record["corrects"] = event.corrects.entry_hash if event.corrects_id else None
    record["recorded_by"] = event.recorded_by.get_username() if event.recorded_by_id else None
    record["recorded_at"] = event.recorded_at.isoformat(timespec="microseconds")
    record["attachments"] = sorted(event.attachment_digests()) if hasattr(event, "attachment_digests") else []
    return record


def canonical_bytes(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def event_hash(record: dict) -> str:
    return hashlib.sha256(canonical_bytes(record)).hexdigest()
