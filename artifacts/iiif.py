"""IIIF Presentation 3 manifests: one per artifact, for IIIF viewers and researchers' tools.

The manifest lists exactly the images the requester may see (Photo.objects.visible_to),
each as a canvas painted with its display derivative at its real pixel size. The archive
runs no IIIF Image API server: the derivatives are plain static image resources, which
every Presentation 3 viewer can show and zoom.

Graphic content is included, with a warning in the canvas label and summary and no
thumbnail, rather than left out. A manifest is only fetched by software a researcher
pointed at it, and viewers fetch it cross-origin without the archive's session cookie,
so the page's "show graphic images" choice could never reach it: leaving graphic images
out would silently drop evidence from every external viewer. The warning travels with
the image instead, and no graphic image is offered as a preview thumbnail.

Illustrations carry ILLUSTRATION_NOTICE in their label and summary, as everywhere else.

Transcribed regions (artifacts.annotations) travel on their canvas as W3C Web Annotations
in one AnnotationPage (`canvas.annotations`): a "supplementing" annotation for each of the
transcription, transliteration and translation, each a TextualBody in its own language
(the transliteration's tag names its script, e.g. ko-Latn), and a "commenting" one for a
note, all targeting `<canvas>#xywh=…` in canvas pixels. One annotation per text rather than
one with several bodies: viewers such as Mirador join several bodies into one string,
which would lose each text's language. Only the regions of photos on the manifest are
there, so a requester sees exactly the regions of the images they may see.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from iiif_prezi3 import (
    Annotation,
    AnnotationBody,
    AnnotationPage,
    Homepage,
    KeyValueString,
    LinkedResource,
    Manifest,
    TextualBody,
)

from artifacts.annotations.reading import attach_annotations
from artifacts.models import Artifact, Photo
from artifacts.models.photos import ILLUSTRATION_NOTICE
from artifacts.templatetags.archive import archive_name

CONTENT_TYPE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
GRAPHIC_WARNING = "Graphic content: this image may be distressing."
LANGUAGE = "en"
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-store"


def _text(value: str) -> dict:
    """A IIIF language map: every string the archive writes is English."""
    return {LANGUAGE: [value]}


def _pair(label: str, value: str) -> KeyValueString:
    return KeyValueString(label=_text(label), value=_text(value))


def _photo_label(photo: Photo, graphic: bool) -> str:
    label = photo.caption
    if photo.is_illustration:
        label = f"{label} ({ILLUSTRATION_NOTICE})"
    if graphic:
        label = f"{GRAPHIC_WARNING} {label}"
    return label


def _photo_summary(photo: Photo, graphic: bool) -> str:
    parts = []
    if graphic:
        parts.append(GRAPHIC_WARNING)
    if photo.is_illustration:
        parts.append(ILLUSTRATION_NOTICE)
    parts.append(photo.caption)
    if photo.redacted_from_id:
        parts.append("Redacted copy: personal data in the original is covered.")
    return " ".join(parts)


def _credit(photo: Photo) -> str:
    return photo.credit or "Credit not recorded"


def _named(authority) -> str:
    uris = [uri for _scheme, _id, uri in authority.identifiers()]
    return authority.label("en") + (f" ({', '.join(uris)})" if uris else "")


def _metadata(artifact: Artifact) -> list[KeyValueString]:
    pairs = [
        ("Accession number", artifact.accession_number),
        ("Type", artifact.get_artifact_type_display()),
        ("Verification", artifact.get_verification_status_display()),
    ]
    if artifact.recovery_date:
        pairs.append(("Recovered", artifact.recovery_date_in_words or artifact.recovery_date))
    if artifact.recovery_place:
        pairs.append(("Place of recovery", artifact.recovery_place))
    if artifact.place_id:
        # The place authority and what contains it, each with its identifiers as plain URIs:
        # "Kursk region, in Russia (https://www.wikidata.org/entity/Q159, …)".
        chain = [artifact.place, *artifact.place.ancestors()]
        pairs.append(("Place (authority)", ", in ".join(_named(place) for place in chain)))
    if artifact.recovered_by_id:
        pairs.append(("Recovered by (authority)", _named(artifact.recovered_by)))
    if artifact.materials:
        pairs.append(("Materials", artifact.materials))
    if artifact.dimensions:
        pairs.append(("Dimensions", artifact.dimensions))
    return [_pair(label, value) for label, value in pairs]


def _image(url: str, width: int, height: int) -> AnnotationBody:
    return AnnotationBody(id=url, type="Image", format="image/jpeg", width=width, height=height)


def _region_annotations(canvas_id: str, photo: Photo) -> list[Annotation]:
    """The photo's transcribed regions (`visible_annotations`, see attach_annotations) as Web
    Annotations on its canvas, whose pixels are the display image's."""
    items = []
    for annotation in getattr(photo, "visible_annotations", []):
        x, y, w, h = annotation.xywh(photo.display_width, photo.display_height)
        target = f"{canvas_id}#xywh={x},{y},{w},{h}"
        texts = [
            ("transcription", "supplementing", annotation.transcription, annotation.original_language),
            ("transliteration", "supplementing", annotation.transliteration, annotation.transliteration_lang),
            ("translation", "supplementing", annotation.translation, annotation.translation_language),
            ("note", "commenting", annotation.note, ""),
        ]
        for kind, motivation, value, language in texts:
            if not value:
                continue
            body = TextualBody(value=value, format="text/plain", language=language or None)
            item = Annotation(
                id=f"{canvas_id}/annotation/{annotation.pk}/{kind}",
                motivation=motivation,
                body=body,
                target=target,
            )
            if annotation.label:
                item.label = _text(annotation.label)
            items.append(item)
    return items


