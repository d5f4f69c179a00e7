"""Verify a downloaded custody record: its chain, its files, and its place in the log.

A record (format bfa-custody-record/2) holds the artifact's events and evidential files;
each with the index of its leaf in the archive's transparency log and an inclusion proof
to one signed head, which the record includes with the archive's public keys. Checking
it proves that the archive published exactly these events and files, in a log that it
cannot rewrite without the change showing to anyone holding an earlier head.
"""

import base64
from dataclasses import dataclass, field
from pathlib import Path

from . import canonical, chain, heads, merkle, tsa

FORMAT = "bfa-custody-record/2"


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def _leaf_for_event(event: dict, accession: str) -> dict:
    return canonical.event_leaf(
        accession_number=accession, sequence=event.get("sequence"), entry_hash=canonical.event_hash(event)
    )


def _leaf_for_file(entry: dict, accession: str) -> dict:
    return canonical.file_leaf(
        role=entry.get("role", ""),
        accession_number=accession,
        sha256=entry.get("sha256"),
        byte_size=entry.get("byte_size"),
        photo=entry.get("photo"),
        event_sequence=entry.get("event_sequence"),
        attachment=entry.get("attachment"),
    )


def check_inclusion(label: str, leaf: dict, placement: dict | None, head: dict, report: Report) -> None:
    if not placement:
        report.problems.append(f"{label}: has no leaf in the log")
        return
    if placement.get("proof") is None:
        report.notes.append(
            f"{label}: leaf {placement.get('leaf_index')} is newer than the signed head (not yet proved)"
        )
        return
    proof = [bytes.fromhex(value) for value in placement["proof"]]
    hashed = merkle.leaf_hash(canonical.canonical_json(leaf))
    root = bytes.fromhex(head["root_hash"])
    if not merkle.verify_inclusion(hashed, placement["leaf_index"], head["tree_size"], proof, root):
        report.problems.append(
            f"{label}: not in the log as recorded (leaf {placement.get('leaf_index')} does not prove to head "
            f"{head.get('number')}): the record or the log was changed"
        )


def check_head(head: dict, keys: dict[str, str], roots_pem: bytes | None, report: Report) -> None:
    verified, note = heads.check_signature(head, keys)
    if verified is False:
        report.problems.append(note)
    else:
        report.notes.append(note)
    stamps = head.get("timestamps") or []
    if not stamps:
        report.notes.append(f"head {head.get('number')}: no RFC 3161 timestamp yet")
    for stamp in stamps:
        try:
            result = tsa.verify_token(base64.b64decode(stamp["token"]), heads.stamped_bytes(head), roots_pem)
        except (tsa.TokenError, ValueError, KeyError) as exc:
            report.problems.append(f"head {head.get('number')}: timestamp by {stamp.get('tsa')} does not verify: {exc}")
            continue
        note = f"head {head.get('number')}: timestamped by {stamp.get('tsa')} at {result.info.gen_time.isoformat()}"
        report.notes.append(note if result.signature_checked else f"{note} ({result.note})")


def check_saved_head(saved: dict, head: dict, keys: dict[str, str], fetch, report: Report) -> None:
    """Is the log today a consistent extension of a head the researcher kept earlier?"""
    verified, note = heads.check_signature(saved, keys)
    if verified is False:
        report.problems.append(f"saved head: {note}")
    if saved.get("origin") != head.get("origin"):
        report.problems.append(f"saved head is of log {saved.get('origin')!r}, not {head.get('origin')!r}")
        return
    first, second = sorted([(saved["tree_size"], saved), (head["tree_size"], head)], key=lambda pair: pair[0])
    if first[0] == second[0]:
        if saved["root_hash"] != head["root_hash"]:
            report.problems.append(
                f"FORK: the saved head and the record's head both have {first[0]} leaves but different roots"
            )
        return
    if fetch is None:
        report.notes.append("consistency with the saved head not checked: no archive to ask (offline)")
        return
    try:
        answer = fetch(f"proof/consistency.json?first={first[0]}&second={second[0]}")
        proof = [bytes.fromhex(value) for value in answer["hashes"]]
    except Exception as exc:  # any failure to obtain the proof is reported, not raised
        report.problems.append(f"could not obtain a consistency proof {first[0]}→{second[0]}: {exc}")
        return
    ok = merkle.verify_consistency(
        first[0], second[0], bytes.fromhex(first[1]["root_hash"]), bytes.fromhex(second[1]["root_hash"]), proof
    )
    if not ok:
        report.problems.append(
            f"the log of {second[0]} leaves is not an extension of the saved head of {saved['tree_size']} leaves "
            f"(head {saved.get('number')}, {saved.get('timestamp')}): the log was rewritten"
        )
    else:
        report.notes.append(f"the log is a consistent extension of the saved head {saved.get('number')}")


def verify_record(
    document: dict,
    files_dir: Path | None = None,
    *,
    saved_head: dict | None = None,
    fetch=None,
    roots_pem: bytes | None = None,
) -> Report:
    report = Report()
    if document.get("format") != FORMAT:
        report.problems.append(f"not a custody record in format {FORMAT}")
        return report
    accession = document.get("accession_number")
    events = document.get("events", [])
    report.problems += chain.verify_events(events, accession)
    if document.get("chain_head", "") != (events[-1].get("entry_hash") if events else ""):
        report.problems.append("chain_head does not match the hash of the last event (events removed or added)")
    attachments = [dict(a, event_sequence=e.get("sequence")) for e in events for a in e.get("attachment_files", [])]
    if files_dir is not None:
        report.problems += chain.verify_files(list(document.get("files", [])) + attachments, files_dir)
    log = document.get("log") or {}
    head = log.get("head")
    if not head:
        if saved_head is not None:
            report.problems.append(
                f"the record has no signed head, but the saved head {saved_head.get('number')} "
                f"({saved_head.get('timestamp')}) has {saved_head.get('tree_size')} leaves: the log was removed"
            )
        else:
            report.notes.append("the archive has signed no head yet: nothing proves these entries are in its log")
        return report
    check_head(head, log.get("keys") or {}, roots_pem, report)
    for event in events:
        check_inclusion(
            f"event {event.get('sequence')}", _leaf_for_event(event, accession), event.get("log"), head, report
        )
    for entry in attachments + list(document.get("files", [])):
        check_inclusion(f"file {entry.get('name')}", _leaf_for_file(entry, accession), entry.get("log"), head, report)
    if saved_head is not None:
        check_saved_head(saved_head, head, log.get("keys") or {}, fetch, report)
    return report
