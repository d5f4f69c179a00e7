import json

import pytest

from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.custody.checker import record as custody_record
from tests.factories import ArtifactFactory, make_custody_event, make_photo

pytestmark = pytest.mark.django_db


def test_custody_record_downloads_as_verifiable_json(client):
    artifact = ArtifactFactory()
    make_photo(artifact)
    make_photo(artifact, access_level=AccessLevel.STAFF, caption="Staff-only view")
    make_custody_event(artifact, event_type="recovery", place="Курская область")
    make_custody_event(artifact, event_type="shown_to_press")
    response = client.get(f"/artifacts/{artifact.accession_number}/custody.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{artifact.accession_number}-custody.json"'
    document = json.loads(response.content)
    assert custody_record.verify_record(document).problems == []
    assert [e["sequence"] for e in document["events"]] == [1, 2]
    assert document["events"][0]["place"] == "Курская область"
    # Only the photo an anonymous visitor may see is listed.
    assert len(document["files"]) == 1


@pytest.mark.parametrize("hidden", [{"access_level": AccessLevel.RESEARCHERS}, {"status": PublicationStatus.DRAFT}])
def test_custody_record_of_a_hidden_artifact_is_404(client, researcher, hidden):
    artifact = ArtifactFactory(**hidden)
    assert client.get(f"/artifacts/{artifact.accession_number}/custody.json").status_code == 404
    client.force_login(researcher)
    expected = 200 if "access_level" in hidden else 404
    assert client.get(f"/artifacts/{artifact.accession_number}/custody.json").status_code == expected


def _log_line(client, artifact) -> str:
    html = client.get(artifact.get_absolute_url()).content.decode()
    start = html.index("Transparency log:")
    return " ".join(html[start : html.index("</p>", start)].split())


def test_the_record_page_says_how_far_the_signed_log_covers_its_custody(client, signing_key):
    from artifacts.custody import heads

    artifact = ArtifactFactory()
    make_custody_event(artifact, event_type="recovery")
    assert "no signed head has been published yet" in _log_line(client, artifact)
    heads.publish()
    line = _log_line(client, artifact)
    assert "1 of 1 events entered; all covered by" in line and "signed head 1" in line and "unsigned" not in line
    make_custody_event(artifact, event_type="transfer")
    assert "the newest will be covered by the next head" in _log_line(client, artifact)


def test_the_record_page_says_when_heads_are_unsigned(client, settings):
    from artifacts.custody import heads

    settings.ARCHIVE_SIGNING_KEY_FILE = ""
    artifact = ArtifactFactory()
    make_custody_event(artifact, event_type="recovery")
    heads.publish()
    assert "unsigned: this archive has no signing key configured" in _log_line(client, artifact)
