"""Catalog search, behind one function so the matching strategy can change in one place.

Each artifact keeps `search_text`: its public text and that of its texts, phrases,
serial numbers and markings, normalised (NFKC, case-folded, ё → е). A query is split
into terms (quoted phrases stay whole) and every term must occur. Because both sides
are normalised in Python, matching is case-insensitive in every script on SQLite and
PostgreSQL alike (SQLite's own LIKE folds ASCII only).
"""

import re
import unicodedata

from django.db import models

MAX_QUERY_LENGTH = 500
MAX_TERMS = 12
_TERM = re.compile(r'"([^"]*)"|(\S+)')


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.replace("\x00", " ")).casefold()
    return text.replace("ё", "е")


def parse_terms(query: str) -> list[str]:
    """Split a query into normalised terms; quoted phrases stay whole. Capped in length."""
    query = normalize(query[:MAX_QUERY_LENGTH])
    terms = []
    for quoted, bare in _TERM.findall(query):
        term = " ".join((quoted or bare).split())
        term = term.strip(".,;:!?()[]{}'\"«»“”")
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _serial_form(term: str) -> str:
    from artifacts.models import normalize_serial

    return normalize_serial(term)


def build_search_text(artifact) -> str:
    """The public text of one artifact and its children, normalised. Personal data and
    internal notes are left out: search must never reveal what a page withholds."""
    parts = [
        artifact.accession_number,
        artifact.title,
        artifact.get_artifact_type_display(),
        artifact.description,
        artifact.materials,
        artifact.condition,
        artifact.recovery_place,
        artifact.recovery_circumstances,
        artifact.recovering_unit,
        artifact.current_custodian,
        artifact.provenance,
        artifact.verification_statement,
    ]
    for text in artifact.texts.all():
        parts += [text.label, text.original_text, text.transliteration, text.translation, text.attributed_author]
        parts.append(text.note)
    for phrase in artifact.phrases.all():
        parts += [phrase.original_text, phrase.transliteration, phrase.translation]
    for serial in artifact.serial_numbers.all():
        parts += [serial.value, serial.normalized]
    details = getattr(artifact, "object_details", None)
    if details is not None:
        parts += [details.manufacturer, details.model, details.calibre, details.markings]
        parts.append(_serial_form(details.markings))
    return normalize("\n".join(p for p in parts if p))


def refresh_search_text(artifact_id: int) -> None:
    from artifacts.models import Artifact

    artifact = Artifact.objects.filter(pk=artifact_id).first()
    if artifact is not None:
        Artifact.objects.filter(pk=artifact_id).update(search_text=build_search_text(artifact))


def search_artifacts(queryset, query: str):
    """Artifacts in `queryset` containing every term of `query` (all, when it is empty)."""
    for term in parse_terms(query or ""):
        condition = models.Q(search_text__contains=term)
        serial = _serial_form(term)
        if serial and serial != term:
            # “AB 12-34” should find a serial stored as “AB1234”.
            condition |= models.Q(search_text__contains=serial)
        queryset = queryset.filter(condition)
    return queryset
