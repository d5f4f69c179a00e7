"""The languages a record can name, there from the first migrate (migration 0024): a new
archive imports rows in Korean, Russian and English without anyone typing languages in."""

import importlib
import io
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from artifacts.importing import run_import
from artifacts.language_tags import validate_language_tag
from artifacts.models import Artifact, Language

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "artifacts" / "importing" / "examples"
MIGRATION = importlib.import_module("artifacts.migrations.0024_language_codes")


@pytest.fixture
def import_bench():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        yield importlib.import_module("import_bench")
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_a_freshly_migrated_archive_imports_the_example_files(tmp_path):
    # Nothing here creates a language: the test database is what `migrate` made.
    for name in ("example.csv", "example.json"):
        out = io.StringIO()
        call_command(
            "import_artifacts", str(EXAMPLES / name), "--photos", str(EXAMPLES / "photos"), "--no-progress", stdout=out
        )
        assert "created" in out.getvalue(), out.getvalue()
    phrase_list = Artifact.objects.filter(title__startswith="Example: phrase list").first()
    assert sorted(phrase_list.languages.values_list("code", flat=True)) == ["ko", "ru"]


def test_the_benchmark_rows_in_korean_russian_and_english_import(import_bench):
    report = run_import(io.BytesIO(import_bench.new_rows(30)), name="bench.csv")
    assert report.ok, report.lines()
    numbers = list(Artifact.objects.values_list("accession_number", flat=True))
    report = run_import(io.BytesIO(import_bench.update_rows(numbers)), name="update.csv")
    assert report.ok, report.lines()
    assert {a.languages.count() for a in Artifact.objects.prefetch_related("languages")} == {3}
    assert set(Language.objects.filter(artifact__isnull=False).values_list("name", flat=True)) == {
        "Korean",
        "Russian",
        "English",
    }


def test_every_iso_639_1_code_and_the_archives_three_letter_codes_are_there():
    codes = dict(Language.objects.values_list("code", "name"))
    assert len(MIGRATION.ISO_639_1) == 184 and all(len(code) == 2 for code, _ in MIGRATION.ISO_639_1)
    assert all(len(code) == 3 for code, _ in MIGRATION.ISO_639_3)
    for code, name in MIGRATION.ISO_639_1 + MIGRATION.ISO_639_3:
        validate_language_tag(code)  # the tags pages put into lang attributes
        assert codes[code] == name
    assert (codes["uk"], codes["ko"], codes["crh"], codes["sah"]) == (
        "Ukrainian",
        "Korean",
        "Crimean Tatar",
        "Yakut (Sakha)",
    )


def test_languages_an_archive_already_has_are_kept_as_they_are():
    Language.objects.all().delete()
    Language.objects.create(code="KO", name="Korean (as our curators call it)")
    Language.objects.create(code="ko-Latn", name="Korean, romanized")
    MIGRATION.add_languages(apps, None)
    assert Language.objects.get(code__iexact="ko").name == "Korean (as our curators call it)"
    assert Language.objects.count() == len(MIGRATION.ISO_639_1) + len(MIGRATION.ISO_639_3) + 1
    MIGRATION.add_languages(apps, None)  # a second run adds nothing
    assert Language.objects.count() == len(MIGRATION.ISO_639_1) + len(MIGRATION.ISO_639_3) + 1


def test_the_migration_carries_its_own_list():
    # Frozen: no import of live code whose later edits would rewrite history.
    source = Path(MIGRATION.__file__).read_text()
    assert "from artifacts" not in source and "import artifacts" not in source


def test_an_unknown_code_is_answered_with_the_nearest_known_ones_not_all_two_hundred():
    header = "title,artifact_type,languages\n"
    rows = "Phrase list,phrase_list,kor\nLetter,handwritten,Russian\nBooklet,booklet,qqx\n"
    report = run_import(io.BytesIO((header + rows).encode()), name="languages.csv")
    text = "\n".join(report.lines())
    assert not report.ok
    assert "unknown language code “kor” (did you mean ko" in text
    assert "unknown language code “Russian” (did you mean ru" in text
    assert "unknown language code “qqx” (not an ISO 639 code the archive knows; add it in the admin)" in text
    assert "aa, ab" not in text  # the list of every code is not printed
    assert not Artifact.objects.exists()
