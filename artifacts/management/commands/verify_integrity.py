"""Re-hash every original and recompute every custody chain; record the outcome.

Exit status 0 when everything verified, 1 when anything failed. Nothing is rewritten:
each artifact checked gains one fixity-check event stating the result.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from artifacts import fixity, services
from artifacts.choices import CustodyEventType
from artifacts.models import Artifact

CHUNK = 500


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Command(BaseCommand):
    help = "Verify the SHA-256 of every original file and every custody hash chain."

    def add_arguments(self, parser):
        parser.add_argument("--artifact", help="Check only this accession number.")
        parser.add_argument("--no-record", action="store_true", help="Report only; do not append fixity-check events.")

    def handle(self, *args, **options):
        artifacts = Artifact.objects.order_by("pk")
        if options["artifact"]:
            artifacts = artifacts.filter(accession_number=options["artifact"])
            if not artifacts.exists():
                raise CommandError(f"No artifact with accession number {options['artifact']}.")
        total = artifacts.count()
        started = time.monotonic()
        failures, files, events = [], 0, 0
        checked = artifacts.prefetch_related(*fixity.CHECK_PREFETCH).iterator(chunk_size=CHUNK)
        index = 0
        for chunk in _chunks(checked, CHUNK):
            # One transaction per chunk: one commit (and fsync) per 500 events, not per event.
            with transaction.atomic():
                for artifact in chunk:
                    index += 1
                    report = fixity.check_artifact(artifact)
                    files += report.files_checked
                    events += report.events_checked
                    if not report.passed:
                        failures.append(report)
                    if not options["no_record"]:
                        self._record(artifact, report)
                    self._progress(index, total)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Checked {total} artifacts, {files} files and {events} custody events in {elapsed:.1f} s.")
        for report in failures:
            self.stdout.write(self.style.ERROR(f"FAIL {report.artifact.accession_number}"))
            for problem in report.problems:
                self.stdout.write(f"  - {problem}")
        if failures:
            self.stdout.write(self.style.ERROR(f"{len(failures)} of {total} artifacts failed verification."))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("All files and custody chains verified."))

    def _record(self, artifact, report) -> None:
        services.record_custody_event(
            artifact=artifact,
            event_type=CustodyEventType.FIXITY_CHECK,
            occurred=time.strftime("%Y-%m-%d", time.gmtime()),
            outcome="pass" if report.passed else "fail",
            note=report.summary(),
            purpose="Scheduled fixity check (manage.py verify_integrity).",
        )

    def _progress(self, index: int, total: int) -> None:
        # A plain text bar on stderr, so the report on stdout stays clean for logs.
        width = 30
        filled = int(width * index / total) if total else width
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {index}/{total}", ending="")
        if index == total:
            self.stderr.write("")
