import datetime

import pytest
from django.core.exceptions import ValidationError

from artifacts.edtf_dates import bounds, in_words, validate_edtf


@pytest.mark.parametrize(
    ("value", "words", "earliest", "latest"),
    [
        ("2024-12/2025-01", "December 2024 – January 2025", "2024-12-01", "2025-01-31"),
        ("2024-12-31", "31 December 2024", "2024-12-31", "2024-12-31"),
        ("2025-01", "January 2025", "2025-01-01", "2025-01-31"),
        ("2025-01~", "about January 2025", "2025-01-01", "2025-01-31"),
        ("2025-01-12/2025-01-19", "12 January 2025 – 19 January 2025", "2025-01-12", "2025-01-19"),
        ("2024-12-XX", "December 2024", "2024-12-01", "2024-12-31"),
    ],
)
def test_edtf_values_become_words_and_calendar_bounds(value, words, earliest, latest):
    assert in_words(value) == words
    assert bounds(value) == (datetime.date.fromisoformat(earliest), datetime.date.fromisoformat(latest))


def test_an_empty_date_reads_as_unknown():
    assert in_words("") == "date not known"
    assert bounds("") == (None, None)


@pytest.mark.parametrize("value", ["mid-January 2025", "2025-13", "2025-02-30", "31/12/2024", "\x00"])
def test_invalid_values_are_refused_with_examples(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_edtf(value)
    assert "EDTF" in str(excinfo.value) or "calendar" in str(excinfo.value)
