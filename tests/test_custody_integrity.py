"""Tampering by someone who owns the database, and what catches it.

A small archive is built, a signed and timestamped head is published and saved elsewhere
(a witness's copy), then the record is changed behind the archive's back. Each change must
be reported by `verify_integrity --head` with a sentence naming it, and, where it shows in
an artifact's custody record, by the researchers' checker given the saved head. The same
tests run on SQLite and PostgreSQL.
"""

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from artifacts.custody import heads, leaves, log, services, triggers
from artifacts.custody.checker import canonical
from artifacts.custody.checker.record import verify_record
from artifacts.custody.checker.witness import FetchError
from artifacts.custody.models import LeafKind, LogLeaf, TreeHead
from artifacts.custody.record import custody_document
from artifacts.models import Artifact, Photo
from tests import tampering
from tests.factories import ArtifactFactory, make_custody_event, make_photo
from tests.images import image_bytes

CLEAN = "All files, custody chains and the transparency log verified."
ALTERED_TOKEN = "the TSA's signature is invalid: the token was altered or not signed by its certificate"
LEAF_GONE = "does not exist (removed without a withdrawal, or a leaf for a row that never was)"


@dataclass
class Archive:
    first: Artifact
    second: Artifact
    third: Artifact
    events: dict
    photos: dict
    saved: dict
    saved_path: Path
    records: dict
    tsa_url: str
    tsa_roots: bytes

    @property
    def saved_label(self) -> str:
        return f"saved head 1 ({self.saved['tree_size']} leaves, {self.saved['timestamp']})"


def head_label(number: int) -> str:
    document = heads.document(TreeHead.objects.get(number=number))
    return f"head {number} ({document['tree_size']} leaves, {document['timestamp']})"


def record_of(artifact: Artifact) -> dict:
    """The custody record as a researcher downloads it."""
    return json.loads(json.dumps(custody_document(artifact, artifact.photos.order_by("pk"))))


@pytest.fixture
def archive(db, settings, signing_key, tsa, tmp_path) -> Archive:
    settings.ARCHIVE_TSA_URL = tsa.url
    roots = tmp_path / "tsa-roots.pem"
    roots.write_bytes(tsa.root_pem)
    settings.ARCHIVE_TSA_CA_FILE = str(roots)

    first = ArtifactFactory(accession_number="BFA-T-0001")
    second = ArtifactFactory(accession_number="BFA-T-0002")
    form = SimpleUploadedFile("transfer-form.pdf", b"%PDF-1.4 signed transfer form", content_type="application/pdf")
    events = {
        first.accession_number: [
            make_custody_event(first, event_type="recovery", occurred="2025-01-03", place="Sudzha"),
            make_custody_event(
                first,
                event_type="transfer",
                occurred="2025-01-10",
                place="Kyiv",
                released_by="Example Unit",
                received_by="Archive",
                attachments=[(form, "signed transfer form")],
            ),
            make_custody_event(first, event_type="examination", occurred="2025-02-01", note="Checked."),
        ],
        second.accession_number: [
            make_custody_event(second, event_type="recovery", occurred="2025-03"),
            make_custody_event(second, event_type="intake", occurred="2025-04-02", received_by="Archive"),
        ],
    }
    photos = {
        first.accession_number: make_photo(first, caption="Front"),
        second.accession_number: make_photo(second, caption="Back"),
    }
    published = heads.publish()
    assert published.head.number == 1 and published.head.signature and len(published.stamped) == 1
    saved = heads.document(heads.latest())
    saved_path = tmp_path / "witness" / "head-1.json"
    saved_path.parent.mkdir()
    saved_path.write_text(json.dumps(saved, indent=2), encoding="utf-8")

    # The log goes on after the witness kept head 1.
    third = ArtifactFactory(accession_number="BFA-T-0003")
    events[third.accession_number] = [make_custody_event(third, event_type="recovery", occurred="2025-05")]
    assert heads.publish().head.number == 2
    return Archive(
        first=first,
        second=second,
        third=third,
        events=events,
        photos=photos,
        saved=saved,
        saved_path=saved_path,
        records={a.accession_number: record_of(a) for a in (first, second, third)},
        tsa_url=tsa.url,
        tsa_roots=tsa.root_pem,
    )


