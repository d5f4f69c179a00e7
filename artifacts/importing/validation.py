"""Check one row of an import completely, without writing anything.

The same function serves both passes of an import: the check of the whole file before
anything is written, and the write itself (which re-reads the file rather than holding
10,000 rows in memory). So what is written is exactly what was checked.

Artifact fields are checked by the model's own full_clean on an unsaved instance (a new
one, or the stored record with the row's changes applied): lengths, choices, EDTF dates
and numbers are validated exactly as the admin form validates them.
"""

import difflib
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from artifacts.importing import parts
from artifacts.importing.columns import ARTIFACT_FIELDS, COLUMNS, MISSING, REQUIRED_FOR_NEW, convert, is_empty
from artifacts.importing.formats import check_columns
from artifacts.importing.parts import Parts
from artifacts.importing.report import Problem
from artifacts.models import Artifact, Language, Photo, Phrase, SerialNumber, Text

# Columns checked here; the parts (sources, details, photos) check their own.
OWN_COLUMNS = {"accession_number", "languages", "serial_numbers", *ARTIFACT_FIELDS}
# Up to this many languages, an unknown code's message lists them all.
LISTED_LANGUAGES = 12


@dataclass
class RowPlan:
    """What one valid row will write."""

    row: int
    artifact: Artifact  # unsaved changes applied; a new instance when is_new
    is_new: bool
    changed_fields: list[str] = field(default_factory=list)
    languages: list[Language] | None = None  # None: leave as they are
    new_serials: list[str] = field(default_factory=list)
    parts: Parts = field(default_factory=Parts)

    @property
    def may_change(self) -> bool:
        """Whether writing the row can change anything (a citation or text it gives may
        still turn out to be stored already; the write counts exactly)."""
        given = self.parts
        return bool(
            self.is_new
            or self.changed_fields
            or self.languages is not None
            or self.new_serials
            or given.sources
            or given.details
            or given.texts
            or given.phrases
            or any(not photo.already_present for photo in given.photos)
        )


