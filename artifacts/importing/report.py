"""What an import found and did, in words a curator can act on."""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


def format_number(value, decimal_pos: int | None = None, *, grouping: bool = True) -> str:
    """A number as the active language writes it (1,234.5 in English and Korean, 1 234,5 in
    Ukrainian); as in English when no language is active (a management command)."""
    if get_language() is None:
        separator = "," if grouping else ""
        return f"{value:{separator}}" if decimal_pos is None else f"{value:{separator}.{decimal_pos}f}"
    return number_format(value, decimal_pos, force_grouping=grouping)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file: where (row and column, when known) and what."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            text = _("row %(row)s, column %(column)s: %(message)s")
        elif self.row is not None:
            text = _("row %(row)s: %(message)s")
        elif self.column:
            text = _("column %(column)s: %(message)s")
        else:
            return self.message
        return text % {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    photos_added: int = 0
    photos_already_present: int = 0
    sources_created: int = 0
    accession_numbers: list[str] = field(default_factory=list)  # of created artifacts, in file order
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows_with_problems(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})

    def sorted_problems(self) -> list[Problem]:
        # File-level problems (no row) first, then by row in file order.
        return sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))

    def headline(self) -> str:
        """One sentence on the outcome, in the active language (English in a command)."""
        n = format_number
        values = {
            "file": self.file_name,
            "count": n(len(self.problems)),
            "rows_with_problems": n(self.rows_with_problems),
            "rows": n(self.rows),
            "created": n(self.created),
            "updated": n(self.updated),
            "unchanged": n(self.unchanged),
            "photos": n(self.photos_added),
            "already_present": n(self.photos_already_present),
            "sources": n(self.sources_created),
        }
        if self.problems:
            if self.rows_with_problems:
                # The English keeps “problem(s)” in both forms; other languages inflect.
                text = ngettext(
                    "%(count)s problem(s) found in %(rows_with_problems)s of %(rows)s rows of %(file)s. "
                    "Nothing was written.",
                    "%(count)s problem(s) found in %(rows_with_problems)s of %(rows)s rows of %(file)s. "
                    "Nothing was written.",
                    len(self.problems),
                )
            else:
                text = ngettext(
                    "%(count)s problem(s) found in %(file)s. Nothing was written.",
                    "%(count)s problem(s) found in %(file)s. Nothing was written.",
                    len(self.problems),
                )
            return text % values
        if self.dry_run:
            if self.unchanged:
                text = _(
                    "Dry run of %(file)s: all %(rows)s rows are valid. Importing would create %(created)s "
                    "artifact(s), update %(updated)s and add %(photos)s photo(s); %(unchanged)s row(s) repeat "
                    "what is stored. Nothing was written."
                )
            else:
                text = _(
                    "Dry run of %(file)s: all %(rows)s rows are valid. Importing would create %(created)s "
                    "artifact(s), update %(updated)s and add %(photos)s photo(s). Nothing was written."
                )
            return text % values
        if self.photos_already_present and self.sources_created:
            text = _(
                "Imported %(file)s: %(rows)s rows; %(created)s artifact(s) created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(photos)s photo(s) added (%(already_present)s already present, "
                "not added again); %(sources)s new source(s)."
            )
        elif self.photos_already_present:
            text = _(
                "Imported %(file)s: %(rows)s rows; %(created)s artifact(s) created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(photos)s photo(s) added (%(already_present)s already present, "
                "not added again)."
            )
        elif self.sources_created:
            text = _(
                "Imported %(file)s: %(rows)s rows; %(created)s artifact(s) created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(photos)s photo(s) added; %(sources)s new source(s)."
            )
        else:
            text = _(
                "Imported %(file)s: %(rows)s rows; %(created)s artifact(s) created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(photos)s photo(s) added."
            )
        return text % values

    def lines(self) -> list[str]:
        return [self.headline(), *(f"  {problem}" for problem in self.sorted_problems())]
