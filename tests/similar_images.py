"""Real photographs (scikit-image's bundled ones, no download) as upload bytes, and the
copies of them an investigator meets elsewhere: shrunk and recompressed, turned, framed."""

import functools
import io

from PIL import Image, ImageOps

from tests.images import upload


@functools.cache
def photograph(name: str) -> Image.Image:
    from skimage import data

    return Image.fromarray(getattr(data, name)()).convert("RGB")


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def original(name: str) -> bytes:
    return jpeg(photograph(name))


def resized_copy(name: str) -> bytes:
    """Shrunk to 60 % and saved again at JPEG quality 40, as a messaging app would."""
    image = photograph(name)
    small = image.resize((image.width * 3 // 5, image.height * 3 // 5), Image.Resampling.BILINEAR)
    return jpeg(small, quality=40)


def turned_copy(name: str) -> bytes:
    return jpeg(photograph(name).transpose(Image.Transpose.ROTATE_90))


def mirrored_copy(name: str) -> bytes:
    return jpeg(ImageOps.mirror(photograph(name)))


def as_upload(data: bytes, name: str = "picture.jpg"):
    return upload(name=name, data=data)
