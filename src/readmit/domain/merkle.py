"""The Merkle tree of the ledger, as RFC 9162 (Certificate Transparency 2.0) section 2.1 defines it.

``MTH({}) = SHA-256()``, a leaf is ``SHA-256(0x00 || data)`` and a node is
``SHA-256(0x01 || left || right)``, where the left subtree holds the largest power of two of
leaves smaller than the tree's size. The ledger's leaf data is the 32 bytes of an event's chain
hash (``docs/transparency.md``). Proofs are built from a function that returns the hash of a
range of leaves, so the store decides how it finds them (cached subtrees, leaf hashes); the
verification functions follow RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()

# The hash of leaves [lo, hi): what a proof builder asks the store for.
SubtreeHash = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """Hash one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1): the left subtree's size."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, by the recursive definition (for small trees and tests)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


@dataclass
class Frontier:
    """The compact state of a tree: the roots of its perfect subtrees, largest (leftmost) first.

    A tree of ``size`` leaves has one perfect subtree per bit set in ``size``; appending a leaf
    merges equal neighbours, so the root of any size is known without re-reading old leaves.
    ``completed`` collects (level, index, hash) of each perfect subtree of at least
    ``2**keep_level`` leaves as it forms, for a store to cache.
    """

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)
    keep_level: int | None = None
    completed: list[tuple[int, int, bytes]] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash at the right edge."""
        hashes, size, level = self.hashes, self.size, 0
        hashes.append(leaf)
        while size & 1:
            right = hashes.pop()
            hashes[-1] = node_hash(hashes[-1], right)
            size >>= 1
            level += 1
            if self.keep_level is not None and level >= self.keep_level:
                self.completed.append((level, (self.size >> level), hashes[-1]))
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Add leaf hashes in order."""
        for leaf in leaves:
            self.append(leaf)

    def extend_data(self, data: Iterable[bytes]) -> None:
        """Add leaves by their data (each hashed as a leaf): ``append`` inlined, for the
        million leaves of a large import."""
        sha, hashes, size = hashlib.sha256, self.hashes, self.size
        keep, completed = self.keep_level, self.completed
        for item in data:
            node = sha(b"\x00" + item).digest()
            n, level = size, 0
            while n & 1:
                node = sha(b"\x01" + hashes.pop() + node).digest()
                n >>= 1
                level += 1
                if keep is not None and level >= keep:
                    completed.append((level, size >> level, node))
            hashes.append(node)
            size += 1
        self.size = size

    def root(self) -> bytes:
        """MTH of the tree as it stands."""
        if not self.hashes:
            return EMPTY_ROOT
        result = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            result = node_hash(left, result)
        return result

    def to_hex(self) -> list[str]:
        """The subtree roots as hex, the form stored with a tree head."""
        return [h.hex() for h in self.hashes]

    @classmethod
    def from_hex(cls, size: int, hashes: Sequence[str], keep_level: int | None = None) -> Frontier:
        """Rebuild a frontier stored as hex; raise ValueError when it cannot be one of ``size``."""
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a tree of {size} leaves has {bin(size).count('1')} subtree roots")
        return cls(size, [bytes.fromhex(h) for h in hashes], keep_level)


def inclusion_proof(index: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 2.1.3.1: the audit path of one leaf."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split(hi - lo)
        if index < lo + k:
            path.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree(lo, lo + k))
            lo = lo + k
    path.reverse()
    return path


def consistency_proof(old: int, new: int, subtree: SubtreeHash) -> list[bytes]:
    """PROOF(old, D[0:new]) of RFC 9162 2.1.4.1: the old tree is a prefix of the new one."""
    if not 0 <= old <= new:
        raise ValueError(f"a tree of {old} leaves cannot be a prefix of one of {new}")
    if old in (0, new):
        return []
    return _subproof(old, 0, new, True, subtree)


def _subproof(m: int, lo: int, hi: int, whole: bool, subtree: SubtreeHash) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if whole else [subtree(lo, hi)]
    k = split(n)
    if m <= k:
        return [*_subproof(m, lo, lo + k, whole, subtree), subtree(lo + k, hi)]
    return [*_subproof(m - k, lo + k, hi, False, subtree), subtree(lo, lo + k)]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof (RFC 9162 2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof (RFC 9162 2.1.4.2); sizes 0 and equal sizes need no proof."""
    if not 0 <= old <= new:
        return False
    if old == 0:
        return not proof
    if old == new:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node of the path
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
