"""redact_photo: a redacted copy rendered from the sealed original, in one transaction.

The copy is a new photo stored through services.add_photo, so it gets what every photo
gets (SHA-256, derivatives, fingerprint, a leaf of the transparency log), plus the
boxes, filled again in each of its derivatives. A "redaction" custody event then names
both digests. A failure leaves nothing behind: no row, no leaf, no file.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from artifacts import imaging, services
from artifacts.choices import CustodyEventType
from artifacts.custody.services import record_custody_event
from artifacts.models import Photo
from artifacts.redaction import pixels


def refusal(photo: Photo) -> str | None:
    """Why this photo cannot be redacted, in words a curator can act on; None if it can."""
    if photo.redacted_from_id:
        # Redacting a copy again would render from an already altered file; every copy is
        # rendered from the original, which is what its custody event names.
        return gettext(
            "This photo is itself a redacted copy. Redactions are always rendered from the original: "
            "open the original photo and redact that."
        )
    if photo.is_illustration:
        return gettext(
            "This is an illustration made for the archive, not evidence: draw a new illustration "
            "without the personal data instead of redacting this one."
        )
    existing = Photo.objects.filter(redacted_from=photo).only("pk").first()
    if existing is not None:
        # One copy per photo (the link is one-to-one), and replacing it is a withdrawal on
        # the record, with a reason a person states: the archive does not make one up.
        return gettext(
            "This photo already has a redacted copy (photo %(copy)s). To cover something else, delete that "
            "copy on its page first (the log records the withdrawal), then redact this photo again."
        ) % {"copy": existing.pk}
    return None


def _original_bytes(photo: Photo) -> bytes:
    storage = photo.original.storage
    if not photo.original.name or not storage.exists(photo.original.name):
        raise ValidationError(
            gettext("The original file of this photo is missing from storage, so no copy can be rendered from it."),
            code="original_missing",
        )
    with storage.open(photo.original.name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != photo.sha256:
        # A copy must come from the file the log vouches for, not from a damaged one.
        raise ValidationError(
            gettext(
                "The original file no longer matches its recorded SHA-256, so no copy is made from it. "
                "Run manage.py verify_integrity and restore the file from a backup."
            ),
            code="original_changed",
        )
    return data


def render(data: bytes, boxes: list[pixels.Box]) -> bytes:
    """The redacted copy's file: the original as readers see it (upright, sRGB), the boxes
    solid black, re-encoded without any metadata."""
    try:
        return pixels.encode_covered(imaging.upright_rgb(data), boxes, quality=pixels.COPY_QUALITY, optimize=True)
    except ValueError as error:  # pixels.check_covered: a box would not come out solid black
        raise ValidationError(
            gettext("The copy could not be rendered with every box solid black, so nothing was saved (%(error)s)."),
            params={"error": error},
            code="not_covered",
        ) from error


def default_caption(photo: Photo) -> str:
    return (gettext("%(caption)s (redacted copy)") % {"caption": photo.caption})[:500]


def redact_photo(*, photo: Photo, boxes, redacted_by, caption: str | None = None) -> Photo:
    """Render a redacted copy of `photo` with `boxes` ([left, top, width, height] fractions
    of the upright image) filled black, store it as a new photo linked to the original,
    and record a "redaction" custody event naming both SHA-256 digests.

    The original is marked as showing personal data if it was not: the copy exists so
    that the public sees it instead. Raises ValidationError (nothing written) when the
    photo cannot be redacted, a box is wrong, or the original is missing or altered."""
    reason = refusal(photo)
    if reason:
        raise ValidationError(reason, code="refused")
    boxes = pixels.validate_boxes(boxes)
    rendered = render(_original_bytes(photo), boxes)
    upload = SimpleUploadedFile(f"photo-{photo.pk}-redacted.jpg", rendered, content_type="image/jpeg")
    copy = None
    try:
        with transaction.atomic():
            # Lock the original: two curators redacting it at once make one copy, not two.
            original = Photo.objects.select_for_update().select_related("artifact").get(pk=photo.pk)
            if Photo.objects.filter(redacted_from=original).exists():
                raise ValidationError(refusal(original), code="refused")
            copy = services.add_photo(
                artifact=original.artifact,
                uploaded=upload,
                caption=(caption or "").strip()[:500] or default_caption(original),
                credit=original.credit,
                date_taken=original.date_taken,
                access_level=original.access_level,
                shows_personal_data=False,
                graphic_content=original.graphic_content,
                redacted_from=original,
                redaction_boxes=boxes,
                position=original.position,
                uploaded_by=redacted_by,
            )
            if not original.shows_personal_data:
                original.shows_personal_data = True
                original.save(update_fields=["shows_personal_data"])
            record_custody_event(
                artifact=original.artifact,
                event_type=CustodyEventType.REDACTION,
                recorded_by=redacted_by,
                occurred=timezone.localdate().isoformat(),
                note=_event_note(original, copy, boxes, redacted_by),
            )
    except IntegrityError as error:
        _remove(copy)
        # The one-to-one link: another curator's copy was stored between our check and insert.
        raise ValidationError(refusal(photo) or str(error), code="refused") from error
    except BaseException:
        _remove(copy)
        raise
    return copy


def _remove(copy: Photo | None) -> None:
    if copy is not None:
        services.remove_files([copy.original.name, copy.thumbnail.name, copy.display.name])


def _event_note(original: Photo, copy: Photo, boxes, redacted_by) -> str:
    # English, like every custody note the archive writes itself: the note is part of the
    # event's hash, so it is stored once, not translated.
    who = redacted_by.get_username() if redacted_by is not None else "the archive"
    count = f"{len(boxes)} box" if len(boxes) == 1 else f"{len(boxes)} boxes"
    return (
        f"Redacted copy made by {who}: {count} filled with solid black. "
        f"Original: photo {original.pk}, SHA-256 {original.sha256}. "
        f"Redacted copy: photo {copy.pk}, SHA-256 {copy.sha256}."
    )
