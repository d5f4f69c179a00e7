"""Uploads survive a form that fails elsewhere: held, shown as pending, used on resubmission."""

import datetime
import hashlib
import os
import re
import time

import pytest
from django.core import signing
from django.core.management import call_command

from artifacts import held_uploads
from artifacts.custody.models import CustodyAttachment, CustodyEvent, LeafKind, LogLeaf
from artifacts.models import Artifact, Photo
from tests.factories import ArtifactFactory, make_custody_event
from tests.images import image_bytes, upload
from tests.test_admin import ARTIFACT_ADD, EVENT_ADD, PHOTO_ADD, PHOTO_ROW, add_rows, artifact_add_data, stored_files

pytestmark = pytest.mark.django_db

HELD_INPUT = re.compile(r'<input type="hidden" name="([^"]+_held)" value="([^"]+)">')


@pytest.fixture
def curator(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def held_tokens(response) -> dict:
    """The held-file tokens the re-displayed page carries, as a browser would post them."""
    return dict(HELD_INPUT.findall(response.content.decode()))


def without_files(data: dict) -> dict:
    def is_file(value):
        return hasattr(value, "read") or (isinstance(value, list) and any(hasattr(item, "read") for item in value))

    return {name: value for name, value in data.items() if not is_file(value)}


def held_files(media_root) -> list[str]:
    return [name for name in stored_files(media_root) if name.startswith("held/")]


FRONT, BACK = image_bytes(color=(10, 20, 30)), image_bytes("PNG", color=(30, 20, 10))


def test_an_invalid_date_and_two_photos_corrected_and_resubmitted_saves_everything(client, curator, media_root):
    data = artifact_add_data(client, recovery_date="Jan 2025", title="Military ID of a soldier")
    add_rows(
        data,
        "photos",
        {**PHOTO_ROW, "caption": "Front", "original": upload("DSC_0042.JPG", FRONT)},
        {**PHOTO_ROW, "caption": "Back", "original": upload("back.png", BACK, "image/png")},
    )

    failed = client.post(ARTIFACT_ADD, data)

    assert failed.status_code == 200
    assert "is not a valid EDTF date" in failed.context["adminform"].form.errors["recovery_date"][0]
    page = failed.content.decode()
    assert "Held: <strong>DSC_0042.JPG</strong>" in page and "Held: <strong>back.png</strong>" in page
    assert hashlib.sha256(FRONT).hexdigest()[:16] in page and "it will be saved with the record" in page
    assert not Artifact.objects.exists() and not Photo.objects.exists()
    assert len(held_files(media_root)) == 2
    tokens = held_tokens(failed)
    assert sorted(tokens) == ["photos-0-original_held", "photos-1-original_held"]

    # The curator corrects the date and saves again, without choosing the files again.
    saved = client.post(ARTIFACT_ADD, {**without_files(data), **tokens, "recovery_date": "2025-01"})

    assert saved.status_code == 302, saved.context and saved.context["errors"]
    artifact = Artifact.objects.get()
    assert (artifact.title, artifact.recovery_date) == ("Military ID of a soldier", "2025-01")
    front, back = artifact.photos.order_by("position")
    assert (front.caption, front.original_name, back.caption, back.original_name) == (
        "Front",
        "DSC_0042.JPG",
        "Back",
        "back.png",
    )
    for photo, original in ((front, FRONT), (back, BACK)):
        with photo.original.open("rb") as stored:
            assert stored.read() == original
        assert photo.sha256 == hashlib.sha256(original).hexdigest()
        assert photo.uploaded_by == curator
        assert LogLeaf.objects.filter(kind=LeafKind.PHOTO, object_id=photo.pk).exists()
    assert held_files(media_root) == []
    expected = [name for p in (front, back) for name in (p.original.name, p.display.name, p.thumbnail.name)]
    assert stored_files(media_root) == sorted(expected)


def test_a_photo_held_on_its_own_page_is_saved_on_resubmission(client, curator, media_root):
    artifact = ArtifactFactory()
    data = {**PHOTO_ROW, "original": upload("seal.jpg", FRONT)}  # the mistake: no artifact chosen
    failed = client.post(PHOTO_ADD, data)
    assert failed.status_code == 200 and "artifact" in failed.context["adminform"].form.errors
    assert "Held: <strong>seal.jpg</strong>" in failed.content.decode()
    saved = client.post(PHOTO_ADD, {**without_files(data), **held_tokens(failed), "artifact": artifact.pk})
    assert saved.status_code == 302
    photo = Photo.objects.get()
    assert (photo.artifact, photo.original_name, photo.sha256) == (
        artifact,
        "seal.jpg",
        hashlib.sha256(FRONT).hexdigest(),
    )
    assert held_files(media_root) == []


def test_a_custody_document_is_held_on_the_event_page(client, curator, media_root):
    artifact = ArtifactFactory()
    make_custody_event(artifact)
    document = b"%PDF-1.4 signed transfer form%"
    data = {"artifact": artifact.pk, "event_type": "correction", "seal_intact": "unknown",
            "attachment": upload("transfer.pdf", document, "application/pdf"),
            "attachment_description": "Signed transfer form"}  # fmt: skip
    failed = client.post(EVENT_ADD, data)
    assert failed.status_code == 200
    assert "Say which earlier event this correction puts right." in failed.content.decode()
    assert "Held: <strong>transfer.pdf</strong>" in failed.content.decode()
    saved = client.post(EVENT_ADD, {**without_files(data), **held_tokens(failed), "event_type": "transfer"})
    assert saved.status_code == 302
    attachment = CustodyAttachment.objects.get()
    assert (attachment.original_name, attachment.sha256) == ("transfer.pdf", hashlib.sha256(document).hexdigest())
    assert LogLeaf.objects.filter(kind=LeafKind.ATTACHMENT, object_id=attachment.pk).exists()
    assert held_files(media_root) == []


def test_a_custody_document_in_the_artifact_form_is_held_too(client, curator, media_root):
    data = artifact_add_data(client, recovery_date="2025-13")
    add_rows(data, "custody_events", {"event_type": "recovery", "seal_intact": "unknown",
             "attachment": upload("seal.pdf", b"%seal%", "application/pdf")})  # fmt: skip
    failed = client.post(ARTIFACT_ADD, data)
    assert failed.status_code == 200 and not CustodyEvent.objects.exists()
    saved = client.post(ARTIFACT_ADD, {**without_files(data), **held_tokens(failed), "recovery_date": "2025-12"})
    assert saved.status_code == 302
    assert CustodyAttachment.objects.get().sha256 == hashlib.sha256(b"%seal%").hexdigest()
    assert held_files(media_root) == []


def test_a_file_chosen_again_replaces_the_held_one(client, curator, media_root):
    data = add_rows(artifact_add_data(client, recovery_date="Jan 2025"), "photos",
                    {**PHOTO_ROW, "original": upload("first.jpg", FRONT)})  # fmt: skip
    failed = client.post(ARTIFACT_ADD, data)
    again = {**without_files(data), **held_tokens(failed), "recovery_date": "2025-01"}
    again["photos-0-original"] = upload("second.png", BACK, "image/png")
    assert client.post(ARTIFACT_ADD, again).status_code == 302
    assert Photo.objects.get().sha256 == hashlib.sha256(BACK).hexdigest()


def test_a_bad_file_is_not_held_but_refused(client, curator, media_root):
    bad = image_bytes() + b"<html><script>alert(1)</script></html>"
    data = add_rows(artifact_add_data(client, recovery_date="Jan 2025"), "photos",
                    {**PHOTO_ROW, "original": upload(data=bad)})  # fmt: skip
    response = client.post(ARTIFACT_ADD, data)
    assert response.status_code == 200 and "polyglot" in response.content.decode()
    assert held_tokens(response) == {} and stored_files(media_root) == []


def _failed_with_one_held_photo(client):
    data = add_rows(artifact_add_data(client, recovery_date="Jan 2025"), "photos",
                    {**PHOTO_ROW, "original": upload("front.jpg", FRONT)})  # fmt: skip
    failed = client.post(ARTIFACT_ADD, data)
    return {**without_files(data), "recovery_date": "2025-01"}, held_tokens(failed)["photos-0-original_held"]


class _SignedYesterday(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 25 * 3600)


@pytest.mark.parametrize("case", ["tampered", "garbage", "expired", "cleared", "swapped"])
def test_an_unusable_token_is_a_field_error_and_saves_nothing(client, curator, media_root, case):
    data, token = _failed_with_one_held_photo(client)
    held = held_uploads.read_token(token)
    if case == "tampered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif case == "garbage":
        token = "é" * 5000 + ":a:b"  # a NUL is refused for the whole request (400), before any form
    elif case == "expired":
        payload = {"n": held.name, "o": held.original_name, "s": held.size, "h": held.sha256}
        token = _SignedYesterday(salt=held_uploads.SALT).sign_object(payload, compress=True)
    elif case == "cleared":
        (media_root / held.name).unlink()
    elif case == "swapped":
        (media_root / held.name).write_bytes(BACK)
    response = client.post(ARTIFACT_ADD, {**data, "photos-0-original_held": token})
    assert response.status_code == 200
    assert "Choose the file again." in response.content.decode()
    assert not Artifact.objects.exists() and not Photo.objects.exists()


def test_clear_held_uploads_removes_abandoned_files_only(client, curator, media_root):
    _failed_with_one_held_photo(client)
    _data, recent = _failed_with_one_held_photo(client)
    old, new = held_files(media_root)
    past = time.time() - 30 * 3600
    os.utime(media_root / old, (past, past))
    call_command("clear_held_uploads")
    assert held_files(media_root) == [new]
    call_command("clear_held_uploads", "--older-than", "0")
    assert held_files(media_root) == []
    assert held_uploads.clear(datetime.timedelta(hours=1)) == []


HELD_BOX = re.compile(r'<input type="checkbox" name="(add_photos_held)" value="([^"]+)" id="[^"]+" checked>')


def _failed_with_two_added_photos(client):
    data = artifact_add_data(client, recovery_date="2025-13", title="Military ID of a soldier")
    data["add_photos"] = [upload("front.jpg", FRONT), upload("back.png", BACK, "image/png")]
    failed = client.post(ARTIFACT_ADD, data)
    assert failed.status_code == 200 and "recovery_date" in failed.context["adminform"].form.errors
    return data, failed, HELD_BOX.findall(failed.content.decode())


def test_photos_added_several_at_once_are_held_and_saved_on_resubmission(client, curator, media_root):
    data, failed, boxes = _failed_with_two_added_photos(client)

    page = failed.content.decode()
    assert "<strong>front.jpg</strong>" in page and "<strong>back.png</strong>" in page
    assert hashlib.sha256(BACK).hexdigest()[:16] in page
    assert [name for name, _ in boxes] == ["add_photos_held", "add_photos_held"]
    assert len(held_files(media_root)) == 2 and not Photo.objects.exists()

    # Resubmitted with the date corrected and one more photo chosen: all three, in order.
    resubmitted = {**without_files(data), "recovery_date": "2025-01", "add_photos": [upload("side.jpg")]}
    resubmitted["add_photos_held"] = [token for _, token in boxes]
    saved = client.post(ARTIFACT_ADD, resubmitted)

    assert saved.status_code == 302, saved.context and saved.context["errors"]
    photos = Artifact.objects.get().photos.order_by("position")
    assert [photo.original_name for photo in photos] == ["front.jpg", "back.png", "side.jpg"]
    assert photos[0].sha256 == hashlib.sha256(FRONT).hexdigest()
    assert held_files(media_root) == []


def test_an_unticked_held_photo_is_left_out(client, curator, media_root):
    data, _, boxes = _failed_with_two_added_photos(client)

    kept = [boxes[1][1]]  # the curator unticks front.jpg
    saved = client.post(ARTIFACT_ADD, {**without_files(data), "recovery_date": "2025-01", "add_photos_held": kept})

    assert saved.status_code == 302
    assert [photo.original_name for photo in Artifact.objects.get().photos.all()] == ["back.png"]
