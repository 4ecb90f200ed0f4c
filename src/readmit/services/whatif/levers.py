"""How a scenario's levers turn observed counts into a projection and a standard to rate by.

Pure functions over counts the ledger gave: no I/O. Each lever says in words what it did, so a
reader can check the effect against the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from readmit.domain.cooperation import COUNTED, share
from readmit.domain.cooperation_standard import StandardVersion
from readmit.domain.errors import InvalidInput
from readmit.services.whatif.model import Projection, Rate
from readmit.services.whatif.observed import BacklogCase
from readmit.services.whatif.scenario import AgreementChange, ProcessChange, Scenario

DAYS_PER_MONTH = 30.4375
STAGES = {  # a process lever, the observed rate it replaces
    "presentations_per_month": "presentations",
    "interviews_per_month": "interviews_held",
    "travel_documents_per_month": "travel_documents_issued",
}


@dataclass(frozen=True)
class Observed:
    """Counts the ledger holds for one country and window."""

    backlog: int
    months: float
    counts: dict[str, int]  # removals, new_orders, presentations, interviews_held, …, flights
    seats_per_flight: float = 0.0

    def rate(self, name: str) -> Rate:
        return Rate.observed(self.counts.get(name, 0), self.months)

    def rates(self) -> dict[str, float]:
        """Every observed monthly rate, rounded for reading."""
        out = {f"{k}_per_month": round(self.rate(k).per_month, 4) for k in sorted(self.counts)}
        out["seats_per_flight"] = round(self.seats_per_flight, 2)
        return out


@dataclass
class Applied:
    """A projection built from the observed counts and a scenario, with what each lever did."""

    projection: Projection
    effects: list[str] = field(default_factory=list)
    removable: int = 0
    not_removable: int = 0


def eligible(case: BacklogCase, terms: AgreementChange) -> bool:
    """Tell whether the amended agreement lets the partner be asked to accept this case."""
    if terms.nationals_only and not case.national:
        return False
    if terms.voluntary_only and not case.agreed:
        return False
    return not (terms.no_family_separation and case.family_here)


def apply(
    base: Projection, observed: Observed, scenario: Scenario | None, terms_of: Any
) -> Applied:
    """Build the scenario's projection; ``terms_of`` gives the pending cases when asked."""
    applied = Applied(base, removable=base.backlog)
    if scenario is None:
        return applied
    if scenario.agreement is not None and scenario.agreement != AgreementChange():
        _agreement(applied, observed, scenario.agreement, terms_of())
    if scenario.process is not None and scenario.process != ProcessChange():
        _process(applied, observed, scenario.process)
    return applied


def _agreement(
    applied: Applied, observed: Observed, terms: AgreementChange, cases: list[BacklogCase]
) -> None:
    ok = [c for c in cases if eligible(c, terms)]
    kept = len(ok) / len(cases) if cases else 1.0
    p = applied.projection
    months = math.ceil(terms.training_days / DAYS_PER_MONTH) if terms.training_days else 0
    orders = p.orders
    if kept < 1:  # an observed rate keeps its uncertainty, scaled to the removable share
        events = None if p.orders.events is None else round(p.orders.events * kept)
        orders = Rate(p.orders.per_month * kept, events, p.orders.months)
    applied.projection = Projection(
        len(ok), orders, p.removals, p.horizon, p.runs, p.seed, max(p.delay_months, months)
    )
    applied.removable, applied.not_removable = len(ok), len(cases) - len(ok)
    applied.effects.extend(_agreement_words(terms, cases, ok, months))


