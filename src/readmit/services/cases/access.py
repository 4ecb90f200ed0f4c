"""Cases and flights as one user may see them: scoped to their country, personal data masked.

The API and the web dashboard both read cases through these functions, so that the rules of
``domain/permissions.py`` hold on every screen: a case outside a user's scope is "not found",
personal fields are masked for roles without ``personal:read``, and every read that shows a
personal value is written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, and_, func, or_, select

from readmit.domain.errors import InvalidInput, NotFound, PermissionDenied
from readmit.domain.events import Event
from readmit.domain.permissions import (
    ARRIVAL_STATES,
    FLIGHT_STEP_PERMISSIONS,
    INTAKE_CASE_FIELDS,
    INTAKE_HISTORY_EVENTS,
    Role,
    case_event_permission,
    has_permission,
    mask_personal,
    may_record_case_event,
    may_see_case,
    may_see_country,
    recordable_events,
)
from readmit.services.access.access_log import log_access
from readmit.services.cases import commands as case_service
from readmit.services.cases import flights as flight_service
from readmit.services.context import Actor, App
from readmit.store.case_projection import VOIDED, case_from_row
from readmit.store.schema import cases, flights, persons

T = TypeVar("T")
CASE_FIELDS = (
    "case_id",
    "nationality",
    "destination",
    "final_order_date",
    "criminal",
    "custody",
    "country_of_birth",
    "entry_age",
    "state",
    "prior_state",
    "document_expires_on",
    "flight_id",
    "version",
)


@dataclass(frozen=True)
class CaseRecord:
    """A case as one user may see it: fields outside their view are None."""

    fields: dict[str, Any]
    version: int
    allowed_events: list[str]
    personal: dict[str, Any] | None = None


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    event_id: str
    type: str
    occurred_on: date
    recorded_at: str
    actor: str
    role: str
    payload: dict[str, Any]
    voided: bool = False


@dataclass(frozen=True)
class NextEvents:
    case_id: str
    state: str
    version: int
    allowed: list[str]
    you_may_record: list[str] = field(default_factory=list)


def scope_filter(actor: Actor) -> ColumnElement[bool] | None:
    """Return the SQL condition limiting cases to what ``actor`` may see (None: everything)."""
    if actor.role == Role.PARTNER_LIAISON:
        return or_(cases.c.nationality == actor.country, cases.c.destination == actor.country)
    if actor.role == Role.REINTEGRATION_CASEWORKER:
        return and_(cases.c.destination == actor.country, cases.c.state.in_(ARRIVAL_STATES))
    return None


def _shape(actor: Actor, row: Any) -> dict[str, Any]:
    shown = {name: row[name] for name in CASE_FIELDS}
    if actor.role == Role.REINTEGRATION_CASEWORKER:
        shown = {k: (v if k in INTAKE_CASE_FIELDS else None) for k, v in shown.items()}
    shown["version"] = row["version"]
    return shown


def _visible_row(conn: Connection, actor: Actor, case_id: str) -> Any:
    row = conn.execute(select(cases).where(cases.c.case_id == case_id)).mappings().first()
    if row is None or not may_see_case(
        actor.role, actor.country, row["nationality"], row["destination"], row["state"]
    ):
        # The same answer whether the case is absent or outside the user's scope.
        raise NotFound(f"no case {case_id!r}", case_id=case_id)
    return row


def read_case(
    app: App,
    actor: Actor,
    *,
    case_id: str,
    client: str = "",
) -> CaseRecord:
    """Return one case as ``actor`` may see it; log the read if a personal value is shown."""
    with app.uow(write=False) as uow:
        row = _visible_row(uow.conn, actor, case_id)
        data = uow.conn.execute(select(persons.c.data).where(persons.c.case_id == case_id))
        personal, revealed = mask_personal(actor.role, data.scalar_one_or_none())
    if revealed and personal is not None:
        shown = [k for k, v in personal.items() if v != "[masked]"]
        log_access(
            app, actor, kind="personal_read", case_ids=[case_id], fields=shown, client=client
        )
    allowed = recordable_events(actor.role, case_from_row(row).allowed_events())
    return CaseRecord(_shape(actor, row), int(row["version"]), allowed, personal)


def list_cases(
    app: App,
    actor: Actor,
    *,
    nationality: str | None = None,
    state: str | None = None,
    flight_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Return a page of cases ``actor`` may see (no personal data in lists)."""
    conditions = [c for c in (scope_filter(actor),) if c is not None]
    for column, value in (
        (cases.c.nationality, nationality.upper() if nationality else None),
        (cases.c.state, state),
        (cases.c.flight_id, flight_id),
    ):
        if value:
            conditions.append(column == value)
    query: Select[Any] = select(cases).where(*conditions) if conditions else select(cases)
    with app.uow(write=False) as uow:
        total = uow.conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = uow.conn.execute(
            query.order_by(cases.c.case_id).limit(limit).offset(offset)
        ).mappings()
        items = [_shape(actor, r) for r in rows]
    return Page(items, int(total), limit, offset)


def case_history(app: App, actor: Actor, case_id: str) -> list[HistoryEntry]:
    """Return a case's events in order, voided ones marked (intake roles see arrivals only)."""
    with app.uow(write=False) as uow:
        _visible_row(uow.conn, actor, case_id)
        events: list[Event] = uow.ledger.for_subject("case", case_id)
    voided = {str(e.payload.get("voids")) for e in events if e.type == VOIDED}
    if actor.role == Role.REINTEGRATION_CASEWORKER:
        events = [e for e in events if e.type in INTAKE_HISTORY_EVENTS]
    return [
        HistoryEntry(
            e.seq,
            e.id,
            e.type,
            e.occurred_on,
            e.recorded_at,
            e.actor,
            e.role,
            e.payload,
            e.id in voided,
        )
        for e in events
    ]


