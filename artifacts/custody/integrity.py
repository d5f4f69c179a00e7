"""Log-wide verification: what verify_integrity checks beyond each artifact's own files.

1. The append-only triggers are all present and enabled.
2. The log is rebuilt from its leaves: every leaf index in order, every stored subtree
   hash equal to the one recomputed, every head's root equal to the rebuilt tree's root
   at that head's size, every head signed by a key the operator trusts, chained to the
   head before it, and its timestamp tokens valid.
3. Every custody event, attachment and photo still says what its leaf said (an event's
   hash is recomputed from its fields, not read), and every leaf's row exists.
4. Each head saved elsewhere (a witness's copy, `--head FILE`) is still in the log: the
   rebuilt tree at its size has its root, and the archive still publishes it.

Each problem is one sentence naming what is wrong and where; none is fatal to the rest.
"""

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from artifacts.custody import heads, leaves, signing, triggers
from artifacts.custody.checker import canonical, merkle, tsa
from artifacts.custody.checker import heads as head_format
from artifacts.custody.models import CustodyAttachment, CustodyEvent, LeafKind, LogLeaf, LogNode, TreeHead
from artifacts.models import Photo

CHUNK = 2000
ROW_MODELS = {LeafKind.CUSTODY_EVENT: CustodyEvent, LeafKind.ATTACHMENT: CustodyAttachment, LeafKind.PHOTO: Photo}


@dataclass
class LogReport:
    leaves: int = 0
    heads: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _chunks(queryset, key: str = "pk") -> Iterator[list]:
    """Rows in key order, CHUNK at a time, without holding a cursor open across writes."""
    last = None
    while True:
        page = queryset.order_by(key)
        if last is not None:
            page = page.filter(**{f"{key}__gt": last})
        rows = list(page[:CHUNK])
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], key)


def check_triggers(report: LogReport) -> None:
    for name in triggers.missing(connection):
        report.problems.append(f"trigger {name} is missing or disabled: the table it guards can be rewritten")


def _trusted_keys() -> set[str]:
    trusted = set(settings.ARCHIVE_TRUSTED_KEY_IDS)
    key = signing.configured_key()
    if key is not None:
        trusted.add(head_format.key_id(signing.public_bytes(key)))
    return trusted


def rebuild(report: LogReport, sizes: set[int]) -> dict[int, bytes]:
    """Recompute the tree from the leaves; compare every stored hash; return the roots
    at the requested sizes."""
    frontier, roots = merkle.Frontier(), {}
    if 0 in sizes:
        roots[0] = merkle.EMPTY_ROOT
    stored = iter(_stored_hashes())
    expected_index = 0
    for chunk in _chunks(LogLeaf.objects.all(), "index"):
        for leaf in chunk:
            if leaf.index != expected_index:
                report.problems.append(f"leaf {expected_index} is missing (the next leaf is {leaf.index})")
                expected_index = leaf.index
            data = leaf.data.encode("utf-8")
            for key, value in frontier.append(merkle.leaf_hash(data)):
                found = next(stored, None)
                if found is None or found[0] != key:
                    report.problems.append(f"stored subtree hash {key} is missing")
                    stored = iter(_stored_hashes(after=key))
                elif found[1] != value:
                    report.problems.append(f"stored subtree hash {key} differs from the leaves (leaf {leaf.index})")
            expected_index += 1
            if frontier.size in sizes:
                roots[frontier.size] = frontier.root()
        report.leaves = frontier.size
    return roots


def _stored_hashes(after: int = -1) -> Iterator[tuple[int, bytes]]:
    last = after
    while True:
        rows = list(LogNode.objects.filter(index__gt=last).order_by("index").values_list("index", "hash")[:CHUNK])
        if not rows:
            return
        for index, value in rows:
            yield index, bytes(value)
        last = rows[-1][0]


def check_heads(report: LogReport, roots: dict[int, bytes]) -> None:
    trusted, keys, previous = _trusted_keys(), heads.public_keys(), None
    roots_pem = heads.tsa_roots()
    for head in TreeHead.objects.select_related("key").prefetch_related("timestamps").order_by("number"):
        report.heads += 1
        document = heads.document(head)
        label = f"head {head.number} ({head.tree_size} leaves, {document['timestamp']})"
        if head.number != report.heads:
            report.problems.append(f"head {report.heads} is missing (the next head is {head.number})")
            report.heads = head.number
        elif previous is not None and head.previous != head_format.head_hash(heads.document(previous)):
            report.problems.append(f"{label}: does not chain to head {previous.number} (a head was removed or changed)")
        if previous is not None and head.tree_size < previous.tree_size:
            report.problems.append(f"{label}: smaller than head {previous.number}: the log shrank")
        if head.tree_size > report.leaves:
            report.problems.append(
                f"{label}: covers more leaves than the log has ({report.leaves}): leaves were removed"
            )
        elif roots.get(head.tree_size) != bytes.fromhex(head.root_hash):
            report.problems.append(f"{label}: its root does not match the log's leaves: the log was rewritten")
        _check_signature(report, label, document, keys, trusted)
        for stamp in document["timestamps"]:
            try:
                tsa.verify_token(base64.b64decode(stamp["token"]), head_format.stamped_bytes(document), roots_pem)
            except tsa.TokenError as exc:
                report.problems.append(f"{label}: timestamp token from {stamp['tsa']} does not verify: {exc}")
        previous = head


