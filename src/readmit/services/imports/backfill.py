"""Trusted back-fills: record a prepared history (the demo's) with its own recording times.

Each event carries a dedupe key, and events are committed in chunks in the order given, so an
interrupted back-fill resumes where it stopped and a repeated one adds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select

from readmit.domain.cases import CASE_OPENED
from readmit.domain.errors import InvalidInput
from readmit.domain.events import Event, NewEvent
from readmit.services.context import App
from readmit.store.ledger import event_from_row
from readmit.store.schema import events, persons
from readmit.store.uow import UnitOfWork

# A payload value naming another back-filled event by its dedupe key (resolved on recording).
REFERENCE = "@dedupe:"


def record_backfill(
    app: App,
    new_events: Sequence[NewEvent],
    personal: Sequence[dict[str, Any]] = (),
    chunk: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Record events not yet in the log (by dedupe key) with their personal records; return how
    many were added. ``personal`` rows are ``{case_id, salt, data}`` for cases opened here."""
    if any(e.dedupe_key is None or e.recorded_at is None for e in new_events):
        raise InvalidInput("every back-filled event needs a dedupe key and a recording time")
    by_case = {str(p["case_id"]): p for p in personal}
    added = 0
    for start in range(0, len(new_events), chunk):
        part = new_events[start : start + chunk]
        added += _record_chunk(app, part, by_case)
        if progress:
            progress(len(part))
    return added


def _record_chunk(app: App, part: Sequence[NewEvent], by_case: dict[str, dict[str, Any]]) -> int:
    with app.uow() as uow:
        seen = uow.ledger.existing_keys([str(e.dedupe_key) for e in part])
        fresh = [e for e in part if e.dedupe_key not in seen]
        rows = [
            by_case[e.subject_id]
            for e in fresh
            if e.type == CASE_OPENED and e.subject_id in by_case
        ]
        if rows:
            uow.conn.execute(persons.insert(), rows)
        _record_resolving(uow, fresh)
        uow.commit()
    return len(fresh)


def _record_resolving(uow: UnitOfWork, fresh: Sequence[NewEvent]) -> None:
    """Record events; a payload value ``@dedupe:KEY`` becomes the id of that event.

    An event referring to one recorded in the same call waits until that one is sealed (it is
    recorded at the end of the chunk, a few positions later), so a chunk takes few appends.
    """
    ids: dict[str, str] = {}
    keys = {str(e.dedupe_key) for e in fresh}
    outside = [v for e in fresh for v in _references(e) if v not in keys]
    ids.update(_ids_of(uow, sorted(set(outside))))
    waiting = list(fresh)
    while waiting:
        ready = [e for e in waiting if all(key in ids for key in _references(e))]
        if not ready:
            raise InvalidInput("back-filled events refer to each other in a cycle")
        ids.update(_sealed_ids(uow, [_resolved(e, ids) for e in ready]))
        waiting = [e for e in waiting if str(e.dedupe_key) not in ids]


def _references(event: NewEvent) -> list[str]:
    """The dedupe keys an event's payload refers to."""
    return [
        v[len(REFERENCE) :]
        for v in event.payload.values()
        if isinstance(v, str) and v.startswith(REFERENCE)
    ]


def _sealed_ids(uow: UnitOfWork, pending: list[NewEvent]) -> dict[str, str]:
    sealed = uow.record(pending)
    return {str(n.dedupe_key): e.id for n, e in zip(pending, sealed, strict=True)}


def _ids_of(uow: UnitOfWork, keys: list[str]) -> dict[str, str]:
    if not keys:
        return {}
    rows = uow.conn.execute(
        select(events.c.dedupe_key, events.c.id).where(events.c.dedupe_key.in_(keys))
    )
    found = {str(r.dedupe_key): str(r.id) for r in rows}
    missing = sorted(set(keys) - set(found))
    if missing:
        raise InvalidInput(f"a back-filled event refers to events not recorded: {missing[:3]}")
    return found


def _resolved(event: NewEvent, ids: dict[str, str]) -> NewEvent:
    if not _references(event):
        return event
    payload = {
        k: ids[v[len(REFERENCE) :]] if isinstance(v, str) and v.startswith(REFERENCE) else v
        for k, v in event.payload.items()
    }
    return dataclasses.replace(event, payload=payload)


def events_of_type(app: App, event_type: str) -> list[Event]:
    """Return every event of one type, in log order."""
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(
            select(events).where(events.c.type == event_type).order_by(events.c.seq)
        ).all()
    return [event_from_row(r) for r in rows]


def recorded_keys(app: App, keys: Sequence[str]) -> set[str]:
    """Return which of these dedupe keys the log already holds."""
    with app.uow(write=False) as uow:
        return uow.ledger.existing_keys(list(keys))


def subjects_with_prefix(app: App, subject_type: str, prefix: str) -> int:
    """Count events about subjects whose id starts with ``prefix``."""
    with app.uow(write=False) as uow:
        query = select(func.count()).where(
            events.c.subject_type == subject_type, events.c.subject_id.startswith(prefix)
        )
        return int(uow.conn.execute(query).scalar_one())
