"""Image intake: decide what an uploaded file really is, hash it, read its EXIF, and make
metadata-free derivatives.

The format is decided by decoding the bytes, never by the file name or the declared
content type. Anything that is not a clean JPEG, PNG, WebP or TIFF is refused with a
message a curator can act on: what the file turned out to be, and what to upload instead.
"""

import hashlib
import io
import math
import re
import warnings
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy, ngettext
from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from artifacts.redaction.pixels import encode_covered

ALLOWED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "TIFF": "TIFF"}
# File-name extension for each accepted format: originals are stored under the extension
# of what they are, not of what the uploader's file name claimed.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WebP": "webp", "TIFF": "tif"}
THUMBNAIL_PX = 400
DISPLAY_PX = 1600
ACCEPTED = gettext_lazy("Upload a JPEG, PNG, WebP or TIFF image.")
# Markup or document signatures that have no business inside a photograph; their
# presence means a file that a browser or another tool could read as HTML, SVG or PDF.
_FOREIGN_CONTENT = re.compile(rb"<(script|html|svg|body|iframe|\?php|!doctype)[\s>/]|(%PDF-\d)", re.IGNORECASE)
_LEADING_WHITESPACE = b"\xef\xbb\xbf \t\r\n"
# Bytes after an image's end that carry nothing: some cameras pad files with 0x00 or 0xFF.
_PADDING = re.compile(rb"[\x00\xff]*\Z")


@dataclass
class ImageInfo:
    format: str
    width: int
    height: int
    sha256: str
    byte_size: int
    exif: dict = field(default_factory=dict)


@dataclass
class PreparedUpload:
    """A validated upload with its derivatives already made, so that nothing can fail
    for reasons of the file's content once a form has accepted it."""

    info: ImageInfo
    data: bytes
    derivatives: dict


def _read_all(uploaded) -> bytes:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def _foreign_content(data: bytes) -> ValidationError | None:
    """Refuse markup or a PDF, saying whether it is the whole file or hidden in an image."""
    match = _FOREIGN_CONTENT.search(data)
    if match is None:
        return None
    tag = (match.group(1) or b"").decode("ascii").lower()
    kind = {"": "pdf", "svg": "svg"}.get(tag, "html")
    if data.lstrip(_LEADING_WHITESPACE)[:1] in (b"<", b"%"):
        message = {
            "pdf": gettext("The file is a PDF document, not an image, whatever its name says. %(accepted)s"),
            "svg": gettext("The file is an SVG drawing, not an image, whatever its name says. %(accepted)s"),
            "html": gettext(
                "The file is an HTML or script document, not an image, whatever its name says. %(accepted)s"
            ),
        }[kind]
        return ValidationError(message, params={"accepted": ACCEPTED}, code="foreign_content")
    message = {
        "pdf": gettext(
            "The file is an image with a PDF document hidden inside it (a polyglot file that another program "
            "could open as something else). Save the picture again as a plain image and upload that."
        ),
        "svg": gettext(
            "The file is an image with SVG markup hidden inside it (a polyglot file that another program "
            "could open as something else). Save the picture again as a plain image and upload that."
        ),
        "html": gettext(
            "The file is an image with HTML or script markup hidden inside it (a polyglot file that another program "
            "could open as something else). Save the picture again as a plain image and upload that."
        ),
    }[kind]
    return ValidationError(message, code="polyglot")


def _jpeg_end(data: bytes, start: int = 0) -> int | None:
    """Offset just after the EOI marker of the JPEG stream beginning at `start`, found by
    walking its segments (a search for FF D9 would stop inside an appended file)."""
    if data[start : start + 2] != b"\xff\xd8":
        return None
    size, i = len(data), start + 2
    while i < size:
        if data[i] != 0xFF:
            return None
        while i < size and data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        if i >= size:
            return None
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return i
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if i + 2 > size:
            return None
        i += int.from_bytes(data[i : i + 2], "big")
        if marker == 0xDA:
            # Entropy-coded data runs to the next marker; FF 00 is a stuffed byte, FF D0–D7 a restart.
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= size:
                    return None
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                elif following == 0xFF:
                    i = j + 1
                else:
                    i = j
                    break
    return None


def _png_end(data: bytes) -> int | None:
    i, size = 8, len(data)
    while i + 8 <= size:
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        i += 12 + length
        if kind == b"IEND":
            return i if i <= size else None
    return None


