"""Every write to custody, each in one transaction: events, evidential files, withdrawals.

Keyword-only, so every caller (admin, loader, verify_integrity, tests) states exactly
what it records. Each write appends the row and its log leaves together: a failure
leaves nothing behind — no row, no leaf, no file.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from artifacts import edtf_dates, imaging
from artifacts.choices import CustodyEventType
from artifacts.custody import chain, leaves, log
from artifacts.custody.models import CustodyAttachment, CustodyEvent
from artifacts.models import Artifact, Photo
from artifacts.services import remove_files


def record_custody_event(
    *,
    artifact: Artifact,
    event_type: str,
    recorded_by=None,
    occurred: str = "",
    corrects: CustodyEvent | None = None,
    outcome: str | None = None,
    attachments: list[tuple[UploadedFile, str]] = (),
    recorded_at: datetime.datetime | None = None,
    **details,
) -> CustodyEvent:
    """Append one event to the artifact's custody chain, numbered, hashed and logged.

    `details` are the event's stated facts, by field name (chain.DETAIL_FIELDS: place,
    released_by, witnesses, note…). `attachments` are (file, description) pairs; their
    SHA-256 digests enter the event's hash and each file gets its own leaf in the log."""
    unknown = sorted(set(details) - set(chain.DETAIL_FIELDS))
    if unknown:
        raise TypeError(f"record_custody_event() got unknown custody fields: {', '.join(unknown)}")
    edtf_dates.validate_edtf(occurred)
    payloads = []
    for uploaded, description in attachments:
        if uploaded.size is not None and uploaded.size > settings.ARCHIVE_MAX_UPLOAD_BYTES:
            raise ValidationError("Attachment %(name)s is over the upload limit.", params={"name": uploaded.name})
        data = imaging._read_all(uploaded)
        payloads.append((uploaded.name or "attachment", description, data, hashlib.sha256(data).hexdigest()))
    fields = dict(
        details,
        event_type=event_type,
        occurred=occurred,
        corrects=corrects,
        outcome=outcome,
        recorded_by=recorded_by,
        recorded_at=recorded_at or timezone.now(),
    )
    written: list[str] = []
    try:
        return _append_event(artifact=artifact, payloads=payloads, written=written, fields=fields)
    except Exception:
        remove_files(written)
        raise


def validate_correction(event_type: str, corrects: CustodyEvent | None, artifact: Artifact | None) -> None:
    """A correction names an earlier event of the same artifact; no other kind of event
    points at one. Public so that forms can say so before anything is written."""
    if event_type == CustodyEventType.CORRECTION and corrects is None:
        raise ValidationError({"corrects": "Say which earlier event this correction puts right."})
    if event_type != CustodyEventType.CORRECTION and corrects is not None:
        raise ValidationError({"corrects": "Only a correction event may point at an earlier event."})
    if corrects is not None and (artifact is None or corrects.artifact_id != artifact.pk):
        raise ValidationError({"corrects": "A correction must point at an event of the same artifact."})


def _append_event(*, artifact, payloads, written, fields) -> CustodyEvent:
    with transaction.atomic():
        # Lock the artifact row so two curators cannot both append event N.
        locked = Artifact.objects.select_for_update().get(pk=artifact.pk)
        last = CustodyEvent.objects.filter(artifact=locked).order_by("-sequence").first()
        event = CustodyEvent(artifact=locked, occurred_earliest=edtf_dates.bounds(fields["occurred"])[0], **fields)
        chain.seal(event, last, [digest for *_, digest in payloads])
        validate_correction(fields["event_type"], fields["corrects"], locked)
        # Field validation only: sequence and hash uniqueness are guaranteed by the row lock
        # above and enforced by the database, so the per-constraint queries would be wasted.
        event.full_clean(
            exclude=["entry_hash", "recorded_by", "artifact", "corrects"],
            validate_unique=False,
            validate_constraints=False,
        )
        event.save(force_insert=True)
        stored = []
        for name, description, data, digest in payloads:
            attachment = CustodyAttachment(
                event=event, original_name=name[:255], description=description, sha256=digest, byte_size=len(data)
            )
            attachment.file.save(name, ContentFile(data), save=False)
            written.append(attachment.file.name)
            attachment.save(force_insert=True)
            stored.append(attachment)
        log.append(
            [leaves.for_event(event, entry_hash=event.entry_hash)] + [leaves.for_attachment(a, event) for a in stored]
        )
    return event


def register_photos(photos: list[Photo]) -> None:
    """Give newly stored photos their leaves: each original and redacted copy is evidence,
    and from now on its bytes and recorded digest cannot change unnoticed."""
    log.append([leaves.for_photo(photo) for photo in photos])


def withdraw_photo(*, photo: Photo, reason: str, withdrawn_by=None) -> None:
    """Remove a photo from the archive, on the record: a "file-withdrawn" leaf first (the
    database refuses to delete a photo without one), then the row; its files go after
    the transaction commits."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the photo is withdrawn: the reason is kept in the log for ever.")
    with transaction.atomic():
        log.append(
            [
                leaves.for_withdrawal(
                    photo,
                    reason=reason,
                    withdrawn_by=withdrawn_by.get_username() if withdrawn_by is not None else None,
                    withdrawn_at=timezone.now().isoformat(timespec="seconds"),
                )
            ]
        )
        names = [photo.original.name, photo.thumbnail.name, photo.display.name]
        photo.delete()
        transaction.on_commit(lambda: remove_files(names))
