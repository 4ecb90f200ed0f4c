"""Removal cases: open, move through the workflow, correct, show, erase personal data."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from readmit.domain.cases import CASE_OPENED, Case, FlightInfo, transition
from readmit.domain.countries import country_code
from readmit.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    RuleViolation,
    StaleVersion,
)
from readmit.domain.events import Event, NewEvent, canonical_json
from readmit.services.context import Actor, App
from readmit.store.case_projection import VOIDED, case_from_row, replay_case
from readmit.store.flight_projection import load_flight
from readmit.store.schema import cases, persons
from readmit.store.uow import UnitOfWork

PERSONAL_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "spouse_in_country",
    "children_in_country",
    "agreed_to_return",
)


@dataclass(frozen=True)
class NewCase:
    case_id: str
    nationality: str
    final_order_date: date
    criminal: bool
    custody: str
    country_of_birth: str | None = None
    entry_age: int | None = None
    personal: dict[str, Any] | None = None


def opening_events(
    new: NewCase, actor: Actor, source: str | None, key: str | None
) -> tuple[NewEvent, dict[str, Any] | None]:
    """Return the case_opened event and the personal record (with its salt) kept outside it."""
    if new.custody not in {"detained", "released"}:
        raise InvalidInput(f"custody must be detained or released, not {new.custody!r}")
    payload: dict[str, Any] = {
        "case_id": new.case_id,
        "nationality": country_code(new.nationality),
        "final_order_date": new.final_order_date.isoformat(),
        "criminal": new.criminal,
        "custody": new.custody,
        "country_of_birth": country_code(new.country_of_birth) if new.country_of_birth else None,
        "entry_age": new.entry_age,
    }
    person = None
    if new.personal:
        salt = secrets.token_hex(16)
        payload["personal_digest"] = personal_digest(salt, new.personal)
        person = {"case_id": new.case_id, "salt": salt, "data": new.personal}
    event = NewEvent(
        CASE_OPENED,
        "case",
        new.case_id,
        new.final_order_date,
        actor.name,
        actor.role,
        payload,
        source,
        key,
    )
    return event, person


def personal_digest(salt: str, data: dict[str, Any]) -> str:
    """Return the salted digest of a personal record that the log keeps in its place."""
    return hashlib.sha256((salt + canonical_json(data)).encode()).hexdigest()


def open_case(
    app: App,
    actor: Actor,
    *,
    new: NewCase,
    source: str | None = None,
) -> Case:
    """Record a final order of removal: the case is created in state ``ordered``."""
    with app.uow() as uow:
        if _find(uow, new.case_id) is not None:
            raise Conflict(f"case {new.case_id} already exists", case_id=new.case_id)
        event, person = opening_events(new, actor, source, None)
        if person:
            uow.conn.execute(persons.insert().values(**person))
        uow.record([event])
        case = get_case(uow, new.case_id)
        uow.commit()
    return case


def _find(uow: UnitOfWork, case_id: str) -> Case | None:
    row = uow.conn.execute(select(cases).where(cases.c.case_id == case_id)).mappings().first()
    return case_from_row(row) if row else None


def get_case(uow: UnitOfWork, case_id: str) -> Case:
    """Return a case or raise NotFound."""
    case = _find(uow, case_id)
    if case is None:
        raise NotFound(f"no case {case_id!r}; check the identifier or import the case first")
    return case


def flight_info(uow: UnitOfWork, flight_id: str | None) -> FlightInfo | None:
    """Return what the manifest rule needs of a flight (seats taken included), or None."""
    if not flight_id:
        return None
    flight = load_flight(uow.conn, flight_id)
    if flight is None:
        raise NotFound(f"no flight {flight_id!r}; import or schedule it first")
    taken = uow.conn.execute(select(cases.c.case_id).where(cases.c.flight_id == flight_id)).all()
    return FlightInfo(
        flight.flight_id, flight.departure_on, flight.destination, flight.capacity, len(taken)
    )


@dataclass(frozen=True, kw_only=True)
class CaseEvent:
    """One event on one case, as an edge builds it from a form, a body or a flag.

    ``expected_version`` is the case version the caller saw (None: do not check); ``source``
    names the document the event rests on.
    """

    case_id: str
    event: str
    on: date
    payload: Mapping[str, Any] = field(default_factory=dict)
    expected_version: int | None = None
    source: str | None = None


def record_case_event(app: App, actor: Actor, command: CaseEvent) -> Case:
    """Move a case by one event, checking every rule; a stale version is a conflict."""
    case_id, event, on, payload = command.case_id, command.event, command.on, dict(command.payload)
    with app.uow() as uow:
        case = get_case(uow, case_id)
        check_version(case, command.expected_version)
        transition(case, event, on, payload, flight_info(uow, payload.get("flight_id")))
        new = NewEvent(event, "case", case_id, on, actor.name, actor.role, payload, command.source)
        uow.record([new])
        updated = get_case(uow, case_id)
        uow.commit()
    return updated


def check_version(case: Case, expected: int | None) -> None:
    """Raise StaleVersion when the caller's version is not the case's current one."""
    if expected is not None and expected != case.version:
        raise StaleVersion(
            f"case {case.case_id} has changed (version {case.version}, you sent {expected}); "
            "reload it and try again",
            current_version=case.version,
        )


def void_event(
    app: App,
    actor: Actor,
    *,
    event_id: str,
    reason: str,
    on: date,
) -> Case:
    """Correct history: record that an event is void, and why. Nothing is edited."""
    if not reason.strip():
        raise InvalidInput("voiding an event needs a reason")
    with app.uow() as uow:
        target = uow.ledger.get(event_id)
        if target is None or target.subject_type != "case":
            raise NotFound(f"no case event {event_id!r}")
        if target.type in {CASE_OPENED, VOIDED}:
            raise InvalidInput(f"a {target.type} event cannot be voided; close the case instead")
        _check_void_leaves_legal_history(uow, target)
        void = NewEvent(
            VOIDED,
            "case",
            target.subject_id,
            on,
            actor.name,
            actor.role,
            {"voids": event_id, "voided_type": target.type, "reason": reason},
        )
        uow.record([void])
        case = get_case(uow, target.subject_id)
        uow.commit()
    return case


def _check_void_leaves_legal_history(uow: UnitOfWork, target: Event) -> None:
    history = uow.ledger.for_subject("case", target.subject_id)
    if any(e.type == VOIDED and e.payload.get("voids") == target.id for e in history):
        raise Conflict(f"event {target.id} is already void")
    try:
        replay_case(uow.ledger, target.subject_id, also_void=frozenset({target.id}))
    except (InvalidInput, RuleViolation) as error:
        raise InvalidInput(
            f"voiding {target.type} would leave the case's later history illegal ({error}); "
            "void the later events first",
        ) from error


@dataclass(frozen=True)
class CaseView:
    case: Case
    history: list[Event]
    voided: set[str]
    personal: dict[str, Any] | None


def show_case(app: App, case_id: str, with_personal: bool = False) -> CaseView:
    """Return a case, its history (voided events marked) and, if allowed, its personal data."""
    with app.uow(write=False) as uow:
        case = get_case(uow, case_id)
        history = uow.ledger.for_subject("case", case_id)
        voided = {str(e.payload["voids"]) for e in history if e.type == VOIDED}
        personal = None
        if with_personal:
            row = uow.conn.execute(select(persons.c.data).where(persons.c.case_id == case_id))
            personal = row.scalar_one_or_none()
    return CaseView(case, history, voided, personal)


def erase_personal_data(
    app: App,
    actor: Actor,
    *,
    case_id: str,
    reason: str,
    on: date,
) -> None:
    """Delete a case's personal record and salt (a lawful erasure); the chain stays valid."""
    if not reason.strip():
        raise InvalidInput("an erasure needs a reason (its legal basis)")
    with app.uow() as uow:
        get_case(uow, case_id)
        deleted = uow.conn.execute(delete(persons).where(persons.c.case_id == case_id)).rowcount
        if not deleted:
            raise NotFound(f"case {case_id} holds no personal data to erase")
        uow.record(
            [
                NewEvent(
                    "personal_data_erased",
                    "case",
                    case_id,
                    on,
                    actor.name,
                    actor.role,
                    {"reason": reason},
                )
            ]
        )
        uow.commit()
