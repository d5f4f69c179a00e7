"""Covering boxes with solid black, so that no size of a redacted image shows what is under them.

Boxes are [left, top, width, height] as fractions of the upright image. In each image
they become pixel rectangles rounded outward (every pixel a box touches is covered) and
then outward again to the JPEG block grid: a JPEG is coded in 8 × 8 blocks, and a block
that is entirely one colour is coded as that colour alone (no detail coefficients), so
it decodes to exactly that colour whatever surrounds it. A block that straddles the
edge would ring: pixels inside the box would come back a little lighter. Encoding keeps
every colour sample (no chroma subsampling), because subsampled colour is smoothed
across block edges when decoded and would tint the box's outer pixels.

Every covered JPEG is decoded again and checked before it is used: if a pixel inside a
box is not exactly black, the image is refused rather than published.
"""

import io
import math
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from PIL import Image

FILL = (0, 0, 0)
# JPEG's block size; with no chroma subsampling the block is also the MCU.
BLOCK = 8
# Enough for a crowd in one photo; more is a sign of a mistake (or of a photo that
# should not be published at all).
MAX_BOXES = 50
# Quality of a redacted copy's stored file: close to lossless, since it stands in for the
# original as evidence. Its derivatives use imaging's own quality.
COPY_QUALITY = 95
# Fractions posted by a browser may overshoot an edge by a rounding error.
_SLACK = 1e-6

Box = tuple[float, float, float, float]


def validate_boxes(boxes) -> list[Box]:
    """The boxes as [left, top, width, height] fractions, or ValidationError listing every
    problem by box number."""
    if not isinstance(boxes, list | tuple) or not boxes:
        raise ValidationError(gettext("Draw at least one box over what must be hidden."), code="no_boxes")
    if len(boxes) > MAX_BOXES:
        raise ValidationError(
            ngettext(
                "A redacted copy may have at most %(limit)s box; %(count)s were given.",
                "A redacted copy may have at most %(limit)s boxes; %(count)s were given.",
                MAX_BOXES,
            ),
            params={"count": len(boxes), "limit": MAX_BOXES},
            code="too_many_boxes",
        )
    clean, errors = [], []
    for number, box in enumerate(boxes, start=1):
        try:
            left, top, width, height = (float(value) for value in box)
        except (TypeError, ValueError):
            errors.append(gettext("Box %(number)s is not four numbers.") % {"number": number})
            continue
        if not all(math.isfinite(v) for v in (left, top, width, height)):
            errors.append(gettext("Box %(number)s is not four numbers.") % {"number": number})
        elif width <= 0 or height <= 0:
            errors.append(gettext("Box %(number)s has no area: give it a width and a height.") % {"number": number})
        elif left < -_SLACK or top < -_SLACK or left + width > 1 + _SLACK or top + height > 1 + _SLACK:
            errors.append(
                gettext("Box %(number)s reaches outside the image; keep it within the picture.") % {"number": number}
            )
        else:
            # Within the slack of an edge: cut to the edge.
            left, top = max(0.0, left), max(0.0, top)
            width = 1 - left if left + width > 1 else width
            height = 1 - top if top + height > 1 else height
            clean.append((left, top, width, height))
    if errors:
        raise ValidationError(errors, code="bad_box")
    return clean


def touched(box: Sequence[float], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The pixels a box touches in an image of `size`: (x0, y0, x1, y1), x1 and y1 exclusive."""
    width, height = size
    left, top, box_width, box_height = box
    x0 = max(0, math.floor(left * width))
    y0 = max(0, math.floor(top * height))
    x1 = min(width, max(x0 + 1, math.ceil((left + box_width) * width)))
    y1 = min(height, max(y0 + 1, math.ceil((top + box_height) * height)))
    return x0, y0, x1, y1


def covered_region(box: Sequence[float], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """`touched`, widened to whole JPEG blocks (cut at the image's edge)."""
    x0, y0, x1, y1 = touched(box, size)
    width, height = size
    return (
        x0 // BLOCK * BLOCK,
        y0 // BLOCK * BLOCK,
        min(width, math.ceil(x1 / BLOCK) * BLOCK),
        min(height, math.ceil(y1 / BLOCK) * BLOCK),
    )


def encode_covered(image: Image.Image, boxes: Iterable[Box], *, quality: int, **save_kwargs) -> bytes:
    """Fill the boxes on a copy of the RGB `image` and encode it as a metadata-free JPEG
    without chroma subsampling, checked pixel by pixel."""
    # A fresh image from raw pixels carries no info dict: no EXIF, XMP, ICC or comments.
    canvas = Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())
    regions = [covered_region(box, canvas.size) for box in boxes]
    for region in regions:
        canvas.paste(FILL, region)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=quality, subsampling=0, **save_kwargs)
    data = buffer.getvalue()
    check_covered(data, regions)
    return data


def check_covered(data: bytes, regions: Iterable[tuple[int, int, int, int]]) -> None:
    """Decode `data` and refuse it unless every pixel of every region is exactly the fill."""
    with Image.open(io.BytesIO(data)) as decoded:
        rgb = decoded.convert("RGB")
        for region in regions:
            low, high = zip(*rgb.crop(region).getextrema(), strict=True)
            if low != FILL or high != FILL:
                raise ValueError(f"pixels inside a redaction box are not solid black after encoding ({region})")
