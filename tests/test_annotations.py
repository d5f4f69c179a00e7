"""Transcribed regions: marked by a curator on a photo's page, listed on the record page
without JavaScript, carried by the IIIF manifest and the API, found by search — each only
where the viewer may see the photo."""

import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from iiif_prezi3 import Manifest

from artifacts.annotations.models import PhotoAnnotation
from artifacts.choices import AccessLevel, ArtifactType
from artifacts.models import Artifact
from tests.factories import ArtifactFactory, make_photo
from tests.images import image_bytes, upload
from tests.test_admin import add_rows, page_data

pytestmark = pytest.mark.django_db

# A line of a letter: Korean original, its romanization and an English translation.
REGION = {
    "label": "Line 2",
    "transcription": "어머니 보고 싶습니다",
    "original_language": "ko",
    "transliteration": "eomeoni bogo sipseumnida",
    "transliteration_script": "Latn",
    "translation": "Mother, I miss you",
    "translation_language": "en",
}


@pytest.fixture
def curator(client, staff_user):
    client.force_login(staff_user)
    return staff_user


@pytest.fixture
def letter():
    """A letter photographed at 2000 × 1000 px: its display image is 1600 × 800."""
    artifact = ArtifactFactory(title="Letter home", artifact_type=ArtifactType.HANDWRITTEN)
    photo = make_photo(artifact, caption="Page one", uploaded=upload(data=image_bytes(size=(2000, 1000))))
    return artifact, photo


def annotate(photo, **fields):
    values = {**REGION, "x": 0.25, "y": 0.5, "width": 0.5, "height": 0.1, **fields}
    annotation = PhotoAnnotation(photo=photo, **values)
    annotation.full_clean()
    annotation.save()
    return annotation


def change_url(photo):
    return reverse("admin:artifacts_photo_change", args=[photo.pk])


def region_row(**fields) -> dict:
    return {"position": "1", **REGION, "x": "25", "y": "50", "width": "50", "height": "10", **fields}


# --- the admin -------------------------------------------------------------------------


def test_a_curator_marks_a_region_in_per_cent_and_it_is_kept_as_fractions_with_its_author(client, curator, letter):
    _artifact, photo = letter
    page = client.get(change_url(photo))
    html = page.content.decode()
    assert "Transcribed regions" in html and "left (%)" in html and "No regions marked yet." in html

    data = add_rows(page_data(page), "annotations", region_row())
    response = client.post(change_url(photo), data)
    assert response.status_code == 302, response.context and response.context["errors"]

    annotation = PhotoAnnotation.objects.get()
    assert (annotation.x, annotation.y, annotation.width, annotation.height) == (0.25, 0.5, 0.5, 0.1)
    assert annotation.transcription == REGION["transcription"] and annotation.created_by == curator
    assert annotation.history.count() == 1

    # The page now draws the region on the image (the region editor's SVG, in per cent of the
    # display image), and shows the box in per cent again.
    html = client.get(change_url(photo)).content.decode()
    display = reverse("photo-file", args=[photo.pk, "display"])
    assert re.search(r'<div class="region-editor region-editor-inline" data-region-editor data-inline', html)
    assert f'<img src="{display}" width="1600" height="800"' in html
    assert '<rect class="region-shape" x="25.00" y="50.00" width="50.00" height="10.00"' in html
    assert "No regions marked yet." not in html and "js/region-editor.js" in html
    assert "<script>" not in html and " style=" not in html  # the CSP allows neither
    assert 'name="annotations-0-x" value="25.0"' in html


def test_saving_the_photo_again_leaves_its_regions_and_their_history_alone(client, curator, letter):
    _artifact, photo = letter
    annotation = annotate(photo, x=1 / 3)
    response = client.post(change_url(photo), {**page_data(client.get(change_url(photo))), "caption": "Page 1"})
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert annotation.x == 1 / 3 and annotation.history.count() == 1


