"""OAI-PMH 2.0: a real harvester (Sickle) gets every public record and nothing else, and
every error the protocol defines is answered as the protocol says.

Two error codes cannot occur here, by design: noSetHierarchy (the repository has sets)
and noMetadataFormats (every record, deleted ones included, is available as oai_dc).

The Sickle tests use pytest-django's live_server, which is transactional: they must not
create custody events (append-only; the database flush would be refused). They start
from the migrated rows (serialized_rollback), as they may run after another file's
transactional tests when the suite is spread over processes.
"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core import signing
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

from artifacts.choices import AccessLevel, ArtifactType, PublicationStatus
from artifacts.models import Artifact
from tests.factories import ArtifactFactory, SourceFactory, make_photo

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"


class CountingSickle(Sickle):
    """Sickle that counts the HTTP requests a harvest takes."""

    requests = 0

    def harvest(self, **kwargs):
        self.requests += 1
        return super().harvest(**kwargs)


def identifier(artifact, host="testserver"):
    return f"oai:{host}:{artifact.accession_number}"


def withdraw(artifact, **changes):
    for name, value in changes.items():
        setattr(artifact, name, value)
    artifact.save()


@pytest.fixture
def archive(transactional_db):
    """Public records of several types, records never public, and one withdrawn."""
    source = SourceFactory(title="What the soldiers carried", publisher="Example News")
    public = [
        ArtifactFactory(
            title="Phrase list <23 phrases> & notes", artifact_type=ArtifactType.PHRASE_LIST, cited_in=source
        ),
        ArtifactFactory(title="New Year letter", artifact_type=ArtifactType.HANDWRITTEN),
        ArtifactFactory(title="Rifle", artifact_type=ArtifactType.WEAPON, materials="steel, wood"),
        ArtifactFactory(title="Second rifle", artifact_type=ArtifactType.WEAPON),
        ArtifactFactory(title="Booklet", artifact_type=ArtifactType.BOOKLET),
        ArtifactFactory(title="Knife", artifact_type=ArtifactType.GEAR),
        ArtifactFactory(title="Unknown object\x0b with a stray control character"),
    ]
    never_public = [
        ArtifactFactory(title="Draft record", status=PublicationStatus.DRAFT),
        ArtifactFactory(title="Researchers' record", access_level=AccessLevel.RESEARCHERS),
        ArtifactFactory(title="Staff record", access_level=AccessLevel.STAFF),
    ]
    withdrawn = ArtifactFactory(title="Withdrawn record", artifact_type=ArtifactType.MILITARY_ID)
    withdraw(withdrawn, access_level=AccessLevel.STAFF)
    return {"public": public, "never_public": never_public, "withdrawn": withdrawn}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sickle_harvests_every_public_record_through_resumption_tokens(archive, live_server, settings):
    settings.ARCHIVE_OAI_PAGE_SIZE = 3
    harvester = CountingSickle(live_server.url + "/oai/")
    harvested = list(harvester.ListRecords(metadataPrefix="oai_dc"))

    public = Artifact.objects.filter(pk__in=[a.pk for a in archive["public"]])
    live = [r for r in harvested if not r.deleted]
    assert {r.header.identifier: r.metadata["title"][0] for r in live} == {
        identifier(a, "localhost"): a.title.replace("\x0b", "") for a in public
    }
    # 7 public records and 1 withdrawn one, 3 per page: three requests, two tokens redeemed.
    assert len(harvested) == 8
    assert harvester.requests == 3
    deleted = [r for r in harvested if r.deleted]
    assert [r.header.identifier for r in deleted] == [identifier(archive["withdrawn"], "localhost")]
    assert deleted[0].header.setSpecs == ["type:military_id"]
    titles = {title for r in live for title in r.metadata["title"]}
    assert not titles & {"Draft record", "Researchers' record", "Staff record", "Withdrawn record"}

    phrase_list = next(r for r in live if r.metadata["title"][0].startswith("Phrase list"))
    assert phrase_list.metadata["title"] == ["Phrase list <23 phrases> & notes"]
    assert phrase_list.header.setSpecs == ["type:phrase_list"]
    assert phrase_list.metadata["type"] == ["PhysicalObject", "Phrase list"]
    assert phrase_list.metadata["source"] == ["Example News, “What the soldiers carried”, " + source_url(archive)]
    accession = archive["public"][0].accession_number
    assert phrase_list.metadata["identifier"] == [accession, f"{live_server.url}/artifacts/{accession}/"]


def source_url(archive):
    return archive["public"][0].sources.get().url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sickle_selective_harvests_by_set_and_date(archive, live_server, settings):
    settings.ARCHIVE_OAI_PAGE_SIZE = 1
    harvester = Sickle(live_server.url + "/oai/")
    weapons = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="type:weapon"))
    assert [h.identifier for h in weapons] == [identifier(a, "localhost") for a in archive["public"][2:4]]

    sets = {s.setSpec: s.setName for s in harvester.ListSets()}
    assert sets["type:phrase_list"] == "Type: Phrase list" and "type" in sets

    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": tomorrow}))
    everything = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", until=tomorrow))
    assert len(everything) == 8

    identify = harvester.Identify()
    assert identify.deletedRecord == "transient"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.baseURL == live_server.url + "/oai/"
    record = harvester.GetRecord(identifier=identifier(archive["public"][1], "localhost"), metadataPrefix="oai_dc")
    assert record.metadata["title"] == ["New Year letter"]
    assert harvester.GetRecord(
        identifier=identifier(archive["withdrawn"], "localhost"), metadataPrefix="oai_dc"
    ).deleted


# The rest use Django's test client, which needs no server.


def oai(client, method="get", **arguments) -> ET.Element:
    response = getattr(client, method)("/oai/", arguments)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == f"{OAI}OAI-PMH"
    return root


def error_of(root) -> str:
    errors = root.findall(f"{OAI}error")
    assert errors, ET.tostring(root)
    return errors[0].get("code")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [{}, {"verb": "Harvest"}, {"verb": ["Identify", "ListSets"]}],
    ids=["missing", "unknown", "repeated"],
)
def test_bad_verb(client, arguments):
    root = oai(client, **arguments)
    assert error_of(root) == "badVerb"
    # After badVerb the request element carries no attributes, only the base URL.
    assert root.find(f"{OAI}request").attrib == {}
    assert root.find(f"{OAI}request").text == "http://testserver/oai/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [
        {"verb": "Identify", "set": "type:weapon"},
        {"verb": "ListRecords"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-13-01"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-01T10:00Z"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-01", "until": "2025-02-01T00:00:00Z"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-02-01", "until": "2025-01-01"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "type: weapon"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"},
        {"verb": "GetRecord", "identifier": "x", "metadataPrefix": "oai_dc", "resumptionToken": "abc"},
    ],
)
def test_bad_argument(client, arguments):
    root = oai(client, **arguments)
    assert error_of(root) == "badArgument"
    assert root.find(f"{OAI}request").attrib == {}


@pytest.mark.django_db
def test_bad_resumption_token(client, settings, monkeypatch):
    settings.ARCHIVE_OAI_PAGE_SIZE = 1
    ArtifactFactory.create_batch(2)
    assert error_of(oai(client, verb="ListRecords", resumptionToken="not-a-token")) == "badResumptionToken"
    assert error_of(oai(client, verb="ListSets", resumptionToken="anything")) == "badResumptionToken"

    first = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken").text
    # A token continues the list it was issued for, and only that one.
    assert error_of(oai(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    assert error_of(oai(client, verb="ListIdentifiers", resumptionToken=token[:-2] + "xx")) == "badResumptionToken"
    assert not oai(client, verb="ListIdentifiers", resumptionToken=token).findall(f"{OAI}error")

    # Tokens expire: one issued two days ago is refused.
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 2 * 24 * 3600)
    stale = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc").find(f".//{OAI}resumptionToken").text
    monkeypatch.setattr(signing.time, "time", real_time)
    root = oai(client, verb="ListIdentifiers", resumptionToken=stale)
    assert error_of(root) == "badResumptionToken"
    assert "expired" in root.find(f"{OAI}error").text


@pytest.mark.django_db
def test_cannot_disseminate_format(client):
    artifact = ArtifactFactory()
    for arguments in (
        {"verb": "ListRecords", "metadataPrefix": "marc21"},
        {"verb": "ListIdentifiers", "metadataPrefix": "mods"},
        {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": identifier(artifact)},
    ):
        root = oai(client, **arguments)
        assert error_of(root) == "cannotDisseminateFormat"
        # Other errors repeat the request's arguments.
        assert root.find(f"{OAI}request").get("metadataPrefix") == arguments["metadataPrefix"]


@pytest.mark.django_db
def test_id_does_not_exist_for_unknown_and_never_public_records(client):
    draft = ArtifactFactory(status=PublicationStatus.DRAFT)
    restricted = ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    public = ArtifactFactory()
    for unknown in (
        identifier(draft),
        identifier(restricted),
        "oai:testserver:BFA-1900-0001",
        "oai:testserver:\x01<&>",
        f"oai:elsewhere.example.org:{public.accession_number}",
        public.accession_number,
    ):
        assert error_of(oai(client, verb="GetRecord", identifier=unknown, metadataPrefix="oai_dc")) == "idDoesNotExist"
        assert error_of(oai(client, verb="ListMetadataFormats", identifier=unknown)) == "idDoesNotExist"


@pytest.mark.django_db
def test_no_records_match(client):
    ArtifactFactory(artifact_type=ArtifactType.BOOKLET)
    for arguments in (
        {"set": "type:weapon"},
        {"set": "type:tank"},
        {"set": "era:1950s"},
        {"from": "2999-01-01"},
        {"until": "1999-12-31T23:59:59Z"},
    ):
        root = oai(client, verb="ListRecords", metadataPrefix="oai_dc", **arguments)
        assert error_of(root) == "noRecordsMatch", arguments
    assert not oai(client, verb="ListRecords", metadataPrefix="oai_dc", set="type").findall(f"{OAI}error")


@pytest.mark.django_db
def test_identify_and_list_metadata_formats(client):
    artifact = ArtifactFactory()
    identify = oai(client, verb="Identify").find(f"{OAI}Identify")
    assert [child.tag.removeprefix(OAI) for child in identify] == [
        "repositoryName",
        "baseURL",
        "protocolVersion",
        "adminEmail",
        "earliestDatestamp",
        "deletedRecord",
        "granularity",
    ]
    earliest = identify.find(f"{OAI}earliestDatestamp").text
    assert earliest == artifact.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    formats = oai(client, verb="ListMetadataFormats", identifier=identifier(artifact))
    assert [p.text for p in formats.iter(f"{OAI}metadataPrefix")] == ["oai_dc"]


@pytest.mark.django_db
def test_identify_describes_identifiers_when_the_namespace_is_a_domain(client, settings):
    settings.ARCHIVE_OAI_NAMESPACE = "archive.example.org"
    artifact = ArtifactFactory()
    root = oai(client, verb="Identify")
    assert root.find(".//{http://www.openarchives.org/OAI/2.0/oai-identifier}repositoryIdentifier").text == (
        "archive.example.org"
    )
    got = oai(
        client,
        verb="GetRecord",
        metadataPrefix="oai_dc",
        identifier=f"oai:archive.example.org:{artifact.accession_number}",
    )
    assert got.find(f".//{DC}title").text == artifact.title


@pytest.mark.django_db
def test_datestamps_follow_changes_and_from_until_select_by_them(client):
    older = ArtifactFactory(title="Older")
    Artifact.objects.filter(pk=older.pk).update(updated_at=datetime.datetime(2025, 1, 10, 12, 0, 0, 500, datetime.UTC))
    newer = ArtifactFactory(title="Newer")
    Artifact.objects.filter(pk=newer.pk).update(updated_at=datetime.datetime(2025, 3, 1, 8, 30, 0, tzinfo=datetime.UTC))

    def titles(**window):
        root = oai(client, verb="ListRecords", metadataPrefix="oai_dc", **window)
        return [t.text for t in root.iter(f"{DC}title")]

    assert titles(until="2025-01-10") == ["Older"]
    assert titles(until="2025-01-10T12:00:00Z") == ["Older"]  # the datestamp shown is 12:00:00
    assert titles(**{"from": "2025-01-10T12:00:01Z"}) == ["Newer"]
    assert titles(**{"from": "2025-01-01", "until": "2025-12-31"}) == ["Older", "Newer"]
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier(older))
    assert root.find(f".//{OAI}datestamp").text == "2025-01-10T12:00:00Z"


@pytest.mark.django_db
def test_post_requests_are_answered_like_get(client):
    artifact = ArtifactFactory()
    root = oai(client, method="post", verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier(artifact))
    assert root.find(f".//{DC}title").text == artifact.title


@pytest.mark.django_db
def test_record_metadata_never_leaks_restricted_relations_or_images(client):
    artifact = ArtifactFactory()
    hidden = ArtifactFactory(access_level=AccessLevel.STAFF)
    shown = ArtifactFactory()
    artifact.relations_out.create(to_artifact=hidden, relation_type="recovered_together")
    artifact.relations_out.create(to_artifact=shown, relation_type="recovered_together")
    make_photo(artifact, access_level=AccessLevel.RESEARCHERS)
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier(artifact))
    relations = [r.text for r in root.iter(f"{DC}relation")]
    # The only photo is for researchers: no manifest is announced.
    assert relations == [f"http://testserver/artifacts/{shown.accession_number}/"]


@pytest.mark.django_db
def test_dublin_core_follows_the_readme_mapping(client):
    from artifacts.models import Language, ObjectDetails
    from tests.factories import TextFactory

    artifact = ArtifactFactory(
        title="Rifle",
        artifact_type=ArtifactType.WEAPON,
        description="A rifle.",
        recovery_circumstances="Found in a trench.",
        provenance="Held by the unit since recovery.",
        recovery_date="2024-12/2025-01",
        materials="steel",
        dimensions="87 cm",
    )
    ObjectDetails.objects.create(artifact=artifact, category="assault_rifle")
    TextFactory(artifact=artifact, attributed_author="A soldier", translator="Example News")
    TextFactory(artifact=artifact, attributed_author="A soldier", translator="")
    artifact.languages.add(Language.objects.get_or_create(code="ko", defaults={"name": "Korean"})[0])
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier(artifact))
    dc = [(e.tag.removeprefix(DC), e.text) for e in root.find(".//{http://www.openarchives.org/OAI/2.0/oai_dc/}dc")]
    assert dc == [
        ("title", "Rifle"),
        ("creator", "A soldier"),
        ("subject", "Weapon"),
        ("subject", "Assault rifle"),
        ("description", "A rifle."),
        ("description", "Found in a trench."),
        ("description", "Held by the unit since recovery."),
        ("publisher", "Battlefield Artifacts Archive"),
        ("contributor", "Example News"),
        ("contributor", "Example Unit"),  # the recovering unit's authority (no identifiers here)
        ("date", "2024-12/2025-01"),
        ("type", "PhysicalObject"),
        ("type", "Weapon"),
        ("format", "steel"),
        ("format", "87 cm"),
        ("identifier", artifact.accession_number),
        ("identifier", f"http://testserver/artifacts/{artifact.accession_number}/"),
        ("language", "ko"),
        ("coverage", "Kursk region, Russia"),
    ]


@pytest.mark.django_db
def test_resumption_tokens_carry_cursor_and_complete_list_size(client, settings):
    settings.ARCHIVE_OAI_PAGE_SIZE = 2
    artifacts = ArtifactFactory.create_batch(4)
    withdraw(artifacts[1], status=PublicationStatus.DRAFT)
    ArtifactFactory(status=PublicationStatus.DRAFT)  # never public: not in the list at all
    ArtifactFactory()
    pages, token = [], None
    while True:
        arguments = {"resumptionToken": token} if token else {"metadataPrefix": "oai_dc"}
        root = oai(client, verb="ListIdentifiers", **arguments)
        headers = root.findall(f".//{OAI}header")
        element = root.find(f".//{OAI}resumptionToken")
        pages.append(([h.get("status") for h in headers], element.get("cursor"), element.get("completeListSize")))
        token = element.text
        if not token:
            break
    # Five records (one of them withdrawn, shown as deleted), two per page; the last page
    # ends the list with an empty token.
    assert pages == [
        ([None, "deleted"], "0", "5"),
        ([None, None], "2", "5"),
        ([None], "4", "5"),
    ]