def next_events(app: App, actor: Actor, case_id: str) -> NextEvents:
    """Return the events the case allows next, and those of them ``actor`` may record."""
    with app.uow(write=False) as uow:
        row = _visible_row(uow.conn, actor, case_id)
    case = case_from_row(row)
    allowed = case.allowed_events()
    mine = recordable_events(actor.role, allowed)
    return NextEvents(case.case_id, case.state.value, case.version, allowed, mine)


def record_event(
    app: App, actor: Actor, command: case_service.CaseEvent, *, client: str = ""
) -> CaseRecord:
    """Record one event on a case the actor may see and may move with that event."""
    with app.uow(write=False) as uow:
        _visible_row(uow.conn, actor, command.case_id)
    event = command.event
    if not may_record_case_event(actor.role, event):
        raise PermissionDenied(
            f"a {actor.role} may not record {event}",
            event=event,
            needs=case_event_permission(event).value,
        )
    case_service.record_case_event(app, actor, command)
    return read_case(app, actor, case_id=command.case_id, client=client)


def flight_scope(actor: Actor) -> ColumnElement[bool] | None:
    """Return the SQL condition limiting flights to what ``actor`` may see."""
    if actor.role in {Role.PARTNER_LIAISON, Role.REINTEGRATION_CASEWORKER}:
        return flights.c.destination == actor.country
    return None


def list_flights(
    app: App,
    actor: Actor,
    *,
    destination: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Return a page of flights, with seats taken, that ``actor`` may see."""
    condition = flight_scope(actor)
    query = select(flights) if condition is None else select(flights).where(condition)
    if destination:
        query = query.where(flights.c.destination == destination.upper())
    with app.uow(write=False) as uow:
        total = uow.conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = uow.conn.execute(
            query.order_by(flights.c.departure_on, flights.c.flight_id).limit(limit).offset(offset)
        ).mappings()
        items = [_flight(uow.conn, r) for r in rows]
    return Page(items, int(total), limit, offset)


def _flight(conn: Connection, row: Any) -> dict[str, Any]:
    taken = conn.execute(
        select(func.count()).select_from(cases).where(cases.c.flight_id == row["flight_id"])
    ).scalar_one()
    return {**dict(row), "seats_taken": int(taken)}


def read_flight(app: App, actor: Actor, flight_id: str) -> dict[str, Any]:
    """Return one flight with its manifest (the cases on it that ``actor`` may see)."""
    condition = flight_scope(actor)
    query = select(flights).where(flights.c.flight_id == flight_id)
    if condition is not None:
        query = query.where(condition)
    with app.uow(write=False) as uow:
        found = uow.conn.execute(query).mappings().first()
        if found is None:
            raise NotFound(f"no flight {flight_id!r}", flight_id=flight_id)
        flight = _flight(uow.conn, found)
    manifest = list_cases(app, actor, flight_id=flight_id, limit=1000).items
    return {**flight, "manifest": manifest}


def void_case_event(
    app: App,
    actor: Actor,
    *,
    case_id: str,
    event_id: str,
    reason: str,
    on: date,
) -> CaseRecord:
    """Void one of a visible case's events (a correction; history is never edited)."""
    with app.uow(write=False) as uow:
        _visible_row(uow.conn, actor, case_id)
        target = uow.ledger.get(event_id)
    if target is None or target.subject_type != "case" or target.subject_id != case_id:
        raise NotFound(f"case {case_id} has no event {event_id!r}", event_id=event_id)
    case_service.void_event(app, actor, event_id=event_id, reason=reason, on=on)
    return read_case(app, actor, case_id=case_id)


def record_flight_step(
    app: App,
    actor: Actor,
    *,
    flight_id: str,
    event: str,
    on: date,
    reason: str | None,
) -> dict[str, Any]:
    """Propose a charter to the partner, or record the partner's acceptance or refusal."""
    read_flight(app, actor, flight_id)
    needed = FLIGHT_STEP_PERMISSIONS.get(event)
    if needed is None:
        steps = ", ".join(FLIGHT_STEP_PERMISSIONS)
        raise InvalidInput(f"unknown flight event {event!r}; flight events: {steps}", event=event)
    if not has_permission(actor.role, needed):
        raise PermissionDenied(f"a {actor.role} may not record {event}", needs=needed.value)
    flight_service.record_charter_step(
        app, actor, flight_id=flight_id, event=event, on=on, reason=reason
    )
    return read_flight(app, actor, flight_id)


def check_country_scope(actor: Actor, country: str) -> None:
    """A country-bound role asking about another country's figures: not found."""
    if not may_see_country(actor.role, actor.country, country):
        raise NotFound(f"no figures for {country!r} in your scope", country=country)


def in_country_scope(actor: Actor, items: Iterable[T], country: Callable[[T], str]) -> list[T]:
    """Keep the items (assessments, figures) of the countries ``actor`` may see."""
    return [item for item in items if may_see_country(actor.role, actor.country, country(item))]


def check_case_visible(app: App, actor: Actor, case_id: str) -> None:
    """Raise NotFound when ``actor`` may not see the case (or it does not exist)."""
    with app.uow(write=False) as uow:
        _visible_row(uow.conn, actor, case_id)


def check_event_visible(
    app: App,
    actor: Actor,
    *,
    case_id: str,
    event_id: str,
) -> None:
    """Raise NotFound unless the event is one of a case ``actor`` may see."""
    with app.uow(write=False) as uow:
        _visible_row(uow.conn, actor, case_id)
        target = uow.ledger.get(event_id)
    if target is None or target.subject_type != "case" or target.subject_id != case_id:
        raise NotFound(f"case {case_id} has no event {event_id!r}", event_id=event_id)
