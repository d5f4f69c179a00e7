"""A test set for the perceptual hash: real photographs and their transformed copies.

The originals are the real photographs bundled with scikit-image (no download): people,
animals, objects, a street scene, astronomy, microscopy, a scanned page and close-ups of
surfaces. The synthetic images it also ships (a colour wheel, a checkerboard, a phantom,
a logo, a horse's silhouette) are left out: an archive holds photographs, and flat drawn
shapes would make the hash look better or worse than it is on them.

Each original gets the copies an investigator meets when the same picture turns up
elsewhere: shrunk, cropped, recompressed, turned, brightened or darkened, or posted and
screenshotted on a phone. Every step is deterministic (no randomness), so the bench and
the tests see the same pixels on every machine.
"""

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

# name in skimage.data -> what the photograph shows
ORIGINALS = {
    "astronaut": "portrait of an astronaut (colour)",
    "camera": "man with a camera (greyscale)",
    "chelsea": "a cat (colour)",
    "coffee": "a cup of coffee (colour)",
    "coins": "coins on a table (greyscale)",
    "moon": "the Moon's surface (greyscale)",
    "rocket": "a rocket on its launch pad (colour)",
    "hubble_deep_field": "the Hubble deep field (colour)",
    "retina": "a human retina (colour)",
    "motorcycle": "a motorcycle in a workshop (colour, left camera)",
    "immunohistochemistry": "stained tissue under a microscope (colour)",
    "clock": "a clock, blurred by motion (greyscale)",
    "cell": "a cell under a microscope (greyscale)",
    "brick": "a brick wall (greyscale)",
    "grass": "grass (greyscale)",
    "gravel": "gravel (greyscale)",
    "page": "a printed page, photographed (greyscale)",
    "text": "text on a sign, photographed (greyscale)",
}


def _load(name: str) -> Image.Image:
    from skimage import data

    if name == "motorcycle":
        pixels = data.stereo_motorcycle()[0]
    elif name == "motorcycle_right":
        pixels = data.stereo_motorcycle()[1]
    else:
        pixels = getattr(data, name)()
    return Image.fromarray(np.asarray(pixels)).convert("RGB")


@functools.cache
def original(name: str) -> Image.Image:
    """An original as RGB (greyscale photographs are made RGB, as an upload would be)."""
    return _load(name)


@functools.cache
def other_view() -> tuple[Image.Image, Image.Image]:
    """The same motorcycle from two cameras side by side: the same object in another
    photograph, not a copy. Reported by the bench, not counted as a copy."""
    return original("motorcycle"), _load("motorcycle_right")


def _resize(image):
    return image.resize((max(1, image.width // 3), max(1, image.height // 3)), Image.Resampling.LANCZOS)


def _crop_centre(image):
    # 10 % of the width and of the height cut away, half from each side.
    dx, dy = round(image.width * 0.05), round(image.height * 0.05)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def _crop_corner(image):
    # 10 % of the width and of the height cut away from the right and the bottom only.
    return image.crop((0, 0, round(image.width * 0.9), round(image.height * 0.9)))


def _jpeg(image, quality=40):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def _rotate(image):
    return image.transpose(Image.Transpose.ROTATE_90)


def _mirror(image):
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def _brighter(image):
    return ImageEnhance.Brightness(image).enhance(1.2)


def _darker(image):
    return ImageEnhance.Brightness(image).enhance(0.8)


def _font(size):
    # Pillow's own bundled font: the same glyphs on every machine.
    return ImageFont.load_default(size=size)


def screenshot(image, dark=False):
    """The picture as a phone shows a post: a white screen (black in dark mode), the status
    bar (time, signal, battery), the author's avatar and name above the picture, and the
    like/comment icons and a two-line caption below it, with a small margin at the sides."""
    width = image.width
    margin = round(width * 0.03)
    unit = max(8, width // 40)
    status, header, footer = 3 * unit, 5 * unit, 9 * unit
    screen, ink = ((0, 0, 0), (235, 235, 235)) if dark else ((255, 255, 255), (20, 20, 20))
    canvas = Image.new("RGB", (width + 2 * margin, status + header + image.height + footer), screen)
    draw = ImageDraw.Draw(canvas)
    # Status bar: time on the left, signal bars and a battery on the right.
    draw.text((margin, unit // 2), "9:41", fill=ink, font=_font(2 * unit))
    right = canvas.width - margin
    for i in range(4):
        draw.rectangle(
            (right - 7 * unit + i * unit, 2 * unit - i * unit // 3, right - 6.4 * unit + i * unit, 2.4 * unit), fill=ink
        )
    draw.rectangle((right - 2.4 * unit, unit, right, 2.4 * unit), outline=ink, width=max(1, unit // 6))
    draw.rectangle((right - 2.1 * unit, 1.3 * unit, right - 0.8 * unit, 2.1 * unit), fill=ink)
    # Post header: a round avatar and the author's name.
    top = status
    draw.ellipse((margin, top + unit, margin + 3 * unit, top + 4 * unit), fill=(90, 110, 140))
    draw.text((margin + 4 * unit, top + 1.5 * unit), "field_reporter", fill=ink, font=_font(int(1.6 * unit)))
    # The picture.
    top += header
    canvas.paste(image, (margin, top))
    # Below: heart and comment icons, then the caption.
    top += image.height
    draw.ellipse((margin, top + unit, margin + 2 * unit, top + 3 * unit), outline=ink, width=max(1, unit // 5))
    draw.ellipse(
        (margin + 3 * unit, top + unit, margin + 5 * unit, top + 3 * unit), outline=ink, width=max(1, unit // 5)
    )
    caption = _font(int(1.4 * unit))
    draw.text((margin, top + 4 * unit), "Found near the road this morning.", fill=ink, font=caption)
    draw.text((margin, top + 6 * unit), "Does anyone recognise it? #archive", fill=ink, font=caption)
    return canvas


# name -> (what was done, function); the order of the bench's table.
TRANSFORMATIONS = {
    "resize": ("resized to one third", _resize),
    "crop_centre": ("10 % cropped, from all sides", _crop_centre),
    "crop_corner": ("10 % cropped, from the right and bottom", _crop_corner),
    "jpeg40": ("recompressed as JPEG, quality 40", _jpeg),
    "rotate90": ("turned by 90°", _rotate),
    "mirror": ("mirrored", _mirror),
    "brighter": ("brightness +20 %", _brighter),
    "darker": ("brightness −20 %", _darker),
    "screenshot": ("screenshot of a phone post (white frame, status bar, caption)", screenshot),
    "screenshot_dark": ("the same in dark mode (black frame)", lambda image: screenshot(image, dark=True)),
    "screenshot_jpeg": (
        "the white screenshot recompressed as JPEG, quality 70",
        lambda image: _jpeg(screenshot(image), 70),
    ),
}


@functools.cache
def copy(name: str, transformation: str) -> Image.Image:
    return TRANSFORMATIONS[transformation][1](original(name))


def copies():
    """(original's name, transformation's name, image) for every copy."""
    for name in ORIGINALS:
        for transformation in TRANSFORMATIONS:
            yield name, transformation, copy(name, transformation)
