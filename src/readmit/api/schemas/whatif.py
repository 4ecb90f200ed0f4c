"""Bodies of the what-if endpoints: a forecast, a scenario run, and a recorded analysis."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from readmit.api.schemas.common import CountryCode, Day, Strict
from readmit.services.whatif.forecast import WhatIfRequest


class Frame(Strict):
    """The observed window, the ledger's as-of date, and the Monte Carlo's horizon, seed, runs."""

    start: Annotated[Day | None, Field(alias="from")] = None
    end: Annotated[Day | None, Field(alias="to")] = None
    as_of: Day | None = None
    horizon: int = Field(120, ge=1, le=600)
    seed: int = Field(2022, ge=0, le=2**32 - 1)
    runs: int = Field(1000, ge=100, le=20_000)

    def request(self) -> WhatIfRequest:
        return WhatIfRequest(
            start=self.start,
            end=self.end,
            as_of=self.as_of,
            horizon=self.horizon,
            seed=self.seed,
            runs=self.runs,
        )


class ForecastIn(Frame):
    country: CountryCode


class ScenarioIn(Frame):
    scenario: dict[str, Any] = Field(description="A scenario, as its YAML file holds it")
    country: CountryCode | None = None


class ForecastAnalysisIn(ForecastIn):
    kind: Literal["forecast"] = Field(description="Record a forecast (the body of /forecast)")


class ScenarioAnalysisIn(ScenarioIn):
    kind: Literal["scenario"] = Field(description="Record a scenario run (the body of /run)")


AnalysisIn = Annotated[ForecastAnalysisIn | ScenarioAnalysisIn, Field(discriminator="kind")]


class AnalysisSummary(BaseModel):
    """A recorded analysis: what it names, the ledger position it read, who recorded it."""

    model_config = ConfigDict(extra="forbid")

    analysis_id: str = Field(description="SHA-256 of the result's canonical JSON")
    kind: Literal["forecast", "scenario"]
    scenario_id: str | None
    scenario_digest: str | None
    country: str | None = Field(description="The one country it covers (null: several)")
    ledger_seq: int
    ledger_hash: str
    recorded_at: str
    actor: str


class AnalysisOut(AnalysisSummary):
    """A recorded analysis with its result, exactly as computed (never a fact of the record)."""

    result: dict[str, Any]
    created: bool | None = Field(
        None, description="On recording: false when the same result was already recorded"
    )
