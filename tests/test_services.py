"""The write services: photo ingest and the custody chain, including what they refuse."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from artifacts import services
from artifacts.choices import AccessLevel
from artifacts.custody import chain as custody_chain
from artifacts.custody import services as custody_services
from artifacts.models import CustodyAttachment, CustodyEvent, Photo
from tests.factories import ArtifactFactory, UserFactory, make_custody_event, make_photo
from tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> list[str]:
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


# --- add_photo ------------------------------------------------------------------------


def test_add_photo_stores_the_original_and_two_derivatives(media_root):
    artifact = ArtifactFactory()
    curator = UserFactory()
    photo = services.add_photo(
        artifact=artifact,
        uploaded=upload(data=image_bytes(size=(2400, 1800))),
        caption="Front of the phrase list",
        credit="Example News",
        uploaded_by=curator,
        access_level=AccessLevel.RESEARCHERS,
    )
    photo.refresh_from_db()
    assert (photo.caption, photo.uploaded_by, photo.access_level) == ("Front of the phrase list", curator, 1)
    assert (photo.width, photo.height, photo.display_width, photo.thumbnail_width) == (2400, 1800, 1600, 400)
    assert stored_files(media_root) == sorted([photo.original.name, photo.display.name, photo.thumbnail.name])
    assert photo.original.name.startswith("originals/") and photo.display.name.startswith("derivatives/")


def test_add_photo_appends_to_the_gallery_unless_a_position_is_given():
    artifact = ArtifactFactory()
    first, second = make_photo(artifact), make_photo(artifact)
    chosen = make_photo(artifact, position=7)
    assert (first.position, second.position, chosen.position) == (0, 1, 7)


def test_a_refused_file_leaves_no_row_and_no_file(media_root):
    artifact = ArtifactFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.add_photo(artifact=artifact, uploaded=upload(data=image_bytes("GIF")), caption="Scan")
    assert "GIF" in excinfo.value.messages[0]
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_record_that_fails_validation_after_the_files_were_written_removes_them(media_root):
    artifact = ArtifactFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.add_photo(artifact=artifact, uploaded=upload(), caption="x" * 501)
    assert "caption" in excinfo.value.message_dict
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_fill_photo_from_upload_reports_what_it_wrote(media_root):
    photo = Photo(artifact=ArtifactFactory(), caption="Back")
    written = services.fill_photo_from_upload(photo=photo, uploaded=upload())
    assert sorted(written) == stored_files(media_root)
    services.remove_files(written)
    assert stored_files(media_root) == []


# --- record_custody_event -------------------------------------------------------------


def test_events_are_numbered_from_one_per_artifact():
    artifact, other = ArtifactFactory(), ArtifactFactory()
    events = [make_custody_event(artifact, event_type=kind) for kind in ("recovery", "transfer", "intake")]
    assert [e.sequence for e in events] == [1, 2, 3]
    assert make_custody_event(other).sequence == 1


def test_each_event_carries_the_hash_of_the_one_before():
    artifact = ArtifactFactory()
    first = make_custody_event(artifact, place="Kursk region, Russia", recorded_by=UserFactory(username="curator"))
    second = make_custody_event(artifact, event_type="transfer", received_by="Archive")
    third = make_custody_event(artifact, event_type="intake")
    assert first.previous_hash == ""
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    for event in (first, second, third):
        stored = CustodyEvent.objects.get(pk=event.pk)
        assert stored.entry_hash == custody_chain.compute_hash(stored)
        assert len(stored.entry_hash) == 64


def test_the_hash_covers_who_recorded_the_event_and_its_documents(media_root):
    artifact = ArtifactFactory()
    form = SimpleUploadedFile("transfer.pdf", b"%signed transfer form%", content_type="application/pdf")
    event = make_custody_event(
        artifact,
        event_type="transfer",
        recorded_by=UserFactory(username="curator"),
        attachments=[(form, "Signed form")],
    )
    attachment = CustodyAttachment.objects.get(event=event)
    assert attachment.description == "Signed form" and attachment.byte_size == len(b"%signed transfer form%")
    assert stored_files(media_root) == [attachment.file.name]
    record = custody_chain.canonical_record(event)
    assert record["recorded_by"] == "curator"
    assert record["attachments"] == [attachment.sha256]
    assert custody_chain.compute_hash(event, []) != event.entry_hash  # the document is part of the hash


def test_a_correction_points_at_the_event_it_corrects_and_changes_nothing_in_it():
    artifact = ArtifactFactory()
    wrong = make_custody_event(artifact, event_type="transfer", place="Sumy")
    correction = custody_services.record_custody_event(
        artifact=artifact, event_type="correction", corrects=wrong, note="The transfer took place in Kyiv."
    )
    assert correction.corrects == wrong and correction.sequence == 2
    assert correction.previous_hash == wrong.entry_hash
    assert custody_chain.canonical_record(correction)["corrects"] == wrong.entry_hash
    assert CustodyEvent.objects.get(pk=wrong.pk).place == "Sumy"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"event_type": "correction"}, "corrects", "Say which earlier event"),
        ({"event_type": "transfer", "corrects": "earlier"}, "corrects", "Only a correction event"),
        ({"event_type": "correction", "corrects": "other artifact"}, "corrects", "same artifact"),
        ({"event_type": "teleported"}, "event_type", "not a valid choice"),
        ({"event_type": "recovery", "occurred": "mid-January"}, None, "not a valid EDTF date"),
        ({"event_type": "recovery", "place": "x" * 201}, "place", "at most 200 characters"),
    ],
)
def test_invalid_events_are_refused_and_nothing_is_appended(kwargs, field, message):
    artifact = ArtifactFactory()
    earlier = make_custody_event(artifact)
    elsewhere = make_custody_event(ArtifactFactory())
    kwargs = {**kwargs}
    if "corrects" in kwargs:
        kwargs["corrects"] = earlier if kwargs["corrects"] == "earlier" else elsewhere
    with pytest.raises(ValidationError) as excinfo:
        custody_services.record_custody_event(artifact=artifact, **kwargs)
    messages = excinfo.value.message_dict[field] if field else excinfo.value.messages
    assert any(message in text for text in messages)
    assert artifact.custody_events.count() == 1


def test_a_refused_event_with_a_document_leaves_no_file(media_root):
    artifact = ArtifactFactory()
    form = SimpleUploadedFile("form.pdf", b"%form%", content_type="application/pdf")
    with pytest.raises(ValidationError):
        custody_services.record_custody_event(
            artifact=artifact, event_type="recovery", place="x" * 201, attachments=[(form, "Form")]
        )
    assert stored_files(media_root) == []
    assert not CustodyAttachment.objects.exists()


def test_a_document_over_the_upload_limit_is_refused(settings, media_root):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 10
    form = SimpleUploadedFile("form.pdf", b"%a long signed form%", content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        custody_services.record_custody_event(
            artifact=ArtifactFactory(), event_type="recovery", attachments=[(form, "")]
        )
    assert "over the upload limit" in excinfo.value.messages[0]
    assert not CustodyEvent.objects.exists()
