"""Bodies of the public endpoints: asserted figures and de-identified counts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ClaimsOut(BaseModel):
    """Figures asserted outside the ledger, each with who asserts it and the source."""

    model_config = ConfigDict(extra="allow")

    country: str
    country_name: str
    claims: list[dict[str, Any]]
    partner_measures: list[dict[str, Any]]


class CountryFigures(BaseModel):
    model_config = ConfigDict(extra="allow")

    country: str
    cases: int


class OverviewOut(BaseModel):
    """De-identified counts of cases per nationality and state, from the ledger."""

    source: str
    ledger_position: int
    countries: list[CountryFigures]
