import pytest

from artifacts.models import Artifact
from artifacts.search import parse_terms
from tests.factories import ArtifactFactory, PhraseFactory, SerialNumberFactory, TextFactory

pytestmark = pytest.mark.django_db


def hits(query):
    return set(Artifact.objects.search(query).values_list("title", flat=True))


def test_terms_keep_quoted_phrases_and_drop_noise():
    assert parse_terms('  "You\'re all surrounded"  surrender. SURRENDER ') == ["you're all surrounded", "surrender"]
    assert parse_terms("x" * 10_000) == ["x" * 500]
    assert parse_terms("\x00") == []


def test_search_matches_children_case_insensitively_in_every_script():
    phrase = PhraseFactory(translation="Surrender.", artifact__title="Phrase list")
    PhraseFactory(artifact=phrase.artifact, position=99, original_text="Сдавайся! Ёлка")
    TextFactory(translation="I really miss you comrades.", artifact__title="Letter")
    assert hits("SURRENDER") == {"Phrase list"}
    assert hits("сдавайся") == {"Phrase list"}
    assert hits("елка") == {"Phrase list"}  # ё and е are the same letter for searching
    assert hits("comrades") == {"Letter"}
    assert hits("surrender comrades") == set()


def test_search_finds_serials_ignoring_spaces_dashes_and_case():
    SerialNumberFactory(value="AK 74-1234", artifact__title="Rifle")
    assert hits("ak741234") == {"Rifle"}
    assert hits("AK-74 1234") == {"Rifle"}


def test_search_text_follows_edits_and_deletions_of_children():
    text = TextFactory(translation="original wording", artifact__title="Letter")
    assert hits("original") == {"Letter"}
    text.translation = "new wording"
    text.save()
    assert hits("original") == set() and hits("new wording") == {"Letter"}
    text.delete()
    assert hits("wording") == set()


def test_internal_notes_and_personal_data_are_never_searchable():
    from artifacts.models import PersonalDatum

    artifact = ArtifactFactory(title="ID", internal_notes="secret staff note")
    PersonalDatum.objects.create(artifact=artifact, field="name", value="Kim Secretname")
    artifact.save()
    assert hits("secret") == set()
    assert hits("secretname") == set()
