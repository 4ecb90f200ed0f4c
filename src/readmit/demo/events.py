"""Turn the planned scenario into ledger events, checked by the domain's own rules.

Events carry back-dated ``recorded_at`` (recorded within a few days of occurring), so that "as
of" questions about past dates see what could have been known then.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from readmit.demo.flights import PlannedFlight, plan_flights
from readmit.demo.keys import SCENARIO_VERSION, event_key
from readmit.demo.partner import partner_events
from readmit.demo.people import case_id, person
from readmit.demo.profiles import CAMBODIA
from readmit.demo.scenario import CountryPlan, plan_all

__all__ = ["SCENARIO_VERSION", "Scenario", "build", "demo_source", "first_key"]
from readmit.demo.stories import Story
from readmit.domain.cases import FlightInfo, transition
from readmit.domain.cases import open_case as open_domain_case
from readmit.domain.events import NewEvent
from readmit.services.cases.commands import NewCase, opening_events, personal_digest
from readmit.services.cases.flights import NewFlight, flight_scheduled_event
from readmit.services.context import Actor

ACTORS = {
    "case_officer": Actor("demo:us-removal-officer", "case_officer"),
    "reintegration_caseworker": Actor("demo:reintegration-caseworker", "reintegration_caseworker"),
}


def demo_source(seed: int) -> str:
    """The source every synthetic event cites."""
    return f"readmit demo scenario (synthetic data, seed {seed})"


@dataclass
class Scenario:
    """Everything the demo records: events in order and the personal records kept beside them."""

    seed: int
    events: list[NewEvent] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    plans: list[CountryPlan] = field(default_factory=list)

    @property
    def version(self) -> str:
        """The scenario generator's version, stored with the build."""
        return SCENARIO_VERSION


def build(seed: int) -> Scenario:
    """Build every event of the scenario for ``seed``, in the order they are to be recorded."""
    scenario = Scenario(seed, plans=plan_all(seed))
    timed: list[tuple[datetime, int, int, NewEvent]] = []
    for rank, plan in enumerate(scenario.plans):
        rng = random.Random(f"readmit-demo/{seed}/{plan.profile.code}/events")
        for n, flight in enumerate(plan.flights):
            for i, event in enumerate(_flight_events(seed, flight)):
                stamped = _final(
                    event, _stamp(event.occurred_on, 8), event_key(seed, flight.flight_id, i)
                )
                timed.append((stamped.recorded_at or _EPOCH, rank, n * 10 + i, stamped))
        for story in plan.stories:
            events, record = _case_events(rng, seed, story)
            scenario.persons.append(record)
            moment = _EPOCH
            ident = record["case_id"]
            for i, event in enumerate(events):
                moment = max(_stamp(event.occurred_on, rng.randint(9, 60)), moment + _SECOND)
                stamped = _final(event, moment, event_key(seed, ident, i))
                timed.append((moment, rank, 1_000_000 + story.number * 100 + i, stamped))
        for i, event in enumerate(partner_events(seed, plan)):
            timed.append((event.recorded_at or _EPOCH, rank, 900_000_000 + i, event))
    timed.sort(key=lambda item: item[:3])
    scenario.events = [event for _, _, _, event in timed]
    return scenario


def _final(e: NewEvent, recorded_at: datetime, key: str) -> NewEvent:
    return NewEvent(
        e.type,
        e.subject_type,
        e.subject_id,
        e.occurred_on,
        e.actor,
        e.role,
        e.payload,
        e.source,
        key,
        recorded_at,
    )


_SECOND = timedelta(seconds=1)


def _stamp(on: date, hours: int) -> datetime:
    return datetime.combine(on, time(0), tzinfo=UTC) + timedelta(hours=hours)


_EPOCH = datetime.min.replace(tzinfo=UTC)


def _flight_events(seed: int, flight: PlannedFlight) -> list[NewEvent]:
    officer = ACTORS["case_officer"]
    source = demo_source(seed)
    if flight.source:
        source = f"{flight.source} (group size and date); {source}"
    new = NewFlight(
        flight.flight_id, flight.departure_on, flight.kind, flight.destination, flight.capacity
    )
    scheduled = dataclasses.replace(
        flight_scheduled_event(new, officer),
        occurred_on=flight.departure_on - timedelta(days=30 if flight.kind == "charter" else 10),
        source=source,
    )
    scheduled = dataclasses.replace(scheduled, payload={**scheduled.payload, "synthetic": True})
    if flight.kind != "charter":
        return [scheduled]
    steps = [("charter_proposed", 28), ("charter_accepted", 14)]
    return [scheduled] + [
        NewEvent(
            name,
            "flight",
            flight.flight_id,
            flight.departure_on - timedelta(days=before),
            officer.name,
            officer.role,
            {},
            source,
        )
        for name, before in steps
    ]


def _case_events(
    rng: random.Random,
    seed: int,
    story: Story,
) -> tuple[list[NewEvent], dict[str, Any]]:
    ident = case_id(story.country, story.number)
    new = NewCase(
        ident,
        story.country,
        story.order_date,
        story.criminal,
        "detained" if story.detained else "released",
        country_of_birth=story.country_of_birth or story.country,
        entry_age=rng.randint(1, 35),
    )
    source = demo_source(seed)
    opened, _ = opening_events(new, ACTORS["case_officer"], source, None)
    data = person(rng, story.country, story.number, story.order_date)
    salt = hashlib.sha256(f"readmit-demo/{seed}/salt/{ident}".encode()).hexdigest()[:32]
    payload = {**opened.payload, "personal_digest": personal_digest(salt, data), "synthetic": True}
    opened = dataclasses.replace(opened, payload=payload)
    events = [opened]
    for step in story.steps:
        actor = ACTORS[step.role]
        events.append(
            NewEvent(
                step.event, "case", ident, step.on, actor.name, actor.role, step.payload, source
            )
        )
    return events, {"case_id": ident, "salt": salt, "data": data}


def check_rules(scenario: Scenario) -> int:
    """Walk every case through the domain's transition rules (document validity, seats, disputed
    nationality included); return how many steps were checked. Raises on the first violation."""
    checked = 0
    for plan in scenario.plans:
        flights = {f.flight_id: f for f in plan.flights}
        seats: dict[str, int] = {}
        for story in plan.stories:
            case = open_domain_case(
                {
                    "case_id": case_id(story.country, story.number),
                    "nationality": story.country,
                    "final_order_date": story.order_date.isoformat(),
                    "criminal": story.criminal,
                    "custody": "detained" if story.detained else "released",
                }
            )
            for step in story.steps:
                flight = _flight_info(flights, seats, step.payload.get("flight_id"))
                case = transition(case, step.event, step.on, step.payload, flight)
                if flight is not None:
                    seats[flight.flight_id] = flight.manifested + 1
                checked += 1
    return checked


def _flight_info(
    flights: dict[str, PlannedFlight], seats: dict[str, int], flight_id: Any
) -> FlightInfo | None:
    if not flight_id:
        return None
    f = flights[str(flight_id)]
    taken = seats.get(f.flight_id, 0)
    return FlightInfo(f.flight_id, f.departure_on, f.destination, f.capacity, taken)


def first_key(seed: int) -> str:
    """The dedupe key of the first event of Cambodia's first flight for ``seed``."""
    first = plan_flights(random.Random(f"readmit-demo/{seed}/KH"), CAMBODIA)[0]
    return event_key(seed, first.flight_id, 0)
