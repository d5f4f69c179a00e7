"""Bulk import: every row checked before anything is written, every problem reported by
row and column, upsert by accession number, all-or-nothing, photos from a folder or ZIP."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from artifacts import search
from artifacts.importing import run_import, runner
from artifacts.models import (
    AccessionCounter,
    Artifact,
    Language,
    SearchDocument,
    SerialNumber,
    Source,
    SourceCitation,
)
from artifacts.search import indexing
from tests.factories import ArtifactFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent.parent / "artifacts" / "importing" / "examples"
HEADER = [
    "title",
    "artifact_type",
    "description",
    "languages",
    "item_count",
    "recovery_date",
    "recovery_place",
    "recovery_place_precision",
    "status",
    "access_level",
    "serial_numbers",
    "source_title",
    "source_publisher",
    "source_date",
    "source_url",
]


@pytest.fixture(autouse=True)
def languages(db):
    for code, name in (("ko", "Korean"), ("ru", "Russian"), ("en", "English")):
        Language.objects.get_or_create(code=code, defaults={"name": name})


def good_row(i: int) -> dict:
    return {
        "title": f"Imported item {i}",
        "artifact_type": "Weapon" if i % 3 == 0 else "booklet",
        "description": f"Object number {i}, described for the import test.",
        "languages": "ko;ru",
        "item_count": str(i % 4),
        "recovery_date": "2024-12/2025-01",
        "recovery_place": "Kursk region, Russia",
        "recovery_place_precision": "region",
        "status": "published",
        "access_level": "researchers" if i % 5 == 0 else "public",
        "serial_numbers": f"AK-{i:06d}" if i % 3 == 0 else "",
        "source_title": "Test report",
        "source_publisher": "Example News",
        "source_date": "2025-01-19",
        "source_url": "https://news.example.org/report",
    }


def csv_bytes(rows: list[dict], header: list[str] | None = None) -> bytes:
    header = header or list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def do_import(data: bytes, name: str = "items.csv", **kwargs):
    return run_import(io.BytesIO(data), name=name, **kwargs)


def stored_files(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()] if Path(media_root).exists() else []


# Whole files ----------------------------------------------------------------------------


def test_a_clean_file_of_2000_rows_writes_every_row():
    report = do_import(csv_bytes([good_row(i) for i in range(2000)], HEADER))
    assert report.ok, report.lines()[:5]
    assert report.written and (report.created, report.updated) == (2000, 0)
    assert Artifact.objects.count() == 2000
    numbers = report.accession_numbers
    assert len(set(numbers)) == 2000
    # Numbers are consecutive in file order, and the counter continues after them.
    item = Artifact.objects.get(accession_number=numbers[1234])
    assert item.title == "Imported item 1234"
    assert item.recovered_earliest.isoformat() == "2024-12-01"
    assert item.recovered_latest.isoformat() == "2025-01-31"
    assert sorted(item.languages.values_list("code", flat=True)) == ["ko", "ru"]
    assert item.access_level == 0 and Artifact.objects.get(title="Imported item 5").access_level == 1
    assert Artifact.objects.get(title="Imported item 3").serial_numbers.get().normalized == "ak000003"
    assert ArtifactFactory().accession_number > numbers[-1]
    # One source, cited by every row.
    assert Source.objects.count() == 1 and SourceCitation.objects.count() == 2000
    # Imported items are in the search index, serial numbers included.
    assert search.search_artifacts(Artifact.objects.all(), "AK 000003").get().title == "Imported item 3"
    assert search.search_artifacts(Artifact.objects.all(), '"imported item 1234"').get() == item


def test_a_file_with_bad_rows_reports_every_one_and_writes_nothing(media_root):
    rows = [good_row(i) for i in range(2000)]
    rows[15]["recovery_date"] = "mid-January"  # spreadsheet row 17 (the header is row 1)
    rows[99]["artifact_type"] = "grenade"
    rows[500]["item_count"] = "two"
    rows[777]["source_url"] = "not a url"
    rows[1200]["title"] = "x" * 301
    rows[1500]["languages"] = "ko;xx"
    rows[1998]["title"] = ""
    before = AccessionCounter.objects.count()
    report = do_import(csv_bytes(rows, HEADER))
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (17, "recovery_date"),
        (101, "artifact_type"),
        (502, "item_count"),
        (779, "source_url"),
        (1202, "title"),
        (1502, "languages"),
        (2000, "title"),
    }
    messages = [str(p) for p in report.problems]
    assert any(m.startswith("row 17, column recovery_date: “mid-January” is not a valid EDTF date") for m in messages)
    assert "7 problem(s) found in 7 of 2,000 rows" in report.headline()
    assert not report.written
    assert Artifact.objects.count() == 0 and Source.objects.count() == 0 and SerialNumber.objects.count() == 0
    assert AccessionCounter.objects.count() == before
    assert stored_files(media_root) == []


def test_header_problems_are_reported_before_any_row():
    data = csv_bytes([{"Title": "A", "colour": "red", "descripton": "x"}])
    report = do_import(data)
    text = "\n".join(report.lines())
    assert "column colour: unknown column." in text
    assert "column descripton: unknown column. Did you mean description?" in text
    assert "column artifact_type: missing column" in text
    assert report.rows == 0 and Artifact.objects.count() == 0


def test_spreadsheet_exports_are_understood():
    # A byte-order mark, semicolons between cells, header labels with spaces and capitals,
    # empty columns without a name, and a blank line at the end.
    data = "\ufeffTitle;Artifact type;Recovery date;;\nБукварь;Booklet;2025-01~;;\n;;;;\n".encode()
    report = do_import(data)
    assert report.ok, report.lines()
    assert Artifact.objects.get().title == "Букварь"


def test_a_file_that_is_not_utf8_is_refused_with_advice():
    report = do_import("title,artifact_type\nCaf\xe9,other\n".encode("latin-1"))
    assert "not UTF-8" in report.headline() or "not UTF-8" in str(report.problems[0])
    assert Artifact.objects.count() == 0


def test_extra_cells_and_json_shape_errors_are_row_problems():
    report = do_import(b"title,artifact_type\nA,other,surplus\n")
    assert [(p.row, p.column) for p in report.problems] == [(2, None)]
    report = do_import(json.dumps([{"title": "A", "artifact_type": "other"}, "oops"]).encode(), name="x.json")
    assert [(p.row, p.column) for p in report.problems] == [(2, None)]
    report = do_import(b"{not json", name="x.json")
    assert "not valid JSON" in str(report.problems[0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
        (b'[{"title": "A", "artifact_type": "other", "height_mm": ' + b"9" * 5000 + b"}]", "not valid JSON"),
    ],
    ids=["arrays-100000-deep", "objects-50000-deep", "integer-of-5000-digits"],
)
def test_hostile_json_is_refused_with_a_clear_message(data, message):
    report = do_import(data, name="hostile.json")
    assert message in str(report.problems[0])
    assert not Artifact.objects.exists()


def test_a_nul_in_a_cell_is_a_problem_of_the_dry_run_and_of_the_import_alike():
    data = b"title,artifact_type,description\nA,other,before\x00after\n"
    for dry_run in (True, False):
        report = do_import(data, dry_run=dry_run)
        assert [(p.row, p.column) for p in report.problems] == [(2, "description")]
        assert "NUL character" in str(report.problems[0])
    assert not Artifact.objects.exists()


# Upsert ---------------------------------------------------------------------------------


def test_rows_with_an_accession_number_update_that_artifact_and_empty_cells_change_nothing():
    existing = ArtifactFactory(title="Old title", description="Kept as it is.", status="draft")
    user = UserFactory(username="importer")
    data = csv_bytes(
        [
            {"accession_number": existing.accession_number, "title": "New title", "description": "", "status": ""},
            {"accession_number": "", "title": "Brand new", "description": "", "status": "", "artifact_type": "gear"},
        ],
        ["accession_number", "title", "description", "status", "artifact_type"],
    )
    report = do_import(data, name="update.csv", user=user)
    assert report.ok, report.lines()
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    existing.refresh_from_db()
    assert (existing.title, existing.description, existing.status) == ("New title", "Kept as it is.", "draft")
    assert search.search_artifacts(Artifact.objects.all(), "new title").get() == existing
    latest = existing.history.first()
    assert (latest.history_type, latest.history_change_reason, latest.history_user) == ("~", "import update.csv", user)
    assert latest.title == "New title"
    # The same file again changes nothing and adds no history.
    report = do_import(csv_bytes([{"accession_number": existing.accession_number, "title": "New title"}]))
    assert (report.updated, report.unchanged) == (0, 1)
    assert existing.history.count() == 2


def test_unknown_and_repeated_accession_numbers_are_refused():
    existing = ArtifactFactory()
    data = csv_bytes(
        [
            {"accession_number": "BFA-1999-0001", "title": "A"},
            {"accession_number": existing.accession_number, "title": "B"},
            {"accession_number": existing.accession_number, "title": "C"},
        ]
    )
    report = do_import(data)
    messages = [str(p) for p in report.problems]
    assert messages[0].startswith(
        "row 2, column accession_number: no artifact has the accession number “BFA-1999-0001”"
    )
    assert messages[1].startswith(f"row 4, column accession_number: “{existing.accession_number}” is also in row 3")
    existing.refresh_from_db()
    assert existing.title != "B"


def test_updates_add_serials_citations_and_languages_without_removing_anything():
    existing = ArtifactFactory(artifact_type="weapon")
    existing.serial_numbers.create(value="OLD-1")
    last_changed = Artifact.objects.get(pk=existing.pk).updated_at
    row = {
        "accession_number": existing.accession_number,
        "serial_numbers": "OLD-1;NEW-2",
        "languages": "ru",
        "source_title": "Follow-up",
        "source_publisher": "Example News",
    }
    data = csv_bytes([row])
    report = do_import(data)
    assert report.ok and report.updated == 1
    assert sorted(existing.serial_numbers.values_list("value", flat=True)) == ["NEW-2", "OLD-1"]
    assert list(existing.languages.values_list("code", flat=True)) == ["ru"]
    assert existing.history.first().languages.get().language.code == "ru"
    assert existing.sources.get().title == "Follow-up"
    assert search.search_artifacts(Artifact.objects.all(), "NEW-2").get() == existing
    assert Artifact.objects.get(pk=existing.pk).updated_at > last_changed


def test_a_file_changed_between_the_check_and_the_write_is_not_imported(monkeypatch):
    rows = [good_row(1), good_row(2)]
    # Long enough that the reader has not yet buffered the end of row 3 when row 2 is written.
    rows[0]["description"] = rows[1]["description"] = "x" * 50_000 + " end."
    buffer = io.BytesIO(csv_bytes(rows, HEADER))
    monkeypatch.setattr(runner, "CHUNK", 1)

    def edit_the_file(phase, done, total):
        if phase == "Writing" and done == 1:
            reading_at = buffer.tell()
            buffer.seek(buffer.getvalue().rindex(b" end."))
            buffer.write(b" END.")
            buffer.seek(reading_at)

    report = run_import(buffer, name="items.csv", progress=edit_the_file)
    assert "row 3 of the file changed while the import was running." in "\n".join(report.lines())
    assert Artifact.objects.count() == 0


# Dry run, JSON and the command ------------------------------------------------------------


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(media_root):
    report = do_import(csv_bytes([good_row(i) for i in range(20)], HEADER), dry_run=True)
    assert report.ok and not report.written
    assert "would create 20 artifact(s)" in report.headline()
    assert Artifact.objects.count() == 0 and Source.objects.count() == 0 and AccessionCounter.objects.count() == 0


def test_json_nests_texts_phrases_sources_and_details():
    report = do_import((EXAMPLES / "example.json").read_bytes(), name="example.json", photos=EXAMPLES / "photos")
    assert report.ok, report.lines()
    letter = Artifact.objects.get(title__startswith="Example: handwritten letter")
    text = letter.texts.get()
    assert (text.kind, text.date_written, text.translation_language) == ("excerpt", "2024-12-31", "en")
    assert letter.photos.get().access_level == 2
    assert letter.sourcecitation_set.get().locator == "paragraph 7"
    phrases = Artifact.objects.get(title__startswith="Example: phrase list").phrases.all()
    assert [(p.position, p.order_known) for p in phrases] == [(1, False), (2, False)]
    knife = Artifact.objects.get(title__startswith="Example: knife")
    assert knife.object_details.category == "knife"
    assert search.search_artifacts(Artifact.objects.all(), "EX0003").get() == knife


def test_imported_artifacts_get_the_search_documents_the_index_would_build():
    existing = ArtifactFactory(title="Before the import")
    data = (EXAMPLES / "example.json").read_bytes()
    report = do_import(data, name="example.json", photos=EXAMPLES / "photos")
    update = csv_bytes([{"accession_number": existing.accession_number, "title": "Renamed", "serial_numbers": "Z-1"}])
    assert report.ok and do_import(update).ok
    imported = list(SearchDocument.objects.order_by("pk").values())
    assert len(imported) == 4
    indexing.index_artifacts(Artifact.objects.values_list("pk", flat=True))
    assert list(SearchDocument.objects.order_by("pk").values()) == imported


def test_nested_json_problems_name_the_field():
    record = {
        "title": "Letter",
        "artifact_type": "handwritten",
        "texts": [{"kind": "poem", "colour": "red"}, {"position": 1, "date_written": "New Year"}],
        "phrases": [{"position": 2}, {"position": 2}],
    }
    report = do_import(json.dumps({"artifacts": [record]}).encode(), name="x.json")
    assert {p.column for p in report.problems} == {
        "texts[1].kind",
        "texts[1].colour",
        "texts[2].position",
        "texts[2].date_written",
        "phrases[2].position",
    }


def test_both_example_files_import_cleanly():
    for name in ("example.csv", "example.json"):
        report = do_import((EXAMPLES / name).read_bytes(), name=name, photos=EXAMPLES / "photos")
        assert report.ok and report.written, report.lines()
    assert Artifact.objects.filter(title__startswith="Example:", status="draft").count() == 5


def test_the_command_reports_problems_on_stdout_and_exits_non_zero(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([{"title": "A", "artifact_type": "other", "recovery_date": "mid-January"}]))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_artifacts", str(path), stdout=out, stderr=err)
    assert exit_status.value.code == 1
    assert "row 2, column recovery_date: “mid-January” is not a valid EDTF date" in out.getvalue()
    assert "Nothing was written" in out.getvalue()
    assert "Checking" in err.getvalue() and "1/1" in err.getvalue()  # the progress bar, on stderr


def test_the_command_imports_with_the_named_user_in_the_history(tmp_path):
    user = UserFactory(username="curator-a")
    path = tmp_path / "good.csv"
    path.write_bytes(csv_bytes([good_row(1)], HEADER))
    out = io.StringIO()
    call_command("import_artifacts", str(path), "--user", "curator-a", stdout=out, stderr=io.StringIO())
    assert "1 artifact(s) created" in out.getvalue()
    entry = Artifact.objects.get().history.get()
    assert (entry.history_user, entry.history_change_reason) == (user, "import good.csv")
    assert sorted(entry.languages.values_list("language__code", flat=True)) == ["ko", "ru"]


def test_the_command_dry_run_exits_zero_and_writes_nothing(tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(csv_bytes([good_row(1)], HEADER))
    out = io.StringIO()
    call_command("import_artifacts", str(path), "--dry-run", "--no-progress", stdout=out)
    assert "Dry run of good.csv" in out.getvalue() and Artifact.objects.count() == 0


def test_a_file_says_what_its_source_did_not_publish_so_pages_tell_it_from_not_recorded(client):
    rows = [
        {**good_row(1), "description": "", "not_published": "dimensions; Condition; item count"},
        {**good_row(2), "not_published": "dimensions; weight"},
    ]
    report = do_import(csv_bytes(rows, [*HEADER, "not_published"]), dry_run=True)
    problems = [(p.row, p.column, p.message) for p in report.problems]
    assert problems == [
        (
            3,
            "not_published",
            "“weight” is not a detail a source can leave unpublished; use: description, item_count, materials, "
            "dimensions, condition, languages, recovery_date, recovery_place, recovery_circumstances, "
            "recovering_unit, current_custodian, provenance, verification_assessed_by, verification_statement.",
        )
    ]
    report = do_import(csv_bytes(rows[:1], [*HEADER, "not_published"]))
    assert report.ok, report.lines()
    artifact = Artifact.objects.get(title="Imported item 1")
    assert artifact.not_published == ["item_count", "dimensions", "condition"]  # in the order pages show them
    html = client.get(artifact.get_absolute_url()).content.decode()
    # Dimensions and condition: withheld by the source; the description was only left empty.
    assert html.count('<span class="not-published">') == 2
    assert re.search(r'<dt>Description</dt><dd><span class="not-recorded">not recorded</span>', html)
