"""What an original's metadata gives away about people and places, in words for curators.

Originals keep their EXIF byte for byte (it is evidence), and the public only ever sees
derivatives without it; but a curator must know when an original locates someone or
names a person or a camera, before sharing it with anyone.
"""

# EXIF tags (as imaging.extract_exif names them) that identify a person or a device.
PERSON_TAGS = {"Artist": "a person's name (Artist)", "CameraOwnerName": "the camera owner's name"}
DEVICE_TAGS = {"BodySerialNumber": "the camera's serial number", "LensSerialNumber": "the lens's serial number"}


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


def findings(exif: dict) -> list[str]:
    """Each thing of concern found, as a phrase: empty when there is none."""
    found = []
    position = gps_position(exif or {})
    if position is not None:
        found.append(f"GPS coordinates ({position[0]:.5f}, {position[1]:.5f})")
    elif (exif or {}).get("GPSInfo"):
        found.append("GPS data")
    merged = {**(exif or {}), **((exif or {}).get("Exif") or {})}
    for tag, label in {**PERSON_TAGS, **DEVICE_TAGS}.items():
        value = merged.get(tag)
        if isinstance(value, str) and value.strip():
            found.append(f"{label}: “{value.strip()[:80]}”")
    return found


def notice(caption: str, exif: dict) -> str:
    found = findings(exif)
    if not found:
        return ""
    return (
        f"The original of “{caption}” carries {', '.join(found)}. It stays in the original, which only "
        "archive staff can download; readers see copies without metadata. Check the original before sharing it."
    )
