"""The analyzer, romanization and query parser on their own: no database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from artifacts.search.analyzer import (
    alias_tokens,
    analyze,
    main_tokens,
    normalize,
    pieces,
    serial_key,
    serial_tokens,
    stem,
)
from artifacts.search.backends import PostgresBackend, SQLiteBackend
from artifacts.search.document import Document
from artifacts.search.query import MAX_QUERY_LENGTH, MAX_TERMS, Seq, parse
from artifacts.search.romanize import fold_latin, romanize_hangul, romanize_hangul_spoken, transliterate_cyrillic


def main(text):
    return analyze(text).main


def test_normalisation_folds_case_width_yo_and_composes_hangul():
    assert normalize("ЁЛКА Ёж") == "елка еж"
    assert normalize("ＡＫ－７４") == "ak-74"
    decomposed = "\u1111\u1169\u110b\u1171"  # 포위 written as separate jamo
    assert normalize(decomposed) == "포위"
    assert normalize("a\x00b\x07c") == "a b c"


def test_english_and_russian_words_are_stemmed():
    assert main("Surrounded surrender comrades") == ["surround", "surrend", "comrad"]
    assert main("Окружены окружение") == ["окруж", "окружен"]
    assert stem("сдавайся") == stem("Сдавайся".casefold())
    assert main("AK-74 1234") == ["ak", "74", "1234"]  # words with digits are not stemmed


def test_hangul_runs_become_bigrams_and_single_syllables_stay_whole():
    assert main("포위되었다") == ["포위", "위되", "되었", "었다"]
    assert main("항복하다!") == ["항복", "복하", "하다"]
    assert main("눈") == ["눈"]
    # A Hangul run inside a Latin word is still split off as Korean.
    assert main("ak포위") == ["ak", "포위"]


# North and South Korean spelling ----------------------------------------------------------


@pytest.mark.parametrize(
    ("northern", "southern"),
    [
        ("로동", "노동"),
        ("리용", "이용"),
        ("녀자", "여자"),
        ("력사", "역사"),
        ("래일", "내일"),
        ("량", "양"),
        ("료리", "요리"),
        ("뢰성", "뇌성"),
        ("륙군", "육군"),
        ("조선로동당", "조선노동당"),  # inside a compound, where the South also drops it
        ("되였다", "되었다"),
        ("되여", "되어"),
        ("개였다", "개었다"),
        ("기여가다", "기어가다"),
        ("희였다", "희었다"),
        ("학생이였다", "학생이었다"),
    ],
)
def test_northern_and_southern_spellings_give_the_same_tokens(northern, southern):
    assert main(northern) == main(southern)
    assert words(parse(northern).groups[0][0]) == words(parse(southern).groups[0][0])


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("노동", "도동"),  # only ㄹ and ㄴ fold …
        ("래일", "애일"),  # … ㄹ before ㅐ to ㄴ, not to ㅇ
        ("이용", "기용"),
        ("노래", "오래"),  # ㄴ before ㅗ is kept in both spellings
        ("하였다", "하었다"),  # 여/였 fold after ㅣ ㅐ ㅔ ㅚ ㅟ ㅢ only
        ("되였다", "되엿다"),
        ("내렸다", "내었다"),  # came down, put out: the 여 fold comes before the ㄹ fold
        ("이 여성", "이 어성"),  # never across a space: 여성 is a word, not an ending
    ],
)
def test_folding_keeps_other_words_apart(one, other):
    assert main(one) != main(other)


def test_every_syllable_folds_which_costs_some_medial_syllables():
    # The price of folding without a dictionary, measured in analyzer.py's docstring …
    assert main("병력") == main("병역")
    assert main("항복하라") == main("항복하나")
    # … and why ㄴ before ㅣ is not folded: 합니다 is no 합이다, 아니 (not) no 아이 (child).
    assert main("합니다") != main("합이다")
    assert main("아니") != main("아이")


def test_spacing_and_punctuation_between_hangul_words_do_not_change_the_tokens():
    assert main("포위 되었다") == main("포위되었다") == ["포위", "위되", "되었", "었다"]
    assert main("할 수 있다") == main("할수 있다") == main("할수있다")
    assert main("항복하라! 너희는") == main("항복하라 너희는") == main("항복하라너희는")
    assert main("되여 있다") == main("되어있다")
    # Digits and other scripts still end a run, as separate values of a field do.
    assert main("제3군단") == ["제", "3", "군단"]
    assert main("포위 AK 되었다") == ["포위", "ak", "되었", "었다"]


def test_a_one_syllable_word_inside_a_run_is_also_indexed_alone():
    analysis = analyze("당이 준 총.")
    assert analysis.main == ["당이", "이준", "준총"]
    assert {"준", "총"} <= set(analysis.extra)  # 총 starts no bigram
    assert "이" not in analysis.extra  # a word of two syllables is not split
    assert analyze("총").extra == []  # alone, a syllable is its own token already


def test_romanized_aliases_stay_per_written_word_and_include_the_southern_spelling():
    def aliases(text):
        return set(analyze(text).extra)

    def latin(*spellings):
        return {"_" + fold_latin(spelling) for spelling in spellings}

    assert latin("rodongdang", "nodongdang", "manse", "powi") <= aliases("조선로동당 만세! 포위 되었다")
    assert not any(token.startswith(tuple(latin("powidoe"))) for token in aliases("포위 되었다"))
    assert latin("doeeotda") <= aliases("되였다")


def test_a_run_read_across_spaces_keeps_its_written_words_and_their_spans():
    text = "적의 총. 1 리용"
    found = list(pieces(text))
    assert [p.text for p in found] == ["적의총", "1", "리용"]
    assert [(w.text, text[w.start : w.end]) for w in found[0].words] == [("적의", "적의"), ("총", "총")]
    assert text[found[0].start : found[0].end] == "적의 총"
    assert found[2].words == (found[2],)


hangul_texts = st.text(alphabet=st.sampled_from("로동리용녀되였여어개 이총.,!-a1Ж"), max_size=40)


@given(hangul_texts)
def test_analyze_gives_exactly_the_tokens_of_the_pieces(text):
    # analyze() reads spans once per distinct word for speed; the query and highlighting
    # read pieces(): the two must never disagree.
    found = list(pieces(text))
    analysis = analyze(text)
    assert analysis.main == [token for piece in found for token in main_tokens(piece)]
    assert analysis.extra == [token for piece in found for token in alias_tokens(piece, latin=False)]


def test_apostrophes_join_words_and_every_token_is_safe_for_both_databases():
    assert main("You're all surrounded") == ["your", "all", "surround"]
    hostile = "'; DROP TABLE x; -- \"NEAR(a b)\" * ^ : {col} ‘quoted’ \\ 포위' '"
    for token in analyze(hostile, latin_aliases=True).main + analyze(hostile, latin_aliases=True).extra:
        assert all(c.isalnum() or c == "_" for c in token), token


def test_revised_romanization_written_and_spoken():
    assert romanize_hangul("항복") == "hangbok"
    assert romanize_hangul("포위되었다") == "powidoeeotda"
    assert romanize_hangul_spoken("합니다") == "hamnida"
    assert romanize_hangul_spoken("읽어") == "ilgeo"
    assert romanize_hangul_spoken("신라") == "silla"
    assert romanize_hangul_spoken("대통령") == "daetongnyeong"
    assert romanize_hangul_spoken("항복하라") == "hangbokara"


@pytest.mark.parametrize(
    ("cyrillic", "spellings"),
    [
        ("сдавайся", ["sdavaysya", "sdavajsja", "sdavaisya", "Sdavaysia"]),
        ("окружены", ["okruzheny", "okruženy", "okruzeny"]),
        ("Суджа", ["Sudzha", "Sudja", "Sudža"]),
        ("Курская", ["Kurskaya", "Kurskaja", "Kurskaia"]),
        ("хангбок", ["khangbok", "hangbok"]),
    ],
)
def test_common_latin_spellings_of_russian_fold_to_one_key(cyrillic, spellings):
    key = fold_latin(transliterate_cyrillic(normalize(cyrillic)))
    assert {fold_latin(spelling) for spelling in spellings} == {key}


def test_romanized_korean_and_mccune_reischauer_meet():
    assert fold_latin("chŏhang") == fold_latin("cheohang")
    assert fold_latin("p'owi") == fold_latin("powi")


def test_serials_ignore_separators_case_and_cyrillic_lookalikes():
    assert serial_key("АК-74 / 1234") == serial_key("ak741234") == "ak741234"
    tokens = serial_tokens("AK 74-1234")
    assert tokens[0] == "__ak741234"
    assert "__1234" in tokens and "__741234" in tokens
    assert "__234" not in tokens  # parts are at least four characters


def test_spans_point_into_the_original_text_for_highlighting():
    text = "Вы ОКРУЖЕНЫ! 포위되었다"
    found = [(p.text, text[p.start : p.end]) for p in pieces(text)]
    assert found == [("вы", "Вы"), ("окружены", "ОКРУЖЕНЫ"), ("포위되었다", "포위되었다")]


# Query syntax -----------------------------------------------------------------------------


def words(term):
    return term.words.tokens


def test_words_phrases_or_and_exclusion():
    query = parse('"You\'re all surrounded" surrender OR сдавайся -futile -"new year"')
    assert [[words(t) for t in group] for group in query.groups] == [
        [("your", "all", "surround")],
        [("surrend",), ("сдава",)],
    ]
    assert [words(t) for t in query.excluded] == [("futil",), ("new", "year")]


def test_typographic_quotes_and_guillemets_make_phrases():
    assert words(parse("“all surrounded”").groups[0][0]) == ("all", "surround")
    assert words(parse("„all surrounded“").groups[0][0]) == ("all", "surround")
    # Russian and Ukrainian quote with guillemets: «…» is a phrase, as "…" is.
    ru = parse("«Руки вверх» сдавайся")
    assert [words(group[0]) for group in ru.groups] == [("рук", "вверх"), ("сдава",)]
    assert [words(t) for t in parse("-«руки вверх»").excluded] == [("рук", "вверх")]


@pytest.mark.parametrize("raw", ["«rif*", "rifle «rif*", '"rif*', "„rif*", "«  rif*", "-«rif*"])
def test_a_quote_never_closed_is_punctuation_and_keeps_the_prefix_star(raw):
    query = parse(raw)
    term = (query.excluded if raw.startswith("-") else query.groups[-1])[-1]
    assert term.words == Seq(("rif",), prefix=True)


def test_an_unbalanced_quote_does_not_turn_the_rest_into_a_phrase():
    assert [words(group[0]) for group in parse('rifle "all surrounded').groups] == [
        ("rifl",),
        ("all",),
        ("surround",),
    ]


def test_lowercase_or_is_a_word_and_dangling_or_is_ignored():
    assert len(parse("rifle or knife").groups) == 3
    assert len(parse("OR rifle OR").groups) == 1


def test_operators_of_the_databases_are_plain_text():
    query = parse('NEAR(rifle knife) title:x AND "*" ^ + {a}')
    tokens = [words(t) for group in query.groups for t in group]
    assert tokens == [("near", "rifl"), ("knife",), ("titl", "x"), ("and",), ("a",)]


@pytest.mark.parametrize("raw", ["", "   ", "*", '"', '""', "-", "- -", "()", "\x00", "NOT", "^"])
def test_queries_with_nothing_searchable_are_empty_or_harmless(raw):
    query = parse(raw)
    assert query.is_empty or all(words(t) for group in query.groups for t in group)


def test_long_queries_are_capped():
    query = parse("word " * 10_000)
    assert len(query.groups) == 1  # one distinct term, repeated
    assert len(parse(" ".join(f"w{n}" for n in range(100))).groups) == MAX_TERMS
    # A run-on string is not a word: the words before it are still searched.
    assert [words(g[0]) for g in parse("surrender " + "x" * 100_000).groups] == [("surrend",)]
    assert parse("x" * 100_000).is_empty
    long_phrase = '"' + "word " * MAX_QUERY_LENGTH + '"'
    assert len(parse(long_phrase).groups[0][0].text) <= MAX_QUERY_LENGTH


def test_alternatives_cover_aliases_serials_and_hangul():
    surrender = parse("hangbok").groups[0][0]
    assert ("_hangbok",) in [seq.tokens for seq in surrender.alternatives]
    serial = parse("1234").groups[0][0]
    assert any(seq.tokens == ("__1234",) and seq.prefix for seq in serial.alternatives)
    one_syllable = parse("눈").groups[0][0]
    assert one_syllable.words.prefix
    assert parse("AK 74 1234").serial.tokens == ("__ak741234",)
    assert parse('"AK 74" 1234').serial is None


def test_both_backends_quote_every_token():
    query = parse('"all surrounded" 포위 -futile OR x')
    assert SQLiteBackend().expression(query).count('"') % 2 == 0
    assert "NEAR" not in SQLiteBackend().expression(parse("NEAR(a b)"))
    assert PostgresBackend().expression(parse("a")).startswith("(")


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_any_input_parses_to_well_formed_expressions(raw):
    query = parse(raw)
    for backend in (SQLiteBackend(), PostgresBackend()):
        if query.has_positive:
            expression = backend.expression(query)
            assert expression.count("(") == expression.count(")")


def test_a_document_has_one_token_string_per_weight():
    document = Document("a", "b", "c", "d")
    assert document.as_dict() == {"title": "a", "body": "b", "description": "c", "notes": "d"}
