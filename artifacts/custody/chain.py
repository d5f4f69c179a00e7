"""Each artifact's hash chain of custody events, built from model instances.

The rules (fields, ordering, encoding) live in artifacts.custody.checker.canonical, the
standard-library module that researchers run; the archive uses the same code, so the two
can never disagree. The canonical record is the event's fields plus what they point at,
in portable form: the artifact's accession number, the corrected event's hash, the
recording account's user name, and the sorted digests of the attached files.
"""

from artifacts.custody.checker.canonical import EVENT_FIELDS, event_hash

MODEL_FIELDS = tuple(
    name
    for name in EVENT_FIELDS
    if name not in {"accession_number", "attachments", "corrects", "recorded_by", "recorded_at"}
)
# The free-text and factual fields a curator states; the rest are set by the service.
DETAIL_FIELDS = tuple(
    name for name in MODEL_FIELDS if name not in {"event_type", "previous_hash", "sequence", "outcome", "occurred"}
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


def seal(event, previous, attachment_digests: list[str] = ()) -> None:
    """Number an unsaved event after `previous` (None for the first) and hash it: the one
    place that links a chain, for the services and the synthetic generator alike."""
    event.sequence = previous.sequence + 1 if previous is not None else 1
    event.previous_hash = previous.entry_hash if previous is not None else ""
    event.entry_hash = compute_hash(event, list(attachment_digests))
