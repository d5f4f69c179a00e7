"""What a researcher types, parsed into what the index is asked.

The syntax is the one web search taught everyone: words (all must occur), "quoted
phrases" (in that order; „…“, “…” and «…» too, as Ukrainian and Russian quote), OR
between two items (either may occur), and -word or -"phrase" to exclude. Nothing else is
an operator: `*` after a word asks for words that start with it, and anything else —
FTS5 or tsquery syntax, a quote never closed, NEAR(, NUL bytes — is plain text, reduced
by the analyzer to the letters and digits it holds. The query never reaches a database
as syntax: the backends quote every token themselves.

Each word or phrase becomes a Term with alternatives, any of which may match: its words
in a row (stemmed, CJK as bigrams), its Latin alias (“hangbok” → romanized Hangul and
transliterated Cyrillic), and, when it holds a digit, a serial number containing it.
"""

from dataclasses import dataclass

from artifacts.search.analyzer import (
    ALIAS,
    MIN_SERIAL_PART,
    SERIAL,
    alias,
    main_tokens,
    normalize,
    pieces,
    serial_key,
)
from artifacts.search.romanize import fold_latin, is_hangul_syllable, romanizations

MAX_QUERY_LENGTH = 500  # characters; the rest of a pasted page is ignored
MAX_TERMS = 12
MAX_PHRASE_TOKENS = 24
MIN_ALIAS_PREFIX = 4  # a shorter Latin word must match an alias whole
OPENING_QUOTES = '"“„«'
CLOSING_QUOTES = '"”“»'


@dataclass(frozen=True)
class Seq:
    """Tokens that must occur in a row; with `prefix`, the last one may be longer."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Term:
    text: str  # as typed, normalised
    alternatives: tuple[Seq, ...]

    @property
    def words(self) -> Seq:
        return self.alternatives[0]


@dataclass(frozen=True)
class SearchQuery:
    groups: tuple[tuple[Term, ...], ...] = ()  # every group must match; any term of a group
    excluded: tuple[Term, ...] = ()  # none may match
    serial: Seq | None = None  # the whole query read as one serial number (“AK 74 1234”)

    @property
    def has_positive(self) -> bool:
        return bool(self.groups or self.serial)

    @property
    def is_empty(self) -> bool:
        return not (self.groups or self.excluded or self.serial)

    @property
    def terms(self) -> list[Term]:
        """The terms that should be highlighted in results (not the excluded ones)."""
        return [term for group in self.groups for term in group]


# Russian case and number endings as they look after fold_latin (ы, й → i; я → ia …).
# A Latin query cannot be stemmed with the Russian stemmer, so a long word loses its
# ending instead and is matched as a prefix: “okruzheny” then finds “окружён” as well.
_RUSSIAN_ENDINGS = (  # longest first
    "iami", "ami", "iah", "ogo", "ego", "omu", "emu", "imi", "ah", "oi", "ei", "ii", "ia", "iu", "ie",
    "om", "em", "ov", "ev", "i", "a", "u", "e", "o",
)  # fmt: skip
MIN_STRIPPED_LENGTH = 7  # shorter words keep their ending: too little would be left
MIN_STEM_LENGTH = 5


def _without_ending(folded: str) -> str:
    if len(folded) >= MIN_STRIPPED_LENGTH:
        for ending in _RUSSIAN_ENDINGS:
            if folded.endswith(ending) and len(folded) - len(ending) >= MIN_STEM_LENGTH:
                return folded[: -len(ending)]
    return folded


def is_hangul_run(text: str) -> bool:
    return all(is_hangul_syllable(c) for c in text)


def term_for(text: str, *, phrase: bool = False) -> Term | None:
    """The alternatives for one word or phrase, or None if it holds nothing searchable."""
    prefix = not phrase and text.endswith("*")
    found = list(pieces(text))
    if not found:
        return None
    words = [token for piece in found for token in main_tokens(piece)][:MAX_PHRASE_TOKENS]
    one_syllable = len(found) == 1 and found[0].cjk and len(found[0].text) == 1
    alternatives = [Seq(tuple(words), prefix=(prefix and len(words) == 1) or one_syllable)]
    if len(found) == 1:
        piece = found[0]
        if piece.cjk:
            # Cyrillic or Latin spellings of the same Korean word, written whole.
            spellings = romanizations(piece.text) if len(piece.text) > 1 and is_hangul_run(piece.text) else ()
            alternatives += [Seq((ALIAS + fold_latin(s),)) for s in sorted(spellings)]
        elif any(c.isalpha() for c in piece.text):
            token = alias(piece.text)
            if len(token) > len(ALIAS):
                token = ALIAS + _without_ending(token[len(ALIAS) :])
                alternatives.append(Seq((token,), prefix=len(token) - len(ALIAS) >= MIN_ALIAS_PREFIX))
    key = serial_key(text)
    if len(key) >= MIN_SERIAL_PART and any(c.isdigit() for c in key):
        alternatives.append(Seq((SERIAL + key,), prefix=True))
    return Term(normalize(text).strip(), tuple(dict.fromkeys(alternatives)))


def _items(raw: str):
    """Yield ("OR", None, None) or (text, is_phrase, is_negated) in the order typed."""
    i, n = 0, len(raw)
    while i < n:
        if raw[i].isspace():
            i += 1
            continue
        negated = raw[i] == "-" and i + 1 < n and not raw[i + 1].isspace()
        if negated:
            i += 1
        if raw[i] in OPENING_QUOTES:
            end = next((j for j in range(i + 1, n) if raw[j] in CLOSING_QUOTES), None)
            if end is not None:
                yield raw[i + 1 : end], True, negated
                i = end + 1
                continue
            # A quote that is never closed opens nothing: it is punctuation, as in a
            # pasted «rif* or a half-typed "surrender (a stray quote must not turn the rest
            # of the query into a phrase and silently drop its `*`).
            i += 1
            if i == n or raw[i].isspace():
                continue
        j = i
        while j < n and not raw[j].isspace() and raw[j] not in OPENING_QUOTES:
            j += 1
        word = raw[i:j]
        i = j
        if word == "OR" and not negated:
            yield "OR", None, None
        else:
            yield word, False, negated


def parse(raw: str | None) -> SearchQuery:
    """Parse a query as typed. Never raises; anything unsearchable is dropped."""
    raw = (raw or "")[:MAX_QUERY_LENGTH].replace("\x00", " ")
    groups: list[tuple[Term, ...]] = []
    excluded: list[Term] = []
    bare: list[str] = []  # single words, for reading the whole query as a serial
    plain = True
    join_next = False
    count = 0
    for text, phrase, negated in _items(raw):
        if phrase is None:  # OR
            join_next = bool(groups)
            plain = False
            continue
        term = term_for(text, phrase=phrase)
        if term is None or (not join_next and (term,) in groups) or term in excluded:
            join_next = False
            continue  # nothing searchable, or said already
        count += 1
        if count > MAX_TERMS:
            break
        if negated:
            excluded.append(term)
            plain = False
        elif join_next:
            groups[-1] = (*groups[-1], term)
        else:
            groups.append((term,))
            if phrase:
                plain = False
            else:
                bare.append(text)
        join_next = False
    serial = None
    if plain and len(bare) > 1:
        key = serial_key("".join(bare))
        if len(key) >= MIN_SERIAL_PART and any(c.isdigit() for c in key):
            serial = Seq((SERIAL + key,), prefix=True)
    return SearchQuery(tuple(groups), tuple(excluded), serial)
