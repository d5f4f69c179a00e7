"""The custody record is append-only at every layer, down to the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from artifacts.custody import chain as custody_chain
from artifacts.models import AppendOnlyError, CustodyEvent
from tests.factories import ArtifactFactory, UserFactory, make_custody_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_custody_event(ArtifactFactory(), place="Kursk region, Russia", recorded_by=UserFactory())


def test_events_are_numbered_and_chained_per_artifact(event):
    second = make_custody_event(event.artifact, event_type="shown_to_press")
    other = make_custody_event(ArtifactFactory())
    assert (event.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert event.previous_hash == "" and second.previous_hash == event.entry_hash
    assert second.entry_hash == custody_chain.event_hash(custody_chain.canonical_record(second))


def test_model_save_and_delete_are_refused(event):
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        CustodyEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        CustodyEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE artifacts_custodyevent SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM artifacts_custodyevent WHERE id = %s",
    ],
)
def test_the_database_itself_refuses_raw_update_and_delete(event, sql):
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert "append-only" in str(excinfo.value)
    event.refresh_from_db()
    assert event.note == ""


def test_a_correction_is_a_new_event_pointing_at_the_old_one(event):
    correction = make_custody_event(
        event.artifact, event_type="correction", corrects=event, note="Place was the Sumy region."
    )
    assert correction.corrects == event and correction.sequence == 2
    assert list(event.corrections.all()) == [correction]
    assert CustodyEvent.objects.get(pk=event.pk).place == "Kursk region, Russia"


def test_an_artifact_with_custody_events_cannot_be_deleted(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.artifact.delete()
