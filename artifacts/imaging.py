"""Image intake: decide what an uploaded file really is, hash it, read its EXIF, and make
metadata-free derivatives.

The format is decided by decoding the bytes, never by the file name or the declared
content type. Anything that is not a clean JPEG, PNG, WebP or TIFF is refused with a
message a curator can act on.
"""

import hashlib
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "TIFF": "TIFF"}
THUMBNAIL_PX = 400
DISPLAY_PX = 1600
# Markup or document signatures that have no business inside a photograph; their
# presence means a polyglot file that a browser or another tool could read as HTML/PDF.
_FOREIGN_CONTENT = re.compile(rb"<\s*(?:script|html|svg|body|iframe|\?php|!doctype)|%PDF-", re.IGNORECASE)
# Bytes tolerated after an image's end marker (some cameras pad with zeros).
_TRAILER_ALLOWANCE = 64


@dataclass
class ImageInfo:
    format: str
    width: int
    height: int
    sha256: str
    byte_size: int
    exif: dict = field(default_factory=dict)


def _read_all(uploaded) -> bytes:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def _trailing_bytes(data: bytes, fmt: str) -> int:
    """How many bytes follow the image's own end marker (JPEG EOI, PNG IEND)."""
    if fmt == "JPEG":
        end = data.rfind(b"\xff\xd9")
        return len(data) - (end + 2) if end >= 0 else 0
    if fmt == "PNG":
        end = data.rfind(b"IEND")
        return len(data) - (end + 8) if end >= 0 else 0
    return 0


def _json_safe(value):
    if isinstance(value, bytes):
        return value[:64].hex() + ("…" if len(value) > 64 else "")
    if isinstance(value, tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, (int, str, bool)) or value is None:
        return value.replace("\x00", "") if isinstance(value, str) else value
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return str(value)


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


def inspect_upload(uploaded) -> ImageInfo:
    """Validate an uploaded image completely or raise ValidationError explaining why not."""
    max_bytes = settings.ARCHIVE_MAX_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > max_bytes:
        raise ValidationError(
            "The file is %(size)s MB; the limit is %(limit)s MB.",
            params={"size": round(uploaded.size / 1e6, 1), "limit": round(max_bytes / 1e6, 1)},
            code="too_large",
        )
    data = _read_all(uploaded)
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    if _FOREIGN_CONTENT.search(data):
        raise ValidationError(
            "The file contains markup or document content (HTML, SVG, script or PDF) and is refused.",
            code="foreign_content",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    "%(fmt)s images are not accepted. Upload JPEG, PNG, WebP or TIFF.",
                    params={"fmt": fmt},
                    code="format",
                )
            if width * height > settings.ARCHIVE_MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "The image is %(w)s × %(h)s pixels, more than the limit of %(limit)s million pixels.",
                    params={"w": width, "h": height, "limit": settings.ARCHIVE_MAX_IMAGE_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            exif = extract_exif(probe)
        with Image.open(io.BytesIO(data)) as full:
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            full.load()  # decodes every pixel: truncated or corrupt data fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        code = "too_many_pixels" if isinstance(exc, Image.DecompressionBombError) else "not_image"
        message = (
            "The image has too many pixels to be processed safely."
            if code == "too_many_pixels"
            else "The file is not an image in an accepted format (JPEG, PNG, WebP or TIFF)."
        )
        raise ValidationError(message, code=code) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            "The image is corrupt or truncated and cannot be decoded (%(error)s).",
            params={"error": str(exc)[:120]},
            code="corrupt",
        ) from exc
    kind = ALLOWED_FORMATS[fmt]
    if _trailing_bytes(data, kind.upper()) > _TRAILER_ALLOWANCE:
        raise ValidationError(
            "The file carries extra data after the end of the image (a polyglot file) and is refused.",
            code="polyglot",
        )
    return ImageInfo(
        format=kind,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
        exif=exif,
    )


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


def make_derivatives(data: bytes) -> dict[str, tuple[bytes, int, int]]:
    """Thumbnail and display JPEGs: orientation applied, sRGB, no metadata at all."""
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        upright = ImageOps.exif_transpose(source)
        rgb = _flatten(_to_srgb(upright))
    results = {}
    for name, limit in (("thumbnail", THUMBNAIL_PX), ("display", DISPLAY_PX)):
        # A fresh image from raw pixels carries no info dict: no EXIF, XMP, ICC or comments.
        copy = Image.frombytes("RGB", rgb.size, rgb.tobytes())
        copy.thumbnail((limit, limit), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
        results[name] = (buffer.getvalue(), copy.width, copy.height)
    return results
