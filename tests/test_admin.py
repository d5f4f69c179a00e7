"""Curators' data entry through the admin, driven the way a browser submits its forms."""

import re

import pytest
from django import forms
from django.urls import reverse

from artifacts.custody import chain as custody_chain
from artifacts.custody import services as custody_services
from artifacts.forms import REPLACE_REFUSED
from artifacts.models import Artifact, CustodyAttachment, CustodyEvent, Photo, Phrase, Text
from tests.factories import ArtifactFactory, UserFactory, make_custody_event, make_photo
from tests.images import image_bytes, upload
from tests.test_imaging import BAD_UPLOADS

pytestmark = pytest.mark.django_db

ARTIFACT_ADD = reverse("admin:artifacts_artifact_add")
PHOTO_ADD = reverse("admin:artifacts_photo_add")
EVENT_ADD = reverse("admin:artifacts_custodyevent_add")


@pytest.fixture
def curator(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def stored_files(media_root) -> list[str]:
    if not media_root.exists():
        return []
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


def _value(bound):
    """What a browser would submit for this field as rendered; None for nothing."""
    field, value = bound.field, bound.value()
    if isinstance(field, forms.FileField) or (
        isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) and not value
    ):
        return None
    if isinstance(field, forms.NullBooleanField):
        return {True: "true", False: "false"}.get(value, "unknown")
    if isinstance(field.widget, forms.CheckboxInput):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(value)


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = _value(form[name])
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def page_data(response) -> dict:
    """The POST data of an admin add/change page as rendered: the main form, every inline's
    management form and its existing rows. Tests add or change what a curator would."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_data(form))
    return data


def add_rows(data: dict, prefix: str, *rows: dict) -> dict:
    """Append new inline rows (as "Add another …" does) to page data."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{start + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


NEW_ARTIFACT = {
    "title": "Phrase list of 23 Korean and Russian phrases",
    "artifact_type": "phrase_list",
    "recovery_date": "2025-01",
    "recovery_place": "Kursk region, Russia",
    "recovery_place_precision": "region",
    "verification_status": "unverified",
    "status": "draft",
    "access_level": "0",
}
PHOTO_ROW = {"caption": "The phrase list, front", "credit": "Example News", "position": "0", "access_level": "0"}


def artifact_add_data(client, **fields) -> dict:
    """The add form for NEW_ARTIFACT's type (the add page first asks for the type), with the
    blank rows it offers submitted as a browser would, untouched."""
    response = client.get(ARTIFACT_ADD, {"artifact_type": NEW_ARTIFACT["artifact_type"]})
    data = page_data(response)
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.extra_forms:
            data.update(_form_data(form))
    return {**data, **NEW_ARTIFACT, **fields}


# --- adding an artifact with everything that comes with it -----------------------------


