"""Publication needs two people: draft → ready for review → published → withdrawn, in the
admin as staff use it, on the public page and in OAI-PMH."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from artifacts import publication
from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.models import Artifact
from tests.access_world import PUBLISHERS, VIEWERS, _users
from tests.factories import ArtifactFactory, TextFactory, UserFactory
from tests.test_admin import page_data

pytestmark = pytest.mark.django_db

DRAFT, READY = PublicationStatus.DRAFT, PublicationStatus.READY
PUBLISHED, WITHDRAWN = PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN
QUEUE = reverse("admin:artifacts_artifact_review")
CHANGELIST = reverse("admin:artifacts_artifact_changelist")
OAI_NS = "{http://www.openarchives.org/OAI/2.0/}"
LAST_EDITOR_REFUSAL = "You edited this record last: another curator must publish it."


def member(username: str, group: str) -> User:
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor():
    return member("eddie-editor", "Editor")


@pytest.fixture
def curator():
    return member("carla-curator", "Curator")


@pytest.fixture
def second_curator():
    return member("sam-second", "Curator")


def move_url(artifact, move: str) -> str:
    return reverse("admin:artifacts_artifact_publication", args=[artifact.pk, move])


def change_url(artifact) -> str:
    return reverse("admin:artifacts_artifact_change", args=[artifact.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def edit_in_admin(client, user, artifact, **changes) -> None:
    """`user` changes the record on its admin page, as a browser submits it."""
    client.force_login(user)
    data = {**page_data(client.get(change_url(artifact))), **changes}
    response = client.post(change_url(artifact), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def draft(**fields) -> Artifact:
    return ArtifactFactory(status=DRAFT, **fields)


def text_of(response) -> str:
    return response.content.decode()


def public_status(client, artifact) -> int:
    return client.get(artifact.get_absolute_url()).status_code


# --- the review rule ------------------------------------------------------------------------


def test_an_editor_marks_ready_the_last_editor_may_not_publish_and_another_curator_does(
    client, editor, curator, second_curator
):
    artifact = draft(title="Military ID of a private")
    edit_in_admin(client, curator, artifact, title="Military ID of a private, two photos")

    client.force_login(editor)
    response = client.post(move_url(artifact, "ready"), follow=True)
    assert f"{artifact.accession_number} was marked ready for review." in messages_of(response)
    response = client.post(move_url(artifact, "publish"), follow=True)
    assert response.status_code == 200
    assert f"{artifact.accession_number}: Only curators may publish records." in messages_of(response)

    client.force_login(curator)
    queue = text_of(client.get(QUEUE))
    assert "Military ID of a private, two photos" in queue and LAST_EDITOR_REFUSAL in queue
    assert "by eddie-editor on" in queue  # who marked it ready
    response = client.post(move_url(artifact, "publish"), follow=True)
    assert f"{artifact.accession_number}: {LAST_EDITOR_REFUSAL}" in messages_of(response)
    artifact.refresh_from_db()
    assert artifact.status == READY
    client.logout()
    assert public_status(client, artifact) == 404

    client.force_login(second_curator)
    assert f"Publish {artifact.accession_number}" in text_of(client.get(QUEUE))
    response = client.post(move_url(artifact, "publish"), {"next": "review"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert f"{artifact.accession_number} was published." in messages_of(response)
    assert "Nothing is waiting for review." in text_of(response)
    artifact.refresh_from_db()
    assert artifact.status == PUBLISHED
    client.logout()
    assert public_status(client, artifact) == 200


def test_each_step_is_in_the_history_with_who_and_when(client, editor, curator, second_curator):
    artifact = draft()
    publication.mark_ready(artifact=artifact, user=editor)
    publication.publish(artifact=artifact, user=second_curator)
    publication.withdraw(artifact=artifact, user=curator, reason="It shows a living person's face.")

    client.force_login(curator)
    page = text_of(client.get(change_url(artifact)))
    table = page.split('class="publication-events"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([\d\- :]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", table)
    assert [(by, frm, to) for _, by, frm, to in rows] == [
        ("eddie-editor", "Draft (staff only)", "Ready for review"),
        ("sam-second", "Ready for review", "Published"),
        ("carla-curator", "Published", "Withdrawn"),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", when) for when, *_ in rows)
    history = text_of(client.get(reverse("admin:artifacts_artifact_history", args=[artifact.pk])))
    for reason in ("Publication: marked ready for review", "Publication: published", "Publication: withdrawn"):
        assert reason in history
    reasons = list(artifact.history.order_by("history_date").values_list("history_user__username", flat=True))
    assert reasons[-3:] == ["eddie-editor", "sam-second", "carla-curator"]


def test_the_last_editor_is_read_from_the_history_of_the_record_and_its_parts(curator, second_curator):
    artifact = draft()
    assert publication.last_editor(artifact) is None  # made by the archive's own tools
    artifact.title = "Letter home"
    artifact._history_user = curator
    artifact.save()
    text = TextFactory(artifact=artifact)
    text._history_user = second_curator
    text.translation = "Corrected translation."
    text.save()
    publication.mark_ready(artifact=artifact, user=curator)  # a step, not an edit
    assert publication.last_editor(artifact) == second_curator

    with pytest.raises(ValidationError, match=LAST_EDITOR_REFUSAL):
        publication.publish(artifact=artifact, user=second_curator)
    publication.publish(artifact=artifact, user=curator)
    assert Artifact.objects.get(pk=artifact.pk).status == PUBLISHED


def test_a_one_person_archive_may_let_the_last_editor_publish(client, settings, curator):
    settings.ARCHIVE_PUBLISH_NEEDS_SECOND_PERSON = False
    artifact = draft()
    edit_in_admin(client, curator, artifact, title="Edited and published by one person")
    publication.mark_ready(artifact=artifact, user=curator)
    publication.publish(artifact=artifact, user=curator)
    assert Artifact.objects.get(pk=artifact.pk).status == PUBLISHED


@pytest.mark.parametrize(
    ("status", "move", "message"),
    [
        (DRAFT, "publish", "is “Draft (staff only)”; “Publish” needs it to be “Ready for review”."),
        (PUBLISHED, "ready", "is “Published”; “Mark ready for review” needs it to be “Draft (staff only)”."),
        (PUBLISHED, "draft", "“Return to draft” needs it to be “Ready for review” or “Withdrawn”."),
        (READY, "withdraw", "“Withdraw” needs it to be “Published”."),
    ],
)
def test_a_step_the_status_does_not_allow_is_refused_with_a_clear_message(curator, status, move, message):
    artifact = ArtifactFactory(status=status)
    with pytest.raises(ValidationError) as refused:
        publication.perform(move, artifact=artifact, user=curator, reason="A reason.")
    assert message in refused.value.messages[0]
    assert Artifact.objects.get(pk=artifact.pk).status == status
    assert not artifact.publication_events.exists()


def test_editors_may_not_publish_or_withdraw(editor):
    ready, published = ArtifactFactory(status=READY), ArtifactFactory()
    with pytest.raises(ValidationError, match="Only curators may publish records."):
        publication.publish(artifact=ready, user=editor)
    with pytest.raises(ValidationError, match="Only curators may withdraw records."):
        publication.withdraw(artifact=published, user=editor, reason="Because.")
    publication.return_to_draft(artifact=ready, user=editor)
    assert Artifact.objects.get(pk=ready.pk).status == DRAFT


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_who_may_publish_follows_the_access_matrix(viewer):
    user = _users()[viewer]
    assert publication.may_publish(user) == (viewer in PUBLISHERS)


def test_only_curators_get_the_publish_permission():
    assert Group.objects.get(name="Curator").permissions.filter(codename="publish_artifact").exists()
    assert not Group.objects.get(name="Editor").permissions.filter(codename="publish_artifact").exists()


# --- withdrawal: the tombstone and OAI-PMH ----------------------------------------------------


def withdraw_in_admin(client, curator, artifact, reason: str):
    client.force_login(curator)
    form = client.get(move_url(artifact, "withdraw"))
    assert "Reason for withdrawal (shown to the public)" in text_of(form)
    empty = client.post(move_url(artifact, "withdraw"), {"reason": "  "})
    assert empty.status_code == 200 and "This field is required." in text_of(empty)
    assert Artifact.objects.get(pk=artifact.pk).status == PUBLISHED
    response = client.post(move_url(artifact, "withdraw"), {"reason": reason}, follow=True)
    assert f"{artifact.accession_number} was withdrawn." in messages_of(response)


def test_a_withdrawn_record_answers_410_with_when_and_why_and_staff_still_see_it(
    client, curator, researcher, staff_user
):
    artifact = ArtifactFactory(title="Letter naming a soldier's family", description="Dear mother")
    withdraw_in_admin(client, curator, artifact, "It names the soldier's family.")
    when = artifact.publication_events.get(to_status=WITHDRAWN).at

    for viewer in (None, researcher):
        client.logout()
        if viewer:
            client.force_login(viewer)
        response = client.get(artifact.get_absolute_url())
        html = text_of(response)
        assert response.status_code == 410
        assert "Record withdrawn" in html and artifact.accession_number in html
        assert f'withdrawn from the archive on <time datetime="{when.isoformat()}">{when:%-d %B %Y}</time>' in html
        assert "Reason: It names the soldier&#x27;s family." in html
        assert "Letter naming" not in html and "Dear mother" not in html
    assert client.get(reverse("custody-record", args=[artifact.accession_number])).status_code == 404

    client.force_login(staff_user)
    response = client.get(artifact.get_absolute_url())
    html = text_of(response)
    assert response.status_code == 200 and "Letter naming a soldier&#x27;s family" in html
    assert f"Withdrawn on {when:%-d %B %Y}: the public sees only a notice" in html
    assert "Withdrawn: visible to staff only" in html


def test_the_tombstone_stays_until_the_record_is_published_again(client, curator, second_curator, editor):
    artifact = ArtifactFactory()
    publication.withdraw(artifact=artifact, user=curator, reason="Under correction.")
    publication.return_to_draft(artifact=artifact, user=editor)
    assert public_status(client, artifact) == 410
    publication.mark_ready(artifact=artifact, user=editor)
    publication.publish(artifact=artifact, user=second_curator)
    assert public_status(client, artifact) == 200


def test_a_withdrawn_record_above_the_viewers_level_stays_a_404(curator, client):
    artifact = ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    publication.withdraw(artifact=artifact, user=curator, reason="Exposes a person.")
    assert client.get(artifact.get_absolute_url()).status_code == 404


def oai_headers(client, **arguments) -> dict[str, str | None]:
    response = client.get(reverse("oai-pmh"), arguments)
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return {header.findtext(f"{OAI_NS}identifier"): header.get("status") for header in root.iter(f"{OAI_NS}header")}


def test_oai_pmh_announces_a_withdrawn_record_as_deleted(client, curator):
    kept, gone = ArtifactFactory(), ArtifactFactory()
    publication.withdraw(artifact=gone, user=curator, reason="Exposes a person.")
    headers = oai_headers(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert headers == {
        f"oai:testserver:{kept.accession_number}": None,
        f"oai:testserver:{gone.accession_number}": "deleted",
    }
    identifier = f"oai:testserver:{gone.accession_number}"
    record = oai_headers(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
    assert record == {identifier: "deleted"}


# --- what staff see -------------------------------------------------------------------------


def test_staff_see_the_status_everywhere(client, curator):
    records = {status: ArtifactFactory(status=status, title=f"Record {status}") for status in PublicationStatus}
    client.force_login(curator)
    changelist = text_of(client.get(CHANGELIST))
    for status, label in PublicationStatus.choices:
        assert f'<span class="publication-badge publication-{status}">{label}</span>' in changelist
        page = text_of(client.get(change_url(records[status])))
        assert f'Publication status: <span class="publication-badge publication-{status}">{label}</span>' in page
    banners = {
        DRAFT: "Draft, not published: only staff can see this page.",
        READY: "Ready for review, not published: only staff can see this page.",
    }
    for status, banner in banners.items():
        assert banner in text_of(client.get(records[status].get_absolute_url()))
    assert "Not public." not in text_of(client.get(records[PUBLISHED].get_absolute_url()))
    catalog = text_of(client.get(reverse("catalog")))
    for badge in ("Draft: staff only", "Ready for review: staff only", "Withdrawn: staff only"):
        assert badge in catalog
    assert "Review queue (1 waiting)" in changelist


def test_the_status_cannot_be_typed_into_the_form(client, curator):
    artifact = draft()
    edit_in_admin(client, curator, artifact, status="published")
    assert Artifact.objects.get(pk=artifact.pk).status == DRAFT
    page = text_of(client.get(change_url(artifact)))
    assert 'name="status"' not in page and "Mark ready for review" in page


def test_list_actions_report_each_record_and_refuse_without_an_error_page(client, curator, second_curator):
    mine = draft(title="Edited by me")
    edit_in_admin(client, curator, mine, title="Edited by me, again")
    other = draft(title="Edited by someone else")
    edit_in_admin(client, second_curator, other, title="Edited by someone else, again")
    client.force_login(curator)
    for action in ("publication_ready", "publication_publish"):
        response = client.post(
            CHANGELIST, {"action": action, "_selected_action": [mine.pk, other.pk], "index": "0"}, follow=True
        )
        assert response.status_code == 200
    notes = messages_of(response)
    assert f"{mine.accession_number}: {LAST_EDITOR_REFUSAL}" in notes
    assert f"{other.accession_number} was published." in notes
    assert Artifact.objects.get(pk=mine.pk).status == READY
    assert Artifact.objects.get(pk=other.pk).status == PUBLISHED


def test_editors_are_not_offered_the_publish_action(client, editor):
    draft()
    client.force_login(editor)
    actions = text_of(client.get(CHANGELIST))
    assert "publication_ready" in actions and "publication_publish" not in actions
