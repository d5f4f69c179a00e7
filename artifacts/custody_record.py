#!/usr/bin/env python3
"""Verify a downloaded custody record of the Battlefield Artifacts Archive.

Standard library only, so anyone can run it without installing the archive:

    python3 custody_record.py BFA-2026-0001-custody.json [--files DIR]

It recomputes every event's SHA-256 from its canonical form, checks that the events are
numbered 1, 2, 3… with each pointing at the previous event's hash, that the chain head
matches, and that each event's attachment digests match its attachment list. With
--files DIR it also re-hashes the files named in the record (by their SHA-256 file name
or their stated name) found in DIR. The archive itself uses this same module to build
and check the chain, so the two can never disagree.

Canonical form: the event's fields (see EVENT_FIELDS) as a JSON object, keys sorted,
separators "," and ":" with no spaces, non-ASCII characters written as UTF-8 (not
\\u-escaped), the whole encoded as UTF-8; the event's hash is the SHA-256 hex digest of
those bytes. "attachments" holds the sorted SHA-256 hex digests of the event's attached
files, so a changed attachment changes the event's hash.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

FORMAT = "bfa-custody-record/1"

EVENT_FIELDS = (
    "accession_number",
    "attachments",
    "authorised_by",
    "condition_after",
    "condition_before",
    "corrects",
    "destination",
    "event_type",
    "note",
    "occurred",
    "occurred_as_reported",
    "outcome",
    "place",
    "previous_hash",
    "purpose",
    "received_by",
    "received_by_role",
    "recorded_at",
    "recorded_by",
    "released_by",
    "released_by_role",
    "seal_intact",
    "seal_numbers_in",
    "seal_numbers_out",
    "sequence",
    "witnesses",
)


def canonical_bytes(event: dict) -> bytes:
    record = {name: event.get(name) for name in EVENT_FIELDS}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def event_hash(event: dict) -> str:
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def verify_record(document: dict, files_dir: Path | None = None) -> list[str]:
    if document.get("format") != FORMAT:
        return [f"not a custody record in format {FORMAT}"]
    events = document.get("events", [])
    problems = verify_events(events, document.get("accession_number"))
    head = events[-1]["entry_hash"] if events else ""
    if document.get("chain_head", "") != head:
        problems.append("chain_head does not match the hash of the last event (events removed or added)")
    if files_dir is not None:
        listed = list(document.get("files", []))
        for event in events:
            listed += event.get("attachment_files", [])
        for entry in listed:
            candidates = [files_dir / entry["sha256"], files_dir / Path(entry.get("name", "")).name]
            found = next((p for p in candidates if p.name and p.is_file()), None)
            if found is None:
                problems.append(f"file {entry.get('name') or entry['sha256']}: not found in {files_dir}")
            elif file_sha256(found) != entry["sha256"]:
                problems.append(f"file {found.name}: SHA-256 differs from the record (file changed)")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a custody record downloaded from the archive.")
    parser.add_argument("record", type=Path, help="the custody record JSON file")
    parser.add_argument("--files", type=Path, help="a folder holding the files the record lists, to re-hash them")
    args = parser.parse_args(argv)
    try:
        document = json.loads(args.record.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"FAILED: cannot read {args.record}: {exc}")
        return 2
    problems = verify_record(document, args.files)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in the custody record of {document.get('accession_number')}")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    count = len(document.get("events", []))
    print(f"OK: {document.get('accession_number')}: {count} events, chain head {document.get('chain_head')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
