"""Commands meant for curators report in the curator's language (artifacts.management.curator)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from artifacts.management.curator import language_from_environment
from artifacts.models import Language

EXAMPLES = Path(__file__).resolve().parent.parent / "artifacts" / "importing" / "examples"

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "uk_UA.UTF-8"}, "uk"),
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "uk_UA.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8"}, "ko"),  # the more specific one decides
        ({"LANG": "ko_KR.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "ru:uk:en", "LANG": "ru_RU.UTF-8"}, "uk"),  # GNU's list: the first the archive speaks
        ({"LANG": "de_DE@euro"}, "en"),
    ],
)
def test_the_language_comes_from_the_locale_as_a_unix_tool_reads_it(environ, expected):
    assert language_from_environment(environ) == expected


@pytest.fixture
def clean_locale(monkeypatch):
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_an_import_refused_at_a_ukrainian_terminal_says_why_in_ukrainian(clean_locale, tmp_path):
    clean_locale.setenv("LANG", "uk_UA.UTF-8")
    missing = tmp_path / "missing.csv"
    with pytest.raises(CommandError, match="не є файлом"):
        call_command("import_artifacts", str(missing))
    with pytest.raises(CommandError, match="은\\(는\\) 파일이 아닙니다"):
        call_command("import_artifacts", str(missing), language="ko")  # the option wins
    assert translation.get_language() == "en"  # and the process's language is left as it was


def test_a_dry_run_reports_in_korean_at_a_korean_terminal(db, clean_locale, capsys):
    for code, name in (("ko", "Korean"), ("ru", "Russian"), ("en", "English")):
        Language.objects.get_or_create(code=code, defaults={"name": name})
    clean_locale.setenv("LC_MESSAGES", "ko_KR.UTF-8")
    call_command(
        "import_artifacts",
        str(EXAMPLES / "example.csv"),
        photos=str(EXAMPLES / "photos"),
        dry_run=True,
        no_progress=True,
    )
    out = capsys.readouterr().out
    assert "example.csv 시험 실행: 2행 모두 올바릅니다." in out and "아무것도 저장하지 않았습니다." in out


def test_custody_reports_stay_english_whatever_the_locale(db, clean_locale, capsys):
    clean_locale.setenv("LANG", "uk_UA.UTF-8")
    call_command("verify_integrity")
    assert "All files, custody chains and the transparency log verified." in capsys.readouterr().out


def test_an_unknown_report_language_is_refused_plainly(clean_locale):
    with pytest.raises(CommandError, match="--language must be one of en, uk, ko, not fr"):
        call_command("import_artifacts", "rows.csv", language="fr")
