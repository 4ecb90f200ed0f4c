"""Flights: schedule one, and record a charter's proposal and the partner's answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from readmit.domain.countries import country_code
from readmit.domain.errors import Conflict, NotFound
from readmit.domain.events import NewEvent
from readmit.domain.flights import Flight, check_charter_step, check_flight
from readmit.services.context import Actor, App
from readmit.store.flight_projection import load_flight


@dataclass(frozen=True)
class NewFlight:
    flight_id: str
    departure_on: date
    kind: str
    destination: str
    capacity: int


def flight_scheduled_event(new: NewFlight, actor: Actor, key: str | None = None) -> NewEvent:
    """Return the event that records a new flight, after validating it."""
    check_flight(new.kind, new.capacity)
    payload = {
        "flight_id": new.flight_id,
        "departure_on": new.departure_on.isoformat(),
        "kind": new.kind,
        "destination": country_code(new.destination),
        "capacity": new.capacity,
    }
    return NewEvent(
        "flight_scheduled",
        "flight",
        new.flight_id,
        new.departure_on,
        actor.name,
        actor.role,
        payload,
        None,
        key,
    )


def schedule_flight(app: App, new: NewFlight, actor: Actor) -> Flight:
    """Record a flight (charter or commercial) with its date, destination and capacity."""
    with app.uow() as uow:
        if load_flight(uow.conn, new.flight_id) is not None:
            raise Conflict(f"flight {new.flight_id} already exists")
        uow.record([flight_scheduled_event(new, actor)])
        flight = load_flight(uow.conn, new.flight_id)
        uow.commit()
    assert flight is not None
    return flight


def record_charter_step(
    app: App,
    actor: Actor,
    *,
    flight_id: str,
    event: str,
    on: date,
    reason: str | None = None,
) -> Flight:
    """Record charter_proposed, charter_accepted or charter_refused on a charter flight."""
    with app.uow() as uow:
        flight = load_flight(uow.conn, flight_id)
        if flight is None:
            raise NotFound(f"no flight {flight_id!r}")
        check_charter_step(flight, event)
        payload = {"reason": reason} if reason else {}
        uow.record([NewEvent(event, "flight", flight_id, on, actor.name, actor.role, payload)])
        updated = load_flight(uow.conn, flight_id)
        uow.commit()
    assert updated is not None
    return updated
