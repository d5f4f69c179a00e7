"""The one analyzer: text in, index tokens out — the same tokens for documents and queries,
on PostgreSQL and on SQLite. Neither database does any language processing of its own.

Normalisation: NUL and control characters dropped, Unicode NFKC (which also composes
Hangul jamo into syllables), case folding, and “ё” read as “е”, as Russian print does.

Words. Latin words are stemmed with the English Snowball stemmer and Cyrillic words with
the Russian one, so “surrounded” finds “surround” and “окружение” finds “окружены”’s stem.
Words holding a digit (AK-74, 1234) are kept as they are.

Korean: character bigrams, as Elasticsearch's CJK analyzer does. A run of Hangul (a word
with its particles and endings, written without spaces) is indexed as its overlapping
two-syllable pieces: 포위되었다 → 포위 위되 되었 었다. Most Korean words are two syllables, so
“포위” finds “포위되었다” and “항복” finds “항복하라”; a longer query must match all its
bigrams in a row. A one-syllable run is indexed as itself, and a one-syllable query matches
any piece that starts with it. Why not a morphological analyzer (kiwipiepy, MeCab-ko)?
They need a model or dictionary download that an archive server may not have, their
segmentation changes between versions (silently changing what a query finds), and they
fail on the Korean-in-Cyrillic and the soldier's own spelling this collection holds.
Bigrams need nothing, never miss a two-syllable word, and cost only some precision on
one-syllable queries. The same applies to Han characters and kana, as in Elasticsearch.

Korean as North Korea writes it. The collection is written in the North's spelling and
read by people who type the South's, so three differences are taken out of both sides:

* Spacing. The North writes together what the South spaces (할수 있다 / 할 수 있다,
  되여있다 / 되어 있다). Hangul words with only spaces or punctuation between them are read
  as one run, so “포위 되었다” gives 포위 위되 되었 었다 exactly as “포위되었다” does, and a
  quoted phrase ignores where either side put its spaces and commas. Digits, other scripts
  and the end of a field's value still end a run. A one-syllable word inside a run is also
  indexed alone, after the field's words, so that 총 still finds “당이 준 총.”. Latin aliases
  stay per written word: “hangbok” marks 항복하라, not the whole run around it.
* Initial ㄹ/ㄴ and 여/였 (korean.py): every word is folded to the South's spelling before
  it is bigrammed — 로동 → 노동, 리용 → 이용, 녀성 → 여성, 되였다 → 되었다 — each written word
  on its own, at index and at query time alike. The ㄹ/ㄴ fold applies to every syllable,
  not only the first of a bigram: folding only first syllables (cheaper) gives 조선로동당 the
  bigram 선로 but 조선노동당 선노, so a compound typed whole would never meet its other spelling.
  Aliases also carry the South's romanization, so “nodong” finds 로동당.

What this costs, measured on 2,488 two-syllable dictionary words (hunspell-ko) used as
queries against about 71,000 syllables of South Korean prose (a constitution, ten bills,
a software FAQ; one field value per line), where every extra match is a false one: the
folds alone let 4.4% of the queries find more (mean precision 0.983; 병력 meets 병역, 수입
meets 수립), folding first syllables only would have cost 1.3% (0.995); spacing alone
10.1% (0.959: 의자 meets “…의 자…”); all three together 13.7% (0.942). ㄴ before ㅣ is not
folded: for a few rare words (닉명/익명) it took the share of true matches among all
matches from 97% to 92% (합니다 meeting 합이다, 아니 meeting 아이). The cost falls on
two-syllable queries; a longer one must match all its bigrams in a row.

Cross-script forms. Every Cyrillic word and every Hangul word also gets a Latin “alias”
token (prefix `_`, see romanize.py): Cyrillic transliterated, Hangul romanized (every
suffix of the word from each syllable, written and spoken forms), folded so that common
spellings meet. A Latin query word is looked up among these aliases as a prefix, so
“hangbok” finds 항복하라 and “sdavajsja” finds сдавайся. Aliases sit after the words of a
field, so they never break a phrase.

Serial numbers and markings get tokens of their own (prefix `__`): the serial without
spaces, dashes and case (and with Cyrillic look-alike letters read as Latin, “АК” = “AK”),
plus every suffix of four characters or more. A query holding a digit is matched as a
prefix of those suffixes: that is, anywhere inside a serial (“1234” finds “AK-74 001234”).

Tokens only ever hold letters, digits and the `_` markers, so they pass through
PostgreSQL's tsvector syntax and SQLite's unicode61 tokenizer untouched.
"""

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from artifacts.search.korean import fold_initial, fold_word, fold_yeo
from artifacts.search.romanize import (
    fold_latin,
    is_cyrillic,
    is_hangul_syllable,
    romanizations,
    transliterate_cyrillic,
)

