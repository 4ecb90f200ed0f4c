"""The case list as a worker filters it: by country, state, age, document expiry; paged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true

from readmit.domain.cases import State
from readmit.domain.countries import country_code
from readmit.domain.errors import InvalidInput
from readmit.services.cases.access import scope_filter
from readmit.services.context import Actor, App
from readmit.store.demo_mark import demo_source
from readmit.store.schema import cases

# Cases waiting on the partner: presented, and not yet answered with a confirmation or dispute.
PENDING_PARTNER = frozenset({State.PRESENTED, State.INTERVIEW_SCHEDULED, State.INTERVIEWED})
ARRIVALS = frozenset({State.REMOVED, State.RECEIVED})
EXPIRY_WARNING_DAYS = 14
PAGE_SIZE = 100


@dataclass(frozen=True)
class CaseFilter:
    """What a case list may be narrowed by; empty fields do not narrow."""

    country: str = ""
    states: frozenset[str] = frozenset()
    min_age_days: int | None = None
    max_age_days: int | None = None
    case_id: str = ""
    expiring_only: bool = False
    page: int = 1


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    nationality: str
    destination: str
    state: str
    final_order_date: date
    age_days: int
    custody: str
    criminal: bool
    document_expires_on: date | None
    flight_id: str | None
    expiry_warning: str | None


@dataclass(frozen=True)
class CaseList:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    as_of: date
    counts_by_state: dict[str, int] = field(default_factory=dict)


def expiry_warning(expires: date | None, state: str, today: date) -> str | None:
    """Return a warning when an issued travel document has lapsed or lapses soon."""
    if expires is None or state not in {State.DOCUMENT_ISSUED, State.MANIFESTED}:
        return None
    days = (expires - today).days
    if days < 0:
        return f"travel document expired {-days} days ago; record document_expired"
    if days <= EXPIRY_WARNING_DAYS:
        return f"travel document expires in {days} days ({expires.isoformat()})"
    return None


def _conditions(f: CaseFilter, scope: ColumnElement[bool] | None, today: date) -> list[Any]:
    conds: list[Any] = [] if scope is None else [scope]
    if f.country:
        code = country_code(f.country)
        conds.append(or_(cases.c.nationality == code, cases.c.destination == code))
    unknown = set(f.states) - {s.value for s in State}
    if unknown:
        raise InvalidInput(f"unknown state {sorted(unknown)[0]!r}; states: {', '.join(State)}")
    if f.states:
        conds.append(cases.c.state.in_(sorted(f.states)))
    if f.min_age_days is not None:
        conds.append(cases.c.final_order_date <= today - timedelta(days=f.min_age_days))
    if f.max_age_days is not None:
        conds.append(cases.c.final_order_date >= today - timedelta(days=f.max_age_days))
    if f.case_id:
        conds.append(cases.c.case_id == f.case_id.strip())
    if f.expiring_only:
        conds.append(
            and_(
                cases.c.state.in_([State.DOCUMENT_ISSUED.value, State.MANIFESTED.value]),
                cases.c.document_expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS),
            )
        )
    return conds


def list_cases(
    app: App,
    actor: Actor,
    *,
    f: CaseFilter,
    today: date | None = None,
) -> CaseList:
    """Return one page of the cases ``actor`` may see that match ``f``, and their counts.

    Oldest final order first; the actor's scope (a partner's or caseworker's own country) is
    the same as everywhere else (``case_access.scope_filter``).
    """
    today = today or date.today()
    conds = _conditions(f, scope_filter(actor), today)
    where = and_(true(), *conds)
    page = max(f.page, 1)
    query: Select[Any] = (
        select(cases)
        .where(where)
        .order_by(cases.c.final_order_date, cases.c.case_id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(query).mappings().all()
        counts: dict[Any, Any] = dict(
            uow.conn.execute(
                select(cases.c.state, func.count()).where(where).group_by(cases.c.state)
            ).all()
        )
    total = sum(counts.values())
    return CaseList(
        [_row(r, today) for r in rows],
        total,
        page,
        max(1, -(-total // PAGE_SIZE)),
        today,
        {str(k): int(v) for k, v in counts.items()},
    )


def _row(r: Any, today: date) -> CaseRow:
    ordered = r["final_order_date"] or today
    expires = r["document_expires_on"]
    return CaseRow(
        r["case_id"],
        r["nationality"],
        r["destination"],
        r["state"],
        ordered,
        (today - ordered).days,
        r["custody"],
        bool(r["criminal"]),
        expires,
        r["flight_id"],
        expiry_warning(expires, r["state"], today),
    )


def synthetic_notice(app: App) -> str | None:
    """Say so when the store holds the demo's synthetic data (so every page can label it)."""
    with app.uow(write=False) as uow:
        source = demo_source(uow.conn)
    if source is None:
        return None
    return (
        "This installation holds the demo scenario: every case (ids SYN-…) and every person in "
        f"it is invented, built to match the public record's figures ({source})."
    )
