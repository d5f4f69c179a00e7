"""Checking one artifact's chain of custody events, as a custody record lists them."""

import hashlib
from pathlib import Path

from .canonical import event_hash


def verify_events(events: list[dict], accession_number: str | None = None) -> list[str]:
    """Every problem found in a list of events, in order; empty when the chain holds."""
    problems = []
    previous = ""
    for index, event in enumerate(events, start=1):
        label = f"event {index}"
        if event.get("sequence") != index:
            problems.append(f"{label}: sequence is {event.get('sequence')!r}, expected {index} (removed or reordered)")
        if event.get("previous_hash", "") != previous:
            problems.append(f"{label}: previous_hash does not match the hash of the event before it")
        if accession_number is not None and event.get("accession_number") != accession_number:
            problems.append(f"{label}: belongs to {event.get('accession_number')!r}, not {accession_number!r}")
        recomputed = event_hash(event)
        if event.get("entry_hash") != recomputed:
            problems.append(
                f"{label}: content does not match its hash (stored {event.get('entry_hash')}, recomputed {recomputed})"
            )
        files = event.get("attachment_files", [])
        if sorted(f.get("sha256") for f in files) != sorted(event.get("attachments") or []):
            problems.append(f"{label}: attachment list does not match the hashed attachment digests")
        previous = event.get("entry_hash", "")
    return problems


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_files(entries: list[dict], files_dir: Path) -> list[str]:
    """Re-hash the files a record lists, found in files_dir by SHA-256 or stated name."""
    problems = []
    for entry in entries:
        candidates = [files_dir / entry["sha256"], files_dir / Path(entry.get("name", "")).name]
        found = next((p for p in candidates if p.name and p.is_file()), None)
        if found is None:
            problems.append(f"file {entry.get('name') or entry['sha256']}: not found in {files_dir}")
        elif file_sha256(found) != entry["sha256"]:
            problems.append(f"file {found.name}: SHA-256 differs from the record (file changed)")
    return problems
