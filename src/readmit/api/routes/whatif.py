"""What-if analysis for analysts: forecasts and scenarios, computed beside the ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from readmit.api.deps import Ctx
from readmit.api.errors import error_responses
from readmit.api.schemas.common import CountryCode, Day, Strict
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.whatif import compare
from readmit.services.whatif.forecast import WhatIfRequest, forecast
from readmit.services.whatif.scenario import parse_scenario

router = APIRouter(prefix="/whatif", tags=["what-if"], route_class=PolicyRoute)
ERRORS = error_responses(401, 403, 404, 422)


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


# Running a scenario is an analysis a determination could rest on: whoever may record an
# assessment (analysts and administrators) may run one.
@router.post("/forecast", responses=ERRORS)
@policy(P.ASSESSMENT_RECORD)
def forecast_route(body: ForecastIn, app: Ctx) -> Any:
    """Project a country's backlog at the pace of the window (nothing is recorded)."""
    return forecast(app, body.country, body.request())


@router.post("/run", responses=ERRORS)
@policy(P.ASSESSMENT_RECORD)
def run_route(body: ScenarioIn, app: Ctx) -> Any:
    """Compare the baseline with a scenario, side by side (nothing is recorded)."""
    scenario = parse_scenario(body.scenario, "scenario")
    return compare.run(app, scenario, body.request(), country=body.country)