def _agreement_words(
    terms: AgreementChange, cases: list[BacklogCase], ok: list[BacklogCase], months: int
) -> list[str]:
    words = []
    if terms.voluntary_only:
        agreed = sum(c.agreed for c in cases)
        words.append(
            f"voluntary returns only: {agreed:,} of the {len(cases):,} pending cases record that "
            "the person agreed to return; the others cannot be removed under the scenario"
        )
    if terms.no_family_separation:
        family = sum(c.family_here for c in cases)
        words.append(
            f"no family separation: {family:,} of the {len(cases):,} pending cases have a spouse "
            "or children in the removing state and cannot be removed under the scenario"
        )
    if terms.nationals_only:
        other = sum(not c.national for c in cases)
        words.append(
            f"nationals only: {other:,} pending cases are of another nationality or one the "
            "partner disputes, and cannot be removed under the scenario"
        )
    if months:
        words.append(
            f"training before return: {terms.training_days} days, so no removal in the first "
            f"{months} month(s) of the projection"
        )
    words.append(
        f"removable under the scenario: {len(ok):,} of {len(cases):,} pending cases; new final "
        "orders are counted as removable in the same proportion"
    )
    return words


def _process(applied: Applied, observed: Observed, process: ProcessChange) -> None:
    p = applied.projection
    orders = p.orders
    if process.new_orders_per_month is not None:
        orders = Rate.fixed(process.new_orders_per_month)
        applied.effects.append(f"new final orders set to {process.new_orders_per_month:g} a month")
    removals = p.removals
    if process.removals_per_month is not None:
        removals = Rate.fixed(process.removals_per_month)
        applied.effects.append(f"removals set to {process.removals_per_month:g} a month")
    elif process.stages():
        removals, words = _bottleneck(observed, process)
        applied.effects.append(words)
    applied.projection = Projection(
        p.backlog, orders, removals, p.horizon, p.runs, p.seed, p.delay_months
    )


def _bottleneck(observed: Observed, process: ProcessChange) -> tuple[Rate, str]:
    """Removals at the pace of the slowest stage, each unset stage at its observed pace."""
    stages = {name: observed.rate(metric).per_month for name, metric in STAGES.items()}
    seats = observed.rate("flights").per_month * observed.seats_per_flight
    set_seats = process.flights_per_month is not None or process.seats_per_flight is not None
    flights = process.flights_per_month
    per_flight = process.seats_per_flight
    if set_seats:
        f = flights if flights is not None else observed.rate("flights").per_month
        s = per_flight if per_flight is not None else observed.seats_per_flight
        seats = f * s
    stages["seats_per_month"] = seats
    for name, value in process.stages().items():
        if name in STAGES:
            stages[name] = value
    slowest = min(stages, key=lambda k: stages[k])
    shown = ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in stages.items())
    words = (
        f"removals at the pace of the slowest stage, {slowest.replace('_', ' ')} "
        f"({stages[slowest]:g} a month; stages: {shown}; an unset stage at its observed pace)"
    )
    return Rate.fixed(stages[slowest]), words


def standard_for(version: StandardVersion, scenario: Scenario | None) -> StandardVersion:
    """The standard version with the scenario's thresholds and sufficiency (validated again)."""
    change = scenario.standard if scenario else None
    if change is None or not (
        change.criteria
        or change.min_events is not None
        or change.min_applicable_criteria is not None
    ):
        return version
    data = version.model_dump()
    known = {c["id"]: c for c in data["criteria"]}
    for name, thresholds in change.criteria.items():
        if name not in known:
            raise InvalidInput(
                f"scenario: standard.criteria.{name}: no such criterion in standard version "
                f"{version.version} (criteria: {', '.join(known)})"
            )
        known[name].update(thresholds.model_dump(exclude_none=True))
    if change.min_events is not None:
        data["sufficiency"]["min_events"] = change.min_events
    if change.min_applicable_criteria is not None:
        data["sufficiency"]["min_applicable_criteria"] = change.min_applicable_criteria
    try:
        return StandardVersion.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(f"scenario: standard: {error.errors()[0]['msg']}") from None


def adjusted_metrics(
    metrics: dict[str, Any], excluded: dict[int, int], removable_backlog: int
) -> dict[str, Any]:
    """The window's metrics without the facts of cases the amended agreement leaves out."""
    out = dict(metrics)
    for name, kind in COUNTED.items():
        out[name] = max(0, int(metrics[name]) - excluded.get(int(kind), 0))
    out["backlog"] = removable_backlog
    out["release_to_removal_ratio"] = share(out["releases"], out["removals"])
    return out