def _check_signature(report, label, document, keys, trusted) -> None:
    if not document["signature"]:
        report.notes.append(f"{label}: unsigned (no signing key was configured)")
        return
    verified, note = head_format.check_signature(document, keys)
    if not verified:
        report.problems.append(f"{label}: {note}")
    elif document["key_id"] not in trusted:
        report.problems.append(
            f"{label}: signed by key {document['key_id'][:16]}…, which is neither the configured key nor in "
            "ARCHIVE_TRUSTED_KEY_IDS: a key was added to the database"
        )


def check_saved_head(report: LogReport, saved: dict, roots: dict[int, bytes]) -> None:
    label = f"saved head {saved.get('number')} ({saved.get('tree_size')} leaves, {saved.get('timestamp')})"
    if saved.get("origin") != settings.ARCHIVE_LOG_ORIGIN:
        report.problems.append(f"{label}: is of log {saved.get('origin')!r}, not {settings.ARCHIVE_LOG_ORIGIN!r}")
        return
    keys = heads.public_keys()
    if saved.get("signature") and saved.get("key_id") not in keys:
        report.problems.append(
            f"{label}: signed by key {str(saved.get('key_id'))[:16]}…, which the archive no longer has: "
            "its signing keys were removed"
        )
    else:
        verified, note = head_format.check_signature(saved, keys)
        if saved.get("signature") and not verified:
            report.problems.append(f"{label}: {note}")
    size = saved["tree_size"]
    if size > report.leaves:
        report.problems.append(f"{label}: the log has only {report.leaves} leaves now: the log shrank")
    elif roots.get(size) != bytes.fromhex(saved["root_hash"]):
        report.problems.append(
            f"{label}: the log's first {size} leaves no longer have the saved root: the log was rewritten since"
        )
    stored = TreeHead.objects.select_related("key").prefetch_related("timestamps").filter(number=saved.get("number"))
    stored = stored.first()
    fields = ("origin", "tree_size", "root_hash", "timestamp", "previous", "signature")
    if stored is None:
        report.problems.append(f"{label}: the archive no longer has this head (deleted)")
    elif any(heads.document(stored)[name] != saved.get(name) for name in fields):
        report.problems.append(f"{label}: the archive's head {stored.number} now says something else")


def check_rows(report: LogReport) -> None:
    """Every row has its leaf, saying what the row says; every leaf has its row."""
    builders = {
        LeafKind.CUSTODY_EVENT: (
            CustodyEvent.objects.select_related("artifact", "corrects", "recorded_by").prefetch_related("attachments"),
            lambda event: leaves.for_event(event),
        ),
        LeafKind.ATTACHMENT: (
            CustodyAttachment.objects.select_related("event__artifact"),
            lambda attachment: leaves.for_attachment(attachment, attachment.event),
        ),
        LeafKind.PHOTO: (Photo.objects.select_related("artifact").defer("exif"), leaves.for_photo),
    }
    for kind, (queryset, build) in builders.items():
        for chunk in _chunks(queryset):
            found = dict(
                LogLeaf.objects.filter(kind=kind, object_id__in=[r.pk for r in chunk]).values_list("object_id", "data")
            )
            for row in chunk:
                label = f"{LeafKind(kind).label} {row.pk} of {_accession(row)}"
                if row.pk not in found:
                    report.problems.append(
                        f"{label}: has no leaf in the log (added behind the archive's back, or its leaf removed)"
                    )
                elif found[row.pk] != canonical.canonical_json(build(row).data).decode("utf-8"):
                    report.problems.append(
                        f"{label}: no longer matches its leaf ({_difference(found[row.pk], build(row))})"
                    )
    _check_leaf_rows(report)


def _accession(row) -> str:
    artifact = getattr(row, "artifact", None) or row.event.artifact
    return artifact.accession_number


def _difference(stored: str, entry: leaves.Entry) -> str:
    before = json.loads(stored)
    changed = sorted(name for name in set(before) | set(entry.data) if before.get(name) != entry.data.get(name))
    return ", ".join(f"{name} was {before.get(name)!r}, now {entry.data.get(name)!r}" for name in changed)


def _check_leaf_rows(report: LogReport) -> None:
    withdrawn = set(LogLeaf.objects.filter(kind=LeafKind.PHOTO_WITHDRAWN).values_list("object_id", flat=True))
    for chunk in _chunks(LogLeaf.objects.only("index", "kind", "object_id", "accession_number"), "index"):
        for kind, model in ROW_MODELS.items():
            ids = [leaf.object_id for leaf in chunk if leaf.kind == kind]
            existing = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
            for leaf in chunk:
                if leaf.kind != kind or leaf.object_id in existing:
                    continue
                if kind == LeafKind.PHOTO and leaf.object_id in withdrawn:
                    continue
                report.problems.append(
                    f"leaf {leaf.index}: {LeafKind(kind).label} {leaf.object_id} of {leaf.accession_number} "
                    "does not exist (removed without a withdrawal, or a leaf for a row that never was)"
                )
        photos = [leaf.object_id for leaf in chunk if leaf.kind == LeafKind.PHOTO_WITHDRAWN]
        for pk in Photo.objects.filter(pk__in=photos).values_list("pk", flat=True):
            report.problems.append(f"photo {pk}: the log says it was withdrawn, but its row is still there")


def verify(*, saved_heads: list[dict] = ()) -> LogReport:
    report = LogReport()
    check_triggers(report)
    sizes = set(TreeHead.objects.values_list("tree_size", flat=True)) | {h["tree_size"] for h in saved_heads}
    roots = rebuild(report, sizes)
    check_heads(report, roots)
    for saved in saved_heads:
        check_saved_head(report, saved, roots)
    check_rows(report)
    return report
