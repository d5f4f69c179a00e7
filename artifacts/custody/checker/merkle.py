"""The Merkle tree of the archive's transparency log, as RFC 9162 §2.1 defines it.

Hashing: a leaf is SHA-256(0x00 ‖ leaf bytes), an interior node SHA-256(0x01 ‖ left ‖
right), the root of the empty tree SHA-256 of nothing. MTH(D[n]) splits at k, the largest
power of two smaller than n, so the left side is always a complete, aligned subtree.

Storage: the archive keeps the hash of every complete subtree (a leaf is one of size 1),
numbered in the order they come into being — leaf 0, leaf 1, their parent, leaf 2, … —
so that appending writes a handful of rows and reads a handful more (O(log n)), and
every root or proof needs only O(log n) stored hashes, fetched in one query. The numbering
is the one Go's checksum database (golang.org/x/mod/sumdb/tlog) uses for the same reason.

Verification (`verify_inclusion`, `verify_consistency`) follows RFC 9162 §2.1.3.2 and
§2.1.4.2 step by step; it needs nothing but the proof, so researchers run it unchanged.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """k of RFC 9162: the largest power of two smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def stored_index(level: int, n: int) -> int:
    """Where the hash of the n-th complete subtree of 2**level leaves is stored."""
    # A subtree at level L is stored right after its last leaf's ancestors below it; walk
    # down to that leaf (its index at level 0) and count what came before.
    for _ in range(level):
        n = 2 * n + 1
    index = 0
    while n > 0:
        index += n
        n >>= 1
    return index + level


def stored_count(size: int) -> int:
    """How many subtree hashes a log of `size` leaves stores."""
    if size == 0:
        return 0
    count = stored_index(0, size - 1) + 1
    last = size - 1
    while last & 1:
        count += 1
        last >>= 1
    return count


def border(size: int) -> list[tuple[int, int]]:
    """The complete subtrees along the right edge of a tree of `size` leaves, as
    (level, start leaf), largest first: the only hashes an append needs."""
    subtrees, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            subtrees.append((level, start))
            start += 1 << level
    return subtrees


class Frontier:
    """A tree built one leaf at a time, holding only its right border: used to append
    to the stored log and to rebuild the whole log when verifying it (O(log n) memory)."""

    def __init__(self, size: int = 0, border_hashes: Iterable[bytes] = ()):
        self.size = size
        levels = [level for level, _ in border(size)]
        self.stack = list(zip(levels, border_hashes, strict=True))

    @classmethod
    def load(cls, size: int, read: Callable[[list[int]], Mapping[int, bytes]]) -> "Frontier":
        keys = [stored_index(level, start >> level) for level, start in border(size)]
        found = read(keys)
        return cls(size, [found[key] for key in keys])

    def append(self, hashed_leaf: bytes) -> list[tuple[int, bytes]]:
        """Add one leaf hash; return the (stored index, hash) pairs to store, in order."""
        position = self.size
        created = [(stored_index(0, position), hashed_leaf)]
        level, value = 0, hashed_leaf
        while self.stack and self.stack[-1][0] == level:
            _, left = self.stack.pop()
            value = node_hash(left, value)
            level += 1
            created.append((stored_index(level, position >> level), value))
        self.stack.append((level, value))
        self.size += 1
        return created

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        value = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            value = node_hash(left, value)
        return value


def root_of(hashed_leaves: list[bytes]) -> bytes:
    """MTH by the RFC's recursive definition; the reference the tests compare against."""
    if not hashed_leaves:
        return EMPTY_ROOT
    if len(hashed_leaves) == 1:
        return hashed_leaves[0]
    k = split_point(len(hashed_leaves))
    return node_hash(root_of(hashed_leaves[:k]), root_of(hashed_leaves[k:]))


# Proofs are lists of subtree roots MTH(D[a:b]); every range that the RFC's recursion
# reaches starts on a multiple of its own split point, so it decomposes into stored subtrees.


def _subtrees(start: int, end: int) -> list[int]:
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        return [stored_index(level, start >> level)]
    k = split_point(n)
    return _subtrees(start, start + k) + _subtrees(start + k, end)


def _range_root(start: int, end: int, hashes: Mapping[int, bytes]) -> bytes:
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        return hashes[stored_index(level, start >> level)]
    k = split_point(n)
    return node_hash(_range_root(start, start + k, hashes), _range_root(start + k, end, hashes))


def inclusion_ranges(index: int, size: int, offset: int = 0) -> list[tuple[int, int]]:
    """The ranges whose roots form PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf first."""
    if size <= 1:
        return []
    k = split_point(size)
    if index < k:
        return inclusion_ranges(index, k, offset) + [(offset + k, offset + size)]
    return inclusion_ranges(index - k, size - k, offset + k) + [(offset, offset + k)]


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges whose roots form PROOF(first, D[second]) (RFC 9162 §2.1.4.1)."""
    if not 0 < first < second:
        return []
    return _subproof(first, second, 0, True)


def _subproof(m: int, n: int, offset: int, complete: bool) -> list[tuple[int, int]]:
    if m == n:
        return [] if complete else [(offset, offset + n)]
    k = split_point(n)
    if m <= k:
        return _subproof(m, k, offset, complete) + [(offset + k, offset + n)]
    return _subproof(m - k, n - k, offset + k, False) + [(offset, offset + k)]


def needed(ranges: list[tuple[int, int]]) -> list[int]:
    """Every stored index that `resolve` will read for these ranges."""
    return sorted({key for start, end in ranges for key in _subtrees(start, end)})


def resolve(ranges: list[tuple[int, int]], hashes: Mapping[int, bytes]) -> list[bytes]:
    return [_range_root(start, end, hashes) for start, end in ranges]


def root_from_store(size: int, hashes: Mapping[int, bytes]) -> bytes:
    return _range_root(0, size, hashes) if size else EMPTY_ROOT


def root_needs(size: int) -> list[int]:
    return _subtrees(0, size) if size else []


def verify_inclusion(hashed_leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, value = index, size - 1, hashed_leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            fn, sn = _up_to_a_right_child(fn, sn)
        else:
            value = node_hash(value, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and value == root


def _up_to_a_right_child(fn: int, sn: int) -> tuple[int, int]:
    """The RFC's "if LSB(fn) is not set, right-shift fn and sn equally until either
    LSB(fn) is set or fn is 0": climb past the levels where the node has no sibling."""
    while not fn & 1 and fn != 0:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2, with the trivial cases: an empty first tree is consistent with
    any tree, and a tree with itself when the roots are equal."""
    if first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for value in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(value, fr)
            sr = node_hash(value, sr)
            fn, sn = _up_to_a_right_child(fn, sn)
        else:
            sr = node_hash(sr, value)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
