"""What a forecast and a scenario read from the ledger: counts only, on a read snapshot.

Every query here runs inside the caller's read-only unit of work, at the caller's reading (a
ledger position and an as-of date), so the figures are what the ledger held then.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select, text

from readmit.domain.cooperation import ENDING_KINDS, EPOCH, Kind, Party, day_number
from readmit.store.demo_mark import holds_synthetic_cases
from readmit.store.metrics import Reading
from readmit.store.schema import cases, flights, persons


@dataclass(frozen=True)
class BacklogCase:
    """What an amended agreement asks of one pending case (no personal data leaves here)."""

    case_id: str
    national: bool  # of the partner's nationality, and not disputed by it
    agreed: bool  # the person agreed to return (recorded with the case)
    family_here: bool  # a spouse or children in the removing state


def last_fact_day(conn: Connection, code: str) -> date | None:
    """The last day on which the ledger holds a cooperation fact of the country."""
    found = conn.execute(
        text("SELECT MAX(day) FROM coop_facts WHERE country = :c"), {"c": code}
    ).scalar_one_or_none()
    return None if found is None else date.fromordinal(EPOCH.toordinal() + int(found))


def backlog_ids(conn: Connection, reading: Reading, code: str, end: date) -> list[str]:
    """The cases pending at the window's end: opened by then, neither removed nor closed."""
    ending = ", ".join(str(int(k)) for k in ENDING_KINDS)
    sql = (
        "SELECT f.subject_id FROM coop_facts f WHERE f.country = :c AND f.kind = :k "
        f"AND f.party = :p AND f.day <= :b AND {reading.known('f')} AND NOT EXISTS ("
        "SELECT 1 FROM coop_facts e WHERE e.subject_id = f.subject_id "
        f"AND e.kind IN ({ending}) AND e.party = :p AND e.day <= :b AND {reading.known('e')})"
    )
    params = {**reading.params(), "c": code, "k": int(Kind.OPENED), "p": int(Party.STATE)}
    params["b"] = day_number(end)
    return sorted(str(row[0]) for row in conn.execute(text(sql), params))


def backlog_cases(conn: Connection, code: str, ids: list[str]) -> list[BacklogCase]:
    """The agreement-relevant facts of the pending cases (read in slices of ids)."""
    found: list[BacklogCase] = []
    query = (
        select(cases.c.case_id, cases.c.nationality, cases.c.disputed_by, persons.c.data)
        .select_from(cases.outerjoin(persons, persons.c.case_id == cases.c.case_id))
        .order_by(cases.c.case_id)
    )
    for n in range(0, len(ids), 900):
        part = query.where(cases.c.case_id.in_(ids[n : n + 900]))
        for row in conn.execute(part):
            found.append(_case(code, row.case_id, row.nationality, row.disputed_by, row.data))
    return found


def _case(code: str, case_id: str, nationality: str, disputed: str, data: Any) -> BacklogCase:
    person = json.loads(data) if isinstance(data, str) else (data or {})
    children = person.get("children_in_country")
    family = bool(person.get("spouse_in_country")) or bool(children)
    return BacklogCase(
        case_id=case_id,
        national=nationality == code and not disputed,
        agreed=person.get("agreed_to_return") is True,
        family_here=family,
    )


def facts_of(
    conn: Connection,
    reading: Reading,
    code: str,
    window: tuple[date, date],
    ids: set[str] | None,
) -> Counter[int]:
    """Counts by kind of the removing state's facts in the window (of ``ids`` only, if given)."""
    sql = (
        "SELECT f.subject_id, f.kind FROM coop_facts f WHERE f.country = :c AND f.party = :p "
        f"AND f.day BETWEEN :a AND :b AND {reading.known('f')}"
    )
    params = {**reading.params(), "c": code, "p": int(Party.STATE)}
    params.update(a=day_number(window[0]), b=day_number(window[1]))
    kinds: Counter[int] = Counter()
    for subject, kind in conn.execute(text(sql), params):
        if ids is None or subject in ids:
            kinds[int(kind)] += 1
    return kinds


def flights_in(conn: Connection, code: str, start: date, end: date) -> tuple[int, float]:
    """Flights to the country departing in the window (not cancelled), and their mean seats."""
    query = select(func.count(), func.avg(flights.c.capacity)).where(
        flights.c.destination == code,
        flights.c.departure_on.between(start, end),
        flights.c.status != "cancelled",
    )
    count, seats = conn.execute(query).one()
    return int(count or 0), float(seats or 0.0)


def is_synthetic(conn: Connection, code: str) -> bool:
    """Tell whether the country's cases are the demo's synthetic ones."""
    return holds_synthetic_cases(conn, code)


def subjects_in(
    conn: Connection, reading: Reading, code: str, window: tuple[date, date]
) -> set[str]:
    """The cases with a fact of the removing state in the window."""
    sql = (
        "SELECT DISTINCT f.subject_id FROM coop_facts f WHERE f.country = :c AND f.party = :p "
        f"AND f.day BETWEEN :a AND :b AND {reading.known('f')}"
    )
    params = {**reading.params(), "c": code, "p": int(Party.STATE)}
    params.update(a=day_number(window[0]), b=day_number(window[1]))
    return {str(row[0]) for row in conn.execute(text(sql), params)}
