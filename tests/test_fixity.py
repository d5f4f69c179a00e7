"""verify_integrity detects every kind of tampering precisely, and rewrites nothing."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from artifacts.custody import fixity
from artifacts.models import CustodyEvent
from tests.factories import ArtifactFactory, make_custody_event, make_photo

pytestmark = pytest.mark.django_db


def tamper(sql, params=()):
    """Run SQL the way an attacker with database access would: triggers switched off.
    The test's transaction rolls the DDL back afterwards on both databases."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What a superuser could do: run as a replica, which fires no ordinary triggers.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS artifacts_custodyevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS artifacts_custodyevent_no_delete")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


@pytest.fixture
def artifact():
    artifact = ArtifactFactory()
    make_photo(artifact)
    form = SimpleUploadedFile("transfer-form.pdf", b"%signed transfer form%", content_type="application/pdf")
    make_custody_event(
        artifact, event_type="recovery", place="Kursk region, Russia", attachments=[(form, "Signed transfer form")]
    )
    make_custody_event(artifact, event_type="transfer")
    make_custody_event(artifact, event_type="shown_to_press", received_by="The Washington Post")
    return artifact


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("verify_integrity", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_a_clean_archive_passes_and_gains_one_fixity_event_per_artifact(artifact):
    ArtifactFactory()
    code, out = run()
    assert code == 0, out
    assert "Checked 2 artifacts, 2 files and 3 custody events" in out
    latest = fixity.latest_check(artifact)
    assert latest.sequence == 4 and latest.outcome == "pass"
    assert latest.previous_hash == CustodyEvent.objects.get(artifact=artifact, sequence=3).entry_hash
    # A second run verifies the chain including the first run's event.
    assert run()[0] == 0


def test_a_changed_byte_in_an_original_is_reported(artifact):
    photo = artifact.photos.get()
    path = Path(photo.original.path)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    code, out = run("--artifact", artifact.accession_number)
    assert code == 1
    assert f"photo {photo.pk} original: SHA-256 changed" in out
    assert fixity.latest_check(artifact).outcome == "fail"


def test_a_missing_original_is_reported(artifact):
    photo = artifact.photos.get()
    photo.original.storage.delete(photo.original.name)
    code, out = run()
    assert code == 1 and f"photo {photo.pk} original: file is missing" in out


def test_a_changed_attachment_is_reported(artifact):
    attachment = CustodyEvent.objects.get(artifact=artifact, sequence=1).attachments.get()
    with open(attachment.file.path, "ab") as handle:
        handle.write(b"forged")
    code, out = run()
    assert code == 1 and "event 1 attachment transfer-form.pdf: SHA-256 changed" in out


def test_an_edited_event_is_reported(artifact):
    tamper(
        "UPDATE artifacts_custodyevent SET place = 'Sumy region' WHERE artifact_id = %s AND sequence = 1", [artifact.pk]
    )
    code, out = run()
    assert code == 1 and "event 1: content does not match its hash" in out


def test_a_deleted_event_is_reported(artifact):
    tamper("DELETE FROM artifacts_custodyevent WHERE artifact_id = %s AND sequence = 2", [artifact.pk])
    code, out = run()
    assert code == 1
    assert "event 2: sequence is 3, expected 2" in out
    assert "event 2: previous_hash does not match" in out


def test_reordered_events_are_reported(artifact):
    tamper("UPDATE artifacts_custodyevent SET sequence = sequence + 100 WHERE artifact_id = %s", [artifact.pk])
    tamper("UPDATE artifacts_custodyevent SET sequence = 1 WHERE artifact_id = %s AND sequence = 102", [artifact.pk])
    tamper("UPDATE artifacts_custodyevent SET sequence = 2 WHERE artifact_id = %s AND sequence = 101", [artifact.pk])
    tamper("UPDATE artifacts_custodyevent SET sequence = 3 WHERE artifact_id = %s AND sequence = 103", [artifact.pk])
    code, out = run("--no-record")
    assert code == 1
    assert "event 1: previous_hash does not match" in out
    assert "content does not match its hash" in out


def test_unknown_accession_is_a_clear_error(artifact):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No artifact with accession number NOPE"):
        call_command("verify_integrity", "--artifact", "NOPE")
