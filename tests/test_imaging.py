"""Photo intake: what is refused and why, and what the stored files look like."""

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageCms

from artifacts import imaging
from tests.factories import make_photo
from tests.images import gps_exif, image_bytes, upload

XMP_NAMESPACE = b"http://ns.adobe.com/xap"
# Some XMP with a GPS position, as a phone's editing app writes it.
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,43.2N"/></rdf:RDF></x:xmpmeta>'
    b'<?xpacket end="w"?>'
)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb."""

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "hidden " * 200)
    return buffer.getvalue()


def corrupt_png() -> bytes:
    data = bytearray(image_bytes("PNG"))
    data[data.find(b"IDAT") + 20] ^= 0xFF  # a flipped byte inside the compressed pixels
    return bytes(data)


def open_image(fieldfile) -> Image.Image:
    with fieldfile.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def file_bytes(fieldfile) -> bytes:
    with fieldfile.open("rb") as handle:
        return handle.read()


# --- refusals -------------------------------------------------------------------------

BAD_UPLOADS = {
    "not an image": (b"Just some notes, typed into a text file.\n", "not an image in a format", "not_image"),
    "truncated JPEG": (image_bytes()[:5000], "corrupt or truncated", "corrupt"),
    "corrupt PNG": (corrupt_png(), "corrupt or truncated", "corrupt"),
    "GIF": (image_bytes("GIF"), "GIF image; GIF is not accepted", "format"),
    "BMP": (image_bytes("BMP"), "BMP image; BMP is not accepted", "format"),
    "SVG": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "is an SVG drawing, not an image",
        "foreign_content",
    ),
    "HTML named .jpg": (
        b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
        "is an HTML or script document, not an image",
        "foreign_content",
    ),
    "PDF named .jpg": (b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "is a PDF document", "foreign_content"),
    "JPEG with HTML appended": (
        image_bytes() + b"<html><script>alert(1)</script></html>",
        "HTML or script markup hidden inside it",
        "polyglot",
    ),
    "JPEG with a ZIP appended": (image_bytes() + zip_bytes(), "both an image and a ZIP archive", "polyglot"),
    "PNG with a ZIP appended": (image_bytes("PNG") + zip_bytes(), "both an image and a ZIP archive", "polyglot"),
    "JPEG with other data appended": (
        image_bytes() + b"MotionPhoto" * 20,
        "bytes of other data after the end",
        "polyglot",
    ),
    "PNG declaring 100,000 × 100,000 pixels": (
        png_declaring(100_000, 100_000),
        "more pixels than can be",
        "too_many_pixels",
    ),
    "empty file": (b"", "file is empty", "empty"),
}


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_each_bad_upload_is_refused_with_a_message_saying_what_is_wrong(kind):
    data, message, code = BAD_UPLOADS[kind]
    with pytest.raises(ValidationError) as excinfo:
        imaging.inspect_upload(upload(name="photo.jpg", data=data))
    assert excinfo.value.code == code
    assert message in excinfo.value.messages[0]


def test_files_over_the_size_limit_are_refused_before_decoding(settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 2_000
    with pytest.raises(ValidationError) as excinfo:
        imaging.inspect_upload(upload(data=image_bytes()))
    assert excinfo.value.code == "too_large"
    assert "the limit is 2.0\xa0KB" in excinfo.value.messages[0]  # filesizeformat keeps number and unit together


def test_images_over_the_pixel_limit_are_refused(settings):
    settings.ARCHIVE_MAX_IMAGE_PIXELS = 100_000
    with pytest.raises(ValidationError) as excinfo:
        imaging.inspect_upload(upload(data=image_bytes(size=(800, 600))))
    assert excinfo.value.code == "too_many_pixels"
    assert "800 × 600 pixels, more than the limit of 100,000 pixels" in excinfo.value.messages[0]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_the_four_accepted_formats_pass_whatever_the_file_is_called(fmt):
    info = imaging.inspect_upload(upload(name="scan.bin", data=image_bytes(fmt)))
    assert (info.format, info.width, info.height) == (imaging.ALLOWED_FORMATS[fmt], 800, 600)


def test_padding_after_the_image_is_tolerated_but_a_second_file_is_not():
    assert imaging.inspect_upload(upload(data=image_bytes() + b"\x00" * 4096)).format == "JPEG"
    # FF D9 (the JPEG end marker) inside the appended data must not hide it.
    with pytest.raises(ValidationError):
        imaging.inspect_upload(upload(data=image_bytes() + b"payload\xff\xd9"))


def test_a_multi_picture_jpeg_from_a_phone_is_accepted_whole():
    buffer = io.BytesIO()
    first = Image.open(io.BytesIO(image_bytes()))
    first.save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (200, 150))])
    assert imaging.inspect_upload(upload(data=buffer.getvalue())).format == "JPEG"


# --- what is stored -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "thumbnail", "display"),
    [
        ((4000, 3000), (400, 300), (1600, 1200)),
        ((1000, 2000), (200, 400), (800, 1600)),
        ((300, 200), (300, 200), (300, 200)),
    ],
)
def test_derivatives_fit_400_and_1600_pixels_and_are_never_upscaled(size, thumbnail, display):
    photo = make_photo(uploaded=upload(data=image_bytes(size=size)))
    assert (photo.thumbnail_width, photo.thumbnail_height) == thumbnail
    assert (photo.display_width, photo.display_height) == display
    assert open_image(photo.thumbnail).size == thumbnail
    assert open_image(photo.display).size == display
    assert (photo.width, photo.height) == size  # the original is described as stored


@pytest.mark.django_db
def test_exif_orientation_is_applied_to_the_derivatives():
    # Orientation 6: the camera was turned; viewers must rotate 90° clockwise. The dark
    # block drawn in the stored top-left corner then shows at the top right.
    photo = make_photo(uploaded=upload(data=image_bytes(size=(800, 600), exif=gps_exif(orientation=6))))
    assert (photo.width, photo.height) == (800, 600)
    display = open_image(photo.display).convert("L")
    assert display.size == (600, 800)
    width, height = display.size
    assert display.getpixel((width - 10, 10)) < 40  # dark: the block is now top right
    assert display.getpixel((10, 10)) > 100  # light: the top left is plain background
    assert open_image(photo.thumbnail).size == (300, 400)


@pytest.mark.django_db
def test_derivatives_carry_no_metadata_at_all():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes(exif=gps_exif(orientation=1), xmp=XMP_PACKET, icc_profile=profile)
    photo = make_photo(uploaded=upload(data=original))
    stored = file_bytes(photo.original)
    assert b"Exif" in stored and XMP_NAMESPACE in stored and b"ICC_PROFILE" in stored  # it really had them
    for derivative in (photo.thumbnail, photo.display):
        image = open_image(derivative)
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)  # no GPS
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert key not in image.info
        payload = file_bytes(derivative)
        assert b"Exif" not in payload
        assert XMP_NAMESPACE not in payload
        assert b"ICC_PROFILE" not in payload


@pytest.mark.django_db
def test_the_original_is_stored_byte_for_byte_with_its_sha256():
    data = image_bytes(exif=gps_exif())
    photo = make_photo(uploaded=upload(name="DSC_0042.JPG", data=data))
    assert file_bytes(photo.original) == data
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.byte_size == len(data)
    assert photo.image_format == "JPEG"
    assert photo.original.name.endswith(".jpg")


@pytest.mark.django_db
def test_a_png_named_jpg_is_stored_under_the_extension_of_what_it_is():
    photo = make_photo(uploaded=upload(name="photo.jpg", data=image_bytes("PNG")))
    assert photo.image_format == "PNG"
    assert photo.original.name.endswith(".png")


@pytest.mark.django_db
def test_exif_including_gps_is_kept_with_the_photo_record():
    photo = make_photo(uploaded=upload(data=image_bytes(exif=gps_exif())))
    photo.refresh_from_db()  # as stored in the JSON field
    assert photo.exif["Make"] == "TestCam"
    gps = photo.exif["GPSInfo"]
    assert gps["GPSLatitudeRef"] == "N"
    assert gps["GPSLatitude"] == [51.0, 43.0, 12.0]
    assert gps["GPSLongitude"] == [36.0, 11.0, 30.0]


def test_exif_values_that_json_cannot_hold_are_stored_as_null():
    from PIL.TiffImagePlugin import IFDRational

    assert imaging._json_safe(IFDRational(0, 0)) is None
    assert imaging._json_safe(b"\x00\x01") == "0001"
    assert imaging._json_safe("Cam\x00") == "Cam"


@pytest.mark.parametrize("mode", ["L", "LA", "P", "RGBA", "CMYK", "I;16", "1"])
def test_derivatives_are_made_from_every_colour_mode(mode):
    buffer = io.BytesIO()
    Image.new(mode, (64, 48)).save(buffer, "TIFF")
    prepared = imaging.prepare_upload(upload(data=buffer.getvalue()))
    payload, width, height = prepared.derivatives["thumbnail"]
    assert (width, height) == (64, 48)
    assert Image.open(io.BytesIO(payload)).mode == "RGB"
