"""Flights: charter or commercial, with a capacity and the partner's answer to a charter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from readmit.domain.errors import IllegalTransition, InvalidInput

FLIGHT_KINDS = frozenset({"charter", "commercial"})
# Event -> status it leads to. A charter is proposed to the partner, who accepts or refuses.
FLIGHT_STATUS_AFTER = {
    "charter_proposed": "proposed",
    "charter_accepted": "accepted",
    "charter_refused": "refused",
}
_ALLOWED_FROM = {
    "charter_proposed": frozenset({"scheduled", "refused"}),
    "charter_accepted": frozenset({"proposed"}),
    "charter_refused": frozenset({"proposed"}),
}


@dataclass(frozen=True)
class Flight:
    flight_id: str
    departure_on: date
    kind: str
    destination: str
    capacity: int
    status: str = "scheduled"
    version: int = 1

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Flight:
        """Build a flight from a projection row."""
        return cls(
            flight_id=row["flight_id"],
            departure_on=row["departure_on"],
            kind=row["kind"],
            destination=row["destination"],
            capacity=int(row["capacity"]),
            status=row["status"],
            version=int(row["version"]),
        )


def check_flight(kind: str, capacity: int) -> None:
    """Validate a new flight's kind and capacity."""
    if kind not in FLIGHT_KINDS:
        raise InvalidInput(f"flight kind must be charter or commercial, not {kind!r}")
    if capacity < 1:
        raise InvalidInput(f"flight capacity must be at least 1, not {capacity}")


def check_charter_step(flight: Flight, event: str) -> None:
    """Refuse a charter step the flight's status does not allow."""
    if flight.kind != "charter":
        raise IllegalTransition(f"flight {flight.flight_id} is commercial: {event} needs a charter")
    allowed = [e for e, sources in _ALLOWED_FROM.items() if flight.status in sources]
    if flight.status not in _ALLOWED_FROM[event]:
        raise IllegalTransition(
            f"flight {flight.flight_id} is {flight.status}: {event} is not allowed; "
            f"allowed next events: {', '.join(allowed) or 'none'}",
            allowed=allowed,
        )
