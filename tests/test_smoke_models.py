import pytest

from artifacts.models import Artifact
from tests.factories import ArtifactFactory, make_custody_event, make_photo

pytestmark = pytest.mark.django_db


def test_factories_work_end_to_end():
    artifact = ArtifactFactory()
    photo = make_photo(artifact)
    event = make_custody_event(artifact)
    assert Artifact.objects.get().accession_number == artifact.accession_number
    assert len(photo.sha256) == 64
    assert event.sequence == 1