def verify(*saved: Path) -> tuple[int, str]:
    out = io.StringIO()
    arguments = ["verify_integrity", "--no-record"]
    for path in saved:
        arguments += ["--head", str(path)]
    try:
        call_command(*arguments, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def problems(output: str) -> list[str]:
    return [line[4:] for line in output.splitlines() if line.startswith("  - ")]


@pytest.fixture
def fetch(client):
    """The checker's view of the archive: GETs under /transparency/, through Django."""

    def get(path: str) -> dict:
        response = client.get(f"/transparency/{path}")
        if response.status_code != 200:
            raise FetchError(f"cannot read {path}: HTTP {response.status_code}: {response.json().get('error')}")
        return response.json()

    return get


def checker(archive: Archive, record: dict, fetch) -> list[str]:
    report = verify_record(record, saved_head=archive.saved, fetch=fetch, roots_pem=archive.tsa_roots)
    return report.problems


def leaf_index(kind: str, object_id: int) -> int:
    return LogLeaf.objects.get(kind=kind, object_id=object_id).index


# A clean archive -----------------------------------------------------------------------


def test_a_clean_archive_verifies_against_its_saved_head(archive, fetch):
    code, output = verify(archive.saved_path)
    assert code == 0, output
    assert CLEAN in output.splitlines()
    assert "Transparency log: 9 leaves and 2 signed heads rebuilt and checked, against 1 saved head(s)." in output
    for accession, record in archive.records.items():
        report = verify_record(record, saved_head=archive.saved, fetch=fetch, roots_pem=archive.tsa_roots)
        assert report.problems == [], accession
        assert "the log is a consistent extension of the saved head 1" in report.notes


# The cases of the issue ------------------------------------------------------------------


def test_1_an_edited_event_with_its_chain_recomputed(archive, fetch):
    accession = archive.first.accession_number
    first, second, third = archive.events[accession]
    old = {e.pk: e.entry_hash for e in (second, third)}
    tampering.edit_event_and_rechain(second, place="Sumy")
    new = dict(archive.first.custody_events.filter(pk__in=old).values_list("pk", "entry_hash"))
    assert all(new[pk] != old[pk] for pk in old)

    code, output = verify(archive.saved_path)
    assert code == 1
    assert problems(output) == [
        f"custody event {e.pk} of {accession}: no longer matches its leaf "
        f"(entry_hash was {old[e.pk]!r}, now {new[e.pk]!r})"
        for e in (second, third)
    ]
    assert f"FAIL {accession}" not in output  # the chain on its own verifies: only the log shows it

    assert checker(archive, archive.records[accession], fetch) == []
    after = checker(archive, record_of(archive.first), fetch)
    assert after == [
        f"event {e.sequence}: not in the log as recorded (leaf {leaf_index(LeafKind.CUSTODY_EVENT, e.pk)} "
        "does not prove to head 2): the record or the log was changed"
        for e in (second, third)
    ]


def test_2_the_last_event_deleted(archive):
    accession = archive.first.accession_number
    last = archive.events[accession][-1]
    tampering.delete_events([last])

    code, output = verify(archive.saved_path)
    assert code == 1
    index = leaf_index(LeafKind.CUSTODY_EVENT, last.pk)
    assert problems(output) == [f"leaf {index}: custody event {last.pk} of {accession} {LEAF_GONE}"]


def test_3_all_events_of_an_artifact_deleted(archive):
    accession = archive.first.accession_number
    events = archive.events[accession]
    attachment = events[1].attachments.get()
    tampering.delete_events(events)

    code, output = verify(archive.saved_path)
    assert code == 1
    expected = [(leaf_index(LeafKind.CUSTODY_EVENT, e.pk), f"custody event {e.pk}") for e in events]
    expected.append((leaf_index(LeafKind.ATTACHMENT, attachment.pk), f"custody attachment file {attachment.pk}"))
    assert problems(output) == [f"leaf {index}: {what} of {accession} {LEAF_GONE}" for index, what in expected]


def test_4_an_original_replaced_with_its_digest_updated(archive, fetch):
    accession = archive.first.accession_number
    photo = archive.photos[accession]
    replacement = image_bytes(color=(10, 20, 30))
    tampering.replace_photo_bytes(photo, replacement, update_digest=True)
    changed = Photo.objects.get(pk=photo.pk)

    code, output = verify(archive.saved_path)
    assert code == 1
    assert problems(output) == [
        f"photo file {photo.pk} of {accession}: no longer matches its leaf (byte_size was {photo.byte_size}, "
        f"now {changed.byte_size}, sha256 was {photo.sha256!r}, now {changed.sha256!r})"
    ]

    assert checker(archive, archive.records[accession], fetch) == []
    name = f"photo-{photo.pk}-original.{photo.image_format.lower()}"
    assert checker(archive, record_of(archive.first), fetch) == [
        f"file {name}: not in the log as recorded (leaf {leaf_index(LeafKind.PHOTO, photo.pk)} does not prove to "
        "head 2): the record or the log was changed"
    ]


def test_4b_an_original_replaced_on_disk_only(archive):
    accession = archive.first.accession_number
    photo = archive.photos[accession]
    replacement = image_bytes(color=(10, 20, 30))
    tampering.replace_photo_bytes(photo, replacement, update_digest=False)

    code, output = verify(archive.saved_path)
    assert code == 1
    assert f"FAIL {accession}" in output.splitlines()
    assert problems(output) == [
        f"photo {photo.pk} original: SHA-256 changed (recorded {photo.sha256}, now "
        f"{hashlib.sha256(replacement).hexdigest()}, {len(replacement)} bytes)"
    ]


def test_5_custody_and_log_truncated(archive, fetch):
    photo_leaves = {p.pk: p for p in archive.photos.values()}
    tampering.truncate_custody_and_log()

    code, output = verify(archive.saved_path)
    assert code == 1
    key = archive.saved["key_id"]
    assert problems(output) == [
        f"{archive.saved_label}: signed by key {key[:16]}…, which the archive no longer has: "
        "its signing keys were removed",
        f"{archive.saved_label}: the log has only 0 leaves now: the log shrank",
        f"{archive.saved_label}: the archive no longer has this head (deleted)",
        *(
            f"photo file {pk} of {photo.artifact.accession_number}: has no leaf in the log "
            "(added behind the archive's back, or its leaf removed)"
            for pk, photo in sorted(photo_leaves.items())
        ),
    ]

    accession = archive.first.accession_number
    assert checker(archive, archive.records[accession], fetch) == [
        "could not obtain a consistency proof 8→9: cannot read proof/consistency.json?first=8&second=9: "
        "HTTP 400: the log has 0 leaves; there is no tree of size 9"
    ]
    assert checker(archive, record_of(archive.first), fetch) == [
        f"the record has no signed head, but the saved head 1 ({archive.saved['timestamp']}) has 8 leaves: "
        "the log was removed"
    ]


def test_6_a_log_rebuilt_and_re_signed_after_an_event_was_removed(archive, fetch):
    accession = archive.second.accession_number
    removed = archive.events[accession][-1]
    tampering.delete_events([removed])
    tampering.rebuild_log_and_republish()
    assert heads.latest().number == 1 and heads.latest().timestamps.count() == 1

    code, output = verify()
    assert code == 0, output  # consistent with itself: only a copy kept elsewhere shows the change
    assert CLEAN in output

    code, output = verify(archive.saved_path)
    assert code == 1
    size = archive.saved["tree_size"]
    assert problems(output) == [
        f"{archive.saved_label}: the log's first {size} leaves no longer have the saved root: "
        "the log was rewritten since",
        f"{archive.saved_label}: the archive's head 1 now says something else",
    ]

    assert checker(archive, archive.records[accession], fetch) == [
        "could not obtain a consistency proof 8→9: cannot read proof/consistency.json?first=8&second=9: "
        "HTTP 400: the log has 8 leaves; there is no tree of size 9"
    ]
    assert checker(archive, record_of(archive.second), fetch) == [
        "FORK: the saved head and the record's head both have 8 leaves but different roots"
    ]


def test_7_the_saved_head_deleted(archive):
    tampering.delete_head(1)

    code, output = verify(archive.saved_path)
    assert code == 1
    assert problems(output) == [
        "head 1 is missing (the next head is 2)",
        f"{archive.saved_label}: the archive no longer has this head (deleted)",
    ]


def test_8_a_timestamp_token_altered(archive, fetch):
    labels = [head_label(1), head_label(2)]
    tampering.flip_token_bytes()

    code, output = verify(archive.saved_path)
    assert code == 1
    assert problems(output) == [
        f"{label}: timestamp token from {archive.tsa_url} does not verify: {ALTERED_TOKEN}" for label in labels
    ]

    accession = archive.first.accession_number
    assert checker(archive, archive.records[accession], fetch) == []
    assert checker(archive, record_of(archive.first), fetch) == [
        f"head 2: timestamp by {archive.tsa_url} does not verify: {ALTERED_TOKEN}"
    ]


def test_9_a_leaf_for_a_row_that_never_existed(archive):
    accession = archive.first.accession_number
    data = canonical.event_leaf(accession_number=accession, sequence=4, entry_hash="ab" * 32)
    (leaf,) = log.append([leaves.Entry(LeafKind.CUSTODY_EVENT, 999999, accession, data)])

    code, output = verify(archive.saved_path)
    assert code == 1
    assert problems(output) == [f"leaf {leaf.index}: custody event 999999 of {accession} {LEAF_GONE}"]


# The triggers themselves -----------------------------------------------------------------


def _empty_all(table: str) -> str:
    if connection.vendor == "postgresql":
        tampering.settle()
        return f"TRUNCATE {table} CASCADE"
    return f"DELETE FROM {table}"  # noqa: S608 (table names are constants)


@pytest.mark.parametrize("table", triggers.APPEND_ONLY_TABLES)
def test_emptying_an_append_only_table_is_refused(archive, table):
    with pytest.raises(DatabaseError, match="append-only") as caught, transaction.atomic():
        tampering.sql(_empty_all(table))
    if connection.vendor == "postgresql":
        assert f"TRUNCATE refused (table {table})" in str(caught.value)


def test_emptying_the_photo_table_is_refused(archive):
    expected = "append-only" if connection.vendor == "postgresql" else "a photo is evidence: withdraw it"
    with pytest.raises(DatabaseError, match=expected), transaction.atomic():
        tampering.sql(_empty_all(triggers.PHOTO_TABLE))
    assert Photo.objects.count() == 2


def test_a_photo_digest_cannot_be_updated(archive):
    photo = archive.photos[archive.first.accession_number]
    with (
        pytest.raises(DatabaseError, match="the file, digest and artifact of a photo are fixed at ingest"),
        transaction.atomic(),
    ):
        tampering.sql("UPDATE artifacts_photo SET sha256 = %s WHERE id = %s", ["0" * 64, photo.pk])
    assert Photo.objects.get(pk=photo.pk).sha256 == photo.sha256


def test_a_photo_row_cannot_be_deleted_unless_withdrawn(archive):
    photo = archive.photos[archive.first.accession_number]
    with pytest.raises(DatabaseError, match="a photo is evidence: withdraw it"), transaction.atomic():
        tampering.sql("DELETE FROM artifacts_photo WHERE id = %s", [photo.pk])
    assert Photo.objects.filter(pk=photo.pk).exists()

    pk = photo.pk
    services.withdraw_photo(photo=photo, reason="Shows a face that must not be published.")
    assert not Photo.objects.filter(pk=pk).exists()
    withdrawal = LogLeaf.objects.get(kind=LeafKind.PHOTO_WITHDRAWN, object_id=pk)
    assert json.loads(withdrawal.data)["reason"] == "Shows a face that must not be published."
    code, output = verify(archive.saved_path)
    assert code == 0, output
    assert CLEAN in output


def test_a_disabled_or_dropped_trigger_is_reported(archive):
    if connection.vendor == "postgresql":
        name = "artifacts_custodyevent_append_only"
        tampering.settle()
        tampering.sql(f"ALTER TABLE artifacts_custodyevent DISABLE TRIGGER {name}")
    else:
        name = "artifacts_custodyevent_no_update"
        tampering.sql(f"DROP TRIGGER {name}")
    code, output = verify(archive.saved_path)
    assert code == 1
    assert problems(output) == [f"trigger {name} is missing or disabled: the table it guards can be rewritten"]
