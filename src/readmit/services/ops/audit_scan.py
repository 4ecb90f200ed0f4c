"""One pass over the events table that checks the chain and rebuilds the Merkle tree.

Rows are read raw (the payload as stored text, the date as stored), so a row that is not a
valid event — a payload that is not JSON, a date that is not a date — is reported with its
sequence number instead of stopping the check. Each event's hash is recomputed from the stored
text (``domain.events.chain_hash``), and its leaf is added to the tree, whose root is noted at
every size a signed head names.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, String, select, type_coerce

from readmit.domain.events import GENESIS_HASH, ChainBreak, chain_hash
from readmit.domain.merkle import Frontier, leaf_hash
from readmit.store.schema import events

BATCH = 20_000
_COLUMNS = (
    events.c.seq,
    events.c.id,
    events.c.type,
    events.c.subject_type,
    events.c.subject_id,
    type_coerce(events.c.occurred_on, String).label("occurred_on"),
    events.c.recorded_at,
    events.c.actor,
    events.c.role,
    events.c.payload,
    events.c.source,
    events.c.prev_hash,
    events.c.hash,
)


@dataclass
class Scan:
    """What one pass found: how far the chain verifies, and the tree's roots on the way."""

    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    count: int = 0
    frontier: Frontier = field(default_factory=Frontier)
    roots: dict[int, str] = field(default_factory=dict)
    broken: ChainBreak | None = None


def _rows(conn: Connection, after: int) -> Iterator[Any]:
    last = after
    while True:
        rows = conn.execute(
            select(*_COLUMNS).where(events.c.seq > last).order_by(events.c.seq).limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _unreadable(row: Any, on: str) -> str | None:
    try:
        date.fromisoformat(on)
    except ValueError:
        return f"its occurred_on {on[:40]!r} is not a date (YYYY-MM-DD)"
    try:
        json.loads(row.payload)
    except (ValueError, TypeError) as error:
        return f"its payload is not valid JSON ({error})"
    return None


def scan(conn: Connection, start: Scan, sizes: Collection[int] = ()) -> Scan:
    """Continue ``start`` over the events after it; stop at the first event that fails."""
    state, frontier = start, start.frontier
    if state.last_seq in sizes:
        state.roots[state.last_seq] = frontier.root().hex()
    prev, expected = state.last_hash, state.last_seq + 1
    for row in _rows(conn, state.last_seq):
        if row.seq != expected:
            state.broken = ChainBreak(expected, f"event {expected} is missing or out of order")
            return state
        on = row.occurred_on if isinstance(row.occurred_on, str) else row.occurred_on.isoformat()
        problem = _unreadable(row, on)
        if problem is None and row.prev_hash != prev:
            problem = "its previous hash does not match the event before it"
        fields = (row.seq, *row[1:5], on, *row[6:11])
        if problem is None and chain_hash(fields, prev) != row.hash:
            problem = "its content does not match its hash (altered)"
        if problem is not None:
            state.broken = ChainBreak(row.seq, problem)
            return state
        frontier.append(leaf_hash(bytes.fromhex(row.hash)))
        prev, expected = row.hash, expected + 1
        state.last_seq, state.last_hash, state.count = row.seq, prev, state.count + 1
        if row.seq in sizes:
            state.roots[row.seq] = frontier.root().hex()
    return state
