"""Verify everything custody rests on; record the outcome.

Each artifact's original files and attachments are re-hashed and its custody chain
recomputed; then the whole transparency log is rebuilt and checked against its stored
hashes, its signed heads (signatures, chaining, timestamp tokens), every row it records,
the append-only triggers, and any head saved elsewhere (--head, e.g. a witness's copy).

Exit status 0 when everything verified, 1 when anything failed, 3 when the database was
unavailable or went away (artifacts/management/exit_codes.py). Nothing is rewritten:
each artifact checked gains one fixity-check event stating its result (--no-record: none).
"""

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from artifacts.choices import CustodyEventType
from artifacts.custody import fixity, integrity, services
from artifacts.importing.report import format_number
from artifacts.management.exit_codes import PROBLEMS, database_outage_exits
from artifacts.management.progress import Progress
from artifacts.models import Artifact

CHUNK = 500


@dataclass
class Tally:
    artifacts: int = 0
    files: int = 0
    events: int = 0
    failures: list[tuple[str, list[str]]] = field(default_factory=list)

    def add(self, reports) -> None:
        for report in reports:
            self.artifacts += 1
            self.files += report.files_checked
            self.events += report.events_checked
            if not report.passed:
                self.failures.append((report.artifact.accession_number, report.problems))


class Command(BaseCommand):
    help = "Verify every original file, every custody chain and the signed transparency log."

    def add_arguments(self, parser):
        parser.add_argument("--artifact", help="Check only this accession number's files and chain (no log check).")
        parser.add_argument("--no-record", action="store_true", help="Report only; do not append fixity-check events.")
        parser.add_argument(
            "--head",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="A signed head saved elsewhere (a witness's copy); the log must still contain it. Repeatable.",
        )

    def handle(self, *args, **options):
        saved = [self._read_head(path) for path in options["head"]]
        outage = _(
            "The database is unavailable or went away during verification, so it is incomplete: nothing was "
            "found wrong because of it. Run verify_integrity again once the database answers."
        )
        with database_outage_exits(outage):
            self._verify(saved, options)

    def _verify(self, saved: list[dict], options: dict) -> None:
        artifacts = Artifact.objects.order_by("pk")
        if options["artifact"]:
            artifacts = artifacts.filter(accession_number=options["artifact"])
            if not artifacts.exists():
                raise CommandError(
                    _("No artifact with accession number %(accession)s.") % {"accession": options["artifact"]}
                )
        started = time.monotonic()
        tally = self._check_artifacts(artifacts, record=not options["no_record"])
        log_report = None if options["artifact"] else integrity.verify(saved_heads=saved)
        elapsed = time.monotonic() - started
        self.stdout.write(
            _("Checked %(artifacts)s artifacts, %(files)s files and %(events)s custody events in %(seconds)s s.")
            % {
                "artifacts": tally.artifacts,
                "files": tally.files,
                "events": tally.events,
                "seconds": format_number(round(elapsed, 1), 1, grouping=False),
            }
        )
        for accession, problems in tally.failures:
            # The problems themselves are the custody checks' own words (artifacts.custody).
            self.stdout.write(self.style.ERROR(_("FAIL %(accession)s") % {"accession": accession}))
            for problem in problems:
                self.stdout.write(f"  - {problem}")
        if log_report is not None:
            self._write_log_report(log_report, len(saved))
        if tally.failures or (log_report is not None and log_report.problems):
            if tally.failures:
                failed = len(tally.failures)
                message = _("%(failed)s of %(total)s artifacts failed verification.") % {
                    "failed": failed,
                    "total": tally.artifacts,
                }
                self.stdout.write(self.style.ERROR(message))
            sys.exit(PROBLEMS)
        self.stdout.write(self.style.SUCCESS(_("All files, custody chains and the transparency log verified.")))

    def _read_head(self, path: Path) -> dict:
        try:
            head = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(
                _("Cannot read the saved head %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from None
        if not isinstance(head, dict) or not {"tree_size", "root_hash", "origin"} <= set(head):
            raise CommandError(
                _("%(path)s is not a signed tree head (it needs origin, tree_size and root_hash).") % {"path": path}
            )
        return head

    def _check_artifacts(self, artifacts, *, record: bool) -> "Tally":
        # Only counts and failures are kept: a million artifacts' prefetched rows are not.
        tally = Tally()
        checked = artifacts.prefetch_related(*fixity.CHECK_PREFETCH).iterator(chunk_size=CHUNK)
        progress, total, batch = Progress(self.stderr), artifacts.count(), []
        for artifact in checked:
            batch.append(artifact)
            if len(batch) == CHUNK:
                tally.add(self._check_batch(batch, record))
                progress(tally.artifacts, total)
                batch = []
        tally.add(self._check_batch(batch, record))
        progress(tally.artifacts, total)
        progress.close()
        return tally

    def _check_batch(self, batch, record: bool) -> list:
        # One transaction per batch: one commit (and fsync) per 500 events, not per event.
        reports = [fixity.check_artifact(artifact) for artifact in batch]
        if record:
            with transaction.atomic():
                for report in reports:
                    services.record_custody_event(
                        artifact=report.artifact,
                        event_type=CustodyEventType.FIXITY_CHECK,
                        occurred=time.strftime("%Y-%m-%d", time.gmtime()),
                        outcome="pass" if report.passed else "fail",
                        note=report.summary(),
                        purpose="Scheduled fixity check (manage.py verify_integrity).",
                    )
        return reports

    def _write_log_report(self, report, saved: int) -> None:
        values = {"leaves": report.leaves, "heads": report.heads, "saved": saved}
        if saved:
            message = _(
                "Transparency log: %(leaves)s leaves and %(heads)s signed heads rebuilt and checked, against "
                "%(saved)s saved head(s)."
            )
        else:
            message = _("Transparency log: %(leaves)s leaves and %(heads)s signed heads rebuilt and checked.")
        self.stdout.write(message % values)
        # The notes and problems are the log checks' own words (artifacts.custody.integrity).
        for note in report.notes[:5]:
            self.stdout.write("  " + _("note: %(note)s") % {"note": note})
        if len(report.notes) > 5:
            self.stdout.write("  " + _("note: … and %(count)s more like it") % {"count": len(report.notes) - 5})
        if report.problems:
            message = _("FAIL transparency log: %(count)s problem(s)") % {"count": len(report.problems)}
            self.stdout.write(self.style.ERROR(message))
            for problem in report.problems:
                self.stdout.write(f"  - {problem}")
