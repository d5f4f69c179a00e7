"""Writes that touch several models or files, each in one transaction.

Keyword-only and typed, so every caller (admin, loader, importer, tests) states exactly
what it records. A failure leaves nothing behind: no row, no file.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from artifacts import custody_chain, edtf_dates, imaging
from artifacts.choices import CustodyEventType
from artifacts.models import Artifact, CustodyAttachment, CustodyEvent, Photo


def fill_photo_from_upload(*, photo: Photo, uploaded, prepared: imaging.PreparedUpload | None = None) -> list[str]:
    """Validate `uploaded`, store it unchanged as the photo's original and write its
    derivatives. Returns the storage names written so a caller can remove them if the
    surrounding transaction fails. Raises ValidationError for a bad file (nothing written).

    `prepared` is what imaging.prepare_upload returned for this same file, when a form
    has already validated it; it saves decoding the image twice."""
    prepared = prepared or imaging.prepare_upload(uploaded)
    info = prepared.info
    written: list[str] = []
    try:
        # Stored under the extension of what the file is, not of what its name claimed.
        photo.original.save(f"original.{imaging.EXTENSIONS[info.format]}", ContentFile(prepared.data), save=False)
        written.append(photo.original.name)
        for kind in ("thumbnail", "display"):
            payload, width, height = prepared.derivatives[kind]
            getattr(photo, kind).save(f"{kind}.jpg", ContentFile(payload), save=False)
            written.append(getattr(photo, kind).name)
            setattr(photo, f"{kind}_width", width)
            setattr(photo, f"{kind}_height", height)
    except Exception:
        remove_files(written)
        raise
    photo.sha256, photo.byte_size = info.sha256, info.byte_size
    photo.original_name = (getattr(uploaded, "name", "") or "")[:255]
    photo.image_format, photo.width, photo.height, photo.exif = info.format, info.width, info.height, info.exif
    return written


def remove_files(names: list[str]) -> None:
    storage = Photo._meta.get_field("original").storage
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)


def add_photo(
    *,
    artifact: Artifact,
    uploaded,
    caption: str,
    uploaded_by=None,
    credit: str = "",
    date_taken: datetime.date | None = None,
    is_illustration: bool = False,
    access_level: int | None = None,
    shows_personal_data: bool = False,
    graphic_content: bool = False,
    redacted_from: Photo | None = None,
    position: int | None = None,
) -> Photo:
    """Ingest one image for an artifact: original kept and hashed, derivatives stripped."""
    photo = Photo(
        artifact=artifact,
        caption=caption,
        credit=credit,
        date_taken=date_taken,
        is_illustration=is_illustration,
        shows_personal_data=shows_personal_data,
        graphic_content=graphic_content,
        redacted_from=redacted_from,
        uploaded_by=uploaded_by,
    )
    if access_level is not None:
        photo.access_level = access_level
    if position is None:
        position = artifact.photos.count()
    photo.position = position
    written = fill_photo_from_upload(photo=photo, uploaded=uploaded)
    try:
        with transaction.atomic():
            photo.full_clean(exclude=["original", "thumbnail", "display"])
            photo.save()
    except Exception:
        remove_files(written)
        raise
    return photo


def record_custody_event(
    *,
    artifact: Artifact,
    event_type: str,
    recorded_by=None,
    occurred: str = "",
    occurred_as_reported: str = "",
    place: str = "",
    destination: str = "",
    released_by: str = "",
    released_by_role: str = "",
    received_by: str = "",
    received_by_role: str = "",
    authorised_by: str = "",
    witnesses: str = "",
    purpose: str = "",
    condition_before: str = "",
    condition_after: str = "",
    seal_numbers_out: str = "",
    seal_numbers_in: str = "",
    seal_intact: bool | None = None,
    note: str = "",
    corrects: CustodyEvent | None = None,
    outcome: str | None = None,
    attachments: list[tuple[UploadedFile, str]] = (),
    recorded_at: datetime.datetime | None = None,
) -> CustodyEvent:
    """Append one event to the artifact's custody chain, numbered and hashed.

    `attachments` are (file, description) pairs; their SHA-256 digests enter the event's
    hash, so the record proves which files documented the event."""
    edtf_dates.validate_edtf(occurred)
    payloads = []
    for uploaded, description in attachments:
        if uploaded.size is not None and uploaded.size > settings.ARCHIVE_MAX_UPLOAD_BYTES:
            raise ValidationError("Attachment %(name)s is over the upload limit.", params={"name": uploaded.name})
        data = imaging._read_all(uploaded)
        payloads.append((uploaded.name or "attachment", description, data, hashlib.sha256(data).hexdigest()))
    written: list[str] = []
    try:
        return _append_event(
            artifact=artifact,
            payloads=payloads,
            written=written,
            fields=dict(
                event_type=event_type,
                occurred=occurred,
                occurred_as_reported=occurred_as_reported,
                place=place,
                destination=destination,
                released_by=released_by,
                released_by_role=released_by_role,
                received_by=received_by,
                received_by_role=received_by_role,
                authorised_by=authorised_by,
                witnesses=witnesses,
                purpose=purpose,
                condition_before=condition_before,
                condition_after=condition_after,
                seal_numbers_out=seal_numbers_out,
                seal_numbers_in=seal_numbers_in,
                seal_intact=seal_intact,
                note=note,
                corrects=corrects,
                outcome=outcome,
                recorded_by=recorded_by,
                recorded_at=recorded_at or timezone.now(),
            ),
        )
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
        event = CustodyEvent(
            artifact=locked,
            sequence=(last.sequence + 1) if last else 1,
            occurred_earliest=edtf_dates.bounds(fields["occurred"])[0],
            previous_hash=last.entry_hash if last else "",
            **fields,
        )
        validate_correction(fields["event_type"], fields["corrects"], locked)
        # Field validation only: sequence and hash uniqueness are guaranteed by the row lock
        # above and enforced by the database, so the per-constraint queries would be wasted.
        event.full_clean(
            exclude=["entry_hash", "recorded_by", "artifact", "corrects"],
            validate_unique=False,
            validate_constraints=False,
        )
        event.entry_hash = custody_chain.compute_hash(event, [digest for *_, digest in payloads])
        event.save(force_insert=True)
        for name, description, data, digest in payloads:
            attachment = CustodyAttachment(
                event=event, original_name=name[:255], description=description, sha256=digest, byte_size=len(data)
            )
            attachment.file.save(name, ContentFile(data), save=False)
            written.append(attachment.file.name)
            attachment.save(force_insert=True)
    return event
