"""The two passes of an import: check everything, then write everything or nothing."""

import hashlib
import time
from itertools import islice

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from artifacts import services
from artifacts.importing import formats
from artifacts.importing import photos as photo_sources
from artifacts.importing.report import ImportReport, Problem
from artifacts.importing.validation import RowValidator
from artifacts.importing.writer import CREATED, UPDATED, ImportChanged, Writer
from artifacts.outages import is_database_outage
from artifacts.search.indexing import deferred

# Rows are read, and their stored artifacts fetched, this many at a time; fewer when the
# rows have photos, so that the progress shown keeps moving while images are processed.
CHUNK = 500
PHOTO_CHUNK = 25


def _chunks(rows, size):
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Aborted(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


def run_import(
    data,
    *,
    name: str,
    photos=None,
    dry_run: bool = False,
    user=None,
    check_permissions: bool = False,
    progress=None,
) -> ImportReport:
    """Import the CSV or JSON file `data` (a binary file object; `name` gives its format by
    extension and labels the edit history). `photos`: None, a folder, a .zip path or an open
    ZIP file. `user` is recorded in the history and as uploader; with `check_permissions`
    their permissions limit what the file may do. `progress(phase, done, total)` is called
    as rows are checked and written. Returns the report; never raises for bad input."""
    report = ImportReport(file_name=name, dry_run=dry_run)
    started = time.monotonic()
    source = None
    try:
        rows = formats.open_rows(data, name)
        source = photo_sources.open_source(photos)
        report.rows = rows.count()
        checker = photo_sources.PhotoChecker(source)
        validator = RowValidator(
            photos=checker,
            may_update=not check_permissions or user.has_perm("artifacts.change_artifact"),
            may_add_photos=not check_permissions or user.has_perm("artifacts.add_photo"),
        )
        digests = _check(rows, validator, report, progress)
        if not report.problems and not dry_run:
            _write(rows, validator, checker, report, user, progress, digests)
    except formats.FormatError as exc:
        report.problems += exc.problems
    except photo_sources.PhotoSourceError as exc:
        report.problems.append(Problem(None, None, str(exc)))
    finally:
        if source is not None:
            source.close()
        report.seconds = time.monotonic() - started
    return report


def _digest(raw: dict) -> bytes:
    return hashlib.blake2b(repr(list(raw.items())).encode(), digest_size=16).digest()


def _check(rows, validator: RowValidator, report: ImportReport, progress) -> list[bytes]:
    """The first pass. Returns a digest of every row, so that the writing pass can tell
    that it reads the very rows that were checked."""
    done, digests = 0, []
    for chunk in _chunks(rows, _chunk_size(validator)):
        validator.load_existing(chunk)
        for row, raw in chunk:
            plan, problems = validator.validate(row, raw)
            digests.append(_digest(raw))
            report.problems += problems
            if plan is not None:
                # What a dry run reports; the write counts again, exactly.
                if plan.is_new:
                    report.created += 1
                elif plan.may_change:
                    report.updated += 1
                else:
                    report.unchanged += 1
                report.photos_added += sum(1 for photo in plan.parts.photos if not photo.already_present)
            done += 1
            if progress:
                progress("Checking", done, report.rows)
    return digests


def _write(rows, validator: RowValidator, checker, report: ImportReport, user, progress, digests) -> None:
    report.created = report.updated = report.unchanged = report.photos_added = 0
    validator.start_pass(thorough=False)
    writer = Writer(file_name=report.file_name, user=user, photos=checker, report=report)
    span = ""
    try:
        with transaction.atomic():
            done = 0
            for chunk in _chunks(rows, _chunk_size(validator)):
                validator.load_existing(chunk)
                plans = []
                for row, raw in chunk:
                    if done >= len(digests) or _digest(raw) != digests[done]:
                        raise ImportChanged(
                            _("row %(row)s of the file changed while the import was running.") % {"row": row}
                        )
                    done += 1
                    # Checked again against the database as it is now, inside the transaction.
                    plan, problems = validator.validate(row, raw)
                    if problems:
                        raise _Aborted(problems)
                    plans.append(plan)
                span = f"{chunk[0][0]}–{chunk[-1][0]}"
                with deferred():  # each touched artifact is indexed once, when its chunk is complete
                    outcomes = writer.write_chunk(plans)
                for outcome in outcomes:
                    if outcome == CREATED:
                        report.created += 1
                    elif outcome == UPDATED:
                        report.updated += 1
                    else:
                        report.unchanged += 1
                if progress:
                    progress("Writing", done, report.rows)
            if done != len(digests):
                raise ImportChanged(_("the file changed while the import was running: it has fewer rows now."))
    except _Aborted as exc:
        report.problems += [*exc.problems, _changed_meanwhile()]
    except ImportChanged as exc:
        report.problems += [Problem(None, None, str(exc)), _changed_meanwhile()]
    except DatabaseError as exc:
        if is_database_outage(exc):
            # Not the file's fault: the caller says the database went away (exit status 3,
            # a 503 page), and the transaction was never committed.
            services.remove_files(writer.written_files)
            raise
        message = _("The database refused rows %(rows)s (%(error)s). Nothing was written.") % {
            "rows": span,
            "error": exc,
        }
        report.problems.append(Problem(None, None, message))
    except BaseException:
        services.remove_files(writer.written_files)
        raise
    if report.problems:
        services.remove_files(writer.written_files)
        report.accession_numbers.clear()
        report.created = report.updated = report.unchanged = report.photos_added = report.sources_created = 0
    else:
        report.written = True


def _chunk_size(validator: RowValidator) -> int:
    return PHOTO_CHUNK if validator.photos.source is not None else CHUNK


def _changed_meanwhile() -> Problem:
    return Problem(
        None,
        None,
        _(
            "The archive or the photos changed while the import was being written, so it was "
            "stopped and nothing was written. Run it again."
        ),
    )
