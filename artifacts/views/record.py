"""The record page: one artifact as this viewer may see it, with its images, texts,
phrases, details, custody and sources (see artifacts.access and artifacts.querysets).

A withdrawn record's address answers 410 with a tombstone (see artifacts.publication); a
restricted or draft one is a 404 to whoever may not see it.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language_info, gettext, gettext_lazy, ngettext

from artifacts import citations, publication
from artifacts.access import sees_drafts, takes_originals
from artifacts.annotations.reading import attach_annotations
from artifacts.caching import remember
from artifacts.choices import CustodyEventType, RelationType
from artifacts.custody import heads
from artifacts.custody.checker.chain import verify_events
from artifacts.custody.models import LeafKind, LogLeaf
from artifacts.custody.record import event_document
from artifacts.models import Artifact, Language, PersonalDatum, Photo, Relation, SourceCitation
from artifacts.revisions import history_summary
from artifacts.similarity.views import similar_on_record
from artifacts.views.pages import shows_graphic

INVERSE_RELATION = {RelationType.PART_OF: gettext_lazy("Has as a part")}


def _personal_data(artifact, user, texts) -> list[dict]:
    """Every personal datum's label; the value only where the viewer may see it. Values
    the viewer may not see are never read from the database for this page. Items found
    inside one of the texts (a name in a letter) go to that text as `text.personal_items`,
    to be withheld where the reader meets them; the rest are returned."""
    visible = dict(PersonalDatum.objects.visible_to(user).filter(artifact=artifact).values_list("pk", "value"))
    items = artifact.personal_data.only("pk", "field", "text_id").order_by("field", "pk")
    by_text = {text.pk: text for text in texts}
    for text in texts:
        text.personal_items = []
    rest = []
    for item in items:
        entry = {"label": item.get_field_display(), "value": visible.get(item.pk), "withheld": item.pk not in visible}
        if item.text_id in by_text:
            by_text[item.text_id].personal_items.append(entry)
        else:
            rest.append(entry)
    return rest


def _related(artifact, user) -> list[dict]:
    """Relations stated from either end, to artifacts the viewer may see."""
    visible = Artifact.objects.visible_to(user)
    related = []
    for relation in Relation.objects.filter(from_artifact=artifact, to_artifact__in=visible).select_related(
        "to_artifact"
    ):
        related.append(
            {"label": relation.get_relation_type_display(), "artifact": relation.to_artifact, "note": relation.note}
        )
    for relation in Relation.objects.filter(to_artifact=artifact, from_artifact__in=visible).select_related(
        "from_artifact"
    ):
        label = INVERSE_RELATION.get(relation.relation_type, relation.get_relation_type_display())
        related.append({"label": label, "artifact": relation.from_artifact, "note": relation.note})
    return sorted(related, key=lambda item: (item["label"], item["artifact"].accession_number))


PHRASE_PARTS = [
    ("original_text", gettext_lazy("the original wording")),
    ("transliteration", gettext_lazy("a transliteration")),
    ("translation", gettext_lazy("a translation")),
    ("translation_source", gettext_lazy("where a translation was published")),
]


def _phrase_columns(phrases) -> tuple[set[str], str]:
    """The phrase table's columns that hold something, and one sentence for those that hold
    nothing in any row, rather than "not published" repeated in every row."""
    shown = {field for field, _ in PHRASE_PARTS if any(getattr(phrase, field) for phrase in phrases)}
    missing = [label for field, label in PHRASE_PARTS if field not in shown]
    if not phrases or not missing:
        return shown, ""
    listed = get_text_list([str(label) for label in missing])
    return shown, gettext("Not published for any of them: %(parts)s.") % {"parts": listed}


def _phrase_note(artifact, published: int) -> str:
    if artifact.item_count:
        # The same English either way; other languages need the form that goes with the total.
        return ngettext(
            "%(published)s of %(total)s phrases published.",
            "%(published)s of %(total)s phrases published.",
            artifact.item_count,
        ) % {"published": published, "total": artifact.item_count}
    return ngettext(
        "%(published)s phrase published; how many the list holds is not published.",
        "%(published)s phrases published; how many the list holds is not published.",
        published,
    ) % {"published": published}


def _language_names() -> dict[str, str]:
    return remember("language-names", lambda: dict(Language.objects.values_list("code", "name")))


def _language_name(code: str, names: dict) -> str:
    """The language's name in the reader's language where Django knows it; else the name
    the archive's language list gives (in English: migration 0024 fills it with every ISO
    639-1 code, so it would otherwise answer "Ukrainian" on a Korean page), else the code."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return names.get(code, code)


def _texts(artifact) -> list:
    """The artifact's texts, each with the names of its languages for the column headings."""
    texts = list(artifact.texts.all())
    names = _language_names() if texts else {}
    for text in texts:
        text.original_language_name = _language_name(text.original_language, names)
        text.translation_language_name = _language_name(text.translation_language, names)
    return texts


REGION_CROP = (320, 160)  # px: the largest a region's preview is drawn in the list


