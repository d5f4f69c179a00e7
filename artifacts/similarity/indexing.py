"""The one write path for fingerprints: every photo, however it arrives (admin, importer,
demo loader, the synthetic generator, the backfill command), is hashed here.

The hash is taken from the photo's display derivative, which ingest has already turned
upright (EXIF orientation applied), converted to sRGB and stripped of metadata: what a
reader of the archive sees is what is compared, and a camera's orientation flag cannot
make the same picture hash differently. A file that cannot be decoded is logged and
skipped, never raised: a photo is evidence, its fingerprint only a convenience, so no
failure here may undo the photo's own save (the backfill command finds it again later).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from PIL import Image

from artifacts.similarity import hashing
from artifacts.similarity.models import ImageFingerprint

logger = logging.getLogger(__name__)

UPDATED_FIELDS = ["algorithm", "value", "band0", "band1", "band2", "band3"]


@dataclass
class Outcome:
    fingerprinted: int = 0
    failed: list[int] = field(default_factory=list)  # photo ids whose display could not be read


def fingerprint_of(photo) -> int:
    """The fingerprint of the photo's display image, read from storage."""
    with photo.display.open("rb") as handle, Image.open(handle) as image:
        image.load()
        return hashing.fingerprint(image)


def row_for(photo_id: int, value: int) -> ImageFingerprint:
    band0, band1, band2, band3 = hashing.bands(value)
    return ImageFingerprint(
        photo_id=photo_id,
        algorithm=hashing.ALGORITHM,
        value=value,
        band0=band0,
        band1=band1,
        band2=band2,
        band3=band3,
    )


def fingerprint_photos(photos: Iterable, *, batch_size: int = 1000, progress: Callable | None = None) -> Outcome:
    """Hash each saved photo's display image and insert or replace its fingerprint, in
    batches (one statement per batch). Photos whose display cannot be read are counted in
    `failed` and left without a fingerprint. `progress(done)` is called after each batch."""
    outcome, rows, done = Outcome(), [], 0
    for photo in photos:
        done += 1
        try:
            rows.append(row_for(photo.pk, fingerprint_of(photo)))
        except Exception:  # a missing or damaged file makes storage and decoders raise anything
            logger.warning("Photo %s: its display image could not be fingerprinted.", photo.pk, exc_info=True)
            outcome.failed.append(photo.pk)
        if len(rows) >= batch_size:
            outcome.fingerprinted += _store(rows)
            rows = []
            if progress:
                progress(done)
    if rows:
        outcome.fingerprinted += _store(rows)
    if progress:
        progress(done)
    return outcome


def _store(rows: list[ImageFingerprint]) -> int:
    # A savepoint: should the write itself fail, only it is undone, never the caller's
    # transaction (the photo being saved, an import's other rows).
    with transaction.atomic():
        ImageFingerprint.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["photo"], update_fields=UPDATED_FIELDS
        )
    return len(rows)


def outdated(queryset):
    """Photos of `queryset` with no fingerprint, or one made by another algorithm."""
    return queryset.filter(Q(fingerprint__isnull=True) | ~Q(fingerprint__algorithm=hashing.ALGORITHM))
