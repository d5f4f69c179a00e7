"""Command line of the researchers' checker.

    python3 bfa-verify.pyz RECORD.json [--files DIR] [--saved-head HEAD.json] [--tsa-ca CA.pem] [--offline]
    python3 bfa-verify.pyz witness https://ARCHIVE/transparency/ --store DIR

Exit status: 0 verified, 1 a problem was found, 2 the input could not be read.
"""

import argparse
import json
import sys
from pathlib import Path

from . import record, witness


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def verify_main(argv) -> int:
    parser = argparse.ArgumentParser(
        prog="bfa-verify", description="Verify a custody record downloaded from the archive."
    )
    parser.add_argument("record", type=Path, help="the custody record JSON file")
    parser.add_argument("--files", type=Path, help="a folder holding the files the record lists, to re-hash them")
    parser.add_argument(
        "--saved-head", type=Path, help="a head saved earlier (e.g. by a witness): is the log consistent?"
    )
    parser.add_argument("--tsa-ca", type=Path, help="the time-stamping authority's CA certificate(s), PEM")
    parser.add_argument("--log-url", help="ask this /transparency/ URL for proofs instead of the one in the record")
    parser.add_argument("--offline", action="store_true", help="never contact the archive")
    args = parser.parse_args(argv)
    try:
        document = _read_json(args.record)
        saved = _read_json(args.saved_head) if args.saved_head else None
        roots = args.tsa_ca.read_bytes() if args.tsa_ca else None
    except (OSError, ValueError) as exc:
        print(f"FAILED: cannot read the input: {exc}")
        return 2
    url = args.log_url or (document.get("log") or {}).get("url")
    fetch = None
    if saved is not None and url and not args.offline:
        try:
            fetch = witness.fetcher(url)
        except witness.FetchError as exc:
            print(f"  note: {exc}: give the archive's address with --log-url")
    report = record.verify_record(document, args.files, saved_head=saved, fetch=fetch, roots_pem=roots)
    # The verdict first, then why, then what was or was not checked.
    if not report.passed:
        print(f"FAILED: {len(report.problems)} problem(s) in the custody record of {document.get('accession_number')}")
        for problem in report.problems:
            print(f"  - {problem}")
    else:
        events = len(document.get("events", []))
        print(f"OK: {document.get('accession_number')}: {events} events, chain head {document.get('chain_head')}")
    for note in report.notes:
        print(f"  note: {note}")
    return 0 if report.passed else 1


def witness_main(argv) -> int:
    parser = argparse.ArgumentParser(prog="bfa-verify witness", description="Keep and check an archive's signed heads.")
    parser.add_argument("url", help="the archive's transparency URL, e.g. https://archive.example/transparency/")
    parser.add_argument("--store", type=Path, required=True, help="the folder where this witness keeps heads")
    args = parser.parse_args(argv)
    try:
        outcome = witness.witness(args.url, args.store)
    except witness.FetchError as exc:
        print(f"FAILED: {exc}")
        return 2
    for message in outcome.messages:
        print(("  " if outcome.ok else "  ! ") + message)
    print("OK" if outcome.ok else "FAILED: the log is not consistent with what this witness kept")
    return 0 if outcome.ok else 1


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "witness":
        return witness_main(argv[1:])
    return verify_main(argv)
