"""The Ukrainian and Korean catalogs are complete, current and compiled.

CI fails when a message is untranslated or fuzzy, when `makemessages` would add a string
that is not in the catalogs (someone marked a new string and did not translate it), or
when a committed .mo file does not say what its .po says. The .mo files are committed so
that `make run` needs nothing but Python; `make messages` rebuilds both.
"""

import gettext
import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
IGNORED = [".venv/*", "tests/*", "bench/*", "var/*", "static/*"]  # as MESSAGES_OPTIONS in the Makefile


def catalog(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    po = catalog(code)
    assert len(po) > 0
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated in {code}: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {code}: {fuzzy[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_every_placeholder(code):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    wrong = []
    for entry in catalog(code).translated_entries():
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        expected = sorted(set(placeholder.findall(" ".join(sources))))
        for text in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            if sorted(set(placeholder.findall(text))) != expected:
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_compiled_catalog_says_what_the_po_says(code):
    with open(LOCALE / code / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalog(code).translated_entries():
        context = f"{entry.msgctxt}\x04" if entry.msgctxt else ""
        if entry.msgid_plural:
            assert compiled._catalog[(context + entry.msgid, 0)] == entry.msgstr_plural[0], entry.msgid
        else:
            assert compiled._catalog[context + entry.msgid] == entry.msgstr, entry.msgid


def test_makemessages_would_add_no_string(tmp_path, settings):
    if not shutil.which("xgettext"):
        if os.environ.get("REQUIRE_GETTEXT") == "1":
            pytest.fail("GNU gettext is required here: apt-get install gettext")
        pytest.skip("GNU gettext (xgettext) is not installed; CI runs this check.")
    # makemessages writes each source file's strings into the `locale` folder beside it, so
    # it runs in a copy of the project: the real catalogs are compared, never rewritten.
    project = tmp_path / "project"
    skipped = shutil.ignore_patterns(".git", ".venv", "tests", "bench", "var", "static", "node_modules", "__pycache__")
    shutil.copytree(settings.BASE_DIR, project, ignore=skipped)
    settings.LOCALE_PATHS = [project / "locale"]
    cwd = os.getcwd()
    os.chdir(project)
    try:
        call_command("makemessages", locale=LANGUAGES, verbosity=0, ignore_patterns=IGNORED, no_obsolete=True)
    finally:
        os.chdir(cwd)
    for code in LANGUAGES:
        current = {key(e) for e in catalog(code) if not e.obsolete}
        extracted_po = polib.pofile(str(project / "locale" / code / "LC_MESSAGES" / "django.po"))
        extracted = {key(e) for e in extracted_po if not e.obsolete}
        assert sorted(extracted - current) == [], f"strings marked but not in the {code} catalog (run make messages)"
        assert sorted(current - extracted) == [], f"strings in the {code} catalog no longer in the code"
