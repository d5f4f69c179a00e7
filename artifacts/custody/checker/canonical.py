"""The canonical forms that are hashed: custody events, and the leaves of the log.

Canonical JSON: an object with its keys sorted, separators "," and ":" with no spaces,
non-ASCII characters written as UTF-8 (not \\u-escaped), encoded as UTF-8.

A custody event's hash is the SHA-256 hex digest of the canonical JSON of its fields
(EVENT_FIELDS). "attachments" holds the sorted SHA-256 digests of the files attached to
it, so a changed attachment changes the event's hash; "previous_hash" chains it to the
artifact's event before it.

Each leaf of the transparency log is the canonical JSON of one of:

    {"type": "custody-event", "accession_number", "sequence", "entry_hash"}
    {"type": "file", "role", "accession_number", "photo", "event_sequence",
     "attachment", "sha256", "byte_size"}
    {"type": "file-withdrawn", "accession_number", "photo", "sha256", "reason",
     "withdrawn_by", "withdrawn_at"}

An event's leaf names its hash, which covers every field, so proving the leaf is in the
log proves the whole event is. A file's role is "photo" (an original or a curator's
redacted copy: which one may be stated later, so it is not part of the leaf) or
"custody-attachment"; "photo" is the archive's photo number, "attachment" and
"event_sequence" are set for custody attachments.
"""

import hashlib
import json

EVENT_FIELDS = (
    "accession_number",
    "attachments",
    "authorised_by",
    "condition_after",
    "condition_before",
    "corrects",
    "destination",
    "event_type",
    "note",
    "occurred",
    "occurred_as_reported",
    "outcome",
    "place",
    "previous_hash",
    "purpose",
    "received_by",
    "received_by_role",
    "recorded_at",
    "recorded_by",
    "released_by",
    "released_by_role",
    "seal_intact",
    "seal_numbers_in",
    "seal_numbers_out",
    "sequence",
    "witnesses",
)

FILE_ROLES = ("photo", "custody-attachment")


def canonical_json(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def canonical_bytes(event: dict) -> bytes:
    return canonical_json({name: event.get(name) for name in EVENT_FIELDS})


def event_hash(event: dict) -> str:
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


def event_leaf(*, accession_number: str, sequence: int, entry_hash: str) -> dict:
    return {
        "type": "custody-event",
        "accession_number": accession_number,
        "sequence": sequence,
        "entry_hash": entry_hash,
    }


def file_leaf(
    *,
    role: str,
    accession_number: str,
    sha256: str,
    byte_size: int,
    photo: int | None = None,
    event_sequence: int | None = None,
    attachment: int | None = None,
) -> dict:
    if role not in FILE_ROLES:
        raise ValueError(f"unknown file role {role!r}")
    return {
        "type": "file",
        "role": role,
        "accession_number": accession_number,
        "photo": photo,
        "event_sequence": event_sequence,
        "attachment": attachment,
        "sha256": sha256,
        "byte_size": byte_size,
    }


def withdrawal_leaf(
    *, accession_number: str, photo: int, sha256: str, reason: str, withdrawn_by: str | None, withdrawn_at: str
) -> dict:
    return {
        "type": "file-withdrawn",
        "accession_number": accession_number,
        "photo": photo,
        "sha256": sha256,
        "reason": reason,
        "withdrawn_by": withdrawn_by,
        "withdrawn_at": withdrawn_at,
    }
