"""What the demo prints when it has built the scenario: the record's figures from the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from readmit.demo.profiles import WINDOW
from readmit.domain.countries import country_name
from readmit.services import figures
from readmit.services.context import App


@dataclass
class CambodiaCheck:
    """Cambodia's figures as the ledger holds them, beside the public record's (facts.md)."""

    group_returns: list[figures.GroupReturn]
    removals_2019: int
    criminal_2019: int
    pending_2022_05_16: int
    window_interviews: int
    window_removals: int


@dataclass
class Summary:
    countries: list[dict[str, Any]]
    cambodia: CambodiaCheck
    extras: dict[str, Any] = field(default_factory=dict)


def cambodia_check(app: App) -> CambodiaCheck:
    """Read Cambodia's headline figures back from the ledger."""
    start, end = WINDOW
    year = (date(2019, 1, 1), date(2019, 12, 31))
    return CambodiaCheck(
        group_returns=[g for g in figures.group_returns(app, "KH") if g.removed >= 20],
        removals_2019=figures.count_removals(app, "KH", *year),
        criminal_2019=figures.count_removals(app, "KH", *year, criminal=True),
        pending_2022_05_16=figures.backlog(app, "KH", end),
        window_interviews=figures.count_events(app, "KH", "interview_held", start, end),
        window_removals=figures.count_removals(app, "KH", start, end),
    )


def summarise(app: App) -> Summary:
    """Gather the summary shown after the build."""
    countries = figures.country_overview(app)
    for row in countries:
        row["name"] = country_name(row["country"])
    return Summary(countries=countries, cambodia=cambodia_check(app))
