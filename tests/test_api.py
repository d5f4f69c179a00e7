"""The JSON API: the catalog's search and filters, whole records, the schema and its docs,
and the access rules on every endpoint for anonymous visitors, researchers and staff."""

import base64
import json

import pytest
import yaml
from django.test import override_settings
from drf_spectacular.validation import validate_schema

from artifacts import paging
from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.custody.checker import record as custody_record
from artifacts.models import ILLUSTRATION_NOTICE, PersonalDatum, Relation
from tests.factories import (
    ArtifactFactory,
    PhraseFactory,
    SerialNumberFactory,
    SourceFactory,
    TextFactory,
    make_custody_event,
    make_photo,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def get_json(client, url, status=200, **extra):
    response = client.get(url, **extra)
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def accessions(data) -> list[str]:
    return [item["accession_number"] for item in data["results"]]


@pytest.fixture
def tiers():
    """One record at each access level, and a draft."""
    return {
        "public": ArtifactFactory(title="Public booklet"),
        "researchers": ArtifactFactory(title="Researchers' booklet", access_level=AccessLevel.RESEARCHERS),
        "staff": ArtifactFactory(title="Staff booklet", access_level=AccessLevel.STAFF),
        "draft": ArtifactFactory(title="Draft booklet", status=PublicationStatus.DRAFT),
    }


# The list: same search, filters, sort and counts as the catalog page --------------------


def test_the_list_counts_and_shows_only_what_each_viewer_may_see(client, researcher, staff_user, tiers):
    data = get_json(client, "/api/artifacts/")
    assert data["count"] == 1 and accessions(data) == [tiers["public"].accession_number]
    client.force_login(researcher)
    data = get_json(client, "/api/artifacts/")
    assert data["count"] == 2 and {item["access_level"] for item in data["results"]} == {"public", "researchers"}
    client.force_login(staff_user)
    data = get_json(client, "/api/artifacts/")
    assert data["count"] == 4
    assert {item["publication_status"] for item in data["results"]} == {"published", "draft"}


def test_a_list_item_has_the_catalog_fields_and_links(client):
    artifact = ArtifactFactory(title="Phrase list", artifact_type="phrase_list", recovery_date="2024-12/2025-01")
    make_photo(artifact)
    [item] = get_json(client, "/api/artifacts/")["results"]
    assert item["url"] == f"http://testserver/artifacts/{artifact.accession_number}/"
    assert item["api_url"] == f"http://testserver/api/artifacts/{artifact.accession_number}/"
    assert item["type"] == "phrase_list" and item["type_label"] == "Phrase list"
    assert item["recovery_date_in_words"] == "December 2024 – January 2025"
    assert item["recovered_earliest"] == "2024-12-01" and item["recovered_latest"] == "2025-01-31"
    assert item["has_photos"] is True and item["access_level"] == "public"


@pytest.mark.parametrize(
    "query",
    [
        "q=surrender",
        "type=weapon&type=phrase_list",
        "verification=verified",
        "place=Kursk+region%2C+Russia",
        "unit=Other+unit",
        "recovered_from=2025&sort=recovered",
        "recovered_to=2024-12",
        "photos=yes",
        "photos=no&sort=added",
        "q=rifle&type=weapon&sort=accession",
    ],
)
def test_the_list_returns_what_the_catalog_page_shows_for_the_same_parameters(client, researcher, query):
    PhraseFactory(translation="Surrender.")
    SerialNumberFactory(value="AK-74 123")
    ArtifactFactory(title="Rifle", artifact_type="weapon", verification_status="verified", recovery_date="2025-02")
    ArtifactFactory(title="Old rifle", artifact_type="weapon", recovering_unit="Other unit", recovery_date="2024-11")
    ArtifactFactory(title="Hidden rifle", artifact_type="weapon", access_level=AccessLevel.RESEARCHERS)
    make_photo(ArtifactFactory(title="Photographed letter", recovery_date="2025-01-05"))
    for user in (None, researcher):
        if user:
            client.force_login(user)
        page = client.get(f"/artifacts/?{query}&per_page=100")
        expected = [artifact.accession_number for artifact in page.context["artifacts"]]
        data = get_json(client, f"/api/artifacts/?{query}&per_page=100")
        assert accessions(data) == expected and data["count"] == page.context["page"].paginator.count
    assert expected  # every case matches something for the researcher


def test_bad_parameters_are_refused_with_a_message_naming_them(client):
    data = get_json(client, "/api/artifacts/?type=spaceship", status=400)
    assert data == {"type": ["“spaceship” is not a type of artifact in this archive."]}
    data = get_json(client, "/api/artifacts/?recovered_from=last+year", status=400)
    assert "recovered_from" in data and "is not a date" in data["recovered_from"][0]
    data = get_json(client, "/api/artifacts/?sort=price", status=400)
    assert data["sort"][0].startswith("“price” is not a way to sort; use one of relevance, accession")


def test_pagination_counts_visible_records_and_links_pages(client):
    for n in range(5):
        ArtifactFactory(title=f"Item {n}")
    ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    first = get_json(client, "/api/artifacts/?per_page=2&q=item")
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert first["next"] == "http://testserver/api/artifacts/?page=2&per_page=2&q=item"
    last = get_json(client, "/api/artifacts/?per_page=2&q=item&page=3")
    assert len(last["results"]) == 1 and last["next"] is None
    everything = accessions(first) + accessions(get_json(client, first["next"])) + accessions(last)
    assert len(set(everything)) == 5
    assert get_json(client, "/api/artifacts/?page=9", status=404) == {"detail": "Invalid page."}
    assert first["count_exact"] is True
    assert len(get_json(client, "/api/artifacts/?per_page=1000")["results"]) == 5  # capped at 100, not refused


def test_large_results_are_counted_and_paged_as_on_the_catalog_page(client, monkeypatch):
    # What a million-record archive does at 10,000 results, here at 3.
    monkeypatch.setattr(paging, "EXACT_UP_TO", 3)
    monkeypatch.setattr(paging, "PAGEABLE", 3)
    for n in range(6):
        ArtifactFactory(title=f"Item {n}")
    data = get_json(client, "/api/artifacts/?per_page=2&q=item")
    page = client.get("/artifacts/?q=item")  # one page holds what can be paged through
    shown = [artifact.accession_number for artifact in page.context["artifacts"]]
    assert data["count_exact"] is False and data["count"] == page.context["page"].paginator.count
    assert accessions(data) == shown[:2]
    assert accessions(get_json(client, "/api/artifacts/?per_page=2&q=item&page=2")) == shown[2:4]
    refused = get_json(client, "/api/artifacts/?per_page=2&q=item&page=3", status=404)
    assert refused == {"detail": "Only the first 3 results can be paged through: narrow the search or change the sort."}


# A record in full ----------------------------------------------------------------------


def test_records_you_may_not_see_are_404_like_missing_ones(client, researcher, staff_user, tiers):
    def status(tier):
        return client.get(f"/api/artifacts/{tiers[tier].accession_number}/").status_code

    assert client.get("/api/artifacts/BFA-1900-0001/").status_code == 404
    assert client.get("/api/artifacts/BFA%00/").status_code == 404
    assert [status(t) for t in ("public", "researchers", "staff", "draft")] == [200, 404, 404, 404]
    client.force_login(researcher)
    assert [status(t) for t in ("public", "researchers", "staff", "draft")] == [200, 200, 404, 404]
    client.force_login(staff_user)
    assert [status(t) for t in ("public", "researchers", "staff", "draft")] == [200, 200, 200, 200]


def test_a_record_carries_its_texts_phrases_sources_and_details(client):
    source = SourceFactory(title="What they carried", publisher="The Washington Post")
    artifact = ArtifactFactory(title="Letter", artifact_type="handwritten", cited_in=source)
    TextFactory(artifact=artifact, label="Page 1", translation="I really miss you comrades.", date_written="2024-12-31")
    PhraseFactory(artifact=artifact, position=1, translation="Surrender.", order_known=False)
    SerialNumberFactory(artifact=artifact, value="AB 12-34", location="cover")
    data = get_json(client, f"/api/artifacts/{artifact.accession_number}/")
    [text] = data["texts"]
    assert text["label"] == "Page 1" and text["translation"] == "I really miss you comrades."
    assert text["date_written_in_words"] == "31 December 2024"
    assert data["phrases"] == [
        {
            "position": 1,
            "order_known": False,
            "original_text": "",
            "original_language": "",
            "transliteration": "",
            "transliteration_script": "",
            "translation": "Surrender.",
            "translation_language": "en",
            "translation_source": "",
        }
    ]
    assert data["serial_numbers"] == [{"value": "AB 12-34", "location": "cover"}]
    assert data["sources"][0]["title"] == "What they carried"
    assert data["sources"][0]["publisher"] == "The Washington Post"
    assert data["military_id"] is None and data["object_details"] is None
    assert data["citation"]["csl_json_url"] == f"http://testserver/artifacts/{artifact.accession_number}/citation.json"
    assert data["citation"]["bibtex"].startswith(f"@misc{{{artifact.accession_number},")


def test_photos_are_only_those_you_may_see_with_originals_for_staff(client, researcher, staff_user):
    artifact = ArtifactFactory()
    public = make_photo(artifact, caption="Front", is_illustration=True)
    restricted = make_photo(artifact, caption="Back", access_level=AccessLevel.RESEARCHERS)
    face = make_photo(artifact, caption="Face", shows_personal_data=True, access_level=AccessLevel.RESEARCHERS)
    redacted = make_photo(artifact, caption="Face, blurred", redacted_from=face)
    url = f"/api/artifacts/{artifact.accession_number}/"

    photos = get_json(client, url)["photos"]
    assert [p["caption"] for p in photos] == ["Front", "Face, blurred"]
    front, blurred = photos
    assert front["notice"] == ILLUSTRATION_NOTICE and blurred["redacted_copy"] is True
    assert front["display"]["url"] == f"http://testserver/media/photos/{public.pk}/display/"
    assert front["thumbnail"]["url"] == f"http://testserver/media/photos/{public.pk}/thumbnail/"
    assert front["original"]["url"] is None and front["original"]["sha256"] == public.sha256
    assert client.get(front["display"]["url"]).status_code == 200

    client.force_login(researcher)
    captions = [p["caption"] for p in get_json(client, url)["photos"]]
    assert captions == ["Front", "Back", "Face"]  # the original replaces its redacted copy
    client.force_login(staff_user)
    photos = get_json(client, url)["photos"]
    assert photos[1]["original"]["url"] == f"http://testserver/media/photos/{restricted.pk}/original/"
    assert redacted.pk not in [p["id"] for p in photos]


def test_personal_data_is_listed_but_withheld_unless_you_may_see_it(client, researcher, staff_user):
    artifact = ArtifactFactory(artifact_type="military_id")
    letter = TextFactory(artifact=artifact, position=3)
    PersonalDatum.objects.create(
        artifact=artifact, text=letter, field="name", value="Kim Il", access_level=AccessLevel.STAFF
    )
    PersonalDatum.objects.create(artifact=artifact, field="rank", value="Private", access_level=AccessLevel.RESEARCHERS)
    url = f"/api/artifacts/{artifact.accession_number}/"

    response = client.get(url)
    assert b"Kim Il" not in response.content and b"Private" not in response.content
    assert response.json()["personal_data"] == [
        {
            "field": "name",
            "label": "Name",
            "text_position": 3,
            "withheld": True,
            "value": None,
            "note": "withheld: personal data",
        },
        {
            "field": "rank",
            "label": "Rank",
            "text_position": None,
            "withheld": True,
            "value": None,
            "note": "withheld: personal data",
        },
    ]
    client.force_login(researcher)
    values = [item["value"] for item in get_json(client, url)["personal_data"]]
    assert values == [None, "Private"]
    client.force_login(staff_user)
    values = [item["value"] for item in get_json(client, url)["personal_data"]]
    assert values == ["Kim Il", "Private"]


def test_relations_lead_only_to_records_you_may_see(client, researcher):
    artifact = ArtifactFactory(title="Phrase list")
    visible = ArtifactFactory(title="Visible neighbour")
    hidden = ArtifactFactory(title="Hidden neighbour", access_level=AccessLevel.RESEARCHERS)
    Relation.objects.create(from_artifact=artifact, to_artifact=visible, relation_type="recovered_together")
    Relation.objects.create(from_artifact=hidden, to_artifact=artifact, relation_type="part_of", note="Same bag")
    url = f"/api/artifacts/{artifact.accession_number}/"

    response = client.get(url)
    assert b"Hidden neighbour" not in response.content and hidden.accession_number.encode() not in response.content
    [relation] = response.json()["relations"]
    assert relation["label"] == "Recovered together with" and relation["direction"] == "outgoing"
    assert relation["artifact"]["api_url"] == f"http://testserver/api/artifacts/{visible.accession_number}/"
    client.force_login(researcher)
    relations = get_json(client, url)["relations"]
    assert [(r["label"], r["direction"], r["note"]) for r in relations] == [
        ("Has as a part", "incoming", "Same bag"),
        ("Recovered together with", "outgoing", ""),
    ]


def test_the_custody_record_verifies_and_lists_only_visible_files(client, staff_user):
    artifact = ArtifactFactory()
    make_custody_event(artifact, event_type="recovery", occurred="2025-01", recorded_by=staff_user)
    make_custody_event(artifact, event_type="intake", occurred="2025-02", recorded_by=staff_user)
    shown = make_photo(artifact)
    make_photo(artifact, access_level=AccessLevel.STAFF)
    data = get_json(client, f"/api/artifacts/{artifact.accession_number}/")
    custody = data["custody"]
    assert [event["event_type"] for event in custody["events"]] == ["recovery", "intake"]
    assert custody_record.verify_record(custody).problems == []
    assert [f["sha256"] for f in custody["files"]] == [shown.sha256]
    assert data["custody_url"] == f"http://testserver/artifacts/{artifact.accession_number}/custody.json"


def test_internal_notes_are_for_staff_only(client, researcher, staff_user):
    artifact = ArtifactFactory(internal_notes="Check the seal number with the unit.")
    url = f"/api/artifacts/{artifact.accession_number}/"
    assert "internal_notes" not in get_json(client, url)
    client.force_login(researcher)
    assert "internal_notes" not in get_json(client, url)
    client.force_login(staff_user)
    assert get_json(client, url)["internal_notes"] == "Check the seal number with the unit."


# Signing in from a script ---------------------------------------------------------------


def basic(username, password) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_a_script_signs_in_with_http_basic(client, researcher, tiers):
    data = get_json(client, "/api/artifacts/", **basic("researcher", PASSWORD))
    assert data["count"] == 2
    response = client.get("/api/artifacts/", **basic("researcher", "wrong password"))
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_account_out(client, researcher):
    for _ in range(3):
        assert client.get("/api/artifacts/", **basic("researcher", "guess")).status_code in (401, 403)
    assert client.get("/api/artifacts/", **basic("researcher", PASSWORD)).status_code in (401, 403)


def test_answers_for_signed_in_viewers_are_not_cached_by_others(client, researcher):
    ArtifactFactory()
    assert "private" not in client.get("/api/artifacts/").get("Cache-Control", "")
    client.force_login(researcher)
    response = client.get("/api/artifacts/")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"] and "Authorization" in response["Vary"]


def test_the_api_only_reads(client, staff_user):
    artifact = ArtifactFactory()
    client.force_login(staff_user)
    for method in (client.post, client.put, client.patch, client.delete):
        response = method(f"/api/artifacts/{artifact.accession_number}/", data={}, content_type="application/json")
        assert response.status_code in (403, 405)  # CSRF refuses a session's write before the view can


# Every endpoint, every viewer -------------------------------------------------------------


ENDPOINTS = [
    "/api/artifacts/",
    "/api/artifacts/?q=booklet",
    "/api/artifacts/{accession}/",
    "/artifacts/?format=csv",
    "/artifacts/?format=json",
    "/artifacts.csv?q=booklet",
    "/artifacts/{accession}/citation.json",
    "/artifacts/{accession}/custody.json",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_keeps_restricted_records_from_those_who_may_not_see_them(
    client, researcher, staff_user, tiers, endpoint
):
    def body(tier, viewer=None):
        client.logout()
        if viewer:
            client.force_login(viewer)
        response = client.get(endpoint.format(accession=tiers[tier].accession_number))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, content.decode()

    for tier, allowed in (
        ("researchers", {researcher, staff_user}),
        ("staff", {staff_user}),
        ("draft", {staff_user}),
    ):
        title = tiers[tier].title
        for viewer in (None, researcher, staff_user):
            status, content = body(tier, viewer)
            if "{accession}" in endpoint and viewer not in allowed:
                assert status == 404, (tier, viewer)
            else:
                assert status == 200, (tier, viewer)
                assert (title in content) == (viewer in allowed), (tier, viewer)


# Schema and documentation ---------------------------------------------------------------


def test_the_openapi_schema_is_served_and_valid(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # against the OpenAPI 3 JSON Schema
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/artifacts/", "/api/artifacts/{accession_number}/", "/api/photos/similar/"}
    parameters = {p["name"] for p in schema["paths"]["/api/artifacts/"]["get"]["parameters"]}
    assert parameters >= {"q", "type", "verification", "place", "unit", "recovered_from", "recovered_to", "photos"}
    assert parameters >= {"sort", "page", "per_page"}
    as_json = client.get("/api/schema/?format=json")
    assert json.loads(as_json.content)["info"]["title"] == "Battlefield Artifacts Archive API"


def test_the_documentation_page_lists_endpoints_parameters_fields_and_columns(client):
    artifact = ArtifactFactory()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<code>GET /api/artifacts/</code>" in html and "<code>GET /api/artifacts/{accession_number}/</code>" in html
    assert "<code>recovered_from</code>" in html and "phrase_list (Phrase list)" in html
    assert (
        'id="ArtifactDetail"' in html and 'id="downloads"' in html and "<code>verification_status_label</code>" in html
    )
    assert f"/api/artifacts/{artifact.accession_number}/" in html  # a working example
    assert "<script" not in html and "style=" not in html


def test_the_api_root_points_to_everything(client):
    data = get_json(client, "/api/")
    assert data["artifacts"] == "http://testserver/api/artifacts/"
    assert data["documentation"] == "http://testserver/api/docs/"
    assert data["schema"] == "http://testserver/api/schema/"
