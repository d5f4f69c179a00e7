"""What an import found and did, in words a curator can act on."""

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file: where (row and column, when known) and what."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


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
        if self.problems:
            rows = self.rows_with_problems
            where = f"in {rows:,} of {self.rows:,} rows of" if rows else "in"
            return f"{len(self.problems):,} problem(s) found {where} {self.file_name}. Nothing was written."
        if self.dry_run:
            unchanged = f"; {self.unchanged:,} row(s) repeat what is stored" if self.unchanged else ""
            return (
                f"Dry run of {self.file_name}: all {self.rows:,} rows are valid. Importing would create "
                f"{self.created:,} artifact(s), update {self.updated:,} and add {self.photos_added:,} photo(s)"
                f"{unchanged}. Nothing was written."
            )
        return (
            f"Imported {self.file_name}: {self.rows:,} rows; {self.created:,} artifact(s) created, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged; {self.photos_added:,} photo(s) added"
            + (
                f" ({self.photos_already_present:,} already present, not added again)"
                if self.photos_already_present
                else ""
            )
            + (f"; {self.sources_created:,} new source(s)" if self.sources_created else "")
            + "."
        )

    def lines(self) -> list[str]:
        return [self.headline(), *(f"  {problem}" for problem in self.sorted_problems())]
