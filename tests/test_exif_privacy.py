"""Curators are told when an original locates or identifies someone: on saving it, and on
the photo's page."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from artifacts import exif_privacy
from artifacts.imaging import extract_exif
from tests.factories import ArtifactFactory
from tests.images import gps_exif, image_bytes, upload

pytestmark = pytest.mark.django_db
PHOTO_ADD = reverse("admin:artifacts_photo_add")


def test_gps_a_serial_number_and_a_name_are_found_in_words():
    exif = gps_exif()
    exif[0x013B] = "Kim Chol"  # Artist
    exif.get_ifd(0x8769)[0xA431] = "SN-4471"  # BodySerialNumber
    image = Image.open(io.BytesIO(image_bytes(exif=exif)))
    found = exif_privacy.findings(extract_exif(image))
    assert found[0] == "GPS coordinates (51.72000, 36.19167)"
    assert "a person's name (Artist): “Kim Chol”" in found
    assert "the camera's serial number: “SN-4471”" in found
    assert exif_privacy.findings({"Make": "TestCam"}) == []


def test_saving_a_photo_with_gps_warns_the_curator_and_its_page_says_so(client, staff_user):
    client.force_login(staff_user)
    artifact = ArtifactFactory()
    data = {"artifact": artifact.pk, "caption": "ID card", "position": "0", "access_level": "2"}
    response = client.post(PHOTO_ADD, {**data, "original": upload(data=image_bytes(exif=gps_exif()))}, follow=True)
    text = response.content.decode()
    assert "The original of “ID card” carries GPS coordinates (51.72000, 36.19167)" in text
    photo = artifact.photos.get()
    page = client.get(reverse("admin:artifacts_photo_change", args=[photo.pk])).content.decode()
    assert "Locates or identifies: GPS coordinates (51.72000, 36.19167)" in page


def test_a_photo_without_such_metadata_brings_no_warning(client, staff_user):
    client.force_login(staff_user)
    artifact = ArtifactFactory()
    data = {"artifact": artifact.pk, "caption": "Seal", "position": "0", "access_level": "0"}
    response = client.post(PHOTO_ADD, {**data, "original": upload()}, follow=True)
    assert "carries" not in response.content.decode()


def test_an_editor_sees_the_copies_and_not_what_the_original_metadata_holds(client):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory, make_photo

    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    photo = make_photo(uploaded=upload(data=image_bytes(exif=gps_exif())))
    client.force_login(editor)
    page = client.get(reverse("admin:artifacts_photo_change", args=[photo.pk])).content.decode()
    assert "Withheld: shown only to staff with the “view original files” permission." in page
    assert "51.72" not in page and photo.get_media_url("original") not in page
    assert photo.get_media_url("display") in page