def test_a_curator_adds_an_artifact_with_photo_phrase_text_and_custody_event(client, curator, media_root):
    data = artifact_add_data(client)
    add_rows(data, "photos", {**PHOTO_ROW, "original": upload("DSC_0042.JPG", image_bytes(size=(2000, 1500)))})
    add_rows(data, "phrases", {"position": "1", "translation": "Surrender.", "translation_source": "Example News"})
    add_rows(
        data,
        "texts",
        {"position": "0", "translation": "Resistance is futile.", "translation_language": "en",
         "attribution_confidence": "unknown"},
    )  # fmt: skip
    form = upload("transfer-form.pdf", b"%signed transfer form%", "application/pdf")
    add_rows(
        data,
        "custody_events",
        {"event_type": "recovery", "occurred": "2025-01", "place": "Kursk region, Russia",
         "received_by": "Example Unit", "seal_intact": "unknown", "attachment": form,
         "attachment_description": "Signed transfer form"},
    )  # fmt: skip

    response = client.post(ARTIFACT_ADD, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    artifact = Artifact.objects.get()
    assert re.fullmatch(r"BFA-\d{4}-\d{4}", artifact.accession_number)
    photo = artifact.photos.get()
    assert (photo.uploaded_by, photo.width, photo.display_width, photo.thumbnail_width) == (curator, 2000, 1600, 400)
    assert photo.image_format == "JPEG" and len(photo.sha256) == 64
    assert Phrase.objects.get(artifact=artifact).translation == "Surrender."
    assert Text.objects.get(artifact=artifact).translation == "Resistance is futile."
    event = artifact.custody_events.get()
    assert (event.sequence, event.recorded_by, event.previous_hash) == (1, curator, "")
    assert event.entry_hash == custody_chain.compute_hash(event)
    attachment = CustodyAttachment.objects.get(event=event)
    assert attachment.description == "Signed transfer form"
    assert stored_files(media_root) == sorted(
        [photo.original.name, photo.display.name, photo.thumbnail.name, attachment.file.name]
    )


def test_events_added_later_continue_the_chain(client, curator):
    artifact = ArtifactFactory()
    first = make_custody_event(artifact, place="Kursk region, Russia")
    url = reverse("admin:artifacts_artifact_change", args=[artifact.pk])
    data = page_data(client.get(url))
    add_rows(data, "custody_events", {"event_type": "transfer", "occurred": "2025-02", "seal_intact": "unknown"})
    assert client.post(url, data).status_code == 302
    second = artifact.custody_events.get(sequence=2)
    assert (second.previous_hash, second.recorded_by) == (first.entry_hash, curator)


def test_a_correction_must_name_the_event_it_corrects(client, curator):
    artifact = ArtifactFactory()
    make_custody_event(artifact)
    url = reverse("admin:artifacts_artifact_change", args=[artifact.pk])
    data = add_rows(
        page_data(client.get(url)), "custody_events", {"event_type": "correction", "seal_intact": "unknown"}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say which earlier event this correction puts right." in response.content.decode()
    assert artifact.custody_events.count() == 1


# --- what the curator sees -------------------------------------------------------------


def test_changelist_and_change_page_show_the_thumbnail(client, curator):
    photo = make_photo(ArtifactFactory(title="Booklet of song lyrics"))
    thumbnail = photo.get_media_url("thumbnail")
    changelist = client.get(reverse("admin:artifacts_artifact_changelist"))
    assert changelist.status_code == 200
    assert thumbnail in changelist.content.decode()
    change = client.get(reverse("admin:artifacts_artifact_change", args=[photo.artifact.pk]))
    assert change.status_code == 200
    page = change.content.decode()
    assert thumbnail in page and "Stored original: JPEG 800 × 600" in page
    assert client.get(reverse("admin:artifacts_photo_change", args=[photo.pk])).status_code == 200
    assert client.get(thumbnail).status_code == 200


def test_changelist_filters_and_search(client, curator):
    ArtifactFactory(title="Shovel", artifact_type="gear")
    ArtifactFactory(title="Two rifles", artifact_type="weapon")
    url = reverse("admin:artifacts_artifact_changelist")
    assert "Two rifles" not in client.get(url, {"artifact_type__exact": "gear"}).content.decode()
    found = client.get(url, {"q": "rifles"}).content.decode()
    assert "Two rifles" in found and "Shovel" not in found


def test_an_illustration_carries_its_notice_and_graphic_photos_stay_hidden(client, curator):
    illustration = make_photo(is_illustration=True)
    graphic = make_photo(graphic_content=True)
    page = client.get(reverse("admin:artifacts_photo_changelist")).content.decode()
    assert illustration.notice in page  # in the image's alt text and tooltip
    assert graphic.get_media_url("thumbnail") not in page
    assert "Graphic content: image hidden here" in page


# --- bad uploads -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
def test_a_bad_upload_on_the_photo_page_is_a_form_error_leaving_nothing(client, curator, media_root, kind):
    data, message, _code = BAD_UPLOADS[kind]
    artifact = ArtifactFactory()
    response = client.post(PHOTO_ADD, {**PHOTO_ROW, "artifact": artifact.pk, "original": upload("photo.jpg", data)})
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["original"][0]
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("ARCHIVE_MAX_UPLOAD_BYTES", 2_000, "the limit is 2.0"),
        ("ARCHIVE_MAX_IMAGE_PIXELS", 10_000, "more than the limit of 10,000 pixels"),
    ],
)
def test_limits_apply_to_uploads_in_the_artifact_form(client, curator, media_root, settings, setting, value, message):
    setattr(settings, setting, value)
    data = add_rows(artifact_add_data(client), "photos", {**PHOTO_ROW, "original": upload(data=image_bytes())})
    response = client.post(ARTIFACT_ADD, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Artifact.objects.exists() and not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_polyglot_in_the_artifact_form_keeps_the_rest_of_the_entry_unsaved(client, curator, media_root):
    bad = image_bytes() + b"<html><script>alert(1)</script></html>"
    data = add_rows(artifact_add_data(client), "photos", {**PHOTO_ROW, "original": upload(data=bad)})
    add_rows(data, "custody_events", {"event_type": "recovery", "occurred": "2025-01", "seal_intact": "unknown"})
    response = client.post(ARTIFACT_ADD, data)
    assert response.status_code == 200
    assert "hidden inside it (a polyglot file" in response.content.decode()
    assert not Artifact.objects.exists() and not CustodyEvent.objects.exists()
    assert stored_files(media_root) == []


def test_files_written_before_a_failure_are_removed(client, curator, media_root, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(custody_services, "record_custody_event", broken)
    data = add_rows(artifact_add_data(client), "photos", {**PHOTO_ROW, "original": upload()})
    add_rows(data, "custody_events", {"event_type": "recovery", "seal_intact": "unknown"})
    with pytest.raises(RuntimeError):
        client.post(ARTIFACT_ADD, data)
    assert not Artifact.objects.exists() and not Photo.objects.exists()
    assert stored_files(media_root) == []


# --- editing photos --------------------------------------------------------------------


def test_a_caption_is_edited_without_uploading_again(client, curator, media_root):
    photo = make_photo(caption="Front")
    before = stored_files(media_root)
    url = reverse("admin:artifacts_photo_change", args=[photo.pk])
    data = {**page_data(client.get(url)), "caption": "Front, with the unit stamp"}
    assert client.post(url, data).status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Front, with the unit stamp"
    assert stored_files(media_root) == before


def test_photos_on_the_artifact_page_keep_their_files_when_the_record_is_saved(client, curator, media_root):
    photo = make_photo(caption="Front")
    before = stored_files(media_root)
    url = reverse("admin:artifacts_artifact_change", args=[photo.artifact.pk])
    data = {**page_data(client.get(url)), "photos-0-caption": "Front, lit from the left"}
    assert client.post(url, data).status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Front, lit from the left"
    assert stored_files(media_root) == before


def test_deleting_a_photo_removes_its_files_once_the_deletion_is_committed(
    client, curator, media_root, django_capture_on_commit_callbacks
):
    photo, kept = make_photo(), make_photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:artifacts_photo_delete", args=[photo.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert list(Photo.objects.all()) == [kept]
    assert stored_files(media_root) == sorted([kept.original.name, kept.display.name, kept.thumbnail.name])


def test_the_original_of_a_stored_photo_cannot_be_replaced(client, curator, media_root):
    photo = make_photo()
    sha256, before = photo.sha256, stored_files(media_root)
    url = reverse("admin:artifacts_photo_change", args=[photo.pk])
    page = client.get(url).content.decode()
    assert "never replaced" in page  # the help text says so up front
    data = {**page_data(client.get(url)), "original": upload(data=image_bytes(color=(10, 20, 30)))}
    response = client.post(url, data)
    assert response.status_code == 200
    assert REPLACE_REFUSED in response.context["adminform"].form.errors["original"]
    photo.refresh_from_db()
    assert photo.sha256 == sha256 and stored_files(media_root) == before


def test_a_photo_added_on_its_own_page_is_ingested_by_the_service(client, curator):
    artifact = ArtifactFactory()
    data = {**PHOTO_ROW, "artifact": artifact.pk, "original": upload(data=image_bytes("PNG", size=(3000, 1000)))}
    assert client.post(PHOTO_ADD, data).status_code == 302
    photo = Photo.objects.get()
    assert (photo.uploaded_by, photo.image_format, photo.display_width, photo.display_height) == (
        curator,
        "PNG",
        1600,
        533,
    )
    assert photo.original.name.endswith(".png")


def test_a_redacted_copy_must_be_of_a_photo_of_the_same_artifact(client, curator):
    elsewhere = make_photo()
    artifact = ArtifactFactory()
    data = {**PHOTO_ROW, "artifact": artifact.pk, "original": upload(), "redacted_from": elsewhere.pk}
    response = client.post(PHOTO_ADD, data)
    assert response.status_code == 200
    assert "must show the same artifact" in response.content.decode()
    assert Photo.objects.count() == 1


# --- the custody record cannot be rewritten through the admin --------------------------


def test_custody_events_are_shown_read_only_and_refuse_change_and_delete(client, curator):
    form = upload("seal.pdf", b"%seal photo%", "application/pdf")
    event = make_custody_event(ArtifactFactory(), place="Kursk region, Russia", attachments=[(form, "Seal")])
    change_url = reverse("admin:artifacts_custodyevent_change", args=[event.pk])
    view = client.get(change_url)
    assert view.status_code == 200
    page = view.content.decode()
    assert "Kursk region, Russia" in page and 'name="place"' not in page
    assert event.entry_hash in page and event.attachments.get().sha256 in page
    assert "Record a correction of this event" in page
    assert client.post(change_url, {"event_type": "recovery", "place": "Elsewhere"}).status_code == 403
    delete_url = reverse("admin:artifacts_custodyevent_delete", args=[event.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:artifacts_custodyevent_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert CustodyEvent.objects.get(pk=event.pk).place == "Kursk region, Russia"


def test_the_artifact_page_cannot_alter_or_delete_an_existing_event(client, curator):
    event = make_custody_event(ArtifactFactory(), place="Kursk region, Russia")
    url = reverse("admin:artifacts_artifact_change", args=[event.artifact.pk])
    data = page_data(client.get(url))
    data.update({"custody_events-0-place": "Rewritten", "custody_events-0-DELETE": "on"})
    assert client.post(url, data).status_code == 302
    stored = CustodyEvent.objects.get(pk=event.pk)
    assert (stored.place, stored.entry_hash) == ("Kursk region, Russia", event.entry_hash)
    page = client.get(url).content.decode()
    assert f"#1, recorded by no account (an automated check) on {event.recorded_at:%Y-%m-%d %H:%M} UTC" in page
    assert 'name="custody_events-0-place"' not in page  # shown as text, not as a field


def test_an_event_added_on_its_own_page_goes_through_the_service(client, curator):
    artifact = ArtifactFactory()
    wrong = make_custody_event(artifact, event_type="transfer", place="Sumy")
    prefilled = client.get(EVENT_ADD, {"artifact": artifact.pk, "corrects": wrong.pk, "event_type": "correction"})
    assert prefilled.status_code == 200
    data = {**page_data(prefilled), "note": "The transfer took place in Kyiv."}
    response = client.post(EVENT_ADD, data)
    assert response.status_code == 302
    correction = artifact.custody_events.get(sequence=2)
    assert (correction.corrects, correction.recorded_by) == (wrong, curator)
    assert correction.previous_hash == wrong.entry_hash


def test_even_a_superuser_has_no_change_or_delete_permission_on_events(rf, staff_user):
    from django.contrib.admin import site

    request = rf.get("/")
    request.user = staff_user
    model_admin = site._registry[CustodyEvent]
    assert staff_user.is_superuser
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)


def test_an_editor_can_enter_records_and_events(client, media_root):
    from django.contrib.auth.models import Group

    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    data = add_rows(artifact_add_data(client), "photos", {**PHOTO_ROW, "original": upload()})
    add_rows(data, "custody_events", {"event_type": "intake", "seal_intact": "unknown"})
    assert client.post(ARTIFACT_ADD, data).status_code == 302
    assert Artifact.objects.get().custody_events.get().recorded_by == editor


# --- history ---------------------------------------------------------------------------


def test_the_history_page_shows_who_changed_what(client, curator):
    artifact = ArtifactFactory(title="Shovel")
    url = reverse("admin:artifacts_artifact_change", args=[artifact.pk])
    data = {**page_data(client.get(url)), "title": "Entrenching shovel"}
    assert client.post(url, data).status_code == 302
    history = client.get(reverse("admin:artifacts_artifact_history", args=[artifact.pk]))
    assert history.status_code == 200
    page = history.content.decode()
    assert "Shovel" in page and "Entrenching shovel" in page and curator.username in page
    assert "search text" not in page.lower()  # derived fields are left out of the changes


@pytest.mark.parametrize("typed", ["Jan 2025", "2025-13"])
def test_an_invalid_recovery_date_is_a_field_error_that_keeps_the_entry(client, curator, typed):
    data = artifact_add_data(client, recovery_date=typed, title="Military ID of a soldier")
    response = client.post(ARTIFACT_ADD, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "is not a valid EDTF date" in form.errors["recovery_date"][0]
    assert form["title"].value() == "Military ID of a soldier" and form["recovery_date"].value() == typed
    assert "not a valid EDTF date yet" in response.content.decode()
    assert not Artifact.objects.exists()
    assert client.post(ARTIFACT_ADD, {**data, "recovery_date": "2025-01"}).status_code == 302
    assert Artifact.objects.get().recovery_date == "2025-01"


def test_an_invalid_recovery_date_on_the_change_form_is_a_field_error(client, curator):
    artifact = ArtifactFactory(recovery_date="2025-01")
    url = reverse("admin:artifacts_artifact_change", args=[artifact.pk])
    response = client.post(url, {**page_data(client.get(url)), "recovery_date": "Jan 2025"})
    assert response.status_code == 200
    assert "is not a valid EDTF date" in response.context["adminform"].form.errors["recovery_date"][0]
    artifact.refresh_from_db()
    assert artifact.recovery_date == "2025-01"


def test_photos_added_together_keep_the_order_they_were_added_in(client, curator, media_root):
    data = artifact_add_data(client)
    add_rows(
        data,
        "photos",
        {**PHOTO_ROW, "caption": "Front", "original": upload("front.jpg", image_bytes(color=(1, 2, 3)))},
        {**PHOTO_ROW, "caption": "Back", "original": upload("back.jpg", image_bytes(color=(3, 2, 1)))},
    )
    assert client.post(ARTIFACT_ADD, data).status_code == 302
    artifact = Artifact.objects.get()
    assert [(p.caption, p.position) for p in artifact.photos.order_by("position")] == [("Front", 0), ("Back", 1)]
    more = {**PHOTO_ROW, "artifact": artifact.pk, "caption": "Seal", "original": upload(data=image_bytes())}
    assert client.post(PHOTO_ADD, more).status_code == 302
    assert artifact.photos.get(caption="Seal").position == 2


def test_choosing_a_source_offers_the_most_recently_cited_first(client, staff_user):
    from artifacts.models import SourceCitation
    from tests.factories import SourceFactory

    older, newer, never = SourceFactory(title="Older report"), SourceFactory(title="Newer report"), SourceFactory()
    SourceCitation.objects.create(artifact=ArtifactFactory(), source=newer)
    SourceCitation.objects.create(artifact=ArtifactFactory(), source=older)  # cited last
    client.force_login(staff_user)
    lookup = {"app_label": "artifacts", "model_name": "sourcecitation", "field_name": "source", "term": ""}
    results = client.get("/admin/autocomplete/", lookup).json()["results"]
    assert [r["id"] for r in results] == [str(older.pk), str(newer.pk), str(never.pk)]
    lookup["term"] = "newer"
    assert [r["id"] for r in client.get("/admin/autocomplete/", lookup).json()["results"]] == [str(newer.pk)]
