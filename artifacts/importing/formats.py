"""Readers for import files: CSV (streamed row by row) and JSON.

Each reader checks the file's shape first (encoding, header, top-level structure) and
then yields (row number, {column: raw value}) for every record. Row numbers are what a
curator sees: in a CSV file the header is row 1 and the first record row 2, as in a
spreadsheet; in a JSON file row 1 is the first object of the array. Files are read from
the start on every pass, so a reader can be iterated more than once (check, then write).
"""

import csv
import difflib
import io
import json

from django.utils.translation import gettext as _

from artifacts.importing.columns import COLUMNS, NESTED_KEYS, REQUIRED_FOR_NEW, normalize_header
from artifacts.importing.report import Problem, format_number

# Spreadsheets export cells far longer than csv's default limit (128 KB) only by mistake,
# but a long transcription must not be cut: allow 10 MB per cell.
csv.field_size_limit(10 * 1024 * 1024)
DELIMITERS = (",", ";", "\t")


class FormatError(Exception):
    """The file as a whole cannot be read; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def unknown_column(name: str) -> str:
    close = difflib.get_close_matches(name, list(COLUMNS) + list(NESTED_KEYS), n=1)
    if close:
        return _(
            "unknown column. Did you mean %(name)s? The columns an import accepts are listed in the README "
            "(Bulk import format)."
        ) % {"name": close[0]}
    return _("unknown column. The columns an import accepts are listed in the README (Bulk import format).")


def check_columns(names: list[str], *, row: int | None = None, nested_allowed: bool = False) -> list[Problem]:
    problems = []
    for name in names:
        if name not in COLUMNS and not (nested_allowed and name in NESTED_KEYS):
            if name in NESTED_KEYS:
                problems.append(Problem(row, name, _("nested records can only be given in a JSON file.")))
            elif not name:
                continue  # unnamed columns are fine as long as they are empty (see CSVRows)
            else:
                problems.append(Problem(row, name, unknown_column(name)))
    return problems


class CSVRows:
    def __init__(self, file):
        self.file = file
        self.delimiter = ","
        self.header = self._read_header()

    def _text(self):
        self.file.seek(0)
        return io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")

    def _read_header(self) -> list[str]:
        text = self._text()
        try:
            first = text.readline()
        except UnicodeDecodeError as exc:
            raise FormatError([Problem(None, None, _not_utf8(exc))]) from None
        finally:
            text.detach()  # leave the underlying file open for the next pass
        if not first.strip():
            raise FormatError([Problem(None, None, _("The file is empty: the first line must name the columns."))])
        # Spreadsheets in many locales export with ; or tabs; the header line says which.
        self.delimiter = max(DELIMITERS, key=first.count)
        raw = next(csv.reader([first], delimiter=self.delimiter))
        names = [normalize_header(name) for name in raw]
        problems = check_columns(names)
        if not any(names):
            problems.append(Problem(None, None, _("The first line must name the columns; it names none.")))
        for name in sorted({n for n in names if n and names.count(n) > 1}):
            problems.append(Problem(None, name, _("the column appears more than once in the header.")))
        if "accession_number" not in names:
            for name in REQUIRED_FOR_NEW:
                if name not in names:
                    problems.append(
                        Problem(
                            None,
                            name,
                            _(
                                "missing column: without accession numbers every row creates an "
                                "artifact, and a new artifact needs a title and a type."
                            ),
                        )
                    )
        if problems:
            raise FormatError(problems)
        return names

    def __iter__(self):
        text = self._text()
        try:
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            next(reader)  # the header
            width = len(self.header)
            for index, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue  # blank lines at the end of a spreadsheet export
                record = {name: cell for name, cell in zip(self.header, cells, strict=False) if name}
                # Spreadsheets often export empty columns without a name; a value in one is an error.
                stray = [cell for name, cell in zip(self.header, cells, strict=False) if not name and cell.strip()]
                stray += [cell for cell in cells[width:] if cell.strip()]
                if stray:
                    record[None] = stray
                yield index, record
        except UnicodeDecodeError as exc:
            raise FormatError([Problem(None, None, _not_utf8(exc))]) from None
        except csv.Error as exc:
            message = _("The CSV file is malformed near line %(line)s: %(error)s.") % {
                "line": reader.line_num,
                "error": exc,
            }
            raise FormatError([Problem(None, None, message)]) from None
        finally:
            text.detach()

    def count(self) -> int:
        return sum(1 for _record in self)


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return _(
        "The file is not UTF-8 text (undecodable byte at position %(position)s). "
        "Save it as “CSV UTF-8” (in LibreOffice: character set Unicode (UTF-8))."
    ) % {"position": format_number(exc.start)}


class JSONRows:
    """A JSON array of objects, or an object whose "artifacts" key holds that array. The
    whole file is parsed at once (JSON has no record boundaries to stream on); for very
    large imports CSV is streamed instead."""

    def __init__(self, file):
        file.seek(0)
        try:
            data = json.load(file)
        except UnicodeDecodeError as exc:
            message = _("The file is not UTF-8 text: %(reason)s.") % {"reason": exc.reason}
            raise FormatError([Problem(None, None, message)]) from None
        except json.JSONDecodeError as exc:
            message = _("The file is not valid JSON: %(error)s (line %(line)s, column %(column)s).") % {
                "error": exc.msg,
                "line": exc.lineno,
                "column": exc.colno,
            }
            raise FormatError([Problem(None, None, message)]) from None
        except RecursionError:
            # A record is at most a few levels deep; thousands of nested brackets are an attack or an accident.
            message = _("The file is not valid JSON for an import: its arrays or objects are nested too deeply.")
            raise FormatError([Problem(None, None, message)]) from None
        except ValueError as exc:
            # Python refuses integers of more than 4,300 digits rather than spend seconds converting them.
            message = _("The file is not valid JSON for an import: %(error)s.") % {"error": exc}
            raise FormatError([Problem(None, None, message)]) from None
        if isinstance(data, dict) and set(data) == {"artifacts"}:
            data = data["artifacts"]
        if not isinstance(data, list):
            message = _('The file must hold an array of objects, or {"artifacts": [ … ]}.')
            raise FormatError([Problem(None, None, message)])
        self.records = data

    def __iter__(self):
        for index, record in enumerate(self.records, start=1):
            if not isinstance(record, dict):
                yield index, {None: record}
            else:
                yield index, record

    def count(self) -> int:
        return len(self.records)


def open_rows(file, name: str):
    """The reader for `file` (a binary file object), chosen by the name's extension."""
    lowered = name.lower()
    if lowered.endswith(".json"):
        return JSONRows(file)
    if lowered.endswith((".csv", ".tsv", ".txt")):
        return CSVRows(file)
    raise FormatError([Problem(None, None, _("“%(name)s” is neither a .csv nor a .json file.") % {"name": name})])
