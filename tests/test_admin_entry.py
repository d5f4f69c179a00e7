"""The artifact form shaped by the type, and several photos added at once."""

import pytest
from django.urls import reverse

from artifacts.admin import shape
from artifacts.choices import ArtifactType
from artifacts.models import Artifact, CustodyEvent, MilitaryIDDetails, Photo, Phrase
from tests.factories import ArtifactFactory, make_photo
from tests.images import gps_exif, image_bytes, upload
from tests.test_admin import ARTIFACT_ADD, NEW_ARTIFACT, _form_data, add_rows, page_data, stored_files
from tests.test_imaging import BAD_UPLOADS

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def prefixes(response) -> set[str]:
    return {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}


def add_form_data(client, artifact_type: str, **fields) -> dict:
    """The add form of a type as a browser submits it, blank rows included, untouched."""
    response = client.get(ARTIFACT_ADD, {"artifact_type": artifact_type})
    data = page_data(response)
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.extra_forms:
            data.update(_form_data(form))
    return {**data, **NEW_ARTIFACT, "artifact_type": artifact_type, **fields}


COMMON = {"photos", "sourcecitation_set", "relations_out", "custody_events"}


# --- the first step and the shape of the form ---------------------------------------


def test_the_add_page_first_asks_for_the_type_with_plain_links(client, curator):
    response = client.get(ARTIFACT_ADD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "adminform" not in response.context
    for value in ArtifactType.values:
        assert f'href="?artifact_type={value}"' in page
    assert "<script>" not in page  # the policy allows no inline script


def test_every_type_has_a_shape_and_the_first_step_offers_it():
    assert set(shape.INLINES_BY_TYPE) == set(ArtifactType.values)
    assert {choice["value"] for choice in shape.type_choices()} == set(ArtifactType.values)


@pytest.mark.parametrize(
    ("artifact_type", "own"),
    [
        ("weapon", {"object_details", "serial_numbers"}),
        ("gear", {"object_details", "serial_numbers"}),
        ("military_id", {"military_id", "personal_data"}),
        ("handwritten", {"texts", "personal_data"}),
        ("typed_document", {"texts", "personal_data"}),
        ("booklet", {"texts", "personal_data"}),
        ("phrase_list", {"phrases", "texts"}),
        (
            "other",
            {"object_details", "serial_numbers", "military_id", "personal_data", "texts", "phrases"},
        ),
    ],
)
def test_the_form_shows_what_the_type_records(client, curator, artifact_type, own):
    response = client.get(ARTIFACT_ADD, {"artifact_type": artifact_type})
    assert response.status_code == 200
    assert prefixes(response) == COMMON | own
    form = response.context["adminform"].form
    assert form["artifact_type"].value() == artifact_type
    assert form["entry_type"].value() == artifact_type


def test_a_new_military_id_starts_with_blank_rows_for_its_details(client, curator):
    response = client.get(ARTIFACT_ADD, {"artifact_type": "military_id"})
    extra = {inline.formset.prefix: inline.formset.extra_forms for inline in response.context["inline_admin_formsets"]}
    assert len(extra["military_id"]) == len(extra["personal_data"]) == 1
    assert extra["photos"] == []  # "Add photos" takes the files
    assert extra["personal_data"][0]["field"].value() == "name"
    assert extra["custody_events"][0]["event_type"].value() == "recovery"


def test_blank_rows_left_untouched_save_nothing(client, curator):
    response = client.post(ARTIFACT_ADD, add_form_data(client, "military_id"))
    assert response.status_code == 302
    artifact = Artifact.objects.get()
    assert not CustodyEvent.objects.exists() and not MilitaryIDDetails.objects.exists()
    assert not artifact.personal_data.exists() and not artifact.sourcecitation_set.exists()


def test_a_military_id_is_entered_with_its_details_and_personal_data(client, curator):
    data = add_form_data(client, "military_id", title="Military ID")
    data.update({"military_id-0-document_type": "ID card", "personal_data-0-value": "Kim Chol-su"})
    data.update({"custody_events-0-occurred": "2025-01"})
    assert client.post(ARTIFACT_ADD, data).status_code == 302
    artifact = Artifact.objects.get()
    assert artifact.military_id.document_type == "ID card"
    assert list(artifact.personal_data.values_list("field", "value")) == [("name", "Kim Chol-su")]
    assert list(artifact.custody_events.values_list("event_type", "occurred")) == [("recovery", "2025-01")]


def test_the_change_page_shows_the_type_and_every_inline_holding_rows(client, curator):
    weapon = ArtifactFactory(artifact_type="weapon")
    Phrase.objects.create(artifact=weapon, position=1, translation="Engraved motto.")
    response = client.get(reverse("admin:artifacts_artifact_change", args=[weapon.pk]))
    assert prefixes(response) == COMMON | {"object_details", "serial_numbers", "phrases"}
    assert all(not inline.formset.extra_forms for inline in response.context["inline_admin_formsets"])


def test_a_changed_type_posts_against_the_inlines_the_page_showed(client, curator):
    artifact = ArtifactFactory(artifact_type="weapon")
    url = reverse("admin:artifacts_artifact_change", args=[artifact.pk])
    data = {**page_data(client.get(url)), "artifact_type": "military_id"}
    assert client.post(url, data).status_code == 302
    artifact.refresh_from_db()
    assert artifact.artifact_type == "military_id"
    assert "military_id" in prefixes(client.get(url))


def test_a_type_changed_on_the_add_form_without_scripts_still_saves(client, curator):
    data = {**add_form_data(client, "weapon"), "artifact_type": "booklet"}
    assert data["entry_type"] == "weapon"
    assert client.post(ARTIFACT_ADD, data).status_code == 302
    assert Artifact.objects.get().artifact_type == "booklet"


# --- several photos at once ---------------------------------------------------------


def test_add_photos_takes_several_files_in_the_order_chosen_after_the_existing_ones(client, curator, media_root):
    artifact = ArtifactFactory(artifact_type="military_id", title="ID card")
    make_photo(artifact, position=0)
    url = reverse("admin:artifacts_artifact_change", args=[artifact.pk])
    data = page_data(client.get(url))
    data["add_photos"] = [upload("back.jpg", image_bytes()), upload("front.jpg", image_bytes(size=(640, 480)))]
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    photos = list(artifact.photos.order_by("position"))
    assert [(p.position, p.original_name) for p in photos[1:]] == [(1, "back.jpg"), (2, "front.jpg")]
    assert [p.caption for p in photos[1:]] == ["ID card (photo 2)", "ID card (photo 3)"]
    assert all(p.uploaded_by == curator and p.shows_personal_data for p in photos[1:])
    assert len(stored_files(media_root)) == 9  # original, display copy and thumbnail of each


def test_add_photos_follow_the_photos_entered_in_the_inline(client, curator):
    data = add_form_data(client, "weapon")
    add_rows(data, "photos", {"caption": "Inline", "position": "0", "access_level": "0", "original": upload()})
    data["add_photos"] = [upload("a.jpg"), upload("b.jpg")]
    assert client.post(ARTIFACT_ADD, data).status_code == 302
    assert list(Photo.objects.order_by("position").values_list("position", "original_name")) == [
        (0, "photo.jpg"),
        (1, "a.jpg"),
        (2, "b.jpg"),
    ]


@pytest.mark.parametrize("kind", list(BAD_UPLOADS)[:3])
def test_a_refused_file_among_several_names_it_and_saves_nothing(client, curator, media_root, kind):
    bad, message, _code = BAD_UPLOADS[kind]
    data = add_form_data(client, "military_id", **{"custody_events-0-occurred": "2025-01"})
    data["add_photos"] = [upload("good.jpg"), upload("scan-07.jpg", bad)]
    response = client.post(ARTIFACT_ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["add_photos"]
    assert len(errors) == 1 and errors[0].startswith("“scan-07.jpg”: ") and message in errors[0]
    assert not Artifact.objects.exists() and not Photo.objects.exists() and not CustodyEvent.objects.exists()
    assert stored_files(media_root) == []


def test_a_photo_whose_metadata_locates_someone_warns_after_saving(client, curator):
    data = add_form_data(client, "military_id", title="ID card")
    data["add_photos"] = [upload("gps.jpg", image_bytes(exif=gps_exif()))]
    response = client.post(ARTIFACT_ADD, data, follow=True)
    assert "The original of “ID card (photo 1)” carries GPS coordinates (51.72000, 36.19167)" in (
        response.content.decode()
    )


def test_the_form_carries_what_the_browser_check_says(client, curator):
    page = client.get(ARTIFACT_ADD, {"artifact_type": "weapon"}).content.decode()
    assert 'type="file" name="add_photos"' in page and "multiple" in page
    assert "data-exif-notice=" in page and "It stays in the original, which only archive staff" in page
    assert "js/admin-entry.js" in page and "css/admin-entry.css" in page
