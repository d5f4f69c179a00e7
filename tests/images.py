"""Real image files made in memory for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="JPEG", size=(800, 600), color=(180, 160, 120), exif=None, **save_kwargs) -> bytes:
    image = Image.new("RGB", size, color)
    # A dark block in the top-left corner lets tests see which way the image was turned.
    image.paste((0, 0, 0), (0, 0, size[0] // 4, size[1] // 4))
    buffer = io.BytesIO()
    if exif is not None:
        save_kwargs["exif"] = exif
    image.save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def gps_exif(orientation=None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 43.0, 12.0)
    gps[3] = "E"
    gps[4] = (36.0, 11.0, 30.0)
    return exif


def upload(name="photo.jpg", data=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else image_bytes(), content_type=content_type)
