"""The append-only event log: append (to an event sink: ``store/event_sink``), read, and head."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select

from readmit.domain.events import (
    GENESIS_HASH,
    Event,
    NewEvent,
    canonical_json,
    seal,
    utc_now,
    utc_text,
)
from readmit.store.bulk import placeholder, select_in, text_array
from readmit.store.event_rows import EventRow, PlainRow, seal_rows
from readmit.store.event_sink import DirectSink, EventSink, Head
from readmit.store.schema import events, ledger_head

_RANDOM_BYTES = 10  # 12 + 20 hex digits: the events.id column is String(32)
# Keys from which ``existing_keys`` scans their range of the key index first.
_SCAN_FROM = 1_000


def event_from_row(row: Row[Any]) -> Event:
    """Build an Event from a row that a query of the events table returned (its date a date)."""
    return Event(
        seq=row.seq,
        id=row.id,
        type=row.type,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        occurred_on=row.occurred_on,
        recorded_at=row.recorded_at,
        actor=row.actor,
        role=row.role,
        payload=json.loads(row.payload),
        source=row.source,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class Ledger:
    """Appends and reads events on one connection, inside the caller's transaction; what it
    appends goes to ``sink`` (written on the connection unless told otherwise)."""

    def __init__(self, conn: Connection, sink: EventSink | None = None) -> None:
        self.conn = conn
        self.sink: EventSink = sink or DirectSink()
        self._head: Head | None = None

    def lock_head(self) -> Head:
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

    def assume_head(self, head: Head) -> None:
        """Append after ``head`` without reading it: for writes that are staged, and checked
        against the head under the lock when they are committed (``store/chunk_writer``)."""
        self._head = head

    def append(self, new_events: Sequence[NewEvent]) -> list[Event]:
        """Number events after the current head and hand their rows to the sink, sealed onto
        the chain if it seals them (else their hashes stay empty); return them as recorded."""
        if not new_events:
            return []
        seq, prev = self.lock_head()
        sealing = self.sink.seals
        now = utc_now()
        recorded_now = utc_text(now)
        ids = _ids(now, len(new_events))
        sealed: list[Event] = []
        rows: list[PlainRow] = []
        for new, event_id in zip(new_events, ids, strict=True):
            seq += 1
            recorded = utc_text(new.recorded_at) if new.recorded_at else recorded_now
            # Unsealed, the payload stays as it is: who seals it writes its JSON too (the
            # pipelined import's writer process, which has the time for it).
            payload_json = canonical_json(new.payload) if sealing else None
            event = seal(new, seq, event_id, recorded, prev, payload_json, sealing)
            sealed.append(event)
            rows.append(_row(event, payload_json or new.payload, new.dedupe_key))
            prev = event.hash
        self.sink.put(self.conn, rows, (seq, prev))
        self._head = (seq, prev)
        return sealed

    def append_rows(self, rows: Sequence[PlainRow]) -> list[str]:
        """Seal rows that a staged ``append`` left unsealed (``EventRow``'s fields, in order),
        after the current head (which must be the one they were numbered after), and hand them
        to the sink; return their hashes."""
        if not rows:
            return []
        seq, prev = self.lock_head()
        first, last = EventRow._make(rows[0]).seq, EventRow._make(rows[-1]).seq
        if first != seq + 1:
            raise ValueError(f"events numbered from {first} cannot follow event {seq}")
        chained, hashes = seal_rows(rows, prev)
        self.sink.put(self.conn, chained, (last, hashes[-1]))
        self._head = (last, hashes[-1])
        return hashes

    def head(self) -> Head:
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
        wanted = set(keys)
        if len(wanted) >= _SCAN_FROM:
            held = self._keys_between(self._key_range(wanted), 2 * len(wanted))
            if held is not None:
                return wanted.intersection(held)
        query = "SELECT dedupe_key FROM events WHERE dedupe_key IN ({})"
        return {row[0] for row in select_in(self.conn, query, wanted)}

    def _key_range(self, keys: set[str]) -> tuple[str, str]:
        """The lowest and the highest of ``keys`` as the store orders them: SQLite as Python
        does, PostgreSQL by its collation (asked, not assumed)."""
        if self.conn.dialect.name != "postgresql":
            return min(keys), max(keys)
        low, high = self.conn.exec_driver_sql(
            "SELECT min(k), max(k) FROM unnest(%s::text[]) AS k", (text_array(list(keys)),)
        ).one()
        return str(low), str(high)

    def _keys_between(self, bounds: tuple[str, str], most: int) -> list[str] | None:
        """The log's keys within ``bounds``, or None if there are more than ``most``. An
        import's chunk holds keys of a few days (each begins with its row's date), so this one
        scan of the key index usually finds none, or the chunk's own, where looking each key
        up costs a search of the index per key."""
        mark = placeholder(self.conn.dialect.paramstyle)
        rows = self.conn.exec_driver_sql(
            f"SELECT dedupe_key FROM events WHERE dedupe_key BETWEEN {mark} AND {mark} "
            f"LIMIT {mark}",
            (*bounds, most + 1),
        ).fetchall()
        return None if len(rows) > most else [row[0] for row in rows]


def _ids(now: datetime, count: int) -> list[str]:
    # Each id is 12 hex digits of milliseconds then 80 random bits of its own: new ids land at
    # the end of the id index, and knowing one id tells nothing about its neighbours' (a
    # shared stem with a counter let a partner enumerate other countries' events).
    stem = f"{int(now.timestamp() * 1000):012x}"
    noise = secrets.token_bytes(_RANDOM_BYTES * count).hex()
    width = 2 * _RANDOM_BYTES
    return [f"{stem}{noise[n * width : (n + 1) * width]}" for n in range(count)]


def _row(event: Event, payload: str | dict[str, Any], dedupe_key: str | None) -> PlainRow:
    return (  # in EventRow's order
        event.seq,
        event.id,
        event.type,
        event.subject_type,
        event.subject_id,
        event.occurred_on.isoformat(),
        event.recorded_at,
        event.actor,
        event.role,
        payload,
        event.source,
        event.prev_hash,
        event.hash,
        dedupe_key,
    )
