"""Highlighted titles and snippets for search results, computed in Python from the same
analyzer the index uses, so they are identical on every database and mark exactly what
matched: a stem (“surrounded” for “surround”), a bigram inside a Hangul word (포위 in
포위되었다), a Northern spelling found by a Southern one (로동 for 노동), a phrase across the
spaces of a Korean run, a Cyrillic word found by its Latin spelling, a serial found by its
last digits.

Text is escaped first and only then wrapped in <mark>; nothing from a record is ever
trusted as HTML.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import CharField, IntegerField, TextField, Value
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from artifacts.search.analyzer import (
    SERIAL,
    Piece,
    alias_tokens,
    main_tokens,
    pieces,
    serial_tokens,
    word_extras,
)
from artifacts.search.query import SearchQuery

SNIPPET_LENGTH = 200  # characters of context shown
LEAD = 50  # characters shown before the first match


@dataclass
class Matcher:
    exact: frozenset
    prefixes: tuple
    sequences: tuple  # multi-token alternatives: phrases, longer Hangul words

    @classmethod
    def for_query(cls, query: SearchQuery) -> "Matcher":
        exact, prefixes, sequences = set(), [], []
        seqs = [seq for term in query.terms for seq in term.alternatives]
        if query.serial is not None:
            seqs.append(query.serial)
        for seq in seqs:
            if len(seq.tokens) > 1:
                sequences.append(seq.tokens)
            elif seq.prefix:
                prefixes.append(seq.tokens[0])
            else:
                exact.add(seq.tokens[0])
        return cls(frozenset(exact), tuple(prefixes), tuple(sequences))

    def hits(self, token: str) -> bool:
        return token in self.exact or token.startswith(self.prefixes)

    def __bool__(self):
        return bool(self.exact or self.prefixes or self.sequences)


@lru_cache(maxsize=100_000)
def _tokens(word: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A word's tokens, aliases and serial tokens: computed once per distinct word, since a
    results page repeats its vocabulary."""
    piece = Piece(word, False, 0, len(word))
    serials = tuple(serial_tokens(word)) if any(c.isdigit() for c in word) else ()
    return tuple(main_tokens(piece)), tuple(alias_tokens(piece, latin=True)), serials


def _characters(piece: Piece) -> list[tuple[int, int]]:
    """The span in the original text of each character of a CJK piece. A Korean run read
    across spaces skips them; a word whose normalised form changed length (rare: a
    compatibility character) gives each of its characters the whole word's span."""
    spans = []
    for word in piece.words:
        if word.end - word.start == len(word.text):
            spans += [(word.start + i, word.start + i + 1) for i in range(len(word.text))]
        else:
            spans += [(word.start, word.end)] * len(word.text)
    return spans


def match_spans(text: str, matcher: Matcher) -> list[tuple[int, int]]:
    """Spans of `text` (offsets into it) that the query matched, merged and in order."""
    if not text or not matcher:
        return []
    # stream: (token, start, end, the spans of its characters if it is CJK) in order
    spans, stream = [], []
    for piece in pieces(text):
        if piece.cjk:
            characters = _characters(piece)
            for i, token in enumerate(main_tokens(piece)):
                covered = characters[i : i + len(token)]
                stream.append((token, covered[0][0], covered[-1][1], covered))
            # Aliases were made per written word: a romanized match marks that word only.
            joined = len(piece.words) > 1
            spans += [(w.start, w.end) for w in piece.words if any(map(matcher.hits, word_extras(w.text, joined)))]
            continue
        words, aliases, serials = _tokens(piece.text)
        stream += [(token, piece.start, piece.end, None) for token in words]
        if any(matcher.hits(token) for token in aliases) or any(matcher.hits(t) for t in serials):
            spans.append((piece.start, piece.end))
    for token, start, end, characters in stream:
        if token in matcher.exact:
            spans.append((start, end))
        elif token.startswith(matcher.prefixes):
            # A one-syllable query matches the first syllable of a bigram, not both.
            prefix = next(p for p in matcher.prefixes if token.startswith(p))
            spans.append((start, characters[len(prefix) - 1][1] if characters else end))
    tokens = [entry[0] for entry in stream]
    for sequence in matcher.sequences:
        size = len(sequence)
        for i in range(len(tokens) - size + 1):
            if tuple(tokens[i : i + size]) == sequence:
                spans.append((stream[i][1], stream[i + size - 1][2]))
    if not spans and any(matcher.hits(t) for t in serial_tokens(text) if t.startswith(SERIAL)):
        spans.append((0, len(text)))  # a serial matched across its separators: mark it whole
    return _merged(spans)


