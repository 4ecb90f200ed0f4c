"""What the store holds of many keys at once: an import's reads of its chunk's cases and flights.

Each is plain SQL over slices of the keys (``store/bulk.select_in``): a chunk asks about tens of
thousands of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from readmit.domain.flights import Flight
from readmit.store.bulk import select_in
from readmit.store.dates import as_date

_FLIGHT_COLUMNS = (
    "flight_id",
    "departure_on",
    "kind",
    "destination",
    "capacity",
    "status",
    "version",
)
_SELECT_FLIGHTS = f"SELECT {', '.join(_FLIGHT_COLUMNS)} FROM flights WHERE flight_id IN ({{}})"


def existing_cases(conn: Connection, case_ids: Iterable[str]) -> set[str]:
    """Return which of these case ids the store holds."""
    query = "SELECT case_id FROM cases WHERE case_id IN ({})"
    return {row[0] for row in select_in(conn, query, case_ids)}


def existing_flights(conn: Connection, flight_ids: Iterable[str]) -> set[str]:
    """Return which of these flight ids the store holds."""
    query = "SELECT flight_id FROM flights WHERE flight_id IN ({})"
    return {row[0] for row in select_in(conn, query, flight_ids)}


def flights_by_id(conn: Connection, flight_ids: Iterable[str]) -> dict[str, Flight]:
    """Return the flights of these ids that the store holds, by id."""
    found: dict[str, Flight] = {}
    for values in select_in(conn, _SELECT_FLIGHTS, flight_ids):
        row = dict(zip(_FLIGHT_COLUMNS, values, strict=True))
        row["departure_on"] = as_date(row["departure_on"])
        found[row["flight_id"]] = Flight.from_row(row)
    return found


def seats_taken(conn: Connection, flight_ids: Iterable[str]) -> dict[str, int]:
    """Return how many cases are manifested on each of these flights (0 when none)."""
    wanted = set(flight_ids)
    query = "SELECT flight_id, COUNT(*) FROM cases WHERE flight_id IN ({}) GROUP BY flight_id"
    taken = dict.fromkeys(wanted, 0)
    taken.update((row[0], int(row[1])) for row in select_in(conn, query, wanted))
    return taken