def _image_end(data: bytes, pillow_format: str, frames: int) -> int | None:
    """Where the image's own bytes end, or None when the format has no single end (TIFF)."""
    if pillow_format in ("JPEG", "MPO"):
        # A multi-picture file (MPO, e.g. a phone's gain map) is several JPEGs back to back.
        end = _jpeg_end(data)
        for _ in range(frames - 1):
            following = _jpeg_end(data, end) if end is not None else None
            if following is None:
                break
            end = following
        return end if end is not None else -1
    if pillow_format == "PNG":
        end = _png_end(data)
        return end if end is not None else -1
    if pillow_format == "WEBP":
        return 8 + int.from_bytes(data[4:8], "little")
    return None


def _json_safe(value):
    if isinstance(value, bytes):
        return value[:64].hex() + ("…" if len(value) > 64 else "")
    if isinstance(value, tuple | list):
        return [_json_safe(v) for v in value]
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, int | bool) or value is None:
        return value
    try:
        number = float(value)
    except ZeroDivisionError:
        return None  # a 0/0 rational: the camera did not state the value
    except (TypeError, ValueError):
        return str(value).replace("\x00", "")
    # JSON (and PostgreSQL's jsonb) has no NaN or infinity; a 0/0 rational is “not stated”.
    return number if math.isfinite(number) else None


def extract_exif(image: Image.Image) -> dict:
    """EXIF of the original as a JSON-safe dict, GPS included (it stays with the original)."""
    exif = image.getexif()
    result = {ExifTags.TAGS.get(tag, str(tag)): _json_safe(value) for tag, value in exif.items()}
    for ifd_id, name in ((ExifTags.IFD.Exif, "Exif"), (ExifTags.IFD.GPSInfo, "GPSInfo")):
        try:
            sub = exif.get_ifd(ifd_id)
        except (KeyError, ValueError, TypeError):
            continue
        if sub:
            names = ExifTags.GPSTAGS if name == "GPSInfo" else ExifTags.TAGS
            result[name] = {names.get(tag, str(tag)): _json_safe(value) for tag, value in sub.items()}
    return result


def _readable_exif(image: Image.Image) -> dict:
    # Broken metadata is a fact about the original worth keeping, not a reason to refuse the image.
    try:
        return extract_exif(image)
    except Exception as exc:  # Pillow's EXIF parser raises many kinds
        return {"unreadable": f"The EXIF block could not be read: {str(exc)[:120]}"}


def _decode(data: bytes, max_pixels: int) -> tuple[str, int, int, int, dict]:
    """Format, size, frame count and EXIF, after decoding every pixel of the first frame."""
    with warnings.catch_warnings():
        # The archive enforces its own pixel limit; Pillow's early warning is only noise.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            frames = getattr(probe, "n_frames", 1)
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    gettext("The file is a %(fmt)s image; %(fmt)s is not accepted. %(accepted)s"),
                    params={"fmt": fmt, "accepted": ACCEPTED},
                    code="format",
                )
            if width * height > max_pixels:
                raise ValidationError(
                    gettext("The image is %(w)s × %(h)s pixels, more than the limit of %(limit)s pixels."),
                    params={"w": f"{width:,}", "h": f"{height:,}", "limit": f"{max_pixels:,}"},
                    code="too_many_pixels",
                )
            exif = _readable_exif(probe)
        with Image.open(io.BytesIO(data)) as full:
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            full.load()  # decodes every pixel: truncated or corrupt data fails here
    return fmt, width, height, frames, exif


