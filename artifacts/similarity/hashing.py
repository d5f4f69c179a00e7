"""The fingerprint itself: which perceptual hash, how it is computed, and what distances mean.

The thresholds here are chosen from the measurements in bench/SIMILARITY_RESULTS.md
(precision and recall per transformation on real photographs); change them only with a
new measurement.
"""

import imagehash
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from artifacts.similarity.models import BAND_BITS, BANDS

ALGORITHM = "phash-64"
BITS = 64
# Upper bounds (inclusive) of each class of distance, in differing bits out of 64.
NEAR_IDENTICAL = 4
SAME_IMAGE = 10
RELATED = 16
THRESHOLD = RELATED  # photos further apart than this are not shown as similar

WORDS = (
    (NEAR_IDENTICAL, _("near-identical")),
    (SAME_IMAGE, _("likely the same image")),
    (RELATED, _("possibly related")),
)


def _signed(value: int) -> int:
    # Stored in a signed 64-bit column on every database.
    return value - (1 << BITS) if value >= 1 << (BITS - 1) else value


def _unsigned(value: int) -> int:
    return value & ((1 << BITS) - 1)


def fingerprint(image: Image.Image) -> int:
    """The signed 64-bit perceptual hash of an image (orientation already applied)."""
    bits = imagehash.phash(image.convert("RGB"), hash_size=8)
    return _signed(int(str(bits), 16))


def query_variants(image: Image.Image) -> list[int]:
    """Fingerprints of the image turned by 0, 90, 180 and 270 degrees, and mirrored: a
    search compares each with the stored ones, so that a photo published turned or
    flipped is still found (the stored fingerprint is of the image as the archive shows it)."""
    image = image.convert("RGB")
    found = []
    for candidate in (image, ImageOps.mirror(image)):
        for turn in (None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270):
            value = fingerprint(candidate.transpose(turn) if turn else candidate)
            if value not in found:
                found.append(value)
    return found


def distance(a: int, b: int) -> int:
    """Differing bits between two fingerprints."""
    return (_unsigned(a) ^ _unsigned(b)).bit_count()


def bands(value: int) -> list[int]:
    """The fingerprint's four 16-bit bands, most significant first."""
    value = _unsigned(value)
    mask = (1 << BAND_BITS) - 1
    return [(value >> (BAND_BITS * (BANDS - 1 - i))) & mask for i in range(BANDS)]


def in_words(bits: int) -> str:
    """What a distance means to a reader, or "" beyond the threshold."""
    for limit, words in WORDS:
        if bits <= limit:
            return str(words)
    return ""
