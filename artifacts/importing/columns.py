"""The import format: every column, what it holds, and how a cell becomes a value.

One table drives the header check, the row validator and the admin page's column list, so
they cannot drift apart. Artifact columns are derived from the model's own fields (their
kind, choices and help text); the rest describe the parts entered with an artifact.

A cell left empty (or a JSON value of null) means “nothing given”: a new artifact gets the
field's default, an existing one keeps what it has. An import never blanks a field.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from artifacts.choices import AccessLevel, ObjectCategory
from artifacts.models import Artifact
from artifacts.models.artifact import ABSENT_DETAILS

MISSING = object()  # an empty cell: no value given
LIST_SEPARATOR = ";"
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0"}

# Fields of the record a file may set, in the order of the admin form.
ARTIFACT_FIELDS = [
    "title",
    "artifact_type",
    "description",
    "materials",
    "dimensions",
    "condition",
    "item_count",
    "recovery_date",
    "recovery_date_as_reported",
    "recovery_place",
    "recovery_place_precision",
    "recovery_circumstances",
    "recovering_unit",
    "current_custodian",
    "provenance",
    "verification_status",
    "verification_assessed_by",
    "verification_statement",
    "status",
    "access_level",
    "graphic_content",
    "not_published",
    "internal_notes",
]
REQUIRED_FOR_NEW = ("title", "artifact_type")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, choice, access, int, bool, date, list, absent
    help: str  # lazy: shown on the admin's import page in the curator's language
    choices: object = None  # a Choices class, or (value, label) pairs as _Choice


def _field_choices(field: models.Field):
    # Model fields keep only (value, label) pairs; rebuild a lookup the converters understand.
    return [_Choice(value, label) for value, label in field.choices]


@dataclass(frozen=True)
class _Choice:
    value: str
    label: str

    @property
    def name(self) -> str:
        return str(self.value)


def _artifact_column(name: str) -> Column:
    field = Artifact._meta.get_field(name)
    if name == "access_level":
        kind = "access"
    elif name == "not_published":
        kind = "absent"
    elif field.choices:
        kind = "choice"
    elif isinstance(field, models.BooleanField):
        kind = "bool"
    elif isinstance(field, models.IntegerField):
        kind = "int"
    else:
        kind = "text"
    # The field's help text stays lazy, so that it is read in the language of each request.
    if kind == "absent":
        return Column(name, kind, field.help_text, [_Choice(value, label) for value, label in ABSENT_DETAILS])
    return Column(name, kind, field.help_text, _field_choices(field) if kind == "choice" else None)


# Sub-records written as flat CSV columns: prefix + the sub-record's field name.
SOURCE_COLUMNS = {
    "source_title": Column("source_title", "text", gettext_lazy("Title of the publication reporting the artifact.")),
    "source_publisher": Column("source_publisher", "text", gettext_lazy("Its publisher, e.g. The Washington Post.")),
    "source_author": Column("source_author", "text", gettext_lazy("Author(s), if stated.")),
    "source_date": Column("source_date", "date", gettext_lazy("Publication date, YYYY-MM-DD.")),
    "source_url": Column("source_url", "text", gettext_lazy("Permanent address of the publication.")),
    "source_archived_url": Column("source_archived_url", "text", gettext_lazy("A web-archive capture of it.")),
    "source_dateline": Column("source_dateline", "text", gettext_lazy("Where it was filed from, as printed.")),
    "source_locator": Column("source_locator", "text", gettext_lazy("Page, paragraph or timestamp in the source.")),
}
OBJECT_COLUMNS = {
    "object_category": Column("object_category", "choice", gettext_lazy("Kind of weapon or gear."), ObjectCategory),
    "object_manufacturer": Column("object_manufacturer", "text", gettext_lazy("Manufacturer, if known.")),
    "object_model": Column("object_model", "text", gettext_lazy("Model, if known.")),
    "object_calibre": Column("object_calibre", "text", gettext_lazy("Weapons only, e.g. 5.45×39 mm.")),
    "object_country_of_manufacture": Column(
        "object_country_of_manufacture", "text", gettext_lazy("As reported or marked.")
    ),
    "object_markings": Column("object_markings", "text", gettext_lazy("Stamps, proof marks, inscriptions.")),
}
MILITARY_ID_COLUMNS = {
    "military_id_document_type": Column(
        "military_id_document_type", "text", gettext_lazy("Document type, as printed.")
    ),
    "military_id_issuing_authority": Column("military_id_issuing_authority", "text", gettext_lazy("Who issued it.")),
    "military_id_issued_on": Column("military_id_issued_on", "text", gettext_lazy("Date of issue (EDTF).")),
}
PHOTO_COLUMNS = {
    "photos": Column(
        "photos", "list", gettext_lazy("Image file names, separated by ;, found in the photos folder or ZIP.")
    ),
    "photo_captions": Column(
        "photo_captions", "list", gettext_lazy("One caption per file, in the same order, separated by ;.")
    ),
    "photo_credit": Column("photo_credit", "text", gettext_lazy("Photographer or rights holder of the row's photos.")),
    "photo_date_taken": Column(
        "photo_date_taken", "date", gettext_lazy("Date the row's photos were taken, YYYY-MM-DD.")
    ),
    "photo_access_level": Column(
        "photo_access_level", "access", gettext_lazy("Who may see the row's photos."), AccessLevel
    ),
    "photo_shows_personal_data": Column(
        "photo_shows_personal_data", "bool", gettext_lazy("The photos show faces or personal data (never public).")
    ),
    "photo_graphic_content": Column("photo_graphic_content", "bool", gettext_lazy("The photos are graphic.")),
    "photo_is_illustration": Column(
        "photo_is_illustration", "bool", gettext_lazy("The images are illustrations, not photographs of the artifact.")
    ),
}
COLUMNS: dict[str, Column] = {
    "accession_number": Column(
        "accession_number",
        "text",
        gettext_lazy("Empty: create a new artifact. Given: update the artifact with this number."),
    ),
    **{name: _artifact_column(name) for name in ARTIFACT_FIELDS},
    "languages": Column(
        "languages", "list", gettext_lazy("Language codes of what is written on it, separated by ;, e.g. ko;ru.")
    ),
    "serial_numbers": Column(
        "serial_numbers", "list", gettext_lazy("Serial numbers exactly as marked, separated by ;.")
    ),
    **SOURCE_COLUMNS,
    **OBJECT_COLUMNS,
    **MILITARY_ID_COLUMNS,
    **PHOTO_COLUMNS,
}
# JSON only: arrays of objects (or one object) nested in a record.
NESTED_KEYS = ("sources", "texts", "phrases", "object_details", "military_id")


def normalize_header(name: str) -> str:
    """“Recovery date” and “recovery-date” both mean recovery_date."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def split_list(value) -> list[str]:
    """“a.jpg; b.jpg” → ["a.jpg", "b.jpg"]. A backslash keeps a ; inside an item (“a\\;b”).
    JSON may give a real array instead."""
    if isinstance(value, list):
        items = []
        for item in value:
            if not isinstance(item, str | int):
                raise ValidationError(_("Expected a list of text values."), code="invalid")
            items.append(str(item).strip())
        return [item for item in items if item]
    items, current, chars = [], [], iter(_text(value))
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following == LIST_SEPARATOR else char + following)
        elif char == LIST_SEPARATOR:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


