"""Flight projection: schedule, capacity and the partner's answer to a charter proposal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from readmit.domain.events import Event
from readmit.domain.flights import FLIGHT_STATUS_AFTER, Flight
from readmit.store.schema import flights


class FlightProjector:
    tables: tuple[Table, ...] = (flights,)

    def apply(self, conn: Connection, events: Sequence[Event]) -> None:
        scheduled: list[dict[str, Any]] = []
        for event in events:
            if event.subject_type != "flight":
                continue
            if event.type == "flight_scheduled":
                scheduled.append(_scheduled_row(event.payload))
            elif event.type in FLIGHT_STATUS_AFTER:
                _insert(conn, scheduled)
                conn.execute(
                    update(flights)
                    .where(flights.c.flight_id == event.subject_id)
                    .values(status=FLIGHT_STATUS_AFTER[event.type], version=flights.c.version + 1)
                )
        _insert(conn, scheduled)


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(flights), rows)
        rows.clear()


def _scheduled_row(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "flight_id": payload["flight_id"],
        "departure_on": date.fromisoformat(payload["departure_on"]),
        "kind": payload["kind"],
        "destination": payload["destination"],
        "capacity": int(payload["capacity"]),
        "status": "scheduled",
        "version": 1,
    }


def load_flight(conn: Connection, flight_id: str) -> Flight | None:
    """Return a flight by id, or None."""
    row = conn.execute(select(flights).where(flights.c.flight_id == flight_id)).first()
    return Flight.from_row(row._mapping) if row else None
