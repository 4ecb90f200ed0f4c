"""Run a scenario beside the baseline: the ledger as it is, and the ledger under the scenario.

For each country the scenario touches: the backlog forecast and the rating, at the baseline and
under the scenario, with the difference and, in words, what each lever did. The result names the
ledger position, the pack's and the standard's versions and the scenario's digest, so the same
command gives the same result. Everything runs on one read-only snapshot; nothing is recorded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from readmit.domain.cooperation_standard import StandardVersion, rate
from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import InvalidInput
from readmit.services.assessment.assess import Window, assess
from readmit.services.assessment.cooperation_pack import CooperationPack, load_cooperation_pack
from readmit.services.context import App
from readmit.services.sanctions.pack import current_pack
from readmit.services.whatif import levers
from readmit.services.whatif import observed as read
from readmit.services.whatif.coverage import covered_differently
from readmit.services.whatif.forecast import (
    Snapshot,
    WhatIfRequest,
    answer,
    base_projection,
    position_of,
    rests_on,
    snapshot,
    source_words,
)
from readmit.services.whatif.model import simulate
from readmit.services.whatif.scenario import AgreementChange, Scenario
from readmit.store.metrics import countries_with_facts
from readmit.store.uow import UnitOfWork


def run(
    app: App, scenario: Scenario, request: WhatIfRequest, *, country: str | None = None
) -> dict[str, Any]:
    """Compare the baseline with the scenario for one country, or every one it touches."""
    request.check()
    pack = load_cooperation_pack()
    with app.uow(write=False) as uow:
        position, _ = position_of(uow, request.as_of)
        codes = _countries(uow, scenario, country)
        parts = [_country(app, uow, pack, scenario, request, code) for code in codes]
        coverage = _coverage(app, uow, scenario, request, parts)
    return {
        "kind": "scenario",
        "scenario": {
            "id": scenario.id,
            "title": scenario.title,
            "country": scenario.country,
            "digest": scenario.digest(),
            "empty": scenario.is_empty(),
        },
        "ledger_position": position,
        "as_of": request.as_of.isoformat() if request.as_of else None,
        "pack": {"regime": pack.regime, "version": current_pack(app).version},
        "horizon_months": request.horizon,
        "seed": request.seed,
        "runs": request.runs,
        "countries": parts,
        "sanctions": coverage,
        "recorded": "nothing: a scenario is computed beside the ledger and never written into it",
    }


def _countries(uow: UnitOfWork, scenario: Scenario, country: str | None) -> list[str]:
    if country is not None:
        code = country_code(country)
        if not scenario.applies_to(code):
            raise InvalidInput(
                f"scenario {scenario.id} changes {scenario.country} only, not {code}: "
                "leave out the country or name that one"
            )
        return [code]
    if scenario.country is not None:
        return [scenario.country]
    return countries_with_facts(uow.conn)


def _country(
    app: App,
    uow: UnitOfWork,
    pack: CooperationPack,
    scenario: Scenario,
    request: WhatIfRequest,
    code: str,
) -> dict[str, Any]:
    snap = snapshot(uow, code, request)
    touched = scenario if scenario.applies_to(code) else None
    pending = PendingCases(uow, snap)
    baseline = _side(app, uow, pack, snap, request, None, pending)
    changed = _side(app, uow, pack, snap, request, touched, pending)
    return {
        "country": code,
        "country_name": country_name(code),
        "window": {"from": snap.start.isoformat(), "to": snap.end.isoformat()},
        "source": source_words(snap, request.as_of),
        "synthetic": snap.synthetic,
        "rests_on": rests_on(snap),
        "rates": snap.observed.rates(),
        "baseline": baseline,
        "scenario": changed,
        "difference": difference(baseline, changed),
    }


def _side(
    app: App,
    uow: UnitOfWork,
    pack: CooperationPack,
    snap: Snapshot,
    request: WhatIfRequest,
    scenario: Scenario | None,
    pending: PendingCases,
) -> dict[str, Any]:
    """One side of the comparison: forecast and rating (the baseline when ``scenario`` is None)."""
    terms = _terms(scenario)
    applied = levers.apply(base_projection(snap, request), snap.observed, scenario, pending.cases)
    result = simulate(applied.projection)
    rating = _rating(app, uow, pack, snap, request, scenario, terms, pending)
    return {
        "pending": snap.observed.backlog,
        "backlog": applied.projection.backlog,
        "not_removable": applied.not_removable,
        "rates": {
            "removals_per_month": round(applied.projection.removals.per_month, 4),
            "new_orders_per_month": round(applied.projection.orders.per_month, 4),
            "months_without_removal": applied.projection.delay_months,
        },
        "effects": applied.effects,
        "answer": side_answer(result, request, applied),
        **result,
        **rating,
    }


def side_answer(result: dict[str, Any], request: WhatIfRequest, applied: levers.Applied) -> str:
    """The answer for one side, saying what stays pending when the agreement leaves cases out."""
    stuck = applied.not_removable
    if stuck and not applied.projection.backlog:
        return (
            f"no pending case is removable under the scenario: {stuck:,} stay pending with no "
            "way to remove them (nothing the removal process can clear)"
        )
    said = answer(result, request.horizon, request.runs)
    if stuck:
        said = f"the {applied.projection.backlog:,} removable cases: {said}; {stuck:,} more stay "
        said += "pending and cannot be removed under the scenario"
    return said


def _terms(scenario: Scenario | None) -> AgreementChange | None:
    if scenario is None or scenario.agreement is None or scenario.agreement == AgreementChange():
        return None
    return scenario.agreement


class PendingCases:
    """One country's pending cases at the snapshot, read once for both sides and the rating
    (only when an amended agreement asks for them: the agreement's facts are per case)."""

    def __init__(self, uow: UnitOfWork, snap: Snapshot) -> None:
        self.uow, self.snap = uow, snap
        self._ids: list[str] | None = None
        self._cases: list[read.BacklogCase] | None = None

    def ids(self) -> list[str]:
        if self._ids is None:
            snap = self.snap
            self._ids = read.backlog_ids(self.uow.conn, snap.reading, snap.code, snap.end)
        return self._ids

    def cases(self) -> list[read.BacklogCase]:
        if self._cases is None:
            self._cases = read.backlog_cases(self.uow.conn, self.snap.code, self.ids())
        return self._cases

    def with_others(self, others: set[str]) -> list[read.BacklogCase]:
        """The pending cases and those of ``others`` (the cases with a fact in a window)."""
        known = self.cases()
        more = sorted(others - {c.case_id for c in known})
        return known + read.backlog_cases(self.uow.conn, self.snap.code, more)


def _rating(
    app: App,
    uow: UnitOfWork,
    pack: CooperationPack,
    snap: Snapshot,
    request: WhatIfRequest,
    scenario: Scenario | None,
    terms: AgreementChange | None,
    pending: PendingCases,
) -> dict[str, Any]:
    """The rating of the window, under the standard the scenario sets, without the cases the
    amended agreement leaves out."""
    start = _start(snap, scenario)
    window = Window(start, snap.end, request.as_of, at_seq=snap.position["seq"])
    assessed = assess(app, snap.code, window)
    version = _version(pack, snap.end, scenario)
    metrics = assessed["metrics"]
    if terms is not None:
        metrics = _without_excluded(uow, snap, start, terms, metrics, pending)
    verdict = rate(version, metrics)
    return {
        "rating": verdict["rating"],
        "reasons": [r["text"] for r in verdict["reasons"]],
        "missing": verdict["missing"],
        "rated_window": {"from": start.isoformat(), "to": snap.end.isoformat()},
        "standard_version": version.version,
        "metrics": metrics,
    }


def _start(snap: Snapshot, scenario: Scenario | None) -> date:
    days = scenario.standard.window_days if scenario and scenario.standard else None
    return snap.end - timedelta(days=days - 1) if days else snap.start


def _version(pack: CooperationPack, end: date, scenario: Scenario | None) -> StandardVersion:
    named = scenario.standard.version if scenario and scenario.standard else None
    return levers.standard_for(pack.standard.version_for(end, named), scenario)


def _without_excluded(
    uow: UnitOfWork,
    snap: Snapshot,
    start: date,
    terms: AgreementChange,
    metrics: dict[str, Any],
    pending: PendingCases,
) -> dict[str, Any]:
    window = (start, snap.end)
    ids = set(pending.ids())
    cases = pending.with_others(read.subjects_in(uow.conn, snap.reading, snap.code, window))
    out = {c.case_id for c in cases if not levers.eligible(c, terms)}
    excluded = read.facts_of(uow.conn, snap.reading, snap.code, window, out)
    removable = len(ids - out)
    return levers.adjusted_metrics(metrics, dict(excluded), removable)


def difference(baseline: dict[str, Any], scenario: dict[str, Any]) -> dict[str, Any]:
    """The scenario minus the baseline, for the figures a reader compares."""
    b, s = baseline["months_to_clear"], scenario["months_to_clear"]
    months = s["estimate"] - b["estimate"] if b and s else None
    return {
        "removable_backlog": scenario["backlog"] - baseline["backlog"],
        "months_to_clear": months,
        "cleared_within_horizon": {"baseline": b is not None, "scenario": s is not None},
        "rating": None
        if baseline["rating"] == scenario["rating"]
        else f"{baseline['rating']} → {scenario['rating']}",
        "same": baseline == scenario,
    }


def _coverage(
    app: App, uow: UnitOfWork, scenario: Scenario, request: WhatIfRequest, parts: list[Any]
) -> dict[str, Any] | None:
    if not scenario.sanctions:
        return None
    if parts:
        window = (
            date.fromisoformat(parts[0]["window"]["from"]),
            date.fromisoformat(parts[0]["window"]["to"]),
        )
    else:
        end = request.end or date.today()
        window = (request.start or end - timedelta(days=364), end)
    return covered_differently(uow.conn, current_pack(app).policy, scenario.sanctions, window)
