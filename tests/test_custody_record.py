"""The standalone checker (standard library only) accepts a good custody record and
rejects every tampered variant, run exactly as a researcher would run it: the zipapp
the archive serves, under `python3 -I`."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from artifacts.custody import checker_zip, heads
from artifacts.custody.record import custody_document
from artifacts.models import Photo
from tests.factories import ArtifactFactory, make_custody_event, make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def script(tmp_path) -> Path:
    """The checker exactly as /transparency/bfa-verify.pyz serves it."""
    global SCRIPT
    SCRIPT = tmp_path / "bfa-verify.pyz"
    checker_zip.write(SCRIPT)
    return SCRIPT


@pytest.fixture
def record(signing_key):
    artifact = ArtifactFactory(title="Phrase list")
    make_photo(artifact)
    form = SimpleUploadedFile("form.pdf", b"%signed form, Sumy, 2025%", content_type="application/pdf")
    make_custody_event(artifact, event_type="recovery", place="Курская область", attachments=[(form, "Form")])
    make_custody_event(artifact, event_type="transfer", note="Handed to the unit's archive")
    make_custody_event(artifact, event_type="shown_to_press", received_by="The Washington Post")
    heads.publish()
    return custody_document(artifact, Photo.objects.filter(artifact=artifact))


def check(tmp_path, document, *extra):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(path), *extra], capture_output=True, text=True, timeout=60
    )
    return result.returncode, result.stdout


def test_a_genuine_record_verifies(tmp_path, record):
    code, out = check(tmp_path, record)
    assert code == 0, out
    assert out.startswith(f"OK: {record['accession_number']}: 3 events")
    assert "Ed25519 signature verified" in out


def changed_field(doc):
    doc["events"][1]["note"] = "Handed to a private collector"


def removed_event(doc):
    del doc["events"][1]


def removed_last_event_keeping_head(doc):
    del doc["events"][-1]


def swapped_order(doc):
    doc["events"][0], doc["events"][1] = doc["events"][1], doc["events"][0]


def altered_file_digest(doc):
    doc["files"][0]["sha256"] = "0" * 64
    doc["events"][0]["attachments"] = ["f" * 64]


def altered_attachment_entry(doc):
    doc["events"][0]["attachment_files"][0]["sha256"] = "e" * 64


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (changed_field, "event 2: content does not match its hash"),
        (removed_event, "event 2: sequence is 3, expected 2"),
        (removed_last_event_keeping_head, "chain_head does not match"),
        (swapped_order, "event 1: sequence is 2, expected 1"),
        (altered_file_digest, "event 1: content does not match its hash"),
        (altered_attachment_entry, "attachment list does not match"),
    ],
)
def test_each_tampered_record_is_rejected(tmp_path, record, tamper, message):
    document = copy.deepcopy(record)
    tamper(document)
    code, out = check(tmp_path, document)
    assert code == 1
    assert out.startswith("FAILED")
    assert message in out


def test_downloaded_files_are_rehashed_with_files_option(tmp_path, record, settings):
    photo = Photo.objects.get()
    files = tmp_path / "files"
    files.mkdir()
    (files / record["files"][0]["name"]).write_bytes(Path(photo.original.path).read_bytes())
    attachment = photo.artifact.custody_events.get(sequence=1).attachments.get()
    (files / "form.pdf").write_bytes(Path(attachment.file.path).read_bytes())
    assert check(tmp_path, record, "--files", str(files))[0] == 0
    (files / "form.pdf").write_bytes(b"%forged%")
    code, out = check(tmp_path, record, "--files", str(files))
    assert code == 1 and "file form.pdf: SHA-256 differs" in out


def test_unreadable_input_is_reported(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = subprocess.run([sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True)
    assert result.returncode == 2 and "cannot read" in result.stdout
