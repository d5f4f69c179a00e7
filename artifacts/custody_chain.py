"""The canonical form and hash chain of custody events, built from model instances.

The rules themselves (fields, ordering, encoding) live in artifacts/custody_record.py,
a standard-library-only module that researchers run on a downloaded record; the archive
uses the same code so the two can never disagree.
"""

from artifacts.custody_record import EVENT_FIELDS, event_hash

MODEL_FIELDS = tuple(
    name
    for name in EVENT_FIELDS
    if name not in {"accession_number", "attachments", "corrects", "recorded_by", "recorded_at"}
)


def canonical_record(event, attachment_digests: list[str] | None = None) -> dict:
    """The dict that is hashed: model fields plus what they point at, in portable form."""
    record = {name: getattr(event, name) for name in MODEL_FIELDS}
    record["accession_number"] = event.artifact.accession_number
    record["corrects"] = event.corrects.entry_hash if event.corrects_id else None
    record["recorded_by"] = event.recorded_by.get_username() if event.recorded_by_id else None
    record["recorded_at"] = event.recorded_at.isoformat(timespec="microseconds")
    if attachment_digests is None:
        attachment_digests = [a.sha256 for a in event.attachments.all()] if event.pk else []
    record["attachments"] = sorted(attachment_digests)
    return record


def compute_hash(event, attachment_digests: list[str] | None = None) -> str:
    return event_hash(canonical_record(event, attachment_digests))
