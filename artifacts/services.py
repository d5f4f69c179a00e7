"""Writes of photos, which touch several models and files, each in one transaction.

Keyword-only and typed, so every caller (admin, loader, importer, tests) states exactly
what it records. A failure leaves nothing behind: no row, no file. Custody's writes
(events, attachments, withdrawals, the log) are in artifacts.custody.services.
"""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from artifacts import imaging
from artifacts.models import Artifact, Photo


def fill_photo_from_upload(*, photo: Photo, uploaded, prepared: imaging.PreparedUpload | None = None) -> list[str]:
    """Validate `uploaded`, store it unchanged as the photo's original and write its
    derivatives. Returns the storage names written so a caller can remove them if the
    surrounding transaction fails. Raises ValidationError for a bad file (nothing written).

    `prepared` is what imaging.prepare_upload returned for this same file, when a form
    has already validated it; it saves decoding the image twice."""
    # A redacted copy's boxes are filled again in each derivative (imaging.make_derivatives).
    prepared = prepared or imaging.prepare_upload(uploaded, cover=photo.redaction_boxes)
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


def place_in_gallery(photo: Photo) -> None:
    """A new photo left at position 0 where another photo already stands goes after the
    last one, so photos added together keep the order they were added in, not a tie."""
    if photo.pk is not None or photo.position != 0:
        return
    positions = Photo.objects.filter(artifact_id=photo.artifact_id).values_list("position", flat=True)
    if 0 in positions:
        photo.position = max(positions) + 1


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
    redaction_boxes: list | None = None,
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
        redaction_boxes=[list(box) for box in redaction_boxes or ()],
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
