"""What researchers and curators see: "Similar images in the archive" on a record page, the
"same object" link, and search by picture on the page (without JavaScript) and in the API."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artifacts.choices import AccessLevel, RelationType
from artifacts.models import Photo, Relation
from artifacts.similarity.models import ImageFingerprint
from tests.factories import ArtifactFactory, UserFactory, make_photo
from tests.images import image_bytes
from tests.similar_images import as_upload, original, resized_copy, turned_copy

pytestmark = pytest.mark.django_db

SEARCH = reverse("search-by-picture")
API = reverse("api:photos-similar")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()  # the search counts per address live in the cache
    yield
    cache.clear()


@pytest.fixture
def curator(db):
    user = UserFactory(username="curator-jo", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return user


@pytest.fixture
def pair():
    """The same picture on two records (an original and a copy as posted elsewhere), and an
    unrelated photo on a third."""
    first = ArtifactFactory(title="Helmet, as recovered")
    second = ArtifactFactory(title="Helmet, as posted on a channel")
    third = ArtifactFactory(title="Cup")
    return {
        "first": make_photo(first, uploaded=as_upload(original("astronaut")), caption="Helmet, front"),
        "copy": make_photo(second, uploaded=as_upload(resized_copy("astronaut")), caption="Screenshot of the post"),
        "other": make_photo(third, uploaded=as_upload(original("coffee")), caption="Cup on a table"),
    }


def record_url(photo) -> str:
    return photo.artifact.get_absolute_url()


def similar_section(html: str) -> str:
    match = re.search(r'<section id="similar".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_a_record_page_lists_the_copy_on_another_record_with_its_distance(client, pair):
    html = client.get(record_url(pair["first"])).content.decode()
    section = similar_section(html)
    assert "Similar images in the archive" in section
    assert pair["copy"].artifact.get_absolute_url() in section
    assert "Screenshot of the post" in section
    assert reverse("photo-file", args=[pair["copy"].pk, "thumbnail"]) in section
    assert re.search(r"(Near-identical|Likely the same image)", section)
    assert re.search(r"\d+ bits? of 64 differs?", section)
    # Not the record's own photo, not the unrelated one.
    assert reverse("photo-file", args=[pair["first"].pk, "thumbnail"]) not in section
    assert "Cup on a table" not in section
    assert 'href="#similar"' in html
    # Works both ways.
    assert "Helmet, front" in similar_section(client.get(record_url(pair["copy"])).content.decode())


def test_the_section_is_left_out_when_nothing_is_similar(client, pair):
    html = client.get(record_url(pair["other"])).content.decode()
    assert 'id="similar"' not in html and 'href="#similar"' not in html


@pytest.mark.parametrize(
    "restriction",
    [{"access_level": AccessLevel.RESEARCHERS}, {"shows_personal_data": True}, {"access_level": AccessLevel.STAFF}],
    ids=["researchers-only", "personal data", "staff-only"],
)
def test_a_similar_photo_the_viewer_may_not_see_is_neither_listed_nor_counted(client, researcher, pair, restriction):
    Photo.objects.filter(pk=pair["copy"].pk).update(**restriction)
    anonymous = client.get(record_url(pair["first"])).content.decode()
    assert 'id="similar"' not in anonymous and "Screenshot of the post" not in anonymous
    client.force_login(researcher)
    html = client.get(record_url(pair["first"])).content.decode()
    sees = Photo.objects.visible_to(researcher).filter(pk=pair["copy"].pk).exists()
    assert ("Screenshot of the post" in similar_section(html)) == sees


def test_a_hidden_photo_of_the_record_is_not_used_to_search(client, pair):
    # The public may not see the record's own photo: nothing is found through it.
    Photo.objects.filter(pk=pair["first"].pk).update(access_level=AccessLevel.RESEARCHERS)
    html = client.get(record_url(pair["first"])).content.decode()
    assert 'id="similar"' not in html


def test_an_unpublished_record_s_photo_is_not_listed(client, pair):
    pair["copy"].artifact.status = "draft"
    pair["copy"].artifact.save()
    assert 'id="similar"' not in client.get(record_url(pair["first"])).content.decode()


def test_a_graphic_similar_photo_stays_hidden_until_the_viewer_asks(client, pair):
    Photo.objects.filter(pk=pair["copy"].pk).update(graphic_content=True)
    section = similar_section(client.get(record_url(pair["first"])).content.decode())
    assert "Graphic content: image hidden" in section
    assert reverse("photo-file", args=[pair["copy"].pk, "thumbnail"]) not in section


def test_the_section_costs_few_queries(client, pair):
    ImageFingerprint.objects.filter(photo=pair["copy"]).delete()  # nothing similar: the baseline
    client.get(record_url(pair["first"]))
    with CaptureQueriesContext(connection) as without:
        client.get(record_url(pair["first"]))
    make_photo(pair["copy"].artifact, uploaded=as_upload(resized_copy("astronaut")), caption="Again")
    client.get(record_url(pair["first"]))
    with CaptureQueriesContext(connection) as with_similar:
        html = client.get(record_url(pair["first"])).content.decode()
    assert "Again" in similar_section(html)
    # The record's fingerprints, one search, one lookup of the photos found.
    assert len(with_similar) - len(without) <= 2, [q["sql"][:120] for q in with_similar.captured_queries]


# The "same object" link -------------------------------------------------------------------


def link(client, pair, note="Same helmet: the same dents."):
    url = reverse("same-object", args=[pair["first"].artifact.accession_number])
    return client.post(url, {"other": pair["copy"].artifact.accession_number, "note": note})


def test_a_curator_links_two_records_as_the_same_object_once(client, curator, pair):
    client.force_login(curator)
    section = similar_section(client.get(record_url(pair["first"])).content.decode())
    assert "Link as the same object" in section
    assert "bits" in re.search(r"<textarea[^>]*>(.*?)</textarea>", section, re.S).group(1)  # evidence prefilled
    response = link(client, pair)
    assert response.status_code == 302 and response["Location"].endswith(record_url(pair["first"]) + "#similar")
    relation = Relation.objects.get()
    assert relation.relation_type == RelationType.SAME_OBJECT
    assert (relation.from_artifact, relation.to_artifact) == (pair["first"].artifact, pair["copy"].artifact)
    assert relation.note == "Same helmet: the same dents."
    assert relation.history.get().history_user == curator
    page = client.get(response["Location"]).content.decode()
    assert "are now linked as the same object" in page
    assert "Linked as the same object." in similar_section(page)
    # Again, and from the other record: still one relation.
    link(client, pair)
    client.post(
        reverse("same-object", args=[pair["copy"].artifact.accession_number]),
        {"other": pair["first"].artifact.accession_number, "note": "Again"},
    )
    assert Relation.objects.count() == 1
    assert "already linked" in client.get(record_url(pair["first"])).content.decode()


def test_the_same_object_relation_shows_on_both_records(client, curator, pair):
    client.force_login(curator)
    link(client, pair)
    client.logout()
    for photo, other in ((pair["first"], pair["copy"]), (pair["copy"], pair["first"])):
        html = client.get(record_url(photo)).content.decode()
        related = re.search(r'<section id="related".*?</section>', html, re.S).group(0)
        assert "The same object as" in related
        assert other.artifact.accession_number in related
        assert "Same helmet" in related


def test_linking_is_refused_without_the_permission(client, researcher, pair):
    assert "Link as the same object" not in client.get(record_url(pair["first"])).content.decode()
    assert link(client, pair).status_code == 403
    client.force_login(researcher)
    assert "Link as the same object" not in client.get(record_url(pair["first"])).content.decode()
    assert link(client, pair).status_code == 403
    editor = UserFactory(username="editor", is_staff=True)  # staff, but no add_relation
    client.force_login(editor)
    assert link(client, pair).status_code == 403
    assert not Relation.objects.exists()


def test_linking_needs_csrf(curator, pair):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(curator)
    assert link(strict, pair).status_code == 403
    assert not Relation.objects.exists()


def test_linking_to_a_record_the_curator_cannot_find_or_itself_changes_nothing(client, curator, pair):
    client.force_login(curator)
    url = reverse("same-object", args=[pair["first"].artifact.accession_number])
    for other in ("NO-SUCH-0001", pair["first"].artifact.accession_number):
        response = client.post(url, {"other": other, "note": "x"}, follow=True)
        assert "No other record with that accession number" in response.content.decode()
    response = client.post(url, {"other": pair["copy"].artifact.accession_number, "note": ""}, follow=True)
    assert "This field is required" in response.content.decode()
    assert not Relation.objects.exists()


# Search by picture --------------------------------------------------------------------------


def files_in(media_root) -> set:
    return {path for path in media_root.rglob("*") if path.is_file()} if media_root.exists() else set()


def counts() -> tuple:
    return Photo.objects.count(), ImageFingerprint.objects.count(), Relation.objects.count()


def test_the_page_without_javascript_lists_the_matches_nearest_first(client, pair, media_root):
    page = client.get(SEARCH).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    assert SEARCH in client.get(reverse("catalog")).content.decode()  # linked from the catalog
    before_files, before_rows = files_in(media_root), counts()
    response = client.post(SEARCH, {"image": as_upload(turned_copy("astronaut"))})
    assert response.status_code == 200
    html = response.content.decode()
    results = html[html.index("Matching photos") :]
    assert results.index("Helmet, front") < results.index("Screenshot of the post")
    assert "Cup on a table" not in results
    assert record_url(pair["first"]) in results and record_url(pair["copy"]) in results
    assert re.search(r"\d+ bits? of 64 differs?", results)
    # The picture is not kept anywhere.
    assert files_in(media_root) == before_files and counts() == before_rows


def test_the_page_lists_only_photos_the_viewer_may_see(client, researcher, pair):
    Photo.objects.filter(pk=pair["copy"].pk).update(access_level=AccessLevel.RESEARCHERS)
    html = client.post(SEARCH, {"image": as_upload(original("astronaut"))}).content.decode()
    assert "Screenshot of the post" not in html and "1 photo matches" in html
    client.force_login(researcher)
    html = client.post(SEARCH, {"image": as_upload(original("astronaut"))}).content.decode()
    assert "Screenshot of the post" in html and "2 photos match" in html


def test_a_picture_matching_nothing_says_so(client, pair):
    html = client.post(SEARCH, {"image": as_upload(original("chelsea"))}).content.decode()
    assert "No photo you may see is close to this picture." in html


def test_a_file_that_is_not_an_image_gets_the_upload_check_s_message(client, pair):
    response = client.post(SEARCH, {"image": as_upload(b"%PDF-1.4 not an image", name="scan.jpg")})
    assert response.status_code == 400
    assert "The file is a PDF document, not an image" in response.content.decode()
    response = client.post(SEARCH, {})
    assert "Choose a picture to search with." in response.content.decode()


def test_an_oversized_file_is_refused_with_the_limit(client, settings, pair, media_root):
    settings.ARCHIVE_PICTURE_SEARCH_MAX_BYTES = 20_000
    before = files_in(media_root)
    big = image_bytes(size=(1200, 900), quality=100)
    assert len(big) > 20_000
    response = client.post(SEARCH, {"image": as_upload(big)})
    assert response.status_code == 413
    assert "the limit is 19.5\xa0KB" in response.content.decode()
    assert files_in(media_root) == before
    # Declared far over the limit: refused before the body is read.
    huge = image_bytes(size=(3000, 3000), quality=100)
    assert len(huge) > 20_000 + 64 * 1024
    response = client.post(SEARCH, {"image": as_upload(huge)})
    assert response.status_code == 413 and "the limit is 19.5\xa0KB" in response.content.decode()


def test_searches_are_limited_per_address(client, settings, pair):
    settings.ARCHIVE_PICTURE_SEARCHES_PER_MINUTE = 2
    for _ in range(2):
        assert client.post(SEARCH, {"image": as_upload(original("coffee"))}).status_code == 200
    response = client.post(SEARCH, {"image": as_upload(original("coffee"))})
    assert response.status_code == 429
    assert "Too many searches by picture from your address" in response.content.decode()
    assert client.post(SEARCH, {}, REMOTE_ADDR="192.0.2.7").status_code == 400  # another address counts apart
    assert client.post(API, {"image": as_upload(original("coffee"))}).status_code == 429


def test_the_api_answers_with_the_matches(client, pair):
    response = client.post(API, {"image": as_upload(resized_copy("astronaut"))})
    assert response.status_code == 200
    body = response.json()
    assert {item["photo_id"] for item in body} == {pair["copy"].pk, pair["first"].pk}
    assert [item["distance"] for item in body] == sorted(item["distance"] for item in body)
    first = next(item for item in body if item["photo_id"] == pair["copy"].pk)
    assert first["record"]["accession_number"] == pair["copy"].artifact.accession_number
    assert first["record"]["url"].endswith(record_url(pair["copy"]))
    assert first["thumbnail"]["url"].endswith(reverse("photo-file", args=[pair["copy"].pk, "thumbnail"]))
    assert isinstance(first["distance"], int) and first["words"]
    assert "no-store" in response["Cache-Control"]


def test_the_api_refuses_bad_files_clearly(client, settings, pair):
    response = client.post(API, {"image": as_upload(b"<html><script>alert(1)</script>", name="x.png")})
    assert response.status_code == 400
    assert "HTML or script document" in response.json()["image"][0]
    assert client.post(API, {}).status_code == 400
    settings.ARCHIVE_PICTURE_SEARCH_MAX_BYTES = 20_000
    response = client.post(API, {"image": as_upload(image_bytes(size=(1200, 900), quality=100))})
    assert response.status_code == 413 and "the limit is" in response.json()["image"][0]


def test_the_api_schema_documents_search_by_picture(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/photos/similar/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"200", "400", "413", "429"} <= set(operation["responses"])
    assert "SimilarPhoto" in schema["components"]["schemas"]
    assert "/api/photos/similar/" in client.get(reverse("api:docs")).content.decode()
