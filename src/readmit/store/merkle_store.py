"""The Merkle tree over the events table: leaf hashes, cached subtrees, signed tree heads.

A leaf is the event's chain hash (``events.hash``, 32 bytes once hex-decoded), hashed as RFC 9162
says: ``SHA-256(0x00 || chain hash)``; leaf ``i`` is the event of sequence number ``i + 1``.
Nothing here is written by an append: the tree is brought up to date when a head is signed,
from the frontier stored with the last head (``frontier_at``), so an import pays for its leaves
once. A pipelined import's writer process keeps the frontier as it commits each chunk
(``store/chunk_writer``), so the head signed at the end reads no leaf again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from readmit.domain.events import GENESIS_HASH
from readmit.domain.merkle import Frontier, leaf_hash, node_hash, split
from readmit.store.bulk import placeholder
from readmit.store.schema import events
from readmit.store.transparency_schema import NODE_LEVEL, audit_verified, merkle_nodes, tree_heads

BATCH = 50_000


@dataclass(frozen=True)
class StoredHead:
    """A signed tree head as the store keeps it."""

    size: int
    root_hash: str
    chain_hash: str
    signed_at: str
    reason: str
    key_id: str
    signature: str
    frontier: list[str]

    def public(self) -> dict[str, Any]:
        """The head without its tree state: what is published and written to the heads file."""
        fields = self.__dict__.copy()
        del fields["frontier"]
        return fields


def iter_hashes(conn: Connection, after: int, upto: int) -> Iterator[list[bytes]]:
    """Yield, batch by batch, the chain hashes (as bytes) of events ``after`` + 1 to ``upto``."""
    mark = placeholder(conn.dialect.paramstyle)
    # Straight to the driver: a million hashes through SQLAlchemy's rows cost a second more.
    query = f"SELECT hash FROM events WHERE seq > {mark} AND seq <= {mark} ORDER BY seq"
    last = after
    while last < upto:
        high = min(upto, last + BATCH)
        hashes = conn.exec_driver_sql(query, (last, high)).scalars().all()
        if len(hashes) != high - last:
            raise LookupError(f"the log does not hold every event from {last + 1} to {high}")
        yield [bytes.fromhex(h) for h in hashes]
        last = high


def frontier_at(conn: Connection, size: int, start: Frontier | None = None) -> Frontier:
    """The frontier of the log's first ``size`` events: ``start`` (or the last head's stored
    frontier, when it is one of that head's tree) extended with the events after it. Raise
    LookupError when the log lacks one of them, ValueError when one is not a hash."""
    frontier = start if start is not None else resumed(latest_head(conn))
    if frontier.size > size:
        frontier = Frontier(keep_level=NODE_LEVEL)
    for batch in iter_hashes(conn, frontier.size, size):
        frontier.extend_data(batch)
    return frontier


def resumed(last: StoredHead | None) -> Frontier:
    """The frontier stored with ``last``, if its root is the head's; else an empty tree's."""
    if last is not None:
        try:
            frontier = Frontier.from_hex(last.size, last.frontier, keep_level=NODE_LEVEL)
        except ValueError:
            frontier = None
        if frontier is not None and frontier.root().hex() == last.root_hash:
            return frontier
    return Frontier(keep_level=NODE_LEVEL)


def leaves(conn: Connection, lo: int, hi: int) -> list[bytes]:
    """The leaf hashes of leaves [lo, hi) (events lo+1 .. hi)."""
    rows = conn.execute(
        select(events.c.hash).where(events.c.seq > lo, events.c.seq <= hi).order_by(events.c.seq)
    ).all()
    if len(rows) != hi - lo:
        raise LookupError(f"the log no longer holds events {lo + 1} to {hi}")
    return [leaf_hash(bytes.fromhex(row[0])) for row in rows]


def chain_hash_at(conn: Connection, seq: int) -> str | None:
    """The chain hash of event ``seq`` (the genesis hash at 0), or None when it is missing."""
    if seq == 0:
        return GENESIS_HASH
    row = conn.execute(select(events.c.hash).where(events.c.seq == seq)).first()
    return None if row is None else str(row[0])


class Subtrees:
    """Hashes of leaf ranges, from the cached perfect subtrees where there are some."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __call__(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 1:
            return leaves(self.conn, lo, hi)[0]
        level = n.bit_length() - 1
        if n == 1 << level and lo % n == 0 and level >= NODE_LEVEL:
            row = self.conn.execute(
                select(merkle_nodes.c.hash).where(
                    merkle_nodes.c.level == level, merkle_nodes.c.idx == lo >> level
                )
            ).first()
            if row is not None:
                return bytes.fromhex(row[0])
        if n <= 1 << NODE_LEVEL:
            frontier = Frontier()
            frontier.extend(leaves(self.conn, lo, hi))
            return frontier.root()
        k = split(n)
        return node_hash(self(lo, lo + k), self(lo + k, hi))


def latest_head(conn: Connection) -> StoredHead | None:
    """The stored head of the largest size (the latest signed of those)."""
    row = conn.execute(
        select(tree_heads).order_by(tree_heads.c.size.desc(), tree_heads.c.id.desc()).limit(1)
    ).first()
    return None if row is None else _head(row)


def head_of_size(conn: Connection, size: int) -> StoredHead | None:
    """The latest stored head of exactly ``size`` leaves."""
    row = conn.execute(
        select(tree_heads)
        .where(tree_heads.c.size == size)
        .order_by(tree_heads.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _head(row)


def stored_heads(conn: Connection) -> list[StoredHead]:
    """Every stored head, oldest first."""
    return [_head(r) for r in conn.execute(select(tree_heads).order_by(tree_heads.c.id)).all()]


def _head(row: Any) -> StoredHead:
    return StoredHead(
        size=row.size,
        root_hash=row.root_hash,
        chain_hash=row.chain_hash,
        signed_at=row.signed_at,
        reason=row.reason,
        key_id=row.key_id,
        signature=row.signature,
        frontier=json.loads(row.frontier),
    )


def save_head(conn: Connection, head: StoredHead, nodes: list[tuple[int, int, bytes]]) -> None:
    """Store a signed head and the perfect subtrees that formed since the last one."""
    if nodes:
        # A head signed over a log that was rewritten after an earlier one replaces its nodes.
        first: dict[int, int] = {}
        for level, idx, _ in nodes:
            first[level] = min(idx, first.get(level, idx))
        for level, idx in first.items():
            conn.execute(
                delete(merkle_nodes).where(merkle_nodes.c.level == level, merkle_nodes.c.idx >= idx)
            )
        conn.execute(
            insert(merkle_nodes),
            [{"level": lv, "idx": i, "hash": h.hex()} for lv, i, h in nodes],
        )
    conn.execute(insert(tree_heads).values(**head.public(), frontier=json.dumps(head.frontier)))


def verified_position(conn: Connection) -> tuple[int, str, list[str]] | None:
    """Where the last incremental verification stopped: (seq, chain hash, frontier)."""
    row = conn.execute(select(audit_verified).where(audit_verified.c.id == 1)).first()
    return None if row is None else (row.seq, row.hash, json.loads(row.frontier))


def save_verified(conn: Connection, seq: int, chain: str, frontier: list[str], at: str) -> None:
    """Record how far the chain has been verified."""
    conn.execute(delete(audit_verified))
    conn.execute(
        insert(audit_verified).values(
            id=1, seq=seq, hash=chain, frontier=json.dumps(frontier), verified_at=at
        )
    )
