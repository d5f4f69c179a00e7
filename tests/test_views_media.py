"""Photo files are served only to viewers who may see the photo, with safe headers."""

import pytest
from django.contrib.auth.models import Group

from artifacts.choices import AccessLevel, PublicationStatus
from tests.factories import ArtifactFactory, UserFactory, make_photo
from tests.images import gps_exif, image_bytes, upload

pytestmark = pytest.mark.django_db


def url(photo, kind="display"):
    return f"/media/photos/{photo.pk}/{kind}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_public_derivative_is_streamed_inline_with_safe_headers(client):
    photo = make_photo()
    response = client.get(url(photo, "thumbnail"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'inline; filename="{photo.artifact.accession_number}-photo-{photo.pk}-thumbnail.jpg"'
    )
    assert response["Cache-Control"] == "public, max-age=3600"
    with photo.thumbnail.open("rb") as handle:
        assert body(response) == handle.read()


def test_restricted_photos_only_for_those_who_may_see_them(client, researcher, staff_user):
    restricted = make_photo(access_level=AccessLevel.RESEARCHERS)
    staff_only = make_photo(access_level=AccessLevel.STAFF)
    personal = make_photo(shows_personal_data=True)
    on_draft = make_photo(ArtifactFactory(status=PublicationStatus.DRAFT))
    on_restricted_artifact = make_photo(ArtifactFactory(access_level=AccessLevel.RESEARCHERS))
    hidden_from_public = (restricted, staff_only, personal, on_draft, on_restricted_artifact)
    for photo in hidden_from_public:
        assert client.get(url(photo)).status_code == 404
    client.force_login(researcher)
    for photo in (restricted, personal, on_restricted_artifact):
        response = client.get(url(photo))
        assert response.status_code == 200
        # Restricted images must not be kept by shared caches.
        assert response["Cache-Control"] == "private, no-store"
    assert client.get(url(staff_only)).status_code == 404
    assert client.get(url(on_draft)).status_code == 404
    client.force_login(staff_user)
    for photo in hidden_from_public:
        assert client.get(url(photo)).status_code == 200


def test_public_photo_stays_cacheable_for_a_logged_in_viewer(client, researcher):
    photo = make_photo()
    client.force_login(researcher)
    assert client.get(url(photo))["Cache-Control"] == "public, max-age=3600"


def test_originals_with_their_metadata_are_for_staff_allowed_to_take_them(client, researcher, staff_user):
    photo = make_photo(uploaded=upload("scan.png", image_bytes("PNG"), "image/png"))
    with_gps = make_photo(uploaded=upload(data=image_bytes(exif=gps_exif())))
    assert client.get(url(photo, "original")).status_code == 403
    client.force_login(researcher)
    response = client.get(url(with_gps, "original"))
    assert response.status_code == 403
    assert "“view original files” permission" in response.content.decode()
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    assert client.get(url(with_gps, "original")).status_code == 403  # an Editor sees the copies only
    curator = UserFactory(username="a-curator", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curator"))
    client.force_login(curator)
    assert client.get(url(with_gps, "original")).status_code == 200
    client.force_login(staff_user)
    response = client.get(url(photo, "original"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == image_bytes("PNG")


def test_original_type_comes_from_the_decoded_format_not_the_uploaded_name(client, staff_user):
    photo = make_photo(uploaded=upload("page.html", image_bytes(), "text/html"))
    client.force_login(staff_user)
    response = client.get(url(photo, "original"))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].endswith('-original.jpg"')


@pytest.mark.parametrize(
    "path",
    ["/media/photos/{pk}/exif/", "/media/photos/999999/display/", "/media/photos/99999999999999999999999/display/"],
)
def test_unknown_kind_or_photo_is_404(client, path):
    photo = make_photo()
    assert client.get(path.format(pk=photo.pk)).status_code == 404


def test_missing_file_on_disk_is_404_not_500(client):
    photo = make_photo()
    photo.display.storage.delete(photo.display.name)
    response = client.get(url(photo))
    assert response.status_code == 404


def test_accel_redirect_hands_the_file_to_the_proxy(client, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    photo = make_photo()
    response = client.get(url(photo))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.display.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    restricted = make_photo(access_level=AccessLevel.STAFF)
    assert client.get(url(restricted)).status_code == 404


def test_only_safe_methods(client):
    photo = make_photo()
    assert client.post(url(photo)).status_code == 405
    assert client.head(url(photo)).status_code == 200
