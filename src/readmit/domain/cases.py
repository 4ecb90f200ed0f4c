"""The removal case: its states, the events that move it, and the rules that must hold.

The transition table (docs/architecture.md, "Removal cases"), as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from readmit.domain.countries import country_code
from readmit.domain.errors import (
    DocumentExpired,
    FlightFull,
    IllegalTransition,
    InvalidInput,
    NationalityDisputed,
    WrongDestination,
)


class State(StrEnum):
    ORDERED = "ordered"
    PRESENTED = "presented"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEWED = "interviewed"
    NATIONALITY_CONFIRMED = "nationality_confirmed"
    NATIONALITY_DISPUTED = "nationality_disputed"
    DOCUMENT_ISSUED = "document_issued"
    MANIFESTED = "manifested"
    REMOVED = "removed"
    RECEIVED = "received"
    STAYED = "stayed"
    CLOSED = "closed"


S = State
ALL_STATES = frozenset(State)
CASE_OPENED = "case_opened"

# event -> (states it may happen in, state it leads to; None = unchanged / special).
TRANSITIONS: dict[str, tuple[frozenset[State], State | None]] = {
    "presented": (frozenset({S.ORDERED, S.NATIONALITY_DISPUTED}), S.PRESENTED),
    "interview_scheduled": (frozenset({S.PRESENTED}), S.INTERVIEW_SCHEDULED),
    "interview_held": (frozenset({S.INTERVIEW_SCHEDULED}), S.INTERVIEWED),
    "nationality_confirmed": (
        frozenset({S.PRESENTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED}),
        S.NATIONALITY_CONFIRMED,
    ),
    "nationality_disputed": (
        frozenset(
            {
                S.PRESENTED,
                S.INTERVIEW_SCHEDULED,
                S.INTERVIEWED,
                S.NATIONALITY_CONFIRMED,
                S.DOCUMENT_ISSUED,
            }
        ),
        S.NATIONALITY_DISPUTED,
    ),
    "document_issued": (frozenset({S.NATIONALITY_CONFIRMED}), S.DOCUMENT_ISSUED),
    "document_expired": (frozenset({S.DOCUMENT_ISSUED}), S.NATIONALITY_CONFIRMED),
    "manifested": (frozenset({S.DOCUMENT_ISSUED}), S.MANIFESTED),
    "removed": (frozenset({S.MANIFESTED}), S.REMOVED),
    "arrival_refused": (frozenset({S.MANIFESTED}), S.NATIONALITY_CONFIRMED),
    "received": (frozenset({S.REMOVED}), S.RECEIVED),
    "service_provided": (frozenset({S.RECEIVED}), S.RECEIVED),
    "stayed": (ALL_STATES - {S.STAYED, S.REMOVED, S.RECEIVED, S.CLOSED}, S.STAYED),
    "stay_lifted": (frozenset({S.STAYED}), None),
    "closed": (ALL_STATES - {S.REMOVED, S.RECEIVED, S.CLOSED}, S.CLOSED),
    "released": (ALL_STATES - {S.CLOSED}, None),
}
CASE_EVENTS = frozenset(TRANSITIONS)
INTERVIEW_MODES = frozenset({"in_person", "virtual"})
SERVICES = frozenset({"housing", "identity_documents", "job_training", "counselling", "other"})


def allowed_events(state: State) -> list[str]:
    """Return the events that may happen next in ``state``, in table order."""
    return [name for name, (sources, _) in TRANSITIONS.items() if state in sources]


@dataclass(frozen=True)
class FlightInfo:
    """What the case rules need to know of a flight to manifest a case on it."""

    flight_id: str
    departure_on: date
    destination: str
    capacity: int
    manifested: int


@dataclass(frozen=True)
class Case:
    """A person under a final order of removal to one partner country (no personal data)."""

    case_id: str
    nationality: str
    final_order_date: date
    criminal: bool
    custody: str
    state: State = State.ORDERED
    prior_state: State | None = None
    destination: str = ""
    document_expires_on: date | None = None
    flight_id: str | None = None
    disputed_by: frozenset[str] = frozenset()
    version: int = 1

    def allowed_events(self) -> list[str]:
        """Return the events that may happen next."""
        return allowed_events(self.state)


def open_case(payload: dict[str, Any]) -> Case:
    """Create a case from a ``case_opened`` payload."""
    nationality = str(payload["nationality"])
    return Case(
        case_id=str(payload["case_id"]),
        nationality=nationality,
        final_order_date=date.fromisoformat(str(payload["final_order_date"])),
        criminal=bool(payload["criminal"]),
        custody=str(payload["custody"]),
        destination=nationality,
    )


def _check_allowed(case: Case, event: str) -> None:
    if event not in TRANSITIONS:
        raise InvalidInput(
            f"unknown event {event!r}; known events: {', '.join(sorted(CASE_EVENTS))}",
            event=event,
        )
    sources, _ = TRANSITIONS[event]
    if case.state not in sources:
        allowed = case.allowed_events()
        raise IllegalTransition(
            f"case {case.case_id} is {case.state.value}: {event} is not allowed; "
            f"allowed next events: {', '.join(allowed) or 'none'}",
            case_id=case.case_id,
            state=case.state.value,
            event=event,
            allowed=allowed,
        )


def _check_manifest(case: Case, on: date, flight: FlightInfo | None) -> None:
    if flight is None:
        raise InvalidInput(f"manifesting case {case.case_id} needs a flight_id of a known flight")
    needed = max(on, flight.departure_on)
    if case.document_expires_on is None or case.document_expires_on < needed:
        raise DocumentExpired(
            f"case {case.case_id}: the travel document expires on {case.document_expires_on}, "
            f"before flight {flight.flight_id} departs on {flight.departure_on}; "
            "record document_expired and request a new document",
            case_id=case.case_id,
        )
    if flight.destination in case.disputed_by:
        raise NationalityDisputed(
            f"case {case.case_id}: {flight.destination} disputes this person's nationality; "
            "they cannot be removed there",
            case_id=case.case_id,
        )
    if flight.destination != case.destination:
        raise WrongDestination(
            f"case {case.case_id} is to be removed to {case.destination}, "
            f"but flight {flight.flight_id} goes to {flight.destination}",
            case_id=case.case_id,
        )
    if flight.manifested >= flight.capacity:
        raise FlightFull(
            f"flight {flight.flight_id} is full ({flight.capacity} seats); choose another flight",
            flight_id=flight.flight_id,
        )


def _iso_date(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def _check_payload(case: Case, event: str, on: date, payload: dict[str, Any]) -> None:
    if event == "interview_held" and payload.get("mode", "in_person") not in INTERVIEW_MODES:
        raise InvalidInput(f"interview mode must be in_person or virtual, not {payload['mode']!r}")
    if event == "presented" and payload.get("country"):
        country_code(str(payload["country"]))
    if event == "document_issued":
        expires = payload.get("document_expires_on")
        if not expires:
            raise InvalidInput(f"document_issued on case {case.case_id} needs document_expires_on")
        if _iso_date(expires, "document_expires_on") < on:
            raise DocumentExpired(
                f"case {case.case_id}: the document expires on {expires}, before it was issued"
            )
    if event == "service_provided" and payload.get("service") not in SERVICES:
        raise InvalidInput(f"service must be one of {', '.join(sorted(SERVICES))}")
    if event == "closed" and not payload.get("reason"):
        raise InvalidInput(f"closing case {case.case_id} needs a reason")


def transition(
    case: Case,
    event: str,
    on: date,
    payload: dict[str, Any],
    flight: FlightInfo | None = None,
) -> Case:
    """Apply one event to a case, enforcing every rule; return the new case (version + 1)."""
    _check_allowed(case, event)
    if on < case.final_order_date:
        raise InvalidInput(
            f"case {case.case_id}: {event} on {on} is before the final order of "
            f"{case.final_order_date}",
            case_id=case.case_id,
        )
    _check_payload(case, event, on, payload)
    if event == "manifested":
        _check_manifest(case, on, flight)
    return _next(case, event, payload)


def _evolve(case: Case, changes: dict[str, Any]) -> Case:
    # dataclasses.replace without re-running __init__: the hot path of a million-row import.
    new = object.__new__(Case)
    new.__dict__.update(case.__dict__)
    new.__dict__.update(changes)
    return new


def _next(case: Case, event: str, payload: dict[str, Any]) -> Case:
    target = TRANSITIONS[event][1]
    changes: dict[str, Any] = {"version": case.version + 1}
    if event == "released":
        changes["custody"] = "released"
    elif event == "stayed":
        changes["prior_state"] = case.state
    elif event == "stay_lifted":
        target, changes["prior_state"] = case.prior_state, None
    elif event == "presented":
        changes["destination"] = str(payload.get("country") or case.destination)
    elif event == "document_issued":
        changes["document_expires_on"] = date.fromisoformat(str(payload["document_expires_on"]))
    elif event in {"document_expired", "nationality_disputed"}:
        changes["document_expires_on"] = None
    elif event == "manifested":
        changes["flight_id"] = str(payload["flight_id"])
    elif event in {"arrival_refused", "closed"}:
        # A refused arrival used the document up; a closed case gives its seat back and ends
        # any stay with it.
        changes["flight_id"] = None
        if event == "arrival_refused":
            changes["document_expires_on"] = None
        else:
            changes["prior_state"] = None
    if event == "nationality_disputed":
        changes["disputed_by"] = case.disputed_by | {case.destination}
    elif event == "nationality_confirmed":
        # A partner that confirms after disputing no longer disputes.
        changes["disputed_by"] = case.disputed_by - {case.destination}
    if target is not None:
        changes["state"] = target
    return _evolve(case, changes)


def apply_recorded(case: Case, event: str, payload: dict[str, Any]) -> Case:
    """Apply an event that was already checked when recorded (projections, replays)."""
    _check_allowed(case, event)
    return _next(case, event, payload)
