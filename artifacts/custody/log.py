"""The archive's transparency log in the database: append leaves, compute roots, prove.

Appending takes the log's lock, reads the few stored subtree hashes along the tree's
right edge, and writes the new leaves with the subtree hashes they complete: O(log n)
reads and writes per leaf, whatever the log's size. A root or a proof needs O(log n)
stored hashes, read in one query (artifacts.custody.checker.merkle says which).

Appends happen inside the caller's transaction, so a leaf exists exactly when the row
it records does.
"""

from django.db import connection, transaction
from django.utils import timezone

from artifacts.custody.checker import merkle
from artifacts.custody.leaves import Entry
from artifacts.custody.models import LogLeaf, LogNode

# pg_advisory_xact_lock key: any constant that no other part of the archive uses.
LOCK_KEY = 0x42464121


def lock() -> None:
    """Serialise appends until the end of the transaction. SQLite needs nothing here:
    the archive opens its transactions IMMEDIATE, so a writer already holds the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def size() -> int:
    last = LogLeaf.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def read_hashes(indexes: list[int]) -> dict[int, bytes]:
    if not indexes:
        return {}
    rows = LogNode.objects.filter(index__in=indexes).values_list("index", "hash")
    found = {index: bytes(value) for index, value in rows}
    absent = sorted(set(indexes) - set(found))
    if absent:
        raise LogError(f"the log's stored subtree hashes {absent[:5]} are missing: run verify_integrity")
    return found


class LogError(Exception):
    """The stored log cannot answer (a subtree hash is gone, a size is out of range)."""


def append(entries: list[Entry], *, batch_size: int = 2000) -> list[LogLeaf]:
    """Append leaves in the given order; returns them with their indexes."""
    if not entries:
        return []
    with transaction.atomic():
        lock()
        start = size()
        frontier = merkle.Frontier.load(start, read_hashes)
        now = timezone.now()
        leaves, nodes = [], []
        for offset, entry in enumerate(entries):
            data = entry.encoded()
            leaves.append(
                LogLeaf(
                    index=start + offset,
                    kind=entry.kind,
                    object_id=entry.object_id,
                    accession_number=entry.accession_number,
                    data=data.decode("utf-8"),
                    appended_at=now,
                )
            )
            nodes += [LogNode(index=key, hash=value) for key, value in frontier.append(merkle.leaf_hash(data))]
        LogLeaf.objects.bulk_create(leaves, batch_size=batch_size)
        LogNode.objects.bulk_create(nodes, batch_size=batch_size)
    return leaves


def _check_size(tree_size: int) -> None:
    if not 0 <= tree_size <= size():
        raise LogError(f"the log has {size()} leaves; there is no tree of size {tree_size}")


def root(tree_size: int) -> bytes:
    _check_size(tree_size)
    return merkle.root_from_store(tree_size, read_hashes(merkle.root_needs(tree_size)))


def inclusion_proof(index: int, tree_size: int) -> list[bytes]:
    _check_size(tree_size)
    if not 0 <= index < tree_size:
        raise LogError(f"leaf {index} is not in a tree of {tree_size} leaves")
    ranges = merkle.inclusion_ranges(index, tree_size)
    return merkle.resolve(ranges, read_hashes(merkle.needed(ranges)))


def consistency_proof(first: int, second: int) -> list[bytes]:
    _check_size(second)
    if not 0 <= first <= second:
        raise LogError(f"a tree of {first} leaves cannot be proved consistent with one of {second}")
    ranges = merkle.consistency_ranges(first, second)
    return merkle.resolve(ranges, read_hashes(merkle.needed(ranges)))


def leaf_hash_of(leaf: LogLeaf) -> bytes:
    return merkle.leaf_hash(leaf.data.encode("utf-8"))
