"""The Merkle tree against RFC 9162's construction and the Certificate Transparency test vectors.

The leaves, roots and proofs below are the reference vectors of the Certificate Transparency
project (google/certificate-transparency, ``merkle_tree_test``), which RFC 6962/9162 logs share.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readmit.domain.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

DATA = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
LEAVES = [leaf_hash(d) for d in DATA]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, path)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def subtree_of(leaves: list[bytes]):  # type: ignore[no-untyped-def]
    return lambda lo, hi: root_of(leaves[lo:hi])


def test_the_roots_of_sizes_0_to_8_are_the_reference_roots() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    frontier = Frontier()
    for size in range(9):
        assert root_of(LEAVES[:size]).hex() == ROOTS[size]
        assert frontier.root().hex() == ROOTS[size]
        if size < 8:
            frontier.append(LEAVES[size])


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_are_the_reference_paths_and_verify(
    index: int, size: int, path: list[str]
) -> None:
    proof = inclusion_proof(index, size, subtree_of(LEAVES))
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(ROOTS[size])
    assert verify_inclusion(index, size, LEAVES[index], proof, root)
    assert not verify_inclusion(index, size, LEAVES[(index + 1) % size], proof, root)
    assert not verify_inclusion(index, size, LEAVES[index], proof, bytes.fromhex(ROOTS[0]))


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_are_the_reference_paths_and_verify(
    old: int, new: int, path: list[str]
) -> None:
    proof = consistency_proof(old, new, subtree_of(LEAVES))
    assert [p.hex() for p in proof] == path
    old_root, new_root = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)
    if old != new:
        assert not verify_consistency(old, new, new_root, new_root, proof)


@given(st.integers(1, 70), st.data())
def test_every_proof_of_every_shape_verifies_and_a_changed_leaf_does_not(
    size: int, data: st.DataObject
) -> None:
    leaves = [leaf_hash(n.to_bytes(4, "big")) for n in range(size)]
    subtree = subtree_of(leaves)
    root = root_of(leaves)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, size, subtree)
    assert verify_inclusion(index, size, leaves[index], proof, root)
    assert not verify_inclusion(index, size, leaf_hash(b"forged"), proof, root)
    old = data.draw(st.integers(0, size))
    proof = consistency_proof(old, size, subtree)
    assert verify_consistency(old, size, root_of(leaves[:old]), root, proof)
    if 0 < old < size:
        rewritten = [*leaves[: old - 1], leaf_hash(b"rewritten"), *leaves[old:]]
        assert not verify_consistency(old, size, root_of(rewritten[:old]), root, proof)


def test_a_frontier_resumes_from_its_stored_form_and_records_the_subtrees_it_completes() -> None:
    leaves = [leaf_hash(n.to_bytes(4, "big")) for n in range(300)]
    first = Frontier()
    first.extend(leaves[:131])
    resumed = Frontier.from_hex(131, first.to_hex(), keep_level=2)
    resumed.extend(leaves[131:])
    assert resumed.root() == root_of(leaves)
    for level, index, digest in resumed.completed:
        span = 1 << level
        assert digest == root_of(leaves[index * span : (index + 1) * span])
    with pytest.raises(ValueError, match="subtree roots"):
        Frontier.from_hex(131, first.to_hex()[:-1])
