import pytest

from artifacts.models import Text
from artifacts.revisions import history_summary
from tests.factories import ArtifactFactory, TextFactory, make_photo

pytestmark = pytest.mark.django_db


def test_every_change_to_a_record_or_its_children_is_kept_with_old_and_new_values():
    artifact = ArtifactFactory(title="Booklet")
    text = TextFactory(artifact=artifact, translation="My fate")
    text.translation = "My fate is always shared with the motherland."
    text.save()
    make_photo(artifact)
    artifact.title = "Booklet of song lyrics"
    artifact.save()

    old, new = text.history.order_by("history_date")
    assert (old.translation, new.translation) == ("My fate", "My fate is always shared with the motherland.")
    delta = new.diff_against(old)
    assert [change.field for change in delta.changes] == ["translation"]
    assert [h.title for h in artifact.history.order_by("history_date")] == ["Booklet", "Booklet of song lyrics"]

    summary = history_summary(artifact, None)
    # artifact: create + edit; text: create + edit; photo: create
    assert summary["revisions"] == 5
    assert summary["last_changed"] == artifact.history.latest("history_date").history_date


def test_deleting_a_child_is_kept_in_history_too():
    text = TextFactory()
    pk = text.pk
    text.delete()
    assert Text.history.filter(id=pk).latest("history_date").history_type == "-"
