"""The fingerprint itself: which perceptual hash, how it is computed, and what distances mean.

The thresholds here are chosen from the measurements in bench/SIMILARITY_RESULTS.md
(precision and recall per transformation on real photographs); change them only with a
new measurement.
"""

import imagehash
import numpy as np
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from artifacts.similarity.models import BAND_BITS, BANDS

ALGORITHM = "phash-64"
BITS = 64
# Upper bounds (inclusive) of each class of distance, in differing bits out of 64, from
# bench/SIMILARITY_RESULTS.md. Resized, recompressed, turned, mirrored, brightened and
# screenshotted copies of the test set's photographs are all within 6 bits of their
# originals; a 10 % crop is 6–22 bits away (39 % of them within 10); unrelated
# photographs are 16 or more apart. The threshold is no wider than 10 because of scale: among a
# million stored photos a query would meet 0.08 chance matches at 10 bits (uniformly
# random fingerprints, 8 query variants), 1.8 at 12, 309 at 16, and the banded search
# reads 65,000 candidate rows at 10 bits, 290,000 at 12, 710,000 at 16.
NEAR_IDENTICAL = 6
SAME_IMAGE = 8
RELATED = 10
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


# A frame is trimmed only when it is flat, as a screen's background is: its four corners
# within FRAME_TOLERANCE levels of one another, and no more than FRAME_INK of the frame's
# pixels different from that colour (the status bar, a name, icons, a caption). At 4 levels
# no photograph of the test set is trimmed, not even those on a black or grey background
# (the Hubble deep field, a cell under a microscope), whose noise a wider tolerance took
# for a frame and then trimmed differently once the photo was brightened or recompressed.
FRAME_TOLERANCE = 4
FRAME_INK = 0.15
# The picture inside must keep at least this share of the width and of the height.
FRAME_KEEP = 0.3


def trim_frame(image: Image.Image) -> Image.Image:
    """The picture inside a flat frame, such as a screenshot's white screen around a posted
    photo; the image itself when it has no such frame.

    A row (column) belongs to the picture when at least half as many of its pixels differ
    from the frame's colour as in the row (column) that differs most: a line of a caption
    or a status bar differs in a few pixels, a row of a photograph in nearly all. Rows and
    columns are judged independently, so a turned or mirrored image is trimmed to the
    turned or mirrored picture and its query variants match the stored fingerprint."""
    grey = np.asarray(image.convert("L"), dtype=np.int16)
    height, width = grey.shape
    if height < 8 or width < 8:
        return image
    corners = np.array([grey[0, 0], grey[0, -1], grey[-1, 0], grey[-1, -1]])
    background = int(np.median(corners))
    if np.abs(corners - background).max() > FRAME_TOLERANCE:
        return image
    ink = np.abs(grey - background) > FRAME_TOLERANCE
    rows, columns = ink.mean(axis=1), ink.mean(axis=0)
    kept_rows = np.flatnonzero(rows >= rows.max() / 2)
    kept_columns = np.flatnonzero(columns >= columns.max() / 2)
    if not len(kept_rows) or not len(kept_columns):
        return image
    top, bottom = kept_rows[0], kept_rows[-1] + 1
    left, right = kept_columns[0], kept_columns[-1] + 1
    if (bottom - top) == height and (right - left) == width:
        return image
    if (bottom - top) < FRAME_KEEP * height or (right - left) < FRAME_KEEP * width:
        return image
    frame = ink.sum() - ink[top:bottom, left:right].sum()
    frame_area = height * width - (bottom - top) * (right - left)
    if frame > FRAME_INK * frame_area:
        return image
    return image.crop((int(left), int(top), int(right), int(bottom)))


def _bits(image: Image.Image) -> int:
    return int(str(imagehash.phash(image, hash_size=8)), 16)


def prepare(image: Image.Image) -> Image.Image:
    """The image as it is hashed: RGB, without a flat frame around it."""
    return trim_frame(image.convert("RGB"))


def fingerprint(image: Image.Image) -> int:
    """The signed 64-bit perceptual hash of an image (orientation already applied)."""
    return _signed(_bits(prepare(image)))


def query_variants(image: Image.Image) -> list[int]:
    """Fingerprints of the image turned by 0, 90, 180 and 270 degrees, and mirrored: a
    search compares each with the stored ones, so that a photo published turned or
    flipped is still found (the stored fingerprint is of the image as the archive shows it)."""
    image = prepare(image)
    found = []
    for candidate in (image, ImageOps.mirror(image)):
        for turn in (None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270):
            value = _signed(_bits(candidate.transpose(turn) if turn else candidate))
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
