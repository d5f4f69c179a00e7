"""Citations: Chicago, BibTeX and CSL-JSON for a known record, and the JSON-LD in its page."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from artifacts import citations
from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.models import ILLUSTRATION_NOTICE, Language
from tests.factories import ArtifactFactory, SourceFactory, TextFactory, make_photo

pytestmark = pytest.mark.django_db

URL = "https://archive.example.org/artifacts/BFA-2025-0007/"
ACCESSED = datetime.date(2026, 3, 5)


@pytest.fixture
def phrase_list():
    return ArtifactFactory(
        accession_number="BFA-2025-0007",
        title="Phrase list of 23 Korean and Russian phrases",
        artifact_type="phrase_list",
        recovery_date="2025-01",
        recovery_place="Kursk region, Russia",
        materials="Paper",
    )


def json_ld_of(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1, blocks
    return json.loads(blocks[0])


# The formats, exactly ----------------------------------------------------------------


def test_chicago_note_and_bibliography_for_a_known_record(phrase_list):
    assert citations.chicago_note(phrase_list, URL, ACCESSED) == (
        "Phrase list of 23 Korean and Russian phrases, recovered January 2025, Kursk region, Russia, "
        "accession no. BFA-2025-0007, Battlefield Artifacts Archive, accessed March 5, 2026, "
        "https://archive.example.org/artifacts/BFA-2025-0007/."
    )
    assert citations.chicago_bibliography(phrase_list, URL, ACCESSED) == (
        "Phrase list of 23 Korean and Russian phrases. Recovered January 2025, Kursk region, Russia. "
        "Accession no. BFA-2025-0007. Battlefield Artifacts Archive. Accessed March 5, 2026. "
        "https://archive.example.org/artifacts/BFA-2025-0007/."
    )


def test_bibtex_entry_for_a_known_record(phrase_list):
    assert citations.bibtex(phrase_list, URL, ACCESSED) == (
        "@misc{BFA-2025-0007,\n"
        "  title = {{Phrase list of 23 Korean and Russian phrases}},\n"
        "  howpublished = {Battlefield Artifacts Archive},\n"
        "  note = {Accession no. BFA-2025-0007. Recovered January 2025, Kursk region, Russia},\n"
        "  url = {https://archive.example.org/artifacts/BFA-2025-0007/},\n"
        "  urldate = {2026-03-05}\n"
        "}"
    )


def test_csl_item_for_a_known_record(phrase_list):
    assert citations.csl_item(phrase_list, URL, ACCESSED) == {
        "id": "BFA-2025-0007",
        "type": "manuscript",
        "title": "Phrase list of 23 Korean and Russian phrases",
        "genre": "Phrase list",
        "archive": "Battlefield Artifacts Archive",
        "archive_location": "Accession no. BFA-2025-0007",
        "URL": URL,
        "accessed": {"date-parts": [[2026, 3, 5]]},
        "medium": "Paper",
        "note": "Recovered January 2025, Kursk region, Russia",
    }


def test_bibtex_escapes_what_latex_would_read_as_markup():
    artifact = ArtifactFactory(title="50% of {it} & $5 #1 a_b ^ ~ back\\slash", recovery_date="", recovery_place="")
    entry = citations.bibtex(artifact, URL, ACCESSED)
    assert (
        r"title = {{50\% of \{it\} \& \$5 \#1 a\_b \textasciicircum{} \textasciitilde{} back\textbackslash{}slash}}"
        in entry
    )
    assert f"note = {{Accession no. {artifact.accession_number}}}" in entry  # nothing about recovery to say


@pytest.mark.parametrize(
    "edtf, words",
    [
        ("2025-01", "January 2025"),
        ("2025-01-19", "January 19, 2025"),
        ("2024-12/2025-01", "December 2024–January 2025"),
        ("2025-01-12~/2025-01-19", "ca. January 12, 2025–January 19, 2025"),
        ("2024?", "possibly 2024"),
        ("", ""),
    ],
)
def test_dates_are_written_as_chicago_writes_them(edtf, words):
    assert citations.chicago_date(edtf) == words


def test_the_recovery_phrase_says_only_what_is_known():
    assert citations.recovery_phrase(ArtifactFactory(recovery_date="2025-01", recovery_place="")) == (
        "recovered January 2025"
    )
    only_place = ArtifactFactory(recovery_date="", recovery_place="Kursk region, Russia")
    assert citations.recovery_phrase(only_place) == "recovered in Kursk region, Russia"
    neither = ArtifactFactory(title="Shovel", recovery_date="", recovery_place="")
    assert citations.chicago_note(neither, URL, ACCESSED) == (
        f"Shovel, accession no. {neither.accession_number}, Battlefield Artifacts Archive, "
        f"accessed March 5, 2026, {URL}."
    )


# Date of creation: derived from dated texts, never invented ---------------------------


def test_date_created_spans_the_dated_texts_and_is_absent_without_them():
    letters = ArtifactFactory(artifact_type="handwritten")
    assert citations.date_created(letters.texts.all()) is None
    TextFactory(artifact=letters, date_written="2024-12-31")
    TextFactory(artifact=letters, date_written="2025-01-01")
    TextFactory(artifact=letters, date_written="2024-12-31/2025-01-01")
    TextFactory(artifact=letters, date_written="")
    assert citations.date_created(letters.texts.all()) == ("2024-12-31/2025-01-01", False)

    booklet = ArtifactFactory()
    TextFactory(artifact=booklet, date_written="2025-01~")
    TextFactory(artifact=booklet, date_written="2025-01-XX")
    assert citations.date_created(booklet.texts.all()) == ("2025-01", True)

    open_ended = ArtifactFactory()
    TextFactory(artifact=open_ended, date_written="2024-12/..")
    assert citations.date_created(open_ended.texts.all()) is None


def test_csl_issued_date_comes_from_the_texts(phrase_list):
    TextFactory(artifact=phrase_list, date_written="2024-12-31~")
    item = citations.csl_item(phrase_list, URL, ACCESSED, texts=phrase_list.texts.all())
    assert item["issued"] == {"date-parts": [[2024, 12, 31]], "circa": True}


# The CSL-JSON download --------------------------------------------------------------------


def test_csl_json_download(client, phrase_list):
    response = client.get("/artifacts/BFA-2025-0007/citation.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    assert response["Content-Disposition"] == 'attachment; filename="BFA-2025-0007.csl.json"'
    [item] = json.loads(response.content)
    assert item["id"] == "BFA-2025-0007" and item["URL"] == "http://testserver/artifacts/BFA-2025-0007/"
    assert item["title"] == "Phrase list of 23 Korean and Russian phrases"


def test_csl_json_of_a_record_you_may_not_see_is_a_404(client, researcher):
    restricted = ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    draft = ArtifactFactory(status=PublicationStatus.DRAFT)
    for artifact in (restricted, draft):
        assert client.get(f"/artifacts/{artifact.accession_number}/citation.json").status_code == 404
    assert client.get("/artifacts/BFA-1900-0001/citation.json").status_code == 404
    client.force_login(researcher)
    assert client.get(f"/artifacts/{restricted.accession_number}/citation.json").status_code == 200
    assert client.get(f"/artifacts/{draft.accession_number}/citation.json").status_code == 404


# On the record page ---------------------------------------------------------------------


def test_the_record_page_offers_chicago_bibtex_and_csl(client, phrase_list):
    html = client.get(phrase_list.get_absolute_url()).content.decode()
    today = citations._accessed(timezone.localdate())
    assert (
        "Phrase list of 23 Korean and Russian phrases, recovered January 2025, Kursk region, Russia, "
        f"accession no. BFA-2025-0007, Battlefield Artifacts Archive, accessed {today}, "
        "http://testserver/artifacts/BFA-2025-0007/."
    ) in html
    assert "@misc{BFA-2025-0007," in html
    assert 'href="/artifacts/BFA-2025-0007/citation.json" download' in html
    assert 'href="/api/artifacts/BFA-2025-0007/"' in html


def test_json_ld_describes_the_record(client, phrase_list):
    source = SourceFactory(
        title="What the North Koreans took into battle",
        publisher="The Washington Post",
        published_on=datetime.date(2025, 1, 19),
        url="https://www.example.com/report",
    )
    phrase_list.sourcecitation_set.create(source=source)
    phrase_list.languages.add(Language.objects.get_or_create(code="ko", defaults={"name": "Korean"})[0])
    TextFactory(artifact=phrase_list, date_written="2025-01")
    data = json_ld_of(client.get(phrase_list.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "ArchiveComponent"
    assert data["url"] == data["@id"] == "http://testserver/artifacts/BFA-2025-0007/"
    assert data["name"] == "Phrase list of 23 Korean and Russian phrases"
    assert data["identifier"] == {"@type": "PropertyValue", "propertyID": "accession number", "value": "BFA-2025-0007"}
    assert data["holdingArchive"]["name"] == "Battlefield Artifacts Archive"
    assert data["dateCreated"] == "2025-01"
    place = phrase_list.place  # the authority the wording was linked to
    assert data["spatialCoverage"] == {
        "@type": "Place",
        "name": "Kursk region, Russia",
        "@id": f"http://testserver/places/{place.pk}/",
    }
    assert data["inLanguage"] == ["ko"]
    assert data["isBasedOn"] == [
        {
            "@type": "CreativeWork",
            "name": "What the North Koreans took into battle",
            "publisher": {"@type": "Organization", "name": "The Washington Post"},
            "datePublished": "2025-01-19",
            "url": "https://www.example.com/report",
        }
    ]


def test_json_ld_never_says_when_an_undated_object_was_made(client):
    # The recovery date is not a date of creation.
    artifact = ArtifactFactory(recovery_date="2024-12/2025-01")
    assert "dateCreated" not in json_ld_of(client.get(artifact.get_absolute_url()).content.decode())


def test_json_ld_is_escaped_so_no_value_can_end_the_script_element(client):
    title = "</script><script>alert(1)</script> & <b>"
    artifact = ArtifactFactory(title=title, description="Ends with </SCRIPT >")
    html = client.get(artifact.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "</SCRIPT >" not in html
    data = json_ld_of(html)
    assert data["name"] == title and data["description"] == "Ends with </SCRIPT >"


def test_json_ld_lists_only_images_the_viewer_sees_with_the_illustration_notice(client, researcher):
    artifact = ArtifactFactory()
    shown = make_photo(artifact, caption="Front", is_illustration=True)
    make_photo(artifact, caption="Restricted", access_level=AccessLevel.RESEARCHERS)
    make_photo(artifact, caption="Graphic", graphic_content=True)
    images = json_ld_of(client.get(artifact.get_absolute_url()).content.decode())["image"]
    assert [image["caption"] for image in images] == [f"Front ({ILLUSTRATION_NOTICE})"]
    assert images[0]["contentUrl"] == f"http://testserver/media/photos/{shown.pk}/display/"
    client.force_login(researcher)
    captions = [i["caption"] for i in json_ld_of(client.get(artifact.get_absolute_url()).content.decode())["image"]]
    assert "Restricted" in captions and "Graphic" not in captions  # graphic stays hidden until asked for


def test_json_ld_links_sources_only_by_web_addresses(client):
    artifact = ArtifactFactory(cited_in=SourceFactory(url="javascript:alert(1)", archived_url="https://a.example/x"))
    [source] = json_ld_of(client.get(artifact.get_absolute_url()).content.decode())["isBasedOn"]
    assert "url" not in source and source["archivedAt"] == "https://a.example/x"
