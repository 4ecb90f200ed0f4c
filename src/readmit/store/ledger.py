"""The append-only event log: append (sealing the hash chain), read, and head."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from readmit.domain.events import (
    GENESIS_HASH,
    Event,
    NewEvent,
    canonical_json,
    seal,
    utc_now,
    utc_text,
)
from readmit.store.schema import events, ledger_head


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

    def append(self, new_events: Sequence[NewEvent]) -> list[Event]:
        """Seal and insert events after the current head; return them as recorded."""
        if not new_events:
            return []
        seq, prev = self.lock_head()
        now = utc_text(utc_now())
        sealed: list[Event] = []
        for new in new_events:
            seq += 1
            recorded = utc_text(new.recorded_at) if new.recorded_at else now
            event = seal(new, seq, uuid.uuid4().hex, recorded, prev)
            sealed.append(event)
            prev = event.hash
        self.conn.execute(
            insert(events), [_row(e, n) for e, n in zip(sealed, new_events, strict=True)]
        )
        self.conn.execute(
            update(ledger_head).where(ledger_head.c.id == 1).values(seq=seq, hash=prev)
        )
        self._head = (seq, prev)
        return sealed

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
        found: set[str] = set()
        for start in range(0, len(keys), 900):
            chunk = list(keys[start : start + 900])
            found.update(
                self.conn.execute(
                    select(events.c.dedupe_key).where(events.c.dedupe_key.in_(chunk))
                ).scalars()
            )
        return found


def _row(event: Event, new: NewEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "id": event.id,
        "type": event.type,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "occurred_on": event.occurred_on,
        "recorded_at": event.recorded_at,
        "actor": event.actor,
        "role": event.role,
        "payload": canonical_json(event.payload),
        "source": event.source,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "dedupe_key": new.dedupe_key,
    }
