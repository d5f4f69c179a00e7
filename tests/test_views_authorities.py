"""The pages of places and organisations, the catalog's place and unit facets, and the
identifiers that leave the archive with a record (API, downloads, OAI-PMH, JSON-LD)."""

import json
import re

import pytest
from django.contrib.auth.models import Group

from artifacts.authorities.models import Organisation, Place
from artifacts.choices import AccessLevel
from tests.factories import ArtifactFactory, SourceFactory, UserFactory, make_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    russia = make_authority(Place, {"en": "Russia", "uk": "Росія", "ko": "러시아"}, wikidata="Q159", geonames=2017370)
    kursk = make_authority(
        Place,
        [
            ("en", "Kursk region", True),
            ("uk", "Курська область", True),
            ("uk", "Курщина", False),
            ("ko", "쿠르스크주", True),
        ],
        parent=russia,
    )
    sudzha = make_authority(Place, {"en": "Sudzha", "uk": "Суджа"}, parent=kursk)
    unit = make_authority(Organisation, {"en": "8th Regiment", "uk": "8-й полк"}, wikidata="Q4")
    battalion = make_authority(Organisation, {"en": "1st Battalion"}, parent=unit)
    # Three wordings of places in Kursk region, one in the region's own village.
    ArtifactFactory(title="Letter", recovery_place="Kursk region, Russia", place=kursk, recovered_by=unit)
    ArtifactFactory(title="Booklet", recovery_place="Курська обл.", place=kursk, recovered_by=battalion)
    ArtifactFactory(title="Helmet", recovery_place="near Sudzha", place=sudzha, recovering_unit="")
    ArtifactFactory(title="Secret", place=kursk, access_level=AccessLevel.RESEARCHERS, recovering_unit="")
    ArtifactFactory(title="Elsewhere", recovery_place="Sumy region", recovering_unit="", custodian=unit)
    return {"russia": russia, "kursk": kursk, "sudzha": sudzha, "unit": unit, "battalion": battalion}


def titles(html: str) -> list[str]:
    return sorted(re.findall(r'<h3 class="card-title"[^>]*><a href="[^"]+">([^<]+)</a>', html))


def test_a_place_page_names_it_in_every_language_and_lists_what_was_recovered_there_and_within(client, places):
    kursk = places["kursk"]
    response = client.get(f"/uk/places/{kursk.pk}/")
    html = response.content.decode()
    assert '<h1 id="authority-heading" lang="uk">Курська область</h1>' in html
    for name in ('<span lang="en">Kursk region</span>', '<span lang="ko">쿠르스크주</span>', "Курщина"):
        assert name in html
    assert f'href="/uk/places/{places["russia"].pk}/">Росія</a>' in html  # part of
    assert f'href="/uk/places/{places["sudzha"].pk}/">Суджа</a>' in html  # places within it
    assert titles(html) == ["Booklet", "Helmet", "Letter"]  # not the restricted record, nor Sumy
    assert 'name="type"' in html and 'name="place"' in html  # the catalog's facets
    assert f'href="/uk/places/{kursk.pk}/?format=csv"' in html  # its own downloads


def test_an_organisation_page_lists_what_it_and_its_units_recovered_or_hold(client, places, researcher):
    unit = places["unit"]
    html = client.get(f"/organisations/{unit.pk}/").content.decode()
    assert titles(html) == ["Booklet", "Elsewhere", "Letter"]
    assert '<a href="https://www.wikidata.org/entity/Q4" rel="external">Wikidata Q4</a>' in html
    assert "linked to “8th Regiment”" in html
    csv = b"".join(client.get(f"/organisations/{unit.pk}/", {"format": "csv"}).streaming_content).decode()
    assert sorted(line.split(",")[2] for line in csv.splitlines()[1:]) == ["Booklet", "Elsewhere", "Letter"]


def test_unknown_authorities_and_addresses_that_are_no_number_are_not_found(client, places):
    assert client.get("/places/999999/").status_code == 404
    assert client.get("/organisations/99999999999999999999/").status_code == 404
    assert client.get("/places/abc/").status_code == 404


def test_the_place_facet_counts_one_place_across_spellings_in_the_readers_language(client, places):
    html = client.get("/ko/artifacts/").content.decode()
    facet = html[html.index('name="place"') - 200 : html.index("</fieldset>", html.index('name="place"'))]
    labels = re.findall(r'<label for="f-place-\d+">([^<]+?) <span class="count">(\d+)</span>', facet)
    assert labels == [("쿠르스크주", "2"), ("Sudzha", "1"), ("Sumy region", "1")]


def test_a_place_filter_includes_the_places_within_it(client, places):
    html = client.get("/artifacts/", {"place": places["kursk"].pk}).content.decode()
    assert titles(html) == ["Booklet", "Helmet", "Letter"]
    assert "recovered in “Kursk region”" in html
    # Links made before authorities named the wording; they still work.
    assert titles(client.get("/artifacts/", {"place": "near Sudzha"}).content.decode()) == ["Helmet"]
    html = client.get("/artifacts/", {"unit": places["unit"].pk}).content.decode()
    assert titles(html) == ["Booklet", "Letter"]  # the battalion is part of the regiment


