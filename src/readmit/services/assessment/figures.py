"""Plain ledger figures by country: counts of events in a period, group returns, the backlog.

Set-based SQL over the log and the case projection; voided events never count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from readmit.domain.cases import CASE_EVENTS, CASE_OPENED
from readmit.services.context import App
from readmit.store.schema import cases, events, flights

_ENDS = ("removed", "received", "closed")


def _case_events(country: str, event_type: str, start: date, end: date) -> Select[Any]:
    return (
        select(events.c.id, events.c.subject_id, events.c.occurred_on, events.c.payload)
        .join(cases, cases.c.case_id == events.c.subject_id)
        .where(
            events.c.subject_type == "case",
            events.c.type == event_type,
            cases.c.nationality == country,
            events.c.occurred_on.between(start, end),
        )
    )


def count_events(
    app: App,
    country: str,
    *,
    event_type: str,
    start: date,
    end: date,
) -> int:
    """Count case events of one type for a country's nationals between two days (inclusive)."""
    query = _case_events(country, event_type, start, end).subquery()
    with app.uow(write=False) as uow:
        voided = _voided(uow.conn)
        rows = uow.conn.execute(select(query.c.id)).scalars().all()
    return sum(1 for r in rows if r not in voided)


def count_removals(
    app: App,
    country: str,
    *,
    start: date,
    end: date,
    criminal: bool | None = None,
) -> int:
    """Count removals of a country's nationals in a period, optionally only (non-)criminal."""
    query = _case_events(country, "removed", start, end)
    if criminal is not None:
        query = query.where(cases.c.criminal == criminal)
    with app.uow(write=False) as uow:
        voided = _voided(uow.conn)
        ids = uow.conn.execute(select(query.subquery().c.id)).scalars().all()
    return sum(1 for r in ids if r not in voided)


def _voided(conn: Any) -> set[str]:
    rows = conn.execute(select(events.c.payload).where(events.c.type == "voided")).scalars()
    return {str(json.loads(p).get("voids")) for p in rows}


@dataclass(frozen=True)
class GroupReturn:
    flight_id: str
    departure_on: date
    kind: str
    removed: int


def group_returns(app: App, country: str, minimum: int = 2) -> list[GroupReturn]:
    """Return flights to a country that removed at least ``minimum`` people, by date."""
    removed = (
        select(cases.c.flight_id, func.count().label("n"))
        .where(cases.c.state.in_(("removed", "received")), cases.c.flight_id.is_not(None))
        .group_by(cases.c.flight_id)
        .subquery()
    )
    query = (
        select(flights.c.flight_id, flights.c.departure_on, flights.c.kind, removed.c.n)
        .join(removed, removed.c.flight_id == flights.c.flight_id)
        .where(flights.c.destination == country, removed.c.n >= minimum)
        .order_by(flights.c.departure_on)
    )
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(query).all()
    return [GroupReturn(r.flight_id, r.departure_on, r.kind, int(r.n)) for r in rows]


def backlog(app: App, country: str, on: date) -> int:
    """Cases with a final order on or before ``on`` that were not removed or closed by then."""
    ended = (
        select(events.c.id, events.c.subject_id)
        .join(cases, cases.c.case_id == events.c.subject_id)
        .where(
            events.c.subject_type == "case",
            events.c.type.in_(_ENDS),
            events.c.occurred_on <= on,
            cases.c.nationality == country,
        )
    )
    ordered = select(func.count()).where(
        cases.c.nationality == country, cases.c.final_order_date <= on
    )
    with app.uow(write=False) as uow:
        voided = _voided(uow.conn)
        done = {r.subject_id for r in uow.conn.execute(ended) if r.id not in voided}
        total = int(uow.conn.execute(ordered).scalar_one())
    return total - len(done)


def country_overview(app: App) -> list[dict[str, Any]]:
    """Return, per nationality, the number of cases and how many are in each end state."""
    query = (
        select(cases.c.nationality, cases.c.state, func.count().label("n"))
        .group_by(cases.c.nationality, cases.c.state)
        .order_by(cases.c.nationality)
    )
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(query).all()
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(row.nationality, {"country": row.nationality, "cases": 0})
        entry["cases"] += row.n
        entry[row.state] = entry.get(row.state, 0) + row.n
    return list(table.values())


def ledger_position(app: App) -> int:
    """Return the ledger's head position: every figure is a function of it (and the query)."""
    with app.uow(write=False) as uow:
        return uow.ledger.head()[0]


def last_recorded_day(app: App) -> date | None:
    """The latest day a case event happened on: where a page's default window ends.

    Kept per ledger position; one index lookup per event type (the (type, day) index).
    """
    position = ledger_position(app)
    kept = app.memo.get("last_recorded_day")
    if isinstance(kept, tuple) and kept[0] == position:
        return kept[1]  # type: ignore[no-any-return]
    found: list[date] = []
    with app.uow(write=False) as uow:
        for kind in sorted(CASE_EVENTS | {CASE_OPENED}):
            day = uow.conn.execute(
                select(func.max(events.c.occurred_on)).where(events.c.type == kind)
            ).scalar()
            if day is not None:
                found.append(day)
    last = max(found, default=None)
    app.memo["last_recorded_day"] = (position, last)
    return last


def recorded_span(app: App, country: str | None = None) -> tuple[date, date] | None:
    """The first and last day a case event (of ``country``'s nationals) happened on (None: no
    case): where a page that found nothing in its window points the reader instead."""
    key = f"recorded_span:{country}"
    position = ledger_position(app)
    kept = app.memo.get(key)
    if isinstance(kept, tuple) and kept[0] == position:
        return kept[1]  # type: ignore[no-any-return]
    query = (
        select(func.min(events.c.occurred_on), func.max(events.c.occurred_on))
        .join(cases, cases.c.case_id == events.c.subject_id)
        .where(events.c.subject_type == "case")
    )
    if country is not None:
        query = query.where(cases.c.nationality == country)
    with app.uow(write=False) as uow:
        first, last = uow.conn.execute(query).one()
    span = (first, last) if first is not None else None
    app.memo[key] = (position, span)
    return span
