"""Forecast a country's backlog from the pace the ledger shows, on a read snapshot.

The forecast reads, at one ledger position, the backlog at the window's end and the counts of
the window (removals, new final orders, presentations, interviews, travel documents, flights),
turns them into monthly rates and projects the backlog with the count model of ``model``. It
says which observed rates it rests on. Nothing is written: it runs in a read-only unit of work.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from readmit.domain.cooperation import COUNTED, ENDING_KINDS, Kind, Party, TallyKey, by_kind
from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import InvalidInput
from readmit.services.assessment.assess import Window, assess
from readmit.services.context import App
from readmit.services.whatif import observed as read
from readmit.services.whatif.levers import DAYS_PER_MONTH, Observed
from readmit.services.whatif.model import Projection, simulate
from readmit.store.metrics import Reading, head, make_reading, read_scopes
from readmit.store.uow import UnitOfWork

COUNTS = ("removals", "presentations", "interviews_held", "travel_documents_issued")


@dataclass(frozen=True, kw_only=True)
class WhatIfRequest:
    """The window whose pace is projected, the ledger's as-of date, horizon, seed and runs."""

    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    horizon: int = 120
    seed: int = 2022
    runs: int = 1000

    def check(self) -> None:
        if not 1 <= self.horizon <= 600:
            raise InvalidInput(f"the horizon must be 1 to 600 months, not {self.horizon}")
        if not 100 <= self.runs <= 20_000:
            raise InvalidInput(f"runs must be 100 to 20,000, not {self.runs}")
        if self.start and self.end and self.end < self.start:
            raise InvalidInput(f"the window ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class Snapshot:
    """What one country's forecast read from the ledger, and where."""

    code: str
    start: date
    end: date
    position: dict[str, Any]
    reading: Reading
    observed: Observed
    synthetic: bool


def position_of(uow: UnitOfWork, as_of: date | None) -> tuple[dict[str, Any], Reading]:
    """The ledger's head (seq and hash) and the reading at it, as of the date if given."""
    seq, digest = head(uow.conn)
    return {"seq": seq, "hash": digest}, make_reading(uow.conn, seq, as_of)


def snapshot(uow: UnitOfWork, country: str, request: WhatIfRequest) -> Snapshot:
    """Read one country's backlog and window counts at the head of the ledger."""
    code = country_code(country)
    position, reading = position_of(uow, request.as_of)
    end = request.end or read.last_fact_day(uow.conn, code)
    if end is None:
        raise InvalidInput(f"the ledger holds no removal case of {country_name(code)} ({code})")
    start = request.start or end - timedelta(days=364)
    if end < start:
        raise InvalidInput(f"the window ends ({end}) before it starts ({start})")
    return Snapshot(
        code,
        start,
        end,
        position,
        reading,
        _observed(uow, code, reading, start, end),
        read.is_synthetic(uow.conn, code),
    )


def _observed(uow: UnitOfWork, code: str, reading: Reading, start: date, end: date) -> Observed:
    """The window's counts and the backlog at its end, from the tallies an assessment reads
    (``read_scopes``: grouped in SQL, the backlog from the head's daily counts), so the cost
    grows with the days of history, not with the cases; the removing state's own facts."""
    scopes = read_scopes(uow.conn, reading, start, end, code)
    window = _state_kinds(scopes.window.main)
    counts = {name: window[int(COUNTED[name])] for name in COUNTS}
    counts["new_orders"] = window[int(Kind.OPENED)]
    backlog = _state_kinds(scopes.backlog.main)
    pending = backlog[int(Kind.OPENED)] - sum(backlog[int(k)] for k in ENDING_KINDS)
    flights, seats = read.flights_in(uow.conn, code, start, end)
    counts["flights"] = flights
    months = ((end - start).days + 1) / DAYS_PER_MONTH
    return Observed(max(0, pending), months, counts, seats)


def _state_kinds(tallies: Counter[TallyKey]) -> Counter[int]:
    """Counts by kind of the removing state's facts (the partner's assertions are not counted:
    the pace is the removing state's record)."""
    return by_kind(Counter({k: n for k, n in tallies.items() if k.party == Party.STATE}))


def base_projection(snap: Snapshot, request: WhatIfRequest) -> Projection:
    """The projection at the observed pace: removals and new final orders per month."""
    o = snap.observed
    return Projection(
        o.backlog,
        o.rate("new_orders"),
        o.rate("removals"),
        request.horizon,
        request.runs,
        request.seed,
    )


def rests_on(snap: Snapshot) -> list[str]:
    """The observed rates a forecast rests on, in words."""
    o, span = snap.observed, f"{snap.start} – {snap.end}"
    labels = (
        ("removals", "removal", "removals"),
        ("new_orders", "new final order", "new final orders"),
    )
    words = []
    for name, one, many in labels:
        count, months = o.counts[name], f"{o.months:,.1f}".removesuffix(".0")
        what = one if count == 1 else many
        words.append(
            f"{count:,} {what} in {months} months ({span}): {o.rate(name).per_month:.2f} a month"
        )
    words.append(f"{o.backlog:,} cases pending on {snap.end} (the starting backlog)")
    return words


def answer(result: dict[str, Any], horizon: int, runs: int) -> str:
    """The forecast's answer in one sentence."""
    months, cleared = result["months_to_clear"], result["share_of_runs_cleared"]
    if months is None:
        return (
            f"not cleared within the horizon of {horizon} months "
            f"({_share(cleared)} of {runs:,} runs clear it)"
        )
    high = f"{months['high']:g}" if months["high"] is not None else f"beyond {horizon}"
    return (
        f"cleared in about {months['estimate']:g} months (90% of runs between "
        f"{months['low']:g} and {high}; {_share(cleared)} of runs clear it within {horizon})"
    )


def _share(value: float) -> str:
    # A share as a reader says it: "none", "12%", "12.5%" (never "0.0%").
    if value == 0:
        return "none"
    whole = round(value * 100, 1)
    return f"{whole:.0f}%" if whole.is_integer() else f"{whole:.1f}%"


def source_words(snap: Snapshot, as_of: date | None) -> str:
    """Where the figures come from: the ledger position and date; synthetic data said so."""
    when = f"as recorded by {as_of}" if as_of else "everything recorded"
    words = f"the ledger at position {snap.position['seq']} ({when})"
    return words + "; synthetic demo data" if snap.synthetic else words


def forecast(app: App, country: str, request: WhatIfRequest) -> dict[str, Any]:
    """Project one country's backlog at the pace of the window; return the forecast as JSON."""
    request.check()
    with app.uow(write=False) as uow:
        snap = snapshot(uow, country, request)
    result = simulate(base_projection(snap, request))
    return {
        "kind": "forecast",
        "country": snap.code,
        "country_name": country_name(snap.code),
        "as_of": request.as_of.isoformat() if request.as_of else None,
        "window": {"from": snap.start.isoformat(), "to": snap.end.isoformat()},
        "ledger_seq": snap.position["seq"],
        "ledger_position": snap.position,
        "source": source_words(snap, request.as_of),
        "synthetic": snap.synthetic,
        "backlog": snap.observed.backlog,
        "rates": snap.observed.rates(),
        "rests_on": rests_on(snap),
        "answer": answer(result, request.horizon, request.runs),
        "months_to_clear": result["months_to_clear"],
        "share_of_runs_cleared": result["share_of_runs_cleared"],
        "horizon_months": request.horizon,
        "seed": request.seed,
        "runs": request.runs,
        "series": result["series"],
    }


def rated_assessment(app: App, snap: Snapshot, as_of: date | None) -> dict[str, Any]:
    """The baseline assessment of the snapshot's window, at the snapshot's ledger position."""
    window = Window(snap.start, snap.end, as_of, at_seq=snap.position["seq"])
    return assess(app, snap.code, window)
