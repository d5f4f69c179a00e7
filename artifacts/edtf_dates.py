"""Uncertain dates in the Extended Date/Time Format (EDTF, ISO 8601-2).

The archive stores every date the sources give vaguely ("December 2024 – mid-January
2025") as EDTF text, keeps the earliest and latest possible calendar day beside it so the
database can filter and sort, and renders it back in words for readers, in the active
language: month names come from Django's own catalogs, the order of day, month and year
and the connecting words from the archive's. Anything that must stay English whatever the
reader's language (a citation, stored metadata) renders inside translation.override("en").
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.dates import MONTHS_ALT as MONTH_NAMES_IN_DATES
from django.utils.translation import gettext, gettext_lazy, pgettext
from edtf import Interval, parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

# English month names, for code that reads English dates (artifacts/citations.py). Words for
# readers use Django's translated MONTHS instead.
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _parse_cached(value: str):
    # The edtf grammar is slow (tens of milliseconds a call); dates repeat a lot.
    return parse_edtf(value)


def parse(value: str):
    try:
        return _parse_cached(value.strip())
    except (EDTFParseException, ValueError, TypeError) as exc:
        raise ValidationError(
            gettext_lazy(
                "“%(value)s” is not a valid EDTF date. Examples: 2025-01-19, 2025-01 (a month), "
                "2024-12/2025-01 (a range), 2025-01~ (approximate), 2024-12-XX (day unknown)."
            ),
            params={"value": value},
            code="invalid_edtf",
        ) from exc


def validate_edtf(value: str) -> None:
    if value:
        obj = parse(value)
        bounds(obj)  # dates outside the calendar (e.g. 2025-02-30) fail here


def _to_date(struct) -> datetime.date:
    return datetime.date(struct.tm_year, struct.tm_mon, struct.tm_mday)


def bounds(value) -> tuple[datetime.date | None, datetime.date | None]:
    """Earliest and latest calendar day a value can mean, or (None, None) when empty."""
    if not value:
        return None, None
    obj = parse(value) if isinstance(value, str) else value
    try:
        return _to_date(obj.lower_strict()), _to_date(obj.upper_strict())
    except (ValueError, OverflowError, AttributeError) as exc:
        raise ValidationError(gettext_lazy("That EDTF date lies outside the calendar."), code="invalid_edtf") from exc


def _qualified(words: str, qualifier: str) -> str:
    """EDTF's qualifiers: % is uncertain and approximate, ~ approximate, ? uncertain."""
    if qualifier == "%":
        return pgettext("EDTF date, uncertain and approximate", "possibly about %(date)s") % {"date": words}
    if qualifier == "~":
        return pgettext("EDTF date, approximate", "about %(date)s") % {"date": words}
    if qualifier == "?":
        return pgettext("EDTF date, uncertain", "possibly %(date)s") % {"date": words}
    return words


def _single_in_words(text: str) -> str:
    qualifier = ""
    if text.endswith(("%", "~", "?")):
        qualifier, text = text[-1], text[:-1]
    if text in {"", ".."}:
        return pgettext("EDTF date: an unknown or open end", "unknown")
    parts = text.split("-")
    if text.startswith("-"):
        return _qualified(text, qualifier)  # BCE years: leave as written
    year = parts[0].replace("X", "?")
    words = pgettext("EDTF date: a year", "%(year)s") % {"year": year}
    if len(parts) >= 2 and "X" not in parts[1]:
        month = int(parts[1])
        if month not in MONTH_NAMES:  # e.g. an EDTF season (21–24): shown as stored by callers
            raise IndexError(f"{month} is not a month")
        words = pgettext("EDTF date: month and year", "%(month)s %(year)s") % {
            "month": MONTH_NAMES[month],
            "year": year,
        }
        if len(parts) == 3 and "X" not in parts[2]:
            # MONTHS_ALT is the month's form after a day number (Ukrainian: genitive).
            words = pgettext("EDTF date: day, month and year", "%(day)s %(month)s %(year)s") % {
                "day": int(parts[2]),
                "month": MONTH_NAMES_IN_DATES[month],
                "year": year,
            }
    return _qualified(words, qualifier)


def in_words(value: str) -> str:
    """“2024-12/2025-01” → “December 2024 – January 2025”; empty → “date not known”."""
    if not value:
        return gettext("date not known")
    obj = parse(value)
    if isinstance(obj, Interval) or "/" in value:
        start, _, end = value.partition("/")
        return pgettext("EDTF date range", "%(start)s – %(end)s") % {
            "start": _single_in_words(start),
            "end": _single_in_words(end),
        }
    if value.startswith("[") or value.startswith("{"):
        return pgettext("EDTF set of possible dates", "one of %(dates)s") % {"dates": value}
    return _single_in_words(value)


class EDTFField(models.CharField):
    """A CharField holding EDTF text, validated on every form and full_clean."""

    default_validators = [validate_edtf]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