def _merged(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked(text: str, spans, start: int = 0, end: int | None = None) -> SafeString:
    """text[start:end], escaped, with each span wrapped in <mark>."""
    end = len(text) if end is None else end
    out, position = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        out += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    out.append(escape(text[position:end]))
    return mark_safe("".join(out))  # noqa: S308 — every piece of record text above is escaped


def snippet(text: str, spans) -> SafeString:
    """About SNIPPET_LENGTH characters of `text` around its first match, cut at spaces."""
    first = spans[0][0]
    start = max(0, first - LEAD)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", max(spans[0][1], start), end)
        end = space if space != -1 else end
    html = marked(text, spans, start, end)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(text) else ""))  # noqa: S308


def best_snippet(values: list[str], matcher: Matcher) -> SafeString | None:
    """The snippet of the value with the most matches (the first such, in the order given)."""
    best, best_spans = None, []
    for value in values:
        spans = match_spans(value, matcher)
        if len(spans) > len(best_spans):
            best, best_spans = value, spans
    return snippet(best, best_spans) if best is not None else None


def _children_texts(artifact_ids):
    """The texts of the artifacts' children that a snippet may quote, in one query."""
    from django.contrib.auth.models import AnonymousUser

    from artifacts.annotations.models import PhotoAnnotation
    from artifacts.models import ObjectDetails, Phrase, SerialNumber, Text

    def rows(model, order, *fields):
        values = [Value("", output_field=CharField()) if not f else Cast(f, TextField()) for f in fields]
        names = {f"v{i}": value for i, value in enumerate(values)}
        return (
            model.objects.filter(artifact_id__in=artifact_ids)
            .order_by()
            .annotate(snippet_order=Value(order, output_field=IntegerField()), **names)
            .values_list("artifact_id", "snippet_order", *names)
        )

    # Transcribed regions: only those the search document holds, of photos the public may see.
    regions = (
        PhotoAnnotation.objects.visible_to(AnonymousUser(), artifact_checked=True)
        .filter(photo__artifact_id__in=artifact_ids)
        .order_by()
        .annotate(
            snippet_order=Value(5, output_field=IntegerField()),
            v0=Cast("translation", TextField()),
            v1=Cast("transcription", TextField()),
            v2=Cast("transliteration", TextField()),
            v3=Cast("note", TextField()),
        )
        .values_list("photo__artifact_id", "snippet_order", "v0", "v1", "v2", "v3")
    )
    query = rows(Phrase, 1, "translation", "original_text", "transliteration", "").union(
        rows(Text, 2, "translation", "original_text", "transliteration", "note"),
        rows(SerialNumber, 3, "value", "location", "", ""),
        rows(ObjectDetails, 4, "markings", "manufacturer", "model", "calibre"),
        regions,
        all=True,
    )
    found: dict[int, list[str]] = {}
    for artifact_id, _kind, *texts in sorted(query, key=lambda row: (row[0], row[1])):
        found.setdefault(artifact_id, []).extend(t for t in texts if t)
    return found


def attach_highlights(artifacts: list, query: SearchQuery) -> None:
    """Give each artifact `search_title` (its title with matches marked) and
    `search_snippet` (the best matching passage, or None). One query for the whole list."""
    matcher = Matcher.for_query(query)
    if not artifacts or not matcher:
        return
    children = _children_texts([artifact.pk for artifact in artifacts])
    for artifact in artifacts:
        artifact.search_title = marked(artifact.title, match_spans(artifact.title, matcher))
        values = [
            *children.get(artifact.pk, []),
            artifact.description,
            artifact.recovery_circumstances,
            artifact.provenance,
            artifact.verification_statement,
        ]
        artifact.search_snippet = best_snippet([v for v in values if v], matcher)