def _annotated_photos(photos, user) -> list:
    """The photos that have transcribed regions this user may see, each region with what
    its listing needs: its box as fractions and as a viewBox of the display image (the SVG
    preview crops by viewBox: no inline style, no extra image file), the preview's size,
    and the names of its languages."""
    attach_annotations(photos, user)
    annotated = [photo for photo in photos if photo.visible_annotations]
    names = _language_names() if annotated else {}
    for photo in annotated:
        for number, region in enumerate(photo.visible_annotations, start=1):
            x, y, w, h = region.display_xywh
            scale = min(REGION_CROP[0] / w, REGION_CROP[1] / h, 3)  # a small stamp: enlarged, but not blurred away
            region.number = number
            region.view_box = f"{x} {y} {w} {h}"
            region.crop_width, region.crop_height = max(1, round(w * scale)), max(1, round(h * scale))
            region.fractions = " ".join(repr(value) for value in (region.x, region.y, region.width, region.height))
            region.original_language_name = _language_name(region.original_language, names)
            region.translation_language_name = _language_name(region.translation_language, names)
    return annotated


def artifact_detail(request, accession):
    user = request.user
    if "\x00" in accession:
        # No accession number holds a NUL, and PostgreSQL refuses one in a query parameter.
        raise Http404("No artifact with that accession number is available.")
    try:
        artifact = (
            Artifact.objects.visible_to(user)
            .select_related("military_id", "object_details")
            .prefetch_related(
                "languages",
                "texts",
                "phrases",
                "serial_numbers",
                "place__names",
                "place__parent__names",
                "recovered_by__names",
                "custodian__names",
            )
            .get(accession_number=accession)
        )
    except Artifact.DoesNotExist:
        withdrawal = publication.tombstone(accession, user)
        if withdrawal is not None:
            return render(request, "artifacts/withdrawn.html", {"withdrawal": withdrawal}, status=410)
        raise Http404("No artifact with that accession number is available.") from None

    photos = list(Photo.objects.visible_to(user).filter(artifact=artifact).defer("exif").order_by("position", "pk"))
    revealed = shows_graphic(request)
    for photo in photos:
        photo.hidden = (artifact.graphic_content or photo.graphic_content) and not revealed
    annotated_photos = _annotated_photos(photos, user)
    phrases = list(artifact.phrases.all())
    phrase_columns, phrase_missing = _phrase_columns(phrases)
    custody = list(
        artifact.custody_events.select_related("recorded_by", "corrects")
        .prefetch_related("corrections", "attachments")
        .order_by("sequence")
    )
    sources = list(
        SourceCitation.objects.filter(artifact=artifact)
        .select_related("source__publisher_organisation")
        .prefetch_related("source__publisher_organisation__names")
    )
    texts = _texts(artifact)
    languages = list(artifact.languages.all())
    shown_photos = [photo for photo in photos if not photo.hidden]
    metadata = citations.json_ld(
        artifact, request, sources=sources, photos=shown_photos, texts=texts, languages=languages
    )
    context = {
        "artifact": artifact,
        "integrity": _integrity(artifact, custody),
        "history": history_summary(artifact, user),
        "photos": photos,
        "any_hidden": any(photo.hidden for photo in photos),
        "annotated_photos": annotated_photos,
        "any_graphic": artifact.graphic_content or any(photo.graphic_content for photo in photos),
        "show_graphic": revealed,
        "texts": texts,
        "phrases": phrases,
        "phrase_note": _phrase_note(artifact, len(phrases)),
        "phrase_columns": phrase_columns,
        "phrase_missing": phrase_missing,
        "military_id": getattr(artifact, "military_id", None),
        "object_details": getattr(artifact, "object_details", None),
        "serial_numbers": list(artifact.serial_numbers.all()),
        "personal_data": _personal_data(artifact, user, texts),
        "custody": custody,
        "citations": sources,
        "related": _related(artifact, user),
        "similar": similar_on_record(artifact, photos, request),
        "cite": citations.for_artifact(artifact, request),
        "json_ld": citations.json_ld_script(metadata),
        "languages": languages,
        # Staff-level viewers: the same test that reveals drafts reveals internal notes.
        "staff_view": sees_drafts(user),
        "publication_banner": publication.staff_banner(artifact),
        "takes_originals": takes_originals(user),
    }
    return render(request, "artifacts/artifact_detail.html", context)


def _integrity(artifact, custody) -> dict:
    """Recompute the hash chain now (cheap: a few events) and report the last full fixity
    check, which also re-hashed the files."""
    problems = verify_events([event_document(e) for e in custody], artifact.accession_number)
    checks = [e for e in custody if e.event_type == CustodyEventType.FIXITY_CHECK]
    head = heads.latest()
    indexes = LogLeaf.objects.filter(kind=LeafKind.CUSTODY_EVENT, object_id__in=[e.pk for e in custody])
    last_leaf = max(indexes.values_list("index", flat=True), default=None)
    return {
        "log_head": head,
        "logged": indexes.count() if custody else 0,
        "all_covered": head is not None and last_leaf is not None and last_leaf < head.tree_size,
        "chain_head": custody[-1].entry_hash if custody else "",
        "chain_ok": not problems,
        "problems": problems,
        "checked_at": timezone.now(),
        "last_fixity": checks[-1] if checks else None,
    }