def inspect_upload(uploaded) -> ImageInfo:
    """Validate an uploaded image completely or raise ValidationError explaining why not."""
    max_bytes = settings.ARCHIVE_MAX_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > max_bytes:
        raise ValidationError(
            gettext("The file is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    data = _read_all(uploaded)
    if not data:
        raise ValidationError(gettext("The file is empty."), code="empty")
    if len(data) > max_bytes:  # the declared size may be missing or wrong
        raise ValidationError(
            gettext("The file is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    foreign = _foreign_content(data)
    if foreign is not None:
        raise foreign
    max_pixels = settings.ARCHIVE_MAX_IMAGE_PIXELS
    try:
        fmt, width, height, frames, exif = _decode(data, max_pixels)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            gettext("The image declares more pixels than can be processed safely (limit %(limit)s pixels)."),
            params={"limit": f"{max_pixels:,}"},
            code="too_many_pixels",
        ) from exc
    except UnidentifiedImageError as exc:
        raise ValidationError(
            gettext("The file is not an image in a format the archive reads. %(accepted)s"),
            params={"accepted": ACCEPTED},
            code="not_image",
        ) from exc
    except Exception as exc:  # a damaged file makes decoders raise anything
        raise ValidationError(
            gettext("The image is corrupt or truncated and cannot be decoded (%(error)s)."),
            params={"error": str(exc)[:120] or type(exc).__name__},
            code="corrupt",
        ) from exc
    _refuse_appended_data(data, fmt, frames)
    return ImageInfo(
        format=ALLOWED_FORMATS[fmt],
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
        exif=exif,
    )


def _refuse_appended_data(data: bytes, pillow_format: str, frames: int) -> None:
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError(
            gettext(
                "The file is both an image and a ZIP archive (a polyglot file). Save the picture again as a "
                "plain image and upload that."
            ),
            code="polyglot",
        )
    end = _image_end(data, pillow_format, frames)
    if end == -1:
        raise ValidationError(
            gettext("The image decodes, but its structure is damaged: its end could not be found."), code="corrupt"
        )
    if end is not None and end < len(data) and not _PADDING.match(data, end):
        raise ValidationError(
            ngettext(
                "The file carries %(count)s byte of other data after the end of the image (for example an "
                "appended archive or a motion-photo video). Save the picture again as a plain image and upload that.",
                "The file carries %(count)s bytes of other data after the end of the image (for example an "
                "appended archive or a motion-photo video). Save the picture again as a plain image and upload that.",
                len(data) - end,
            ),
            params={"count": f"{len(data) - end:,}"},
            code="polyglot",
        )


def prepare_upload(uploaded, *, cover=()) -> PreparedUpload:
    """inspect_upload, then the derivatives: a file that passes can be stored without surprises.
    `cover`: a redacted copy's boxes, filled again in each derivative (make_derivatives)."""
    info = inspect_upload(uploaded)
    data = _read_all(uploaded)
    try:
        derivatives = make_derivatives(data, cover=cover)
    except Exception as exc:  # colour conversion of an odd file can raise anything
        raise ValidationError(
            gettext(
                "The image decodes but could not be converted for display (%(error)s). Save it as an 8-bit "
                "RGB JPEG or PNG and upload that."
            ),
            params={"error": str(exc)[:120] or type(exc).__name__},
            code="conversion",
        ) from exc
    return PreparedUpload(info=info, data=data, derivatives=derivatives)


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            return ImageCms.profileToProfile(image, source, target, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode == "I;16" or image.mode.startswith("I;16") or image.mode in ("I", "F"):
        return ImageOps.autocontrast(image.convert("L")).convert("RGB")
    return image.convert("RGB") if image.mode != "RGB" else image


def _fit(size: tuple[int, int], limit: int) -> tuple[int, int]:
    """The size with its longest side at most `limit`, aspect kept; never larger than `size`."""
    width, height = size
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def upright_rgb(data: bytes) -> Image.Image:
    """The image as readers see it: orientation applied, sRGB, flattened to RGB."""
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        upright = ImageOps.exif_transpose(source)
        return _flatten(_to_srgb(upright))


def make_derivatives(data: bytes, *, cover=()) -> dict[str, tuple[bytes, int, int]]:
    """Thumbnail and display JPEGs: orientation applied, sRGB, no metadata at all.

    `cover` is a redacted copy's boxes (fractions of the image). Resizing blends the black
    of a box with its surroundings, so each size has them filled again after resizing, on
    whole JPEG blocks and without chroma subsampling (see artifacts.redaction.pixels)."""
    rgb = upright_rgb(data)
    results = {}
    for name, limit in (("display", DISPLAY_PX), ("thumbnail", THUMBNAIL_PX)):
        scaled = rgb.resize(_fit(rgb.size, limit), Image.Resampling.LANCZOS, reducing_gap=3.0)
        if cover:
            payload = encode_covered(scaled, cover, quality=85, optimize=True, progressive=True)
            results[name] = (payload, scaled.width, scaled.height)
            continue
        # A fresh image from raw pixels carries no info dict: no EXIF, XMP, ICC or comments.
        clean = Image.frombytes("RGB", scaled.size, scaled.tobytes())
        buffer = io.BytesIO()
        clean.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
        results[name] = (buffer.getvalue(), clean.width, clean.height)
    return results
