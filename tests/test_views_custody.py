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


@pytest.mark.parametrize(
    "hidden", [{"access_level": AccessLevel.RESEARCHERS}, {"status": PublicationStatus.DRAFT}]
)
def test_custody_record_of_a_hidden_artifact_is_404(client, researcher, hidden):
    artifact = ArtifactFactory(**hidden)
    assert client.get(f"/artifacts/{artifact.accession_number}/custody.json").status_code == 404
    client.force_login(researcher)
    expected = 200 if "access_level" in hidden else 404
    assert client.get(f"/artifacts/{artifact.accession_number}/custody.json").status_code == expected