def test_editing_and_deleting_a_region_is_kept_in_its_history(client, curator, letter):
    _artifact, photo = letter
    annotation = annotate(photo)
    data = {**page_data(client.get(change_url(photo))), "annotations-0-translation": "Mother, I miss you so"}
    assert client.post(change_url(photo), data).status_code == 302
    annotation.refresh_from_db()
    assert annotation.translation == "Mother, I miss you so"

    data = {**page_data(client.get(change_url(photo))), "annotations-0-DELETE": "on"}
    assert client.post(change_url(photo), data).status_code == 302
    assert not PhotoAnnotation.objects.exists()
    kinds = list(PhotoAnnotation.history.filter(id=annotation.pk).values_list("history_type", flat=True))
    assert sorted(kinds) == ["+", "-", "~"]
    # The region's own page lists it with its history while it exists; the history outlives it.
    assert client.get(reverse("admin:artifacts_photoannotation_changelist")).status_code == 200


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"x": "80", "width": "30"}, "width", "The region must lie inside the image."),
        ({"y": "95", "height": "10"}, "height", "The region must lie inside the image."),
        ({"x": "120"}, "x", "Ensure this value is less than or equal to 100."),
        ({"width": "-5"}, "width", "Ensure this value is greater than or equal to 0."),
        ({"height": "ten"}, "height", "Enter a number."),
        ({"x": ""}, "x", "This field is required."),
        ({"original_language": "not a tag!"}, "original_language", None),
        (
            {"transcription": "", "transliteration": "", "translation": ""},
            None,
            "Give the transcription, transliteration or translation of the region.",
        ),
    ],
)
def test_a_region_that_cannot_be_saved_is_refused_with_a_message_and_nothing_is_saved(
    client, curator, letter, row, field, message
):
    _artifact, photo = letter
    data = add_rows(page_data(client.get(change_url(photo))), "annotations", region_row(**row))
    response = client.post(change_url(photo), data)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[-1]
    errors = form.errors.get(field) if field else form.non_field_errors()
    assert errors, form.errors
    if message:
        assert message in errors and message in response.content.decode()
    assert not PhotoAnnotation.objects.exists()
    assert "Please correct the error below." in response.content.decode()


def test_without_javascript_the_page_draws_what_was_typed_when_it_comes_back_with_an_error(client, curator, letter):
    _artifact, photo = letter
    annotate(photo)
    typed = region_row(x="5", y="7.5", width="30", height="20", transcription="", transliteration="", translation="")
    data = add_rows(page_data(client.get(change_url(photo))), "annotations", typed)
    data["annotations-0-DELETE"] = "on"  # the saved region, ticked for deletion: not drawn
    html = client.post(change_url(photo), data).content.decode()
    assert "Give the transcription, transliteration or translation of the region." in html
    shapes = re.findall(r'<rect class="region-shape" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', html)
    assert shapes == [("5.00", "7.50", "30.00", "20.00")]
    assert PhotoAnnotation.objects.count() == 1


def test_a_graphic_photo_is_drawn_on_only_once_the_curator_opens_it(client, curator, letter):
    _artifact, photo = letter
    photo.graphic_content = True
    photo.save()
    html = client.get(change_url(photo)).content.decode()
    details = html[html.index('<details class="region-editor-graphic">') : html.index("</details>")]
    assert "Graphic content: show the image to mark regions on it" in details
    assert reverse("photo-file", args=[photo.pk, "display"]) in details and 'class="region-editor-shapes"' in details


def test_the_database_refuses_a_region_outside_the_image_whatever_the_form_says(letter):
    from django.db import IntegrityError, transaction

    _artifact, photo = letter
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoAnnotation.objects.create(photo=photo, x=0.9, y=0, width=0.2, height=0.1, transcription="x")


# --- the record page, without JavaScript -------------------------------------------------


def test_the_record_page_lists_the_regions_as_text_with_their_languages_and_links_to_the_image(client, letter):
    artifact, photo = letter
    second = annotate(photo, position=2, label="", transcription="안녕", transliteration="", translation="Goodbye")
    first = annotate(photo, position=1)
    html = client.get(artifact.get_absolute_url()).content.decode()

    section = html[html.index('id="regions"') : html.index("</section>", html.index('id="regions"'))]
    # Reading order, the label or a number, every text in its own language.
    assert section.index("Line 2") < section.index("Region 2")
    assert f'lang="ko">{REGION["transcription"]}</dd>' in section
    assert f'lang="ko-Latn">{REGION["transliteration"]}</dd>' in section
    assert f'lang="en">{REGION["translation"]}</dd>' in section
    # Linked to the region on the display image (1600 × 800) by a W3C media fragment, with a
    # preview cropped by the SVG's viewBox, and to the photo in the gallery.
    display = reverse("photo-file", args=[photo.pk, "display"])
    assert f'href="{display}#xywh=400,400,800,80"' in section
    assert 'viewBox="400 400 800 80"' in section and f'href="#photo-{photo.pk}"' in html
    assert f'id="photo-{photo.pk}"' in html
    assert f'id="region-{first.pk}"' in section and f'id="region-{second.pk}"' in section
    assert 'data-region="0.25 0.5 0.5 0.1"' in section
    assert '<a href="#regions">' in html  # in the page's own table of contents
    assert "style=" not in section and "<script>" not in section


def test_a_page_without_regions_has_no_regions_section(client, letter):
    artifact, _photo = letter
    html = client.get(artifact.get_absolute_url()).content.decode()
    assert 'id="regions"' not in html and "deepzoom-regions.js" not in html


