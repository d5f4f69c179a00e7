"""An artifact's record as a JSON document, for transfer packages (see artifacts.bags).

Holds what the exporting account may see, and nothing more: restricted photos, personal
data and related records are filtered by the same visible_to(user) as the pages; personal
data the account may not see is listed as withheld, without its value, as on the page;
internal notes only for staff. Empty fields stay empty (null or ""): they mean the source
did not publish it, never that it is unknown to the archive.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from artifacts.access import sees_drafts, takes_originals, viewer_level
from artifacts.annotations.reading import attach_annotations
from artifacts.models import Artifact, PersonalDatum, Photo, Relation, SourceCitation

FORMAT = "battlefield-artifacts-archive/artifact/1"


def _choice(instance, name: str) -> dict:
    return {"value": getattr(instance, name), "label": getattr(instance, f"get_{name}_display")()}


def _date(value):
    return value.isoformat() if value else None


def photo_names(photo: Photo) -> dict[str, str]:
    """File names inside a bag's files/ folder. The original's name is the one the custody
    record lists (artifacts.custody.record.custody_document), so the checker (bfa-verify.pyz --files) finds it."""
    return {
        "original": f"photo-{photo.pk}-original.{photo.image_format.lower()}",
        "display": f"photo-{photo.pk}-display.jpg",
        "thumbnail": f"photo-{photo.pk}-thumbnail.jpg",
    }


def _photo(photo: Photo, include_original: bool) -> dict:
    names = photo_names(photo)
    graphic = photo.graphic_content or photo.artifact.graphic_content
    document = {
        "id": photo.pk,
        "position": photo.position,
        "caption": photo.caption,
        "credit": photo.credit,
        "date_taken": _date(photo.date_taken),
        "is_illustration": photo.is_illustration,
        "notice": photo.notice,
        "graphic_content": graphic,
        "redacted_copy_of_photo": photo.redacted_from_id,
        "access_level": _choice(photo, "access_level"),
        "original": {
            "sha256": photo.sha256,
            "byte_size": photo.byte_size,
            "format": photo.image_format,
            "width": photo.width,
            "height": photo.height,
            "file": f"files/{names['original']}" if include_original else None,
            "withheld": "" if include_original else "Original files go to staff only: they keep camera metadata.",
        },
        "display": {"file": f"files/{names['display']}", "width": photo.display_width, "height": photo.display_height},
        "thumbnail": {
            "file": f"files/{names['thumbnail']}",
            "width": photo.thumbnail_width,
            "height": photo.thumbnail_height,
        },
    }
    if include_original:
        document["original"]["original_name"] = photo.original_name
    if photo.redacted_from_id:
        document["redacted_regions"] = [dict(zip(REGION_KEYS, box, strict=True)) for box in photo.redaction_boxes]
    document["transcribed_regions"] = [_region(region) for region in getattr(photo, "visible_annotations", [])]
    return document


REGION_KEYS = ("x", "y", "width", "height")  # fractions of the image's width and height


def _region(region) -> dict:
    return {
        "position": region.position,
        "label": region.label,
        "region": {key: getattr(region, key) for key in REGION_KEYS},
        "display_region": region.media_fragment,
        "transcription": region.transcription,
        "original_language": region.original_language,
        "transliteration": region.transliteration,
        "transliteration_script": region.transliteration_script,
        "translation": region.translation,
        "translation_language": region.translation_language,
        "note": region.note,
    }


def _texts(artifact: Artifact) -> list[dict]:
    return [
        {
            "position": text.position,
            "label": text.label,
            "kind": _choice(text, "kind"),
            "original_text": text.original_text,
            "original_language": text.original_language,
            "transliteration": text.transliteration,
            "transliteration_script": text.transliteration_script,
            "translation": text.translation,
            "translation_language": text.translation_language,
            "translator": text.translator,
            "translation_source": text.translation_source,
            "date_written_edtf": text.date_written,
            "attributed_author": text.attributed_author,
            "attribution_confidence": _choice(text, "attribution_confidence"),
            "note": text.note,
        }
        for text in artifact.texts.order_by("position", "pk")
    ]


def _phrases(artifact: Artifact) -> list[dict]:
    fields = (
        "position",
        "order_known",
        "original_text",
        "original_language",
        "transliteration",
        "transliteration_script",
    )
    return [
        {
            **{name: getattr(p, name) for name in fields},
            "translation": p.translation,
            "translation_language": p.translation_language,
            "source": p.translation_source,
        }
        for p in artifact.phrases.order_by("position")
    ]


def _details(artifact: Artifact) -> dict:
    details = {"military_id": None, "object": None}
    military = getattr(artifact, "military_id", None)
    if military is not None:
        details["military_id"] = {
            "document_type": military.document_type,
            "issuing_authority": military.issuing_authority,
            "issued_on_edtf": military.issued_on,
        }
    gear = getattr(artifact, "object_details", None)
    if gear is not None:
        details["object"] = {
            "category": gear.category,
            "manufacturer": gear.manufacturer,
            "model": gear.model,
            "calibre": gear.calibre,
            "country_of_manufacture": gear.country_of_manufacture,
            "markings": gear.markings,
            "markings_language": gear.markings_language,
        }
    return details


def _personal_data(artifact: Artifact, user) -> list[dict]:
    visible = dict(PersonalDatum.objects.visible_to(user).filter(artifact=artifact).values_list("pk", "value"))
    return [
        {"field": _choice(item, "field"), "value": visible.get(item.pk), "withheld": item.pk not in visible}
        for item in artifact.personal_data.only("pk", "field").order_by("field", "pk")
    ]


def _relations(artifact: Artifact, user) -> list[dict]:
    visible = Artifact.objects.visible_to(user)
    outgoing = Relation.objects.filter(from_artifact=artifact, to_artifact__in=visible).select_related("to_artifact")
    incoming = Relation.objects.filter(to_artifact=artifact, from_artifact__in=visible).select_related("from_artifact")
    return [
        {"relation": _choice(r, "relation_type"), "to": r.to_artifact.accession_number, "note": r.note}
        for r in outgoing
    ] + [
        {"relation": _choice(r, "relation_type"), "from": r.from_artifact.accession_number, "note": r.note}
        for r in incoming
    ]


def _sources(artifact: Artifact) -> list[dict]:
    citations = SourceCitation.objects.filter(artifact=artifact).select_related("source")
    return [
        {
            "title": c.source.title,
            "publisher": c.source.publisher,
            "author": c.source.author,
            "published_on": _date(c.source.published_on),
            "dateline": c.source.dateline,
            "url": c.source.url,
            "archived_url": c.source.archived_url,
            "locator": c.locator,
        }
        for c in citations
    ]


# A bag is exchanged with other systems: its labels are English, whoever exports it.
@translation.override("en")
def artifact_document(artifact: Artifact, photos: list[Photo], user=None, base_url: str = "") -> dict:
    """The record of `artifact` with `photos` (already filtered by visible_to(user))."""
    user = user or AnonymousUser()
    include_originals = takes_originals(user)
    attach_annotations(photos, user)
    document = {
        "format": FORMAT,
        "accession_number": artifact.accession_number,
        "url": base_url.rstrip("/") + artifact.get_absolute_url() if base_url else None,
        "title": artifact.title,
        "type": _choice(artifact, "artifact_type"),
        "description": artifact.description,
        "materials": artifact.materials,
        "dimensions": artifact.dimensions,
        "condition": artifact.condition,
        "item_count": artifact.item_count,
        "languages": [{"code": lang.code, "name": lang.name} for lang in artifact.languages.all()],
        "recovery": {
            "date_edtf": artifact.recovery_date,
            "date_in_words": artifact.recovery_date_in_words,
            "date_as_reported": artifact.recovery_date_as_reported,
            "earliest_day": _date(artifact.recovered_earliest),
            "latest_day": _date(artifact.recovered_latest),
            "place": artifact.recovery_place,
            "place_precision": _choice(artifact, "recovery_place_precision"),
            "circumstances": artifact.recovery_circumstances,
            "recovering_unit": artifact.recovering_unit,
        },
        "current_custodian": artifact.current_custodian,
        "provenance": artifact.provenance,
        "verification": {
            **_choice(artifact, "verification_status"),
            "assessed_by": artifact.verification_assessed_by,
            "statement": artifact.verification_statement,
        },
        "publication": {
            "status": _choice(artifact, "status"),
            "access_level": _choice(artifact, "access_level"),
            "graphic_content": artifact.graphic_content,
        },
        "texts": _texts(artifact),
        "phrases": _phrases(artifact),
        **_details(artifact),
        "serial_numbers": [{"value": s.value, "location": s.location} for s in artifact.serial_numbers.all()],
        "personal_data": _personal_data(artifact, user),
        "sources": _sources(artifact),
        "relations": _relations(artifact, user),
        "photos": [_photo(photo, include_originals) for photo in photos],
        "created_at": artifact.created_at.isoformat(),
        "updated_at": artifact.updated_at.isoformat(),
        "exported_for_access_level": str(viewer_level(user).label),
    }
    if sees_drafts(user):
        document["internal_notes"] = artifact.internal_notes
    return document
