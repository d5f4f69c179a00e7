"""The tree arithmetic of the transparency log, against RFC 9162's own definitions.

Property tests are derandomized (a fixed seed per test), so CI runs the same examples
every time; the stored-subtree answers must equal the RFC's recursive MTH and PATH and
PROOF, and every proof must verify, and no altered proof may.
"""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from artifacts.custody.checker import merkle

REPRODUCIBLE = settings(max_examples=150)  # derandomized by the profile in conftest.py


def hashed(count: int) -> list[bytes]:
    return [merkle.leaf_hash(f"leaf {i}".encode()) for i in range(count)]


def build(count: int) -> dict[int, bytes]:
    frontier, store = merkle.Frontier(), {}
    for value in hashed(count):
        for key, node in frontier.append(value):
            store[key] = node
    return store


def path(index: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 9162 §2.1.3.1 writes it."""
    if len(leaves) <= 1:
        return []
    k = merkle.split_point(len(leaves))
    if index < k:
        return path(index, leaves[:k]) + [merkle.root_of(leaves[k:])]
    return path(index - k, leaves[k:]) + [merkle.root_of(leaves[:k])]


def test_the_rfc_hashes_and_the_empty_tree():
    assert merkle.EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()


def test_stored_hashes_are_numbered_in_the_order_they_are_made():
    store = build(100)
    assert list(store) == list(range(len(store)))
    assert all(merkle.stored_count(n) == len(build(n)) for n in range(0, 40))


@REPRODUCIBLE
@given(st.integers(min_value=0, max_value=300))
def test_the_root_from_stored_subtrees_is_the_rfc_root(size):
    store, leaves = build(size), hashed(size)
    expected = merkle.root_of(leaves)
    assert merkle.root_from_store(size, store) == expected
    frontier = merkle.Frontier.load(size, lambda keys: {key: store[key] for key in keys})
    assert frontier.root() == expected


@REPRODUCIBLE
@given(st.integers(min_value=1, max_value=300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_inclusion_proofs_are_the_rfc_path_and_verify(size_and_index):
    size, index = size_and_index
    store, leaves = build(size), hashed(size)
    ranges = merkle.inclusion_ranges(index, size)
    proof = merkle.resolve(ranges, {key: store[key] for key in merkle.needed(ranges)})
    assert proof == path(index, leaves)
    root = merkle.root_of(leaves)
    assert merkle.verify_inclusion(leaves[index], index, size, proof, root)
    other = leaves[(index + 1) % size]
    assert other == leaves[index] or not merkle.verify_inclusion(other, index, size, proof, root)
    if proof:
        damaged = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
        assert not merkle.verify_inclusion(leaves[index], index, size, damaged, root)
        assert not merkle.verify_inclusion(leaves[index], index, size, proof[:-1], root)


@REPRODUCIBLE
@given(st.integers(min_value=1, max_value=300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_consistency_proofs_verify_and_catch_a_rewritten_past(sizes):
    first, second = sizes
    store, leaves = build(second), hashed(second)
    ranges = merkle.consistency_ranges(first, second)
    proof = merkle.resolve(ranges, {key: store[key] for key in merkle.needed(ranges)})
    old_root, new_root = merkle.root_of(leaves[:first]), merkle.root_of(leaves)
    assert merkle.verify_consistency(first, second, old_root, new_root, proof)
    if 0 < first < second:
        rewritten = list(leaves[:first])
        rewritten[first // 2] = merkle.leaf_hash(b"rewritten")
        assert not merkle.verify_consistency(first, second, merkle.root_of(rewritten), new_root, proof)
        assert not merkle.verify_consistency(second, first, new_root, old_root, proof)  # a shrink never verifies


def test_appending_touches_only_the_right_border():
    # O(log n): a leaf reads at most one stored hash per level and writes at most one per level.
    for size in (1, 2, 3, 7, 8, 1023, 1024, 1_000_000):
        assert len(merkle.border(size)) <= size.bit_length()
        assert len(merkle.needed(merkle.inclusion_ranges(size - 1, size))) <= 2 * size.bit_length()
