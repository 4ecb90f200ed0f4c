"""What the demo prints when it has built the scenario: the record's figures from the ledger.

Cambodia's figures beside the record, and the scenario's own choices, are in ``demo.record``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from readmit.demo.applications import REGIME_SHOWCASE, SHOWCASE
from readmit.demo.profiles import END, WINDOW
from readmit.demo.record import CambodiaCheck, cambodia_check
from readmit.demo.run import CONSULAR
from readmit.domain.countries import country_name
from readmit.services.assessment import assess as assessment
from readmit.services.assessment import figures
from readmit.services.context import App
from readmit.services.sanctions import registry as sanctions
from readmit.services.sanctions.pack import registry_packs
from readmit.services.screening.engine import ScreeningRequest
from readmit.services.screening.single import screen_one


@dataclass(frozen=True)
class Rating:
    """A country's rating over the embassy's window and over the scenario's last year."""

    country: str
    name: str
    window: str
    last_year: str
    backlog: int
    removals_last_year: int
    reason: str


LAST_YEAR = (date(END.year, 1, 1), END)


@dataclass(frozen=True)
class Screened:
    """One showcase application and what screening decided, with why."""

    label: str
    decision: str
    reasons: str


@dataclass
class Summary:
    countries: list[dict[str, Any]]
    cambodia: CambodiaCheck
    ratings: list[Rating] = field(default_factory=list)
    in_force: list[sanctions.SanctionSummary] = field(default_factory=list)
    screened: list[Screened] = field(default_factory=list)
    # The registry's regimes, (pack, its law), the default one first.
    regimes: list[tuple[str, str]] = field(default_factory=list)


def summarise(app: App) -> Summary:
    """Gather the summary shown after the build."""
    countries = figures.country_overview(app)
    for row in countries:
        row["name"] = country_name(row["country"])
    return Summary(
        countries=countries,
        cambodia=cambodia_check(app),
        ratings=ratings(app),
        in_force=in_force_today(app),
        screened=showcase(app),
        regimes=[(p.name, p.policy.regime.citation or p.name) for p in registry_packs(app)],
    )


def in_force_today(app: App, today: date | None = None) -> list[sanctions.SanctionSummary]:
    """The sanctions with a measure in force today (or whose status the record leaves open)."""
    wanted = {"in_force", "partly_lifted", "uncertain"}
    return [s for s in sanctions.list_sanctions(app, today=today) if s.status in wanted]


def showcase(app: App) -> list[Screened]:
    """Screen the showcase applications (not logged: the batch is the demo's logged work)."""
    found = []
    held = {p.name for p in registry_packs(app)}
    cases: list[tuple[str, str | None, dict[str, str]]] = [(lb, None, i) for lb, i in SHOWCASE]
    cases += [case for case in REGIME_SHOWCASE if case[1] in held]
    for label, pack, inputs in cases:
        request = ScreeningRequest(inputs=inputs, log=False, pack=pack)
        result = screen_one(app, CONSULAR, request)
        found.append(Screened(label, result.decision.decision, result.reasons))
    return found


def ratings(app: App) -> list[Rating]:
    """Rate every country over the window 2020-10-01 - 2022-05-16 and over the last year."""
    window = {a["country"]: a for a in assessment.assess_all(app, assessment.Window(*WINDOW))}
    last = assessment.assess_all(app, assessment.Window(*LAST_YEAR))
    return [
        Rating(
            country=a["country"],
            name=a["country_name"],
            window=window[a["country"]]["rating"] if a["country"] in window else "no cases",
            last_year=a["rating"],
            backlog=int(a["metrics"]["backlog"]),
            removals_last_year=int(a["metrics"]["removals"]),
            reason=_first_failed(a),
        )
        for a in last
    ]


def _first_failed(found: dict[str, Any]) -> str:
    reasons = [r for r in found["reasons"] if r.get("status") not in {"met", "not_applicable"}]
    return str((reasons or found["reasons"] or [{"text": ""}])[0].get("text", ""))