ALIAS = "_"  # Latin alias of a Cyrillic or Hangul word, or of a transliteration
SERIAL = "__"  # serial number or marking (and its suffixes)
GAP = "_"  # between separate values of a field, so a phrase cannot span two of them
MAX_TOKEN_LENGTH = 60
MAX_PIECE_LENGTH = 240  # longer “words” are pasted hashes or run-on lines, not searched
MIN_SERIAL_PART = 4  # the shortest part of a serial a query may give (“the last four digits”)
MAX_SERIAL_LENGTH = 40
MAX_ROMANIZED_SUFFIXES = 4  # of a Hangul run: compounds rarely have more parts

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A run of letters and digits in the original text (combining marks included, so that a
# decomposed й stays one word), with apostrophes inside words (you're, sdavat'sya).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a"
_SPAN = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:['’ʼ](?:[^\W_]|[{_MARKS}])+)*")
_CJK = "\uac00-\ud7a3\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_CHAR = rf"[^\W_{_CJK}]"
_PIECE = re.compile(rf"([{_CJK}]+)|({_WORD_CHAR}+(?:['’ʼ]{_WORD_CHAR}+)*)")
_APOSTROPHES = str.maketrans("", "", "'’ʼ")
# Cyrillic letters that look like Latin ones, as they appear in serials typed in Russian.
_LOOKALIKES = str.maketrans("авекмнорстухіјѕ", "abekmhopctyxijs")


def normalize(text: str) -> str:
    """NFKC, case-folded, ё → е, without NUL or control characters."""
    text = _CONTROL.sub(" ", text or "")
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")


@dataclass(frozen=True)
class Piece:
    """One word or one CJK run, normalised, with its span in the original text. A Korean
    run read across spaces keeps the written words it was joined from, with their spans."""

    text: str
    cjk: bool
    start: int
    end: int
    parts: tuple["Piece", ...] = ()

    @property
    def words(self) -> tuple["Piece", ...]:
        """The written words of this piece: itself, or those of a joined Korean run."""
        return self.parts or (self,)


def _joins(before, after) -> bool:
    """Whether two written pieces, with nothing but spaces or punctuation between them,
    are read as one Korean run: both CJK, meeting in two Hangul syllables."""
    return before.cjk and after.cjk and is_hangul_syllable(before.text[-1]) and is_hangul_syllable(after.text[0])


def pieces(text: str) -> Iterator[Piece]:
    """The words and CJK runs of `text`, each normalised on its own so that its span in
    the original text stays known (for highlighting). Hangul words separated only by
    spaces or punctuation come as one run, its written words in `parts`."""
    run: list[Piece] = []
    for piece in written_pieces(text):
        if run and not _joins(run[-1], piece):
            yield _joined(run)
            run = []
        if piece.cjk:
            run.append(piece)
        else:
            yield piece
    if run:
        yield _joined(run)


def _joined(run: list[Piece]) -> Piece:
    if len(run) == 1:
        return run[0]
    return Piece("".join(piece.text for piece in run), True, run[0].start, run[-1].end, tuple(run))


def written_pieces(text: str) -> Iterator[Piece]:
    """The words and CJK runs of `text` as written: a space always ends a piece."""
    for span in _SPAN.finditer(text or ""):
        original = span.group()
        if original.isascii():
            if "'" not in original:  # the common case, without the regular expression below
                if len(original) <= MAX_PIECE_LENGTH:
                    yield Piece(original.lower(), False, span.start(), span.end())
                continue
            normalized = original.lower()
        else:
            # As normalize(), less what a span cannot hold (control characters).
            normalized = unicodedata.normalize("NFKC", original).casefold().replace("ё", "е")
        # Offsets inside the span are exact unless normalising changed its length (ß → ss).
        exact = len(normalized) == len(original)
        for match in _PIECE.finditer(normalized):
            cjk, word = match.groups()
            piece = cjk or word.translate(_APOSTROPHES)
            if len(piece) > MAX_PIECE_LENGTH:
                continue  # not a word: a pasted hash or a run-on line
            start, end = (span.start() + match.start(), span.start() + match.end()) if exact else span.span()
            yield Piece(piece, bool(cjk), start, end)


_local = threading.local()


def _stemmer(language: str):
    # Snowball stemmers keep state while stemming a word: one per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(language)
    return stemmers[language]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of a normalised word: Russian for Cyrillic, English for Latin; words with
    digits or in other scripts as they are."""
    if any(c.isdigit() for c in word):
        stemmed = word
    elif any(is_cyrillic(c) for c in word):
        stemmed = _stemmer("russian").stemWord(word)
    elif all(c < "\u0250" for c in word):
        stemmed = _stemmer("english").stemWord(word)
    else:
        stemmed = word
    return (stemmed or word)[:MAX_TOKEN_LENGTH]


def cjk_tokens(run: str) -> list[str]:
    """Overlapping bigrams of a CJK run; a single character stands for itself."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=100_000)
def run_tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    """The bigrams of a Korean run given as its written words: each word folded to the
    Southern spelling on its own (korean.py), then the run read as one."""
    return tuple(cjk_tokens("".join(fold_word(word) for word in words)))


def main_tokens(piece: Piece) -> list[str]:
    if piece.cjk:
        return list(run_tokens(tuple(word.text for word in piece.words)))
    return [stem(piece.text)]


@lru_cache(maxsize=100_000)
def alias(word: str) -> str:
    """The folded Latin form of a word, whatever its script (empty if it has no letters)."""
    if any(is_cyrillic(c) for c in word):
        word = transliterate_cyrillic(word)
    folded = fold_latin(word)[:MAX_TOKEN_LENGTH]
    return ALIAS + folded if folded else ""


@lru_cache(maxsize=100_000)
def hangul_aliases(word: str) -> tuple[str, ...]:
    """Romanized forms of each suffix of a written Hangul word of two or more syllables,
    as written and as the South spells it (로동당 also as 노동당: “nodongdang”)."""
    if len(word) < 2 or not all(is_hangul_syllable(c) for c in word):
        return ()
    southern = fold_yeo(word)
    tokens = []
    for start in range(min(len(word) - 1, MAX_ROMANIZED_SUFFIXES)):
        suffix, southern_suffix = word[start:], fold_initial(southern[start]) + southern[start + 1 :]
        spellings = romanizations(suffix)
        if southern_suffix != suffix:
            spellings |= romanizations(southern_suffix)
        tokens += [ALIAS + fold_latin(spelling)[:MAX_TOKEN_LENGTH] for spelling in sorted(spellings)]
    return tuple(dict.fromkeys(tokens))


@lru_cache(maxsize=100_000)
def word_extras(word: str, joined: bool) -> tuple[str, ...]:
    """What a written Hangul word adds after a field's words: its Latin aliases, and, when
    it is a one-syllable word read into a longer run, itself (the run's bigrams may all
    start elsewhere: 총 in “적의 총”), as a one-syllable run is indexed."""
    return hangul_aliases(word) + ((fold_word(word),) if joined and len(word) == 1 else ())


def alias_tokens(piece: Piece, *, latin: bool) -> list[str]:
    """Cross-script aliases of one piece. Latin words get one only when `latin` (a field
    that holds a transliteration), since their own tokens already serve Latin queries."""
    if piece.cjk:
        joined = len(piece.words) > 1
        return [token for word in piece.words for token in word_extras(word.text, joined)]
    if any(is_cyrillic(c) for c in piece.text) or latin:
        token = alias(piece.text)
        return [token] if token else []
    return []


def serial_key(text: str) -> str:
    """A serial number or marking without separators or case; Cyrillic look-alikes as Latin."""
    text = normalize(text).translate(_LOOKALIKES)
    return "".join(c for c in text if c.isalnum())[:MAX_SERIAL_LENGTH]


def serial_tokens(value: str, *, partial: bool = True) -> list[str]:
    """The whole serial, and (when `partial`) every suffix of MIN_SERIAL_PART or more."""
    key = serial_key(value)
    if not key:
        return []
    tokens = [SERIAL + key]
    if partial:
        tokens += [SERIAL + key[i:] for i in range(1, len(key) - MIN_SERIAL_PART + 1)]
    return tokens


_MARKING_PARTS = re.compile(r"[\n;,]+")


def marking_tokens(text: str) -> list[str]:
    """Serial tokens for the numbered parts of free-text markings (“No. 12 345; 1984”)."""
    tokens = []
    for part in _MARKING_PARTS.split(text or ""):
        candidates = [part, *part.split()]
        for candidate in candidates:
            if any(c.isdigit() for c in candidate):
                tokens += serial_tokens(candidate)
    return tokens


@dataclass
class Analysis:
    """The tokens of one field's values: words in order, then aliases and serials."""

    main: list[str]
    extra: list[str]


@lru_cache(maxsize=200_000)
def _span_pieces(span: str, latin: bool) -> tuple[tuple[str, bool, tuple[str, ...], tuple[str, ...]], ...]:
    """(text, is CJK, tokens, aliases) of each written piece of a span; a CJK piece's
    tokens wait for the run it belongs to."""
    return tuple(
        (piece.text, piece.cjk, (), ()) if piece.cjk else (piece.text, False, *_word_tokens(piece, latin))
        for piece in written_pieces(span)
    )


def _word_tokens(piece: Piece, latin: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(main_tokens(piece)), tuple(alias_tokens(piece, latin=latin))


def analyze(text: str, *, latin_aliases: bool = False) -> Analysis:
    """The tokens of `text`: exactly those of its pieces() in order, computed once per
    distinct word (texts repeat their words, and collections even more)."""
    main, extra = [], []
    run: list[str] = []  # the written words of the Korean run being read

    def close_run():
        main.extend(run_tokens(tuple(run)))
        for word in run:
            extra.extend(word_extras(word, len(run) > 1))
        run.clear()

    for span in _SPAN.findall(text or ""):
        for word, cjk, words, aliases in _span_pieces(span, latin_aliases):
            if run and not (cjk and is_hangul_syllable(run[-1][-1]) and is_hangul_syllable(word[0])):
                close_run()
            if cjk:
                run.append(word)
            else:
                main += words
                extra += aliases
    if run:
        close_run()
    return Analysis(main, extra)
