"""Fixity of one artifact: re-hash its evidential files and recompute its custody chain.

Used by `manage.py verify_integrity` (artifacts.custody.integrity adds the log-wide
checks) and the admin's last-check summary. Nothing here writes to an existing record:
results are appended as fixity-check events.
"""

import hashlib
from dataclasses import dataclass, field

from artifacts.choices import CustodyEventType
from artifacts.custody.checker.chain import verify_events
from artifacts.custody.models import CustodyEvent
from artifacts.custody.record import event_document
from artifacts.models import Artifact


def _file_problem(label: str, fieldfile, expected_sha: str, expected_size: int) -> str | None:
    storage, name = fieldfile.storage, fieldfile.name
    if not name or not storage.exists(name):
        return f"{label}: file is missing ({name or 'no file recorded'})"
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    if digest.hexdigest() != expected_sha:
        return f"{label}: SHA-256 changed (recorded {expected_sha}, now {digest.hexdigest()}, {size} bytes)"
    if size != expected_size:
        return f"{label}: size changed (recorded {expected_size} bytes, now {size})"
    return None


@dataclass
class FixityReport:
    artifact: Artifact
    files_checked: int = 0
    events_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = f"{self.files_checked} files and {self.events_checked} custody events checked"
        return f"PASS: {head}." if self.passed else f"FAIL: {head}; " + "; ".join(self.problems)


CHECK_PREFETCH = (
    "photos",
    "custody_events__attachments",
    "custody_events__corrects",
    "custody_events__recorded_by",
)


def check_artifact(artifact: Artifact) -> FixityReport:
    """Check one artifact; pass it with CHECK_PREFETCH prefetched to check many quickly."""
    report = FixityReport(artifact=artifact)
    for photo in artifact.photos.all():
        report.files_checked += 1
        problem = _file_problem(f"photo {photo.pk} original", photo.original, photo.sha256, photo.byte_size)
        if problem:
            report.problems.append(problem)
    events = sorted(artifact.custody_events.all(), key=lambda e: e.sequence)
    for event in events:
        for attachment in event.attachments.all():
            report.files_checked += 1
            label = f"event {event.sequence} attachment {attachment.original_name}"
            problem = _file_problem(label, attachment.file, attachment.sha256, attachment.byte_size)
            if problem:
                report.problems.append(problem)
    report.events_checked = len(events)
    report.problems += verify_events([event_document(e) for e in events], artifact.accession_number)
    return report


def latest_check(artifact: Artifact) -> CustodyEvent | None:
    return artifact.custody_events.filter(event_type=CustodyEventType.FIXITY_CHECK).order_by("-sequence").first()
