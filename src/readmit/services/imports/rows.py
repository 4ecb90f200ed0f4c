"""The three import formats: each row checked and turned into ledger events, chunk by chunk.

A handler loads what its chunk needs once (``load``), turns one row into events or raises a
``ReadmitError`` that rejects the row (``apply``; nothing it holds changes unless the row is
accepted), and writes what lives outside the ledger (``flush``).

What it has loaded it keeps, up to date with the rows it accepts, and ``load`` reads only what
it does not hold yet. Everything a chunk's rows can change is loaded before they change it, so
a pipelined import (which reads the next chunk's state before the last one is committed) reads
nothing that the uncommitted chunk changed. An import that lets other writers in between
chunks calls ``forget`` before each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Protocol

from readmit.batch.tables import TableSpec
from readmit.domain import validation
from readmit.domain.cases import CASE_EVENTS, Case, FlightInfo, transition
from readmit.domain.countries import country_code
from readmit.domain.dates import why_not_a_date
from readmit.domain.errors import Duplicate, InvalidInput, NotFound
from readmit.domain.events import NewEvent, new_event
from readmit.domain.flights import Flight
from readmit.services.cases.commands import PERSONAL_FIELDS, NewCase, opening_events
from readmit.services.cases.flights import NewFlight, flight_scheduled_event
from readmit.services.context import Actor
from readmit.store.bulk import insert_rows
from readmit.store.lookups import existing_cases, existing_flights, flights_by_id, seats_taken
from readmit.store.schema import persons
from readmit.store.uow import UnitOfWork

Row = dict[str, Any]
KEY = "_key"
# The key a row had before keys began with its date (migration 0007), looked up as well while
# the store holds events imported with such keys.
LEGACY_KEY = "_legacy_key"
PARSED = "_date_"
# True when no cell of the row holds a NUL or is longer than the shortest limit on any text
# (``prepare`` finds it for the whole file at once): then no text of the row can break a limit.
SHORT = "_short"


class RowHandler(Protocol):
    kind: str
    spec: TableSpec
    lower: tuple[str, ...]  # case-insensitive words
    upper: tuple[str, ...]  # country codes
    dates: tuple[str, ...]  # parsed as YYYY-MM-DD by the reader, into PARSED + name
    order_by: str | None  # a date column the rows apply in (file order breaks ties)

    def forget(self) -> None: ...
    def load(self, uow: UnitOfWork, rows: Sequence[Row]) -> None: ...
    def apply(self, row: Row) -> list[NewEvent]: ...
    def allowed(self, row: Row) -> list[str]: ...
    def flush(self, uow: UnitOfWork) -> None: ...


def text(
    row: Row,
    name: str,
    *,
    required: bool = False,
) -> str | None:
    """Return a cell's text, or None; a required cell that is empty rejects the row."""
    value: str | None = row.get(name)
    if value is None and required:
        raise InvalidInput(f"{name} is empty; it is required")
    return value


def day(
    row: Row,
    name: str,
    *,
    required: bool = False,
    today: date | None = None,
) -> date | None:
    """Return a date cell (YYYY-MM-DD), or None when empty; a bad or future date rejects the row."""
    raw = text(row, name, required=required)
    if raw is None:
        return None
    parsed: date | None = row.get(PARSED + name)
    if parsed is None:
        raise InvalidInput(f"{name} {raw!r} {why_not_a_date(raw)}", column=name)
    if today is not None:
        validation.not_in_future(parsed, name, today)
    return parsed