def _text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError(_("Expected text, found %(found)s."), params={"found": type(value).__name__})
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _find(wanted: str, members, names):
    """The member that `wanted` names, or None. Labels are read in the active language (the
    one the admin shows) and, failing that, in English, so that a file made under another
    interface language reads the same."""
    for member in members:
        if wanted in names(member):
            return member
    if (translation.get_language() or "en") != "en":
        with translation.override("en"):
            for member in members:
                if wanted in names(member):
                    return member
    return None


def _choice(value, choices) -> str | int:
    wanted = _text(value).casefold()
    member = _find(wanted, choices, lambda m: {str(m.value).casefold(), str(m.label).casefold(), m.name.casefold()})
    if member is not None:
        return member.value
    allowed = ", ".join(str(member.value) for member in choices)
    raise ValidationError(
        _("“%(value)s” is not one of: %(allowed)s (the labels shown in the admin are accepted too)."),
        params={"value": _text(value), "allowed": allowed},
        code="invalid_choice",
    )


def _access(value) -> int:
    wanted = _text(value).casefold()
    member = _find(wanted, AccessLevel, lambda m: {m.name.casefold(), str(m.label).casefold()})
    if member is not None:
        return member.value
    raise ValidationError(
        _("“%(value)s” is not an access level: use public, researchers or staff."),
        params={"value": _text(value)},
        code="invalid_choice",
    )


def _int(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value)
        if not text.isdigit():
            raise ValidationError(_("“%(value)s” is not a whole number."), params={"value": text}, code="invalid")
        number = int(text)
    if number < 0:
        raise ValidationError(_("“%(value)s” is negative."), params={"value": number}, code="invalid")
    return number


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValidationError(_("“%(value)s” is not yes or no (use true/false, yes/no or 1/0)."), params={"value": text})


def _date(value) -> datetime.date:
    text = _text(value)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a calendar date in the form YYYY-MM-DD."), params={"value": text}, code="invalid"
        ) from None


def _absent(value) -> list[str]:
    """The details a source did not publish: field names or their labels, separated by ;
    (“dimensions; condition”). Kept in the order the record page shows them."""
    members = [_Choice(name, label) for name, label in ABSENT_DETAILS]
    wanted = set()
    for item in split_list(value):
        folded = item.casefold()
        member = _find(folded, members, lambda m: {m.value, m.value.replace("_", " "), str(m.label).casefold()})
        if member is None:
            allowed = ", ".join(name for name, _label in ABSENT_DETAILS)
            raise ValidationError(
                _("“%(value)s” is not a detail a source can leave unpublished; use: %(allowed)s."),
                params={"value": item[:60], "allowed": allowed},
                code="invalid_choice",
            )
        wanted.add(member.value)
    return [name for name, _label in ABSENT_DETAILS if name in wanted]


CONVERTERS = {
    "text": _text,
    "int": _int,
    "bool": _bool,
    "date": _date,
    "list": split_list,
    "access": _access,
    "absent": _absent,
}


def convert(column: Column, value):
    """The Python value of one cell, MISSING for an empty one; ValidationError if unusable."""
    if is_empty(value):
        return MISSING
    if column.kind == "choice":
        return _choice(value, column.choices)
    return CONVERTERS[column.kind](value)


def convert_field(field: models.Field, value):
    """A value for a model field inside a nested JSON object (a text, phrase, source…),
    converted by the field's kind: choice labels, yes/no and ISO dates are accepted."""
    if is_empty(value):
        return MISSING
    if field.name == "access_level":
        return _access(value)
    if field.choices:
        return _choice(value, _field_choices(field))
    if isinstance(field, models.BooleanField):
        return _bool(value)
    if isinstance(field, models.IntegerField):
        return _int(value)
    if isinstance(field, models.DateField):
        return _date(value)
    return _text(value)