class RowValidator:
    def __init__(self, *, photos, may_update: bool = True, may_add_photos: bool = True):
        self.photos = photos
        self.may_update = may_update
        self.may_add_photos = may_add_photos
        self.languages = {language.code.casefold(): language for language in Language.objects.all()}
        self.first_row_of: dict[str, int] = {}
        self.existing: dict[str, Artifact] = {}
        self.existing_shas: dict[int, set[str]] = {}
        self.thorough = True

    def start_pass(self, *, thorough: bool) -> None:
        """`thorough=False` for the writing pass: the checks that depend only on the row's
        own values (model field validation, EDTF, lengths) passed in the first pass and are
        not repeated; everything that depends on the database is checked again."""
        self.first_row_of.clear()
        self.thorough = thorough

    def load_existing(self, records: list[tuple[int, dict]]) -> None:
        """Fetch the stored artifacts a chunk of rows names, with what the checks compare
        against, in a handful of queries instead of several per row."""
        wanted = set()
        for _row, raw in records:
            value = raw.get("accession_number")
            if isinstance(value, str) and value.strip():
                wanted.add(value.strip())
        found = Artifact.objects.filter(accession_number__in=wanted).prefetch_related("languages", "serial_numbers")
        self.existing = {artifact.accession_number: artifact for artifact in found}
        self.existing_shas = {}
        ids = [artifact.pk for artifact in self.existing.values()]
        for artifact_id, sha256 in Photo.objects.filter(artifact_id__in=ids).values_list("artifact_id", "sha256"):
            self.existing_shas.setdefault(artifact_id, set()).add(sha256)

    def validate(self, row: int, raw: dict) -> tuple[RowPlan | None, list[Problem]]:
        problems: list[Problem] = []

        def add(column, message) -> None:
            problems.append(Problem(row, column, str(message)))

        if None in raw:
            if not raw.keys() - {None}:
                add(None, _("each record must be a JSON object with named fields."))
                return None, problems
            add(
                None,
                _(
                    "the row has values outside the named columns (a stray separator, an unquoted comma, or a "
                    "column without a name in the header?)."
                ),
            )
        problems += check_columns([key for key in raw if key is not None], row=row, nested_allowed=True)
        for key, value in raw.items():
            if _holds_nul(value):
                # PostgreSQL refuses NUL in text: say so in the dry run, not halfway through the import.
                add(key, _("holds a NUL character (\\0), which no field may contain; remove it from the file."))
        values = {}
        for key, value in raw.items():
            if key in OWN_COLUMNS:
                try:
                    converted = convert(COLUMNS[key], value)
                except ValidationError as exc:
                    for message in exc.messages:
                        add(key, message)
                    continue
                if converted is not MISSING:
                    values[key] = converted
        artifact, is_new = self._artifact(row, raw, values, add)
        plan = RowPlan(row=row, artifact=artifact, is_new=is_new)
        self._fields(plan, values, problems, add)
        self._languages(plan, values, add)
        self._serials(plan, values, add)
        plan.parts.sources = parts.check_sources(raw, add)
        plan.parts.details = parts.check_details(raw, add, thorough=self.thorough)
        plan.parts.texts = parts.check_ordered(raw, "texts", Text, parts.TEXT_KEYS, add, thorough=self.thorough)
        plan.parts.phrases = parts.check_ordered(raw, "phrases", Phrase, parts.PHRASE_KEYS, add, thorough=self.thorough)
        shas = self.existing_shas.get(artifact.pk, set()) if not is_new else set()
        plan.parts.photos = parts.check_photos(
            raw, self.photos, add, existing_shas=shas, may_add=self.may_add_photos, thorough=self.thorough
        )
        return (None if problems else plan), problems

    def _artifact(self, row: int, raw: dict, values: dict, add) -> tuple[Artifact, bool]:
        accession = values.get("accession_number")
        if not accession:
            for name in REQUIRED_FOR_NEW:
                if is_empty(raw.get(name)):
                    add(
                        name,
                        _(
                            "required: a row without an accession number creates an artifact, which needs a "
                            "title and a type."
                        ),
                    )
            return Artifact(), True
        if accession in self.first_row_of:
            add(
                "accession_number",
                _("“%(accession)s” is also in row %(row)s; an artifact may appear only once in a file.")
                % {"accession": accession, "row": self.first_row_of[accession]},
            )
        else:
            self.first_row_of[accession] = row
        artifact = self.existing.get(accession)
        if artifact is None:
            add(
                "accession_number",
                _(
                    "no artifact has the accession number “%(accession)s”. To create a new artifact, leave the "
                    "cell empty: numbers are assigned by the archive."
                )
                % {"accession": accession},
            )
            return Artifact(), False
        if not self.may_update:
            add("accession_number", _("your account may add artifacts but not change existing ones."))
        return artifact, False

    def _fields(self, plan: RowPlan, values: dict, problems: list[Problem], add) -> None:
        artifact = plan.artifact
        for name in ARTIFACT_FIELDS:
            if name in values:
                if getattr(artifact, name) != values[name]:
                    plan.changed_fields.append(name)
                setattr(artifact, name, values[name])
        reported = {p.column for p in problems}
        exclude = ["accession_number", *(name for name in ARTIFACT_FIELDS if name in reported)]
        if not plan.is_new and artifact.pk is None:
            # The row names an artifact that does not exist (already reported): check only
            # the values it gives, against a stand-in record.
            exclude += [name for name in ARTIFACT_FIELDS if name not in values]
        if not self.thorough:
            return
        try:
            artifact.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    add(None if name == NON_FIELD_ERRORS else name, message)

    def _unknown_language(self, code: str) -> str:
        codes = sorted(known.code for known in self.languages.values())
        if not codes:
            return _("unknown language code “%(code)s” (known: none yet; add languages in the admin).") % {"code": code}
        if len(codes) <= LISTED_LANGUAGES:
            message = _("unknown language code “%(code)s” (known: %(known)s; add languages in the admin).")
            return message % {"code": code, "known": ", ".join(codes)}
        # A fresh archive knows every ISO 639-1 code: a list of two hundred helps nobody, the
        # nearest codes and names do (a typo, or a language's name typed for its code).
        typed = code.casefold()
        by_name = {known.name.casefold(): known.code for known in self.languages.values()}
        near = [by_name[typed]] if typed in by_name else []  # the name typed for the code
        near += [known for known in codes if typed.startswith(known) or known.startswith(typed)]  # "kor" for "ko"
        near += difflib.get_close_matches(typed, codes, n=3, cutoff=0.67)
        near += [by_name[name] for name in difflib.get_close_matches(typed, list(by_name), n=2, cutoff=0.8)]
        near = list(dict.fromkeys(near))[:3]
        if near:
            message = _("unknown language code “%(code)s” (did you mean %(near)s? The admin lists every language.)")
            return message % {"code": code, "near": ", ".join(near)}
        message = _("unknown language code “%(code)s” (not an ISO 639 code the archive knows; add it in the admin).")
        return message % {"code": code}

    def _languages(self, plan: RowPlan, values: dict, add) -> None:
        if "languages" not in values:
            return
        chosen = []
        for code in values["languages"]:
            language = self.languages.get(code.casefold())
            if language is None:
                add("languages", self._unknown_language(code))
            elif language not in chosen:
                chosen.append(language)
        current = set(plan.artifact.languages.all()) if plan.artifact.pk else set()
        if set(chosen) != current:
            plan.languages = chosen

    def _serials(self, plan: RowPlan, values: dict, add) -> None:
        serials = values.get("serial_numbers", [])
        present = {s.value for s in plan.artifact.serial_numbers.all()} if plan.artifact.pk else set()
        seen = set()
        for value in serials:
            if value in seen:
                add("serial_numbers", _("“%(value)s” is listed twice.") % {"value": value})
                continue
            seen.add(value)
            try:
                if self.thorough:
                    SerialNumber(value=value).clean_fields(exclude=["artifact", "normalized"])
            except ValidationError as exc:
                for message in exc.message_dict.get("value", exc.messages):
                    add("serial_numbers", _("“%(value)s”: %(message)s") % {"value": value[:40], "message": message})
                continue
            if value not in present:
                plan.new_serials.append(value)


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
