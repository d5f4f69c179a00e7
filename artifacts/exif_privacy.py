"""What an original's metadata gives away about people and places, in words for curators.

Originals keep their EXIF byte for byte (it is evidence), and the public only ever sees
derivatives without it; but a curator must know when an original locates someone or
names a person or a camera, before sharing it with anyone.

The admin's script says the same before a file is sent: it is given these phrases, in the
curator's language, with placeholders (browser_texts).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# EXIF tags (as imaging.extract_exif names them) that identify a person or a device.
PERSON_TAGS = {"Artist": _("a person's name (Artist)"), "CameraOwnerName": _("the camera owner's name")}
DEVICE_TAGS = {"BodySerialNumber": _("the camera's serial number"), "LensSerialNumber": _("the lens's serial number")}


def _degrees(value, ref) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    return -result if ref in ("S", "W") else result


def gps_position(exif: dict) -> tuple[float, float] | None:
    gps = exif.get("GPSInfo") or {}
    latitude = _degrees(gps.get("GPSLatitude"), gps.get("GPSLatitudeRef"))
    longitude = _degrees(gps.get("GPSLongitude"), gps.get("GPSLongitudeRef"))
    if latitude is None or longitude is None:
        return None
    return latitude, longitude


def _gps_phrase(latitude: str, longitude: str) -> str:
    return gettext("GPS coordinates (%(latitude)s, %(longitude)s)") % {"latitude": latitude, "longitude": longitude}


def _tag_phrase(label, value: str) -> str:
    return gettext("%(label)s: “%(value)s”") % {"label": label, "value": value}


def _notice(caption: str, found: str) -> str:
    return gettext(
        "The original of “%(caption)s” carries %(found)s. It stays in the original, which only "
        "archive staff can download; readers see copies without metadata. Check the original before sharing it."
    ) % {"caption": caption, "found": found}


def findings(exif: dict) -> list[str]:
    """Each thing of concern found, as a phrase: empty when there is none."""
    found = []
    position = gps_position(exif or {})
    if position is not None:
        found.append(_gps_phrase(f"{position[0]:.5f}", f"{position[1]:.5f}"))
    elif (exif or {}).get("GPSInfo"):
        found.append(gettext("GPS data"))
    merged = {**(exif or {}), **((exif or {}).get("Exif") or {})}
    for tag, label in {**PERSON_TAGS, **DEVICE_TAGS}.items():
        value = merged.get(tag)
        if isinstance(value, str) and value.strip():
            found.append(_tag_phrase(label, value.strip()[:80]))
    return found


def notice(caption: str, exif: dict) -> str:
    found = findings(exif)
    if not found:
        return ""
    return _notice(caption, ", ".join(found))


def browser_texts() -> dict:
    """The phrases of findings() and notice() in the active language, with {placeholders}
    for the browser to fill in the same way: tag labels, GPS ({latitude}, {longitude}),
    a tag's value ({label}, {value}) and the notice ({name}, {found}: the findings joined
    with ", ")."""
    return {
        "labels": {tag: str(label) for tag, label in {**PERSON_TAGS, **DEVICE_TAGS}.items()},
        "gps": _gps_phrase("{latitude}", "{longitude}"),
        "gps_data": gettext("GPS data"),
        "tag": _tag_phrase("{label}", "{value}"),
        "notice": _notice("{name}", "{found}"),
    }
