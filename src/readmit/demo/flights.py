"""The flights of the scenario: the record's group returns, then each year's other removals."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from readmit.demo.profiles import END, Profile


@dataclass(frozen=True)
class PlannedFlight:
    """A flight and how many people it removes."""

    flight_id: str
    departure_on: date
    kind: str
    destination: str
    size: int
    criminal: int | None = None
    interviewed_by: date | None = None
    source: str | None = None

    @property
    def capacity(self) -> int:
        """Seats: charters have spare seats, commercial bookings are exact."""
        return max(self.size, 60) if self.kind == "charter" else self.size


def random_day(rng: random.Random, start: date, end: date) -> date:
    """Return a day in [start, end] (``start`` when the range is empty)."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


def plan_flights(rng: random.Random, profile: Profile) -> list[PlannedFlight]:
    """Return every flight to the profile's country, in departure order."""
    code = profile.code
    planned = [
        PlannedFlight("", g.on, g.kind, code, g.size, g.criminal, g.interviewed_by, g.source)
        for g in profile.groups
    ]
    for year, count in sorted(profile.removals.items()):
        planned.extend(_year_flights(rng, profile, year, count))
    planned.sort(key=lambda f: (f.departure_on, f.kind, f.size))
    return [
        PlannedFlight(
            f"SYN-FL-{code}-{f.departure_on:%Y%m%d}-{n:03d}",
            f.departure_on,
            f.kind,
            code,
            f.size,
            f.criminal,
            f.interviewed_by,
            f.source,
        )
        for n, f in enumerate(planned, start=1)
    ]


def _year_flights(
    rng: random.Random, profile: Profile, year: int, count: int
) -> list[PlannedFlight]:
    """Flights of one year of ``profile.removals`` (a calendar or a US fiscal year)."""
    first, last = profile.span(year)
    last = min(last, END)
    # A month with a named group return holds that group only, as the record reports it.
    taken = {(g.on.year, g.on.month) for g in profile.groups if first <= g.on <= last}
    by_month: dict[tuple[int, int], list[date]] = defaultdict(list)
    for _ in range(count):
        day = random_day(rng, first, last)
        while (day.year, day.month) in taken:
            day = random_day(rng, first, last)
        by_month[(day.year, day.month)].append(day)
    flights: list[PlannedFlight] = []
    for month in sorted(by_month):
        days = sorted(by_month[month])
        if len(days) >= profile.charter_size:
            flights.append(
                PlannedFlight("", days[len(days) // 2], "charter", profile.code, len(days))
            )
            continue
        while days:
            take = min(len(days), rng.randint(1, 3))
            flights.append(PlannedFlight("", days[0], "commercial", profile.code, take))
            days = days[take:]
    return flights
