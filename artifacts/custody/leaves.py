"""What the transparency log records: a leaf for every custody event and evidential file.

This is the one place that turns rows into leaves. The custody services call it when an
event is appended, the photo signal when any photo is stored (admin, importer, demo
loader), and the synthetic generator for its bulk rows; verify_integrity calls it again
to check that each row still says what its leaf said. The leaf formats themselves are
defined in artifacts.custody.checker.canonical, which researchers run.
"""

from dataclasses import dataclass

from artifacts.custody import chain
from artifacts.custody.checker import canonical
from artifacts.custody.models import LeafKind


@dataclass(frozen=True)
class Entry:
    """A leaf about to be appended: what it records and its canonical content."""

    kind: str
    object_id: int
    accession_number: str
    data: dict

    def encoded(self) -> bytes:
        return canonical.canonical_json(self.data)


def for_event(event, *, entry_hash: str | None = None) -> Entry:
    """An event's leaf. With entry_hash=None the hash is recomputed from the row, which
    is how verify_integrity catches an event whose fields and stored hash were both
    rewritten."""
    accession = event.artifact.accession_number
    digest = entry_hash if entry_hash is not None else chain.compute_hash(event)
    data = canonical.event_leaf(accession_number=accession, sequence=event.sequence, entry_hash=digest)
    return Entry(LeafKind.CUSTODY_EVENT, event.pk, accession, data)


def for_attachment(attachment, event) -> Entry:
    accession = event.artifact.accession_number
    data = canonical.file_leaf(
        role="custody-attachment",
        accession_number=accession,
        sha256=attachment.sha256,
        byte_size=attachment.byte_size,
        event_sequence=event.sequence,
        attachment=attachment.pk,
    )
    return Entry(LeafKind.ATTACHMENT, attachment.pk, accession, data)


def for_photo(photo) -> Entry:
    accession = photo.artifact.accession_number
    data = canonical.file_leaf(
        role="photo",
        accession_number=accession,
        sha256=photo.sha256,
        byte_size=photo.byte_size,
        photo=photo.pk,
    )
    return Entry(LeafKind.PHOTO, photo.pk, accession, data)


def for_withdrawal(photo, *, reason: str, withdrawn_by: str | None, withdrawn_at: str) -> Entry:
    accession = photo.artifact.accession_number
    data = canonical.withdrawal_leaf(
        accession_number=accession,
        photo=photo.pk,
        sha256=photo.sha256,
        reason=reason,
        withdrawn_by=withdrawn_by,
        withdrawn_at=withdrawn_at,
    )
    return Entry(LeafKind.PHOTO_WITHDRAWN, photo.pk, accession, data)