# --- who sees what -----------------------------------------------------------------------


@pytest.fixture
def restricted_region(letter):
    """A public letter with one public photo (a public region) and one photo for
    researchers only (a region naming "Pyongyang")."""
    artifact, public = letter
    annotate(public, transcription="어머니", translation="Mother")
    restricted = make_photo(artifact, caption="Back, with the sender's address", access_level=AccessLevel.RESEARCHERS)
    annotate(restricted, label="Sender", transcription="평양", translation="Pyongyang, district nine", x=0.1)
    faces = make_photo(artifact, caption="Photo of the writer", shows_personal_data=True)
    annotate(faces, label="Caption on the photo", transcription="김", translation="Kimfamilyname", x=0.2)
    return artifact


def _manifest(client, artifact) -> dict:
    response = client.get(reverse("iiif-manifest", args=[artifact.accession_number]))
    assert response.status_code == 200
    data = json.loads(response.content)
    Manifest(**data)  # valid IIIF Presentation 3
    return data


def _api(client, artifact) -> dict:
    response = client.get(f"/api/artifacts/{artifact.accession_number}/")
    assert response.status_code == 200
    return response.json()


def test_regions_of_photos_the_public_may_not_see_appear_nowhere_for_the_public(client, restricted_region):
    artifact = restricted_region
    page = client.get(artifact.get_absolute_url()).content.decode()
    manifest = json.dumps(_manifest(client, artifact), ensure_ascii=False)
    api = json.dumps(_api(client, artifact), ensure_ascii=False)
    for text in ("Pyongyang", "평양", "Sender", "Kimfamilyname"):
        assert text not in page and text not in manifest and text not in api
    assert "Mother" in page and "Mother" in manifest and "Mother" in api
    assert not Artifact.objects.visible_to(AnonymousUser()).search("Pyongyang").exists()
    assert not Artifact.objects.visible_to(AnonymousUser()).search("Kimfamilyname").exists()
    assert "Letter home" not in client.get("/artifacts/?q=Pyongyang").content.decode()


def test_researchers_see_the_regions_of_the_photos_they_may_see(client, researcher, restricted_region):
    artifact = restricted_region
    client.force_login(researcher)
    page = client.get(artifact.get_absolute_url()).content.decode()
    assert "Pyongyang, district nine" in page and 'lang="ko">평양</dd>' in page
    manifest = _manifest(client, artifact)
    values = [
        body["value"]
        for canvas in manifest["items"]
        for annotation_page in canvas.get("annotations", [])
        for annotation in annotation_page["items"]
        for body in [annotation["body"]]
    ]
    assert "Pyongyang, district nine" in values and "Mother" in values
    photos = _api(client, artifact)["photos"]
    assert [a["label"] for photo in photos for a in photo["annotations"] if a["label"]] == [
        "Line 2",
        "Sender",
        "Caption on the photo",
    ]
    # Search indexes only what the public page shows: a region of a restricted photo is not
    # found even by those who may see it (documented; the page still lists it for them).
    assert not Artifact.objects.visible_to(researcher).search("Pyongyang").exists()


# --- IIIF --------------------------------------------------------------------------------


def test_the_manifest_carries_the_regions_as_web_annotations_on_the_canvas(client, letter):
    artifact, photo = letter
    annotation = annotate(photo, note="The last word is smudged.")
    data = _manifest(client, artifact)
    canvas = data["items"][0]
    canvas_id = canvas["id"]
    (annotation_page,) = canvas["annotations"]
    assert annotation_page["type"] == "AnnotationPage" and annotation_page["id"] == f"{canvas_id}/annotations"
    items = {item["id"].rsplit("/", 1)[1]: item for item in annotation_page["items"]}
    assert set(items) == {"transcription", "transliteration", "translation", "note"}
    # The display image is 1600 × 800 and so is the canvas: 25 %, 50 %, 50 %, 10 % of it.
    assert (canvas["width"], canvas["height"]) == (1600, 800)
    for item in items.values():
        assert item["type"] == "Annotation" and item["target"] == f"{canvas_id}#xywh=400,400,800,80"
        assert item["label"] == {"en": ["Line 2"]}
        assert item["id"].startswith(f"{canvas_id}/annotation/{annotation.pk}/")
    bodies = {kind: item["body"] for kind, item in items.items()}
    assert bodies["transcription"] == {
        "type": "TextualBody",
        "value": REGION["transcription"],
        "format": "text/plain",
        "language": "ko",
    }
    assert bodies["transliteration"]["language"] == "ko-Latn"
    assert bodies["translation"]["language"] == "en" and bodies["translation"]["value"] == REGION["translation"]
    assert "language" not in bodies["note"]
    motivations = {kind: item["motivation"] for kind, item in items.items()}
    assert motivations == {
        "transcription": "supplementing",
        "transliteration": "supplementing",
        "translation": "supplementing",
        "note": "commenting",
    }
    # Loaded back with iiif-prezi3, the annotations are its own objects, not loose JSON.
    loaded = Manifest(**data).items[0].annotations[0].items[0]
    target = getattr(loaded.target, "root", loaded.target)
    assert str(target).endswith("#xywh=400,400,800,80") and loaded.body.language == "ko"


