"""Language tags on what the archive holds: validated where typed, in `lang` where shown."""

import pytest
from django.core.exceptions import ValidationError

from artifacts.choices import ArtifactType
from artifacts.language_tags import validate_language_tag, with_script
from artifacts.models import ObjectDetails
from tests.factories import ArtifactFactory, PhraseFactory, TextFactory


@pytest.mark.parametrize("tag", ["ko", "ru", "uk", "en", "ko-Latn", "ko-Cyrl", "en-GB", "zh-Hant-TW", "es-419", ""])
def test_well_formed_tags_are_accepted(tag):
    validate_language_tag(tag)


@pytest.mark.parametrize("tag", ["Korean", "ko_KR", "k", "ko-", "ko-Latn-", '"><script>', "ko Latn", "ko-Latin1x9999"])
def test_anything_else_is_refused_with_an_example(tag):
    with pytest.raises(ValidationError, match="is not a language tag. Use a BCP 47 code such as ko"):
        validate_language_tag(tag)


def test_a_transliteration_is_tagged_with_its_language_and_script():
    assert with_script("ko", "Latn") == "ko-Latn"
    assert with_script("ko-KP", "Cyrl") == "ko-Cyrl"
    assert with_script("ko", "") == "ko"
    assert with_script("", "Latn") == ""  # a script alone tells a screen reader nothing


@pytest.mark.django_db
def test_the_record_page_marks_each_text_with_its_language(client):
    artifact = ArtifactFactory(artifact_type=ArtifactType.PHRASE_LIST)
    PhraseFactory(
        artifact=artifact,
        position=1,
        original_text="항복하라",
        original_language="ko",
        transliteration="hangbokhara",
        transliteration_script="Latn",
        translation="Surrender!",
    )
    TextFactory(artifact=artifact, original_text="С Новым годом", original_language="ru", translation="Happy New Year")
    ObjectDetails.objects.create(artifact=artifact, markings="주체112", markings_language="ko")

    page = client.get(artifact.get_absolute_url()).content.decode()

    assert '<span lang="ko">항복하라</span>' in page
    assert '<span lang="ko-Latn">hangbokhara</span>' in page
    assert '“<span lang="en">Surrender!</span>”' in page
    assert '<div class="transcription" lang="ru">С Новым годом</div>' in page
    assert '<span class="markings" lang="ko">주체112</span>' in page


@pytest.mark.django_db
def test_a_phrase_without_a_known_language_has_no_lang_rather_than_a_wrong_one(client):
    artifact = ArtifactFactory(artifact_type=ArtifactType.PHRASE_LIST)
    PhraseFactory(artifact=artifact, position=1, original_text="항복하라", transliteration="hangbokhara")

    page = client.get(artifact.get_absolute_url()).content.decode()

    assert "<span>항복하라</span>" in page and "<span>hangbokhara</span>" in page
