"""Checks for the parts entered with an artifact: sources, weapon/ID details, texts,
phrases and photos. Each returns what it found valid and reports problems through `add`
(column, message), so one pass over a row collects every problem in it."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from artifacts import edtf_dates
from artifacts.importing.columns import (
    MILITARY_ID_COLUMNS,
    MISSING,
    OBJECT_COLUMNS,
    PHOTO_COLUMNS,
    SOURCE_COLUMNS,
    convert,
    convert_field,
    is_empty,
)
from artifacts.models import MilitaryIDDetails, ObjectDetails, Photo, Phrase, Source, SourceCitation, Text

SOURCE_KEYS = {"title", "publisher", "author", "date", "url", "archived_url", "dateline", "locator"}
# What a file may say about a photo; everything else about it is read from the image itself.
PHOTO_FIELDS = [
    "caption",
    "credit",
    "date_taken",
    "access_level",
    "shows_personal_data",
    "graphic_content",
    "is_illustration",
]
PHOTO_KEYS = {"file", *PHOTO_FIELDS}
# Fields of a text or phrase that a file may set (everything a curator types in the admin).
TEXT_KEYS = [
    f.name for f in Text._meta.get_fields() if getattr(f, "editable", False) and f.name not in ("id", "artifact")
]
PHRASE_KEYS = [
    f.name for f in Phrase._meta.get_fields() if getattr(f, "editable", False) and f.name not in ("id", "artifact")
]
DETAILS = {
    # JSON key: (model, flat CSV prefix, flat columns)
    "object_details": (ObjectDetails, "object_", OBJECT_COLUMNS),
    "military_id": (MilitaryIDDetails, "military_id_", MILITARY_ID_COLUMNS),
}


@dataclass
class PhotoPlan:
    name: str
    sha256: str
    values: dict
    already_present: bool = False


@dataclass
class SourcePlan:
    values: dict  # Source fields
    locator: str

    @property
    def key(self) -> tuple:
        return (self.values["title"], self.values["publisher"], self.values.get("published_on"))


@dataclass
class Parts:
    sources: list[SourcePlan] = field(default_factory=list)
    details: dict = field(default_factory=dict)  # model → {field: value}
    texts: list[dict] = field(default_factory=list)
    phrases: list[dict] = field(default_factory=list)
    photos: list[PhotoPlan] = field(default_factory=list)


def _model_errors(exc: ValidationError, add, column_for) -> None:
    for name, messages in exc.message_dict.items():
        for message in messages:
            add(column_for(name), message)


def _nested_objects(value, key: str, add) -> list[dict]:
    """A JSON array of objects (or a single object) under `key`."""
    if is_empty(value):
        return []
    items = value if isinstance(value, list) else [value]
    good = []
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict):
            good.append(item)
        else:
            add(f"{key}[{index}]", _("expected an object with named fields."))
            good.append({})
    return good


def _convert_nested(model, item: dict, allowed, column, add) -> dict:
    values = {}
    for key, raw in item.items():
        if key not in allowed:
            add(column(key), _("unknown field. Allowed: %(allowed)s.") % {"allowed": ", ".join(sorted(allowed))})
            continue
        try:
            value = convert_field(model._meta.get_field(key), raw)
        except ValidationError as exc:
            for message in exc.messages:
                add(column(key), message)
            continue
        if value is not MISSING:
            values[key] = value
    return values


# Most rows of a file cite the same few sources: each distinct valid citation is checked once.
_valid_sources: set = set()


def check_sources(raw: dict, add) -> list[SourcePlan]:
    given = []
    flat = {name: raw[name] for name in SOURCE_COLUMNS if not is_empty(raw.get(name))}
    if flat:
        values = {}
        for name, value in flat.items():
            try:
                values[name.removeprefix("source_")] = convert(SOURCE_COLUMNS[name], value)
            except ValidationError as exc:
                for message in exc.messages:
                    add(name, message)
        given.append((values, lambda key: f"source_{key}"))
    for index, item in enumerate(_nested_objects(raw.get("sources"), "sources", add), start=1):
        values = {}
        for key, value in item.items():
            column = f"sources[{index}].{key}"
            if key not in SOURCE_KEYS:
                add(column, _("unknown field. Allowed: %(allowed)s.") % {"allowed": ", ".join(sorted(SOURCE_KEYS))})
                continue
            try:
                spec = SOURCE_COLUMNS[f"source_{key}"]
                converted = convert(spec, value)
            except ValidationError as exc:
                for message in exc.messages:
                    add(column, message)
                continue
            if converted is not MISSING:
                values[key] = converted
        given.append((values, lambda key, index=index: f"sources[{index}].{key}"))
    plans = []
    for values, column in given:
        locator = values.pop("locator", "")
        if "date" in values:
            values["published_on"] = values.pop("date")
        for required in ("title", "publisher"):
            if required not in values:
                add(column(required), _("a source needs a title and a publisher."))
        key = (tuple(sorted(values.items())), locator)
        if key not in _valid_sources:
            try:
                missing = [name for name in ("title", "publisher") if name not in values]
                Source(**values).full_clean(exclude=missing, validate_unique=False, validate_constraints=False)
                SourceCitation(locator=locator).clean_fields(exclude=["artifact", "source"])
            except ValidationError as exc:
                _model_errors(exc, add, lambda name, column=column: column("date" if name == "published_on" else name))
                continue
            if len(_valid_sources) < 10_000:
                _valid_sources.add(key)
        if "title" in values and "publisher" in values:
            plans.append(SourcePlan(values, locator))
    return plans


def check_details(raw: dict, add, *, thorough: bool = True) -> dict:
    found = {}
    for key, (model, prefix, columns) in DETAILS.items():
        values = {}
        for name, spec in columns.items():
            if is_empty(raw.get(name)):
                continue
            try:
                values[name.removeprefix(prefix)] = convert(spec, raw[name])
            except ValidationError as exc:
                for message in exc.messages:
                    add(name, message)
        items = _nested_objects(raw.get(key), key, add)
        if len(items) > 1:
            add(key, _("give one object here, not a list: an artifact has one set of these details."))
        for item in items[:1]:
            allowed = {f.removeprefix(prefix) for f in columns}
            values.update(_convert_nested(model, item, allowed, lambda k, key=key: f"{key}.{k}", add))
        if not values:
            continue
        try:
            if thorough:
                model(**values).clean_fields(exclude=["artifact"])
            if thorough and values.get("issued_on"):
                edtf_dates.validate_edtf(values["issued_on"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                _model_errors(exc, add, lambda name, prefix=prefix: f"{prefix}{name}")
            else:
                for message in exc.messages:
                    add(f"{prefix}issued_on", message)
            continue
        found[model] = values
    return found


def check_ordered(raw: dict, key: str, model, allowed: list[str], add, *, thorough: bool = True) -> list[dict]:
    """Texts or phrases: an array of objects, each placed by `position` (default: its place
    in the array, counting from 1)."""
    results, positions = [], {}
    for index, item in enumerate(_nested_objects(raw.get(key), key, add), start=1):
        column = lambda name, index=index: f"{key}[{index}].{name}"  # noqa: E731
        values = _convert_nested(model, item, allowed, column, add)
        values.setdefault("position", index)
        if values["position"] in positions:
            add(
                column("position"),
                _("position %(position)s is also given to %(other)s.")
                % {"position": values["position"], "other": f"{key}[{positions[values['position']]}]"},
            )
        positions[values["position"]] = index
        try:
            if thorough:
                model(**values).clean_fields(exclude=["artifact"])
        except ValidationError as exc:
            _model_errors(exc, add, column)
            continue
        results.append(values)
    return results


def _flat_photo_column(key: str) -> str:
    return {"file": "photos", "caption": "photo_captions"}.get(key, f"photo_{key}")


def check_photos(
    raw: dict, checker, add, *, existing_shas: set[str], may_add: bool, thorough: bool = True
) -> list[PhotoPlan]:
    """Photos as file names (CSV: photos + photo_captions + shared photo_* columns; the
    same keys in JSON) or, in JSON, an array of objects with a `file` and a `caption`."""
    entries = []  # (name, values, column)
    shared = {}
    caption_count_wrong = False
    for name in PHOTO_COLUMNS:
        if name in ("photos", "photo_captions") or is_empty(raw.get(name)):
            continue
        try:
            shared[name.removeprefix("photo_")] = convert(PHOTO_COLUMNS[name], raw[name])
        except ValidationError as exc:
            for message in exc.messages:
                add(name, message)
    value = raw.get("photos")
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        for index, item in enumerate(_nested_objects(value, "photos", add), start=1):
            column = lambda key, index=index: f"photos[{index}].{key}"  # noqa: E731
            described = {key: given for key, given in item.items() if key != "file"}
            values = {**shared, **_convert_nested(Photo, described, PHOTO_KEYS - {"file"}, column, add)}
            if is_empty(item.get("file")) or not isinstance(item.get("file"), str):
                add(column("file"), _("give the image's file name."))
                continue
            entries.append((item["file"].strip(), values, column))
    elif not is_empty(value):
        try:
            names = convert(PHOTO_COLUMNS["photos"], value)
            captions = convert(PHOTO_COLUMNS["photo_captions"], raw.get("photo_captions"))
        except ValidationError as exc:
            add("photos", exc.messages[0])
            return []
        captions = [] if captions is MISSING else captions
        if len(captions) != len(names):
            caption_count_wrong = True
            add(
                "photo_captions",
                _(
                    "%(photos)s photo(s) but %(captions)s caption(s): give one caption per photo, in the same "
                    "order, separated by ; (write \\; for a semicolon inside a caption)."
                )
                % {"photos": len(names), "captions": len(captions)},
            )
            captions = (captions + [""] * len(names))[: len(names)]
        for name, caption in zip(names, captions, strict=True):
            entries.append((name, {**shared, "caption": caption}, _flat_photo_column))
    elif not is_empty(raw.get("photo_captions")):
        add("photo_captions", _("captions are given but no photos."))
    if entries and not may_add:
        add("photos", _("your account may not add photos, so rows with photos cannot be imported."))
        return []
    plans, seen = [], set()
    for name, values, column in entries:
        if name in seen:
            add(column("file"), _("“%(name)s” is listed twice in this row.") % {"name": name})
            continue
        seen.add(name)
        sha256, messages = checker.check(name)
        for message in messages:
            add(column("file"), message)
        if not values.get("caption"):
            if not caption_count_wrong:
                add(column("caption"), _("“%(name)s” needs a caption saying what the image shows.") % {"name": name})
            continue
        try:
            if thorough:
                Photo(**values).clean_fields(exclude=[f.name for f in Photo._meta.fields if f.name not in PHOTO_FIELDS])
        except ValidationError as exc:
            _model_errors(exc, add, column)
            continue
        if sha256:
            plans.append(PhotoPlan(name, sha256, values, already_present=sha256 in existing_shas))
    return plans