def test_a_photo_without_regions_has_no_annotation_page(client, letter):
    artifact, _photo = letter
    assert "annotations" not in _manifest(client, artifact)["items"][0]


# --- the API -----------------------------------------------------------------------------


def test_the_api_gives_each_region_as_fractions_and_as_pixels_of_the_display_image(client, letter):
    artifact, photo = letter
    annotation = annotate(photo)
    (region,) = _api(client, artifact)["photos"][0]["annotations"]
    assert region["id"] == annotation.pk and region["label"] == "Line 2"
    assert region["region"] == {"x": 0.25, "y": 0.5, "width": 0.5, "height": 0.1}
    assert region["display_region"] == {
        "x": 400,
        "y": 400,
        "width": 800,
        "height": 80,
        "media_fragment": "xywh=400,400,800,80",
    }
    assert region["transcription"] == REGION["transcription"] and region["original_language"] == "ko"
    assert region["transliteration_lang"] == "ko-Latn" and region["translation_language"] == "en"


# --- search ------------------------------------------------------------------------------


def _found(query) -> set[str]:
    return set(Artifact.objects.visible_to(AnonymousUser()).search(query).values_list("title", flat=True))


def test_search_finds_a_word_written_only_in_a_region_of_a_public_photo(client, letter):
    artifact, photo = letter
    assert _found("Zhytomyr") == set()
    annotation = annotate(photo, translation="Greetings from Zhytomyr", transliteration="", label="Postmark")
    assert _found("Zhytomyr") == {"Letter home"}
    assert _found("Postmark") == {"Letter home"}  # the label, at the notes' weight
    assert _found("보고") == {"Letter home"}  # the Korean transcription, through the same analyzer
    # The catalog quotes the region with the word marked.
    html = client.get("/artifacts/?q=Zhytomyr").content.decode()
    assert "<mark>Zhytomyr</mark>" in html

    annotation.translation = "Greetings"
    annotation.save()
    assert _found("Zhytomyr") == set()
    annotation.translation = "Greetings from Zhytomyr"
    annotation.save()
    annotation.delete()
    assert _found("Zhytomyr") == set()


def test_a_region_leaves_the_index_when_its_photo_is_restricted_and_returns_when_it_is_public(letter):
    _artifact, photo = letter
    annotate(photo, translation="Greetings from Zhytomyr")
    photo.access_level = AccessLevel.RESEARCHERS
    photo.save()
    assert _found("Zhytomyr") == set()
    photo.access_level = AccessLevel.PUBLIC
    photo.shows_personal_data = True
    photo.save()
    assert _found("Zhytomyr") == set()
    photo.shows_personal_data = False
    photo.save()
    assert _found("Zhytomyr") == {"Letter home"}


def test_rebuilding_the_index_keeps_the_regions_of_public_photos_only(letter):
    from artifacts.search.indexing import reindex_all

    artifact, photo = letter
    annotate(photo, translation="Greetings from Zhytomyr")
    hidden = make_photo(artifact, access_level=AccessLevel.STAFF)
    annotate(hidden, translation="Secret Pyongyang")
    reindex_all()
    assert _found("Zhytomyr") == {"Letter home"} and _found("Pyongyang") == set()


def test_only_the_regions_of_public_photos_are_quoted_in_a_snippet(client, restricted_region, researcher):
    client.force_login(researcher)
    html = client.get("/artifacts/?q=Mother").content.decode()
    assert "<mark>Mother</mark>" in html
    assert not re.search("Pyongyang", html)


def test_a_region_over_a_box_covered_on_a_redacted_copy_is_saved_with_a_warning(client, curator, letter):
    from artifacts.models import Photo

    _artifact, photo = letter
    Photo.objects.filter(pk=photo.pk).update(redaction_boxes=[[0.3, 0.45, 0.1, 0.1]])
    data = add_rows(page_data(client.get(change_url(photo))), "annotations", region_row())
    response = client.post(change_url(photo), data, follow=True)
    assert PhotoAnnotation.objects.count() == 1
    assert "overlaps a box covered on this redacted copy" in response.content.decode()