def whole(row: Row, name: str, minimum: int) -> int | None:
    """Return a whole-number cell, or None when empty."""
    raw = text(row, name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < minimum:
        raise InvalidInput(f"{name} {raw!r} must be a whole number of at least {minimum}")
    return int(raw)


def boolean(
    row: Row,
    name: str,
    *,
    required: bool = False,
) -> bool | None:
    """Return a true/false cell, or None when empty."""
    raw = text(row, name, required=required)
    if raw is None:
        return None
    if raw.lower() not in {"true", "false"}:
        raise InvalidInput(f"{name} must be true or false, not {raw!r}")
    return raw.lower() == "true"


class CaseRows:
    """``readmit import cases``: each row records a final order of removal (a new case)."""

    kind = "cases"
    spec = TableSpec(
        required=("case_id", "nationality", "final_order_date", "criminal", "custody"),
        optional=(
            "given_name",
            "family_name",
            "date_of_birth",
            "country_of_birth",
            "entry_age",
            "spouse_in_country",
            "children_in_country",
            "agreed_to_return",
        ),
    )
    lower: tuple[str, ...] = (
        "criminal",
        "custody",
        "spouse_in_country",
        "children_in_country",
        "agreed_to_return",
    )
    upper: tuple[str, ...] = ("nationality", "country_of_birth")
    dates: tuple[str, ...] = ("final_order_date", "date_of_birth")
    order_by: str | None = None

    def __init__(self, actor: Actor, today: date) -> None:
        self.actor, self.today = actor, today
        self.known: set[str] = set()  # case ids known to exist (a case is never deleted)
        self.persons: list[dict[str, Any]] = []

    def forget(self) -> None:
        self.known = set()

    def load(self, uow: UnitOfWork, rows: Sequence[Row]) -> None:
        ids = [r["case_id"] for r in rows if r["case_id"] and r["case_id"] not in self.known]
        self.known.update(existing_cases(uow.conn, ids))
        self.persons = []

    def apply(self, row: Row) -> list[NewEvent]:
        new = self._parse(row)
        if new.case_id in self.known:
            raise Duplicate(f"case {new.case_id} already exists", case_id=new.case_id)
        event, person = opening_events(new, self.actor, None, row[KEY])
        self.known.add(new.case_id)
        if person:
            self.persons.append(person)
        return [event]

    def _parse(self, row: Row) -> NewCase:
        custody = str(text(row, "custody", required=True)).lower()
        if custody not in {"detained", "released"}:
            raise InvalidInput(f"custody must be detained or released, not {custody!r}")
        birth_country = text(row, "country_of_birth")
        new = NewCase(
            case_id=str(text(row, "case_id", required=True)),
            nationality=country_code(str(text(row, "nationality", required=True))),
            final_order_date=day(row, "final_order_date", required=True, today=self.today)
            or date.min,
            criminal=bool(boolean(row, "criminal", required=True)),
            custody=custody,
            country_of_birth=country_code(birth_country) if birth_country else None,
            entry_age=whole(row, "entry_age", 0),
            personal=self._personal(row),
        )
        # The same rules as every other edge's (``domain/validation``).
        validation.check_new_case(
            case_id=new.case_id,
            final_order_date=new.final_order_date,
            personal=new.personal,
            today=self.today,
        )
        return new

    def _personal(self, row: Row) -> dict[str, Any] | None:
        born = day(row, "date_of_birth", today=self.today)
        children = text(row, "children_in_country")
        values: dict[str, Any] = {
            "given_name": text(row, "given_name"),
            "family_name": text(row, "family_name"),
            "date_of_birth": born.isoformat() if born else None,
            "spouse_in_country": boolean(row, "spouse_in_country"),
            "children_in_country": boolean(row, "children_in_country")
            if children and not children.isdigit()
            else whole(row, "children_in_country", 0),
            "agreed_to_return": boolean(row, "agreed_to_return"),
        }
        personal = {k: values[k] for k in PERSONAL_FIELDS if values.get(k) is not None}
        return personal or None

    def allowed(self, row: Row) -> list[str]:
        return []

    def flush(self, uow: UnitOfWork) -> None:
        # Through the driver, as the events are: the JSON column's own processing per row cost
        # more than the insert. (Stored as SQLAlchemy's JSON type stores it: json.dumps.)
        rows = [(p["case_id"], p["salt"], json.dumps(p["data"])) for p in self.persons]
        insert_rows(uow.conn, persons, ("case_id", "salt", "data"), rows)


class FlightRows:
    """``readmit import flights``: each row schedules a flight with its capacity."""

    kind = "flights"
    spec = TableSpec(required=("flight_id", "departure_on", "kind", "destination", "capacity"))
    lower: tuple[str, ...] = ("kind",)
    upper: tuple[str, ...] = ("destination",)
    dates: tuple[str, ...] = ("departure_on",)
    order_by: str | None = None

    def __init__(self, actor: Actor, today: date) -> None:
        self.actor = actor
        self.known: set[str] = set()  # flight ids known to exist

    def forget(self) -> None:
        self.known = set()

    def load(self, uow: UnitOfWork, rows: Sequence[Row]) -> None:
        ids = [r["flight_id"] for r in rows if r["flight_id"] and r["flight_id"] not in self.known]
        self.known.update(existing_flights(uow.conn, ids))

    def apply(self, row: Row) -> list[NewEvent]:
        text(row, "capacity", required=True)
        validation.identifier(str(text(row, "flight_id", required=True)), "flight_id")
        new = NewFlight(
            flight_id=str(text(row, "flight_id", required=True)),
            departure_on=day(row, "departure_on", required=True) or date.min,
            kind=str(text(row, "kind", required=True)).lower(),
            destination=country_code(str(text(row, "destination", required=True))),
            capacity=whole(row, "capacity", 1) or 0,
        )
        if new.flight_id in self.known:
            raise Duplicate(f"flight {new.flight_id} already exists", flight_id=new.flight_id)
        event = flight_scheduled_event(new, self.actor, row[KEY])
        self.known.add(new.flight_id)
        return [event]

    def allowed(self, row: Row) -> list[str]:
        return []

    def flush(self, uow: UnitOfWork) -> None:
        return None


_OCCURRED_ON, _EXPIRES_ON = PARSED + "occurred_on", PARSED + "document_expires_on"


class EventRows:
    """``readmit import events``: each row moves one case, as the transition table allows."""

    kind = "events"
    spec = TableSpec(
        required=("case_id", "event", "occurred_on"),
        optional=(
            "mode",
            "document_expires_on",
            "flight_id",
            "organisation",
            "service",
            "reason",
            "source",
            "country",
        ),
    )
    lower: tuple[str, ...] = ("event", "mode", "service")
    upper: tuple[str, ...] = ("country",)
    dates: tuple[str, ...] = ("occurred_on", "document_expires_on")
    order_by: str | None = "occurred_on"
    _payload_fields = ("mode", "flight_id", "organisation", "service", "reason", "country")
    # Each payload field, and whether its text is lowered.
    _payload_spec = tuple(
        zip(_payload_fields, map(lower.__contains__, _payload_fields), strict=True)
    )

    def __init__(self, actor: Actor, today: date) -> None:
        self.actor, self.today = actor, today
        self.cases: dict[str, Case] = {}
        self.flights: dict[str, Flight] = {}
        self.seats: dict[str, int] = {}  # seats taken, for every flight the rows can touch
        # Tells the case projection what each row's event leads to (``CaseProjector.foresee``).
        self._foresee: Callable[[Case, dict[str, Any], Case], None] = lambda *_: None

    def forget(self) -> None:
        self.cases, self.flights, self.seats = {}, {}, {}

    def load(self, uow: UnitOfWork, rows: Sequence[Row]) -> None:
        # The projection keeps the cases it has read (and folded since), as long as its caller.
        wanted_cases = [r["case_id"] for r in rows if r["case_id"]]
        self.cases = uow.projections.cases.load(uow.conn, wanted_cases)
        self._foresee = uow.projections.cases.foresee
        # A row touches the flight it names and the one its case is manifested on (it may
        # leave it): both are loaded before any row of the chunk applies.
        named = {r["flight_id"] for r in rows if r["flight_id"]}
        wanted = named.union(c.flight_id for c in self.cases.values() if c.flight_id)
        self.flights.update(flights_by_id(uow.conn, named.difference(self.flights)))
        self.seats.update(seats_taken(uow.conn, wanted.difference(self.seats)))

    def apply(self, row: Row) -> list[NewEvent]:
        # ``text`` and ``day`` written out: this runs once for each of a million rows.
        case_id: str = row.get("case_id") or str(text(row, "case_id", required=True))
        event: str = (row.get("event") or str(text(row, "event", required=True))).lower()
        if event not in CASE_EVENTS:
            raise InvalidInput(
                f"unknown event {event!r}; known events: {', '.join(sorted(CASE_EVENTS))}"
            )
        on: date | None = row.get(_OCCURRED_ON)
        if on is None or on > self.today:
            on = day(row, "occurred_on", required=True, today=self.today) or date.min
        payload = self._payload(row)
        if not row[SHORT]:  # else no text of it can break a limit (its date is checked above)
            validation.check_case_event(on=on, payload=payload, today=self.today)
            if row["source"] is not None:
                validation.text(row["source"], "source")
        case = self.cases.get(case_id)
        if case is None:
            raise NotFound(f"unknown case {case_id!r}: import it with `readmit import cases`")
        moved = transition(case, event, on, payload, self._flight(event, payload))
        self._foresee(case, payload, moved)
        self._track_seats(case, moved)
        self.cases[case_id] = moved
        actor = self.actor
        return [
            new_event(
                event, "case", case_id, on, actor.name, actor.role, payload, row["source"], row[KEY]
            )
        ]

    def _payload(self, row: Row) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        for name, lowered in self._payload_spec:
            value = row[name]
            if value is not None:
                payload[name] = value.lower() if lowered else value
        if "country" in payload:
            payload["country"] = country_code(payload["country"])
        if row.get("document_expires_on") is not None:
            # Not a date: ``day`` raises.
            expires = row.get(_EXPIRES_ON) or day(row, "document_expires_on") or date.min
            payload["document_expires_on"] = expires.isoformat()
        return payload

    def _flight(self, event: str, payload: dict[str, Any]) -> FlightInfo | None:
        flight_id = payload.get("flight_id")
        if event != "manifested" or not flight_id:
            return None
        flight = self.flights.get(flight_id)
        if flight is None:
            raise NotFound(f"unknown flight {flight_id!r}: import it with `readmit import flights`")
        taken = self.seats.get(flight_id, 0)
        return FlightInfo(
            flight.flight_id, flight.departure_on, flight.destination, flight.capacity, taken
        )

    def _track_seats(self, before: Case, after: Case) -> None:
        if before.flight_id != after.flight_id:
            if before.flight_id:
                self.seats[before.flight_id] -= 1
            if after.flight_id:
                self.seats[after.flight_id] += 1

    def allowed(self, row: Row) -> list[str]:
        case = self.cases.get(row.get("case_id") or "")
        return case.allowed_events() if case else []

    def flush(self, uow: UnitOfWork) -> None:
        return None
