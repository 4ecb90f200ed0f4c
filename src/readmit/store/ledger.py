"""The append-only event log: append (sealing the hash chain), read, and head."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from readmit.domain.events import (
    GENESIS_HASH,
    Event,
    NewEvent,
    canonical_json,
    chain_hash,
    seal,
    utc_now,
    utc_text,
)
from readmit.store.bulk import insert_rows, select_in
from readmit.store.schema import events, ledger_head
from readmit.store.staging import staged_writes


def event_from_row(row: Row[Any]) -> Event:
    """Build an Event from a row of the events table."""
    occurred = row.occurred_on
    return Event(
        seq=row.seq,
        id=row.id,
        type=row.type,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        occurred_on=occurred if isinstance(occurred, date) else date.fromisoformat(occurred),
        recorded_at=row.recorded_at,
        actor=row.actor,
        role=row.role,
        payload=json.loads(row.payload),
        source=row.source,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class Ledger:
    """Appends and reads events on one connection, inside the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._head: tuple[int, str] | None = None

    def lock_head(self) -> tuple[int, str]:
        """Lock the head row (serialising writers) and return (seq, hash)."""
        if self._head is None:
            query = select(ledger_head.c.seq, ledger_head.c.hash).where(ledger_head.c.id == 1)
            if self.conn.dialect.name != "sqlite":
                query = query.with_for_update()
            row = self.conn.execute(query).first()
            if row is None:
                self.conn.execute(insert(ledger_head).values(id=1, seq=0, hash=GENESIS_HASH))
                self._head = (0, GENESIS_HASH)
            else:
                self._head = (row.seq, row.hash)
        return self._head

    def assume_head(self, head: tuple[int, str]) -> None:
        """Append after ``head`` without reading it: for writes that are staged, and checked
        against the head under the lock when they are committed (``store/chunk_writer``)."""
        self._head = head

    def append(self, new_events: Sequence[NewEvent]) -> list[Event]:
        """Seal and insert events after the current head; return them as recorded.

        On a connection that stages its writes (``staging``), the events are left unsealed
        (their hashes empty) and staged as rows, for ``append_rows`` where they are committed.
        """
        if not new_events:
            return []
        seq, prev = self.lock_head()
        staged = staged_writes(self.conn)
        chained = staged is None
        now = utc_now()
        recorded_now = utc_text(now)
        ids = _ids(now, len(new_events))
        sealed: list[Event] = []
        rows: list[tuple[Any, ...]] = []
        for new, event_id in zip(new_events, ids, strict=True):
            seq += 1
            recorded = utc_text(new.recorded_at) if new.recorded_at else recorded_now
            payload_json = canonical_json(new.payload)
            event = seal(new, seq, event_id, recorded, prev, payload_json, chained)
            sealed.append(event)
            rows.append(_row(event, payload_json, new.dedupe_key))
            prev = event.hash
        if staged is not None:
            staged.events.extend(rows)
        else:
            self._write(rows, seq, prev)
        self._head = (seq, prev)
        return sealed

    def append_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Seal rows that a staged ``append`` left unsealed, after the current head (which must
        be the one they were numbered after), and insert them."""
        if not rows:
            return
        seq, prev = self.lock_head()
        if rows[0][0] != seq + 1:
            raise ValueError(f"events numbered from {rows[0][0]} cannot follow event {seq}")
        chained = []
        for row in rows:
            digest = chain_hash(row[:PREV_HASH], prev)
            chained.append((*row[:PREV_HASH], prev, digest, *row[PREV_HASH + 2 :]))
            prev = digest
        self._write(chained, rows[-1][0], prev)
        self._head = (rows[-1][0], prev)

    def _write(self, rows: Sequence[tuple[Any, ...]], seq: int, last_hash: str) -> None:
        insert_rows(self.conn, events, EVENT_COLUMNS, rows)
        self.conn.execute(
            update(ledger_head).where(ledger_head.c.id == 1).values(seq=seq, hash=last_hash)
        )

    def head(self) -> tuple[int, str]:
        """Return the recorded head (seq, hash) without locking."""
        row = self.conn.execute(select(ledger_head.c.seq, ledger_head.c.hash)).first()
        return (row.seq, row.hash) if row else (0, GENESIS_HASH)

    def count(self) -> int:
        """Return how many events the table holds."""
        return int(self.conn.execute(select(func.count()).select_from(events)).scalar_one())

    def iter_all(self, batch: int = 20_000) -> Iterator[Event]:
        """Yield every event in sequence order, reading in batches."""
        last = 0
        while True:
            rows = self.conn.execute(
                select(events).where(events.c.seq > last).order_by(events.c.seq).limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield event_from_row(row)
            last = rows[-1].seq

    def for_subject(self, subject_type: str, subject_id: str) -> list[Event]:
        """Return every event about one subject, in order."""
        rows = self.conn.execute(
            select(events)
            .where(events.c.subject_type == subject_type, events.c.subject_id == subject_id)
            .order_by(events.c.seq)
        ).all()
        return [event_from_row(r) for r in rows]

    def get(self, event_id: str) -> Event | None:
        """Return one event by id."""
        row = self.conn.execute(select(events).where(events.c.id == event_id)).first()
        return event_from_row(row) if row else None

    def existing_keys(self, keys: Sequence[str]) -> set[str]:
        """Return which of these dedupe keys are already in the log."""
        query = "SELECT dedupe_key FROM events WHERE dedupe_key IN ({})"
        return {row[0] for row in select_in(self.conn, query, keys)}


EVENT_COLUMNS = (
    "seq",
    "id",
    "type",
    "subject_type",
    "subject_id",
    "occurred_on",
    "recorded_at",
    "actor",
    "role",
    "payload",
    "source",
    "prev_hash",
    "hash",
    "dedupe_key",
)
PREV_HASH = EVENT_COLUMNS.index("prev_hash")  # the hashed fields come before it, in order


def _ids(now: datetime, count: int) -> list[str]:
    # Time-ordered ids (milliseconds, 40 random bits per append, a counter): unique, and new
    # ones land at the end of the id index instead of at random places in it.
    stem = f"{int(now.timestamp() * 1000):012x}{secrets.token_hex(5)}"
    return [f"{stem}{n:010x}" for n in range(count)]


def _row(event: Event, payload_json: str, dedupe_key: str | None) -> tuple[Any, ...]:
    return (
        event.seq,
        event.id,
        event.type,
        event.subject_type,
        event.subject_id,
        event.occurred_on.isoformat(),
        event.recorded_at,
        event.actor,
        event.role,
        payload_json,
        event.source,
        event.prev_hash,
        event.hash,
        dedupe_key,
    )
