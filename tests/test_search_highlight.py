"""Highlighted titles and snippets: escaped first, then marked, the same on every database."""

import pytest

from artifacts.search.highlight import Matcher, best_snippet, match_spans, snippet
from artifacts.search.query import parse
from tests.factories import PhraseFactory, SerialNumberFactory, TextFactory


def marks(text, query):
    return [text[start:end] for start, end in match_spans(text, Matcher.for_query(parse(query)))]


def test_stems_bigrams_aliases_and_serials_are_marked_where_they_occur():
    assert marks("You're all surrounded.", "surround") == ["surrounded"]
    assert marks("항복하라! 너희는 포위되었다.", "포위") == ["포위"]
    assert marks("항복하라! 너희는 포위되었다.", "포위되었다") == ["포위되었다"]
    assert marks("눈 덮인 숲에서", "숲") == ["숲"]  # one syllable of the bigram 숲에
    assert marks("Сдавайся! Ты окружён.", "sdavajsja") == ["Сдавайся"]
    assert marks("Сдавайся! Ты окружён.", "окружены") == ["окружён"]
    assert marks("Serial АК 15-190412", "0412") == ["190412"]
    assert marks("I really miss you comrades.", '"miss you"') == ["miss you"]
    assert marks("I really miss you comrades.", "-comrades") == []


def test_northern_text_is_marked_where_a_southern_query_matched():
    assert marks("조선로동당 만세!", "노동") == ["로동"]
    assert marks("분대장동지가 부상되여 후송되였다.", "부상되어") == ["부상되여"]
    assert marks("식량은 하루 세끼 량을 타서", "양") == ["량", "량"]  # 식량 holds 량 too


def test_runs_read_across_spaces_are_marked_in_the_original_text():
    assert marks("우리는 이길수 있다.", '"이길 수 있다"') == ["이길수 있다"]
    assert marks("역사 연구에 이용할 수 있다.", '"이용할수 있다"') == ["이용할 수 있다"]
    assert marks("이용할 수 있다", "할수") == ["할 수"]
    assert marks("목숨보다 귀중한것은 당이 준 총.", "총") == ["총"]  # the last word of a run
    # A romanized match marks the written word it was made from, not the whole run.
    assert marks("항복하라! 너희는 포위되었다.", "hangbok") == ["항복하라"]
    assert marks("조선로동당 만세! 로동자", "nodong") == ["조선로동당", "로동자"]


def test_text_is_escaped_before_it_is_marked():
    html = snippet(
        "<script>alert(1)</script> surrender & run",
        match_spans("<script>alert(1)</script> surrender & run", Matcher.for_query(parse("surrender"))),
    )
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>surrender</mark> &amp; run"
    assert marks("<b>rifle</b>", "b") == ["b", "b"]  # the tag's letters are text like any other


def test_long_texts_are_cut_around_the_first_match():
    text = "word " * 100 + "surrender now " + "word " * 100
    html = best_snippet([text], Matcher.for_query(parse("surrender")))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>surrender</mark>" in html and len(html) < 300


def test_the_value_with_most_matches_is_quoted():
    values = ["One drone.", "A drone and artillery and a drone again.", "Nothing."]
    assert "artillery" in best_snippet(values, Matcher.for_query(parse("drone artillery")))
    assert best_snippet(["Nothing here."], Matcher.for_query(parse("drone"))) is None


@pytest.mark.django_db
def test_catalog_shows_marked_titles_and_snippets_escaped(client):
    text = TextFactory(
        artifact__title="Letter <home>",
        translation="<script>alert('x')</script> We were surrounded near the river.",
    )
    PhraseFactory(translation="Surrender.", artifact__title="Phrase list")
    SerialNumberFactory(value="AK 74-001234", artifact__title="Rifle")
    html = client.get("/artifacts/", {"q": "surrounded OR surrender"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; We were <mark>surrounded</mark>" in html
    assert "Letter &lt;home&gt;" in html
    assert '<p class="snippet"><mark>Surrender</mark>.</p>' in html
    html = client.get("/artifacts/", {"q": "1234"}).content.decode()
    assert '<p class="snippet">AK 74-<mark>001234</mark></p>' in html
    # Without a search, cards show no snippet and no marks.
    html = client.get("/artifacts/").content.decode()
    assert "<mark>" not in html and 'class="snippet"' not in html
    assert text.artifact.title in html.replace("&lt;", "<").replace("&gt;", ">")
