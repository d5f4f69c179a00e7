import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from artifacts.models import AccessionCounter, Artifact, Phrase, Relation, SerialNumber
from tests.factories import ArtifactFactory, PhraseFactory, SerialNumberFactory

pytestmark = pytest.mark.django_db


def test_accession_numbers_are_assigned_in_order_and_human_readable():
    first, second = ArtifactFactory(), ArtifactFactory()
    year = timezone.now().year
    assert re.fullmatch(rf"BFA-{year}-\d{{4}}", first.accession_number)
    assert int(second.accession_number[-4:]) == int(first.accession_number[-4:]) + 1


def test_accession_number_of_a_deleted_artifact_is_never_reused():
    doomed = ArtifactFactory()
    number = doomed.accession_number
    doomed.delete()
    replacement = ArtifactFactory()
    assert replacement.accession_number != number
    assert AccessionCounter.objects.get(year=timezone.now().year).last_number == 2


def test_accession_number_survives_later_saves():
    artifact = ArtifactFactory()
    number = artifact.accession_number
    artifact.title = "Renamed"
    artifact.save()
    artifact.refresh_from_db()
    assert artifact.accession_number == number


def test_recovery_bounds_follow_the_edtf_date():
    artifact = ArtifactFactory(recovery_date="2024-12/2025-01")
    assert (str(artifact.recovered_earliest), str(artifact.recovered_latest)) == ("2024-12-01", "2025-01-31")
    assert artifact.recovery_date_in_words == "December 2024 – January 2025"
    artifact.recovery_date = ""
    artifact.save()
    assert artifact.recovered_earliest is None


def test_invalid_edtf_is_a_validation_error_naming_the_value():
    artifact = ArtifactFactory.build(recovery_date="mid-January")
    with pytest.raises(ValidationError) as excinfo:
        artifact.full_clean()
    assert "mid-January" in str(excinfo.value)


def test_phrase_positions_are_unique_per_list():
    phrase = PhraseFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Phrase.objects.create(artifact=phrase.artifact, position=1, translation="Again")


def test_serial_numbers_are_normalised_for_matching():
    serial = SerialNumberFactory(value="ab 12-34/5")
    assert serial.normalized == "ab12345"
    with pytest.raises(IntegrityError), transaction.atomic():
        SerialNumber.objects.create(artifact=serial.artifact, value="ab 12-34/5")


def test_an_artifact_cannot_be_related_to_itself():
    artifact = ArtifactFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Relation.objects.create(from_artifact=artifact, to_artifact=artifact, relation_type="same_cache")


def test_string_forms_and_urls():
    artifact = ArtifactFactory(title="Phrase list")
    assert str(artifact) == f"{artifact.accession_number} Phrase list"
    assert artifact.get_absolute_url() == f"/artifacts/{artifact.accession_number}/"
    assert list(Artifact.objects.search("phrase list")) == [artifact]