def test_a_record_links_its_wording_to_the_authority_in_the_readers_language(client, places):
    booklet = places["kursk"].artifacts.get(title="Booklet")
    page = client.get(f"/uk/artifacts/{booklet.accession_number}/").content.decode()
    assert "Курська обл." in page  # the wording as reported
    assert f'<a href="/uk/places/{places["kursk"].pk}/" lang="uk">Курська область</a>' in page


def test_identifiers_leave_with_the_record_in_the_api_oai_json_ld_and_downloads(client, places):
    SourceFactory(publisher="The Washington Post")
    letter = places["kursk"].artifacts.get(title="Letter")
    data = client.get(f"/api/artifacts/{letter.accession_number}/").json()
    assert data["place"]["name"] == "Kursk region" and data["place"]["identifiers"] == []
    assert data["place"]["part_of"][0]["identifiers"] == [
        {"scheme": "Wikidata", "id": "Q159", "uri": "https://www.wikidata.org/entity/Q159"},
        {"scheme": "GeoNames", "id": "2017370", "uri": "https://sws.geonames.org/2017370/"},
    ]
    assert data["recovered_by"]["identifiers"][0]["uri"] == "https://www.wikidata.org/entity/Q4"

    oai = client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}).content.decode()
    assert "<dc:coverage>https://www.wikidata.org/entity/Q159</dc:coverage>" in oai
    assert "<dc:contributor>https://www.wikidata.org/entity/Q4</dc:contributor>" in oai

    page = client.get(letter.get_absolute_url()).content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["spatialCoverage"]["containedInPlace"]["sameAs"][0] == "https://www.wikidata.org/entity/Q159"

    rows = b"".join(client.get("/artifacts.csv", {"q": "Letter"}).streaming_content).decode().splitlines()
    header, row = rows[0].split(","), rows[1]
    assert {"place_id", "place_name", "place_uris", "recovered_by_uris"} <= set(header)
    assert "https://www.wikidata.org/entity/Q159; https://sws.geonames.org/2017370/" in row


def test_curators_merge_two_places_in_the_admin_and_editors_may_not(client, places):
    duplicate = make_authority(Place, {"en": "Kursk Oblast"})
    ArtifactFactory(title="Shovel", recovery_place="Kursk Oblast", recovering_unit="")
    ticked = {"action": "merge_selected", "_selected_action": [places["kursk"].pk, duplicate.pk]}
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    assert client.post("/admin/artifacts/place/", ticked).status_code in (200, 302)
    assert Place.objects.get(pk=duplicate.pk).merged_into is None  # the action is not theirs

    curator = UserFactory(username="curator-merge", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curator"))
    client.force_login(curator)
    confirm = client.post("/admin/artifacts/place/", ticked).content.decode()
    assert "Choose the record that stays" in confirm and "1 artifact" in confirm
    response = client.post("/admin/artifacts/place/", {**ticked, "confirm": "yes", "keep": places["kursk"].pk})
    assert response.status_code == 302
    assert Place.objects.get(pk=duplicate.pk).merged_into == places["kursk"]
    assert places["kursk"].artifacts.filter(title="Shovel").exists()
    lookup = {"app_label": "artifacts", "model_name": "artifact", "field_name": "place", "term": "Oblast"}
    results = client.get("/admin/autocomplete/", lookup).json()["results"]
    assert results == [{"id": str(places["kursk"].pk), "text": "Kursk region"}]  # never the merged one


def test_custody_events_name_authorities_beside_their_wording_and_pages_list_them(client, places):
    from artifacts.custody.services import record_custody_event
    from artifacts.models import EventLink

    letter = places["kursk"].artifacts.get(title="Letter")
    secret = places["kursk"].artifacts.get(title="Secret")
    # Recorded with wording that is exactly a name: linked at once; described parties are not.
    event = record_custody_event(
        artifact=letter, event_type="transfer", occurred="2025-01", place="Курщина", received_by="8-й полк"
    )
    hidden = record_custody_event(artifact=secret, event_type="recovery", occurred="2024-12", place="Kursk region")
    record_custody_event(artifact=letter, event_type="transfer", occurred="2025-02", received_by="a journalist")
    assert {(link.role, link.authority) for link in event.authority_links.all()} == {
        ("place", places["kursk"]),
        ("received_by", places["unit"]),
    }
    assert EventLink.objects.filter(event__received_by="a journalist").count() == 0
    event.refresh_from_db()
    assert (event.place, event.received_by) == ("Курщина", "8-й полк")  # the event as typed, hash unchanged

    html = client.get(f"/places/{places['kursk'].pk}/").content.decode()
    section = html[html.index('id="events-heading"') : html.index('class="authority-records"')]
    assert letter.accession_number in section and secret.accession_number not in section
    assert hidden.authority_links.count() == 1  # linked, but its record is not the viewer's to see
    html = client.get(f"/organisations/{places['unit'].pk}/").content.decode()
    assert "Received by" in html[html.index('id="events-heading"') :]


def test_a_place_page_reads_the_same_number_of_rows_however_many_places_lie_within_it(client, places):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/places/{places['kursk'].pk}/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(4):  # four more villages, each with a record
        village = make_authority(Place, {"en": f"Village {n}"}, parent=places["kursk"])
        ArtifactFactory(title=f"Found in village {n}", place=village, recovering_unit="")
    assert queries() == before