# The manifest's values sit under "en": they are English whatever the request's language.
@translation.override("en")
def build_manifest(artifact: Artifact, photos: list[Photo], absolute) -> Manifest:
    """The manifest of `artifact` showing `photos` (already filtered by the access policy).

    `absolute` turns a path into an absolute URL (request.build_absolute_uri)."""
    base = absolute(reverse("iiif-manifest", args=[artifact.accession_number])).rsplit("/", 1)[0]
    record_url = absolute(artifact.get_absolute_url())
    graphic = {photo.pk: artifact.graphic_content or photo.graphic_content for photo in photos}

    summary = [artifact.description] if artifact.description else []
    if any(graphic.values()):
        summary.append("Some images are marked as graphic content and may be distressing.")
    if any(photo.is_illustration for photo in photos):
        summary.append("Some images are illustrations made for this archive, not photographs of the artifact.")
    credits = list(dict.fromkeys(_credit(photo) for photo in photos))

    manifest = Manifest(
        id=f"{base}/manifest.json",
        label=_text(artifact.title),
        metadata=_metadata(artifact),
        requiredStatement=_pair(
            "Attribution",
            f"Images: {'; '.join(credits)}. Record {artifact.accession_number}, {archive_name()}.",
        ),
        homepage=[
            Homepage(
                id=record_url,
                type="Text",
                label=_text(f"{artifact.title} ({artifact.accession_number})"),
                format="text/html",
                language=[LANGUAGE],
            )
        ],
        seeAlso=[
            LinkedResource(
                id=absolute(reverse("custody-record", args=[artifact.accession_number])),
                type="Dataset",
                label=_text("Chain-of-custody record with SHA-256 digests of the original files"),
                format="application/json",
            )
        ],
        items=[],
    )
    if summary:
        manifest.summary = _text(" ".join(summary))
    # No `rights`: the archive records no licence per image, only each image's credit,
    # which requiredStatement carries; a rights URI must never be guessed.

    for photo in photos:
        canvas_id = f"{base}/canvas/{photo.pk}"
        canvas = manifest.make_canvas(
            id=canvas_id,
            label=_text(_photo_label(photo, graphic[photo.pk])),
            summary=_text(_photo_summary(photo, graphic[photo.pk])),
            width=photo.display_width,
            height=photo.display_height,
            requiredStatement=_pair("Credit", _credit(photo)),
        )
        if photo.date_taken:
            made = "Made" if photo.is_illustration else "Photographed"
            canvas.metadata = [_pair(made, photo.date_taken.isoformat())]
        canvas.add_image(
            absolute(photo.get_media_url("display")),
            anno_id=f"{canvas_id}/painting",
            anno_page_id=f"{canvas_id}/page",
            format="image/jpeg",
            width=photo.display_width,
            height=photo.display_height,
        )
        if not graphic[photo.pk]:
            thumbnail = _image(
                absolute(photo.get_media_url("thumbnail")), photo.thumbnail_width, photo.thumbnail_height
            )
            canvas.thumbnail = [thumbnail]
            if not manifest.thumbnail:
                manifest.thumbnail = [thumbnail]
        regions = _region_annotations(canvas_id, photo)
        if regions:
            canvas.annotations = [AnnotationPage(id=f"{canvas_id}/annotations", items=regions)]
    return manifest


def _is_public(artifact: Artifact, photos: list[Photo], user) -> bool:
    """Whether an anonymous visitor would get exactly this manifest."""
    if not user.is_authenticated:
        return True
    anonymous = AnonymousUser()
    if not Artifact.objects.visible_to(anonymous).filter(pk=artifact.pk).exists():
        return False
    public_ids = set(Photo.objects.visible_to(anonymous).filter(artifact=artifact).values_list("pk", flat=True))
    return {photo.pk for photo in photos} == public_ids


@require_safe
def manifest_view(request, accession):
    user = request.user
    if "\x00" in accession:  # PostgreSQL refuses NUL in a query; no accession holds one
        raise Http404("No artifact with that accession number is available.")
    try:
        artifact = Artifact.objects.visible_to(user).get(accession_number=accession)
    except Artifact.DoesNotExist:
        raise Http404("No artifact with that accession number is available.") from None
    photos = list(Photo.objects.visible_to(user).filter(artifact=artifact).defer("exif").order_by("position", "pk"))
    if not photos:
        # A IIIF manifest must have at least one canvas; with no image to show there is none.
        raise Http404("No images of this artifact are published.")
    attach_annotations(photos, user)
    manifest = build_manifest(artifact, photos, request.build_absolute_uri)
    response = HttpResponse(manifest.json(), content_type=CONTENT_TYPE)
    if _is_public(artifact, photos, user):
        # IIIF viewers on other sites fetch manifests cross-origin; public content only.
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = PUBLIC_CACHE
    else:
        response["Cache-Control"] = PRIVATE_CACHE
    response["Vary"] = "Cookie"
    return response
