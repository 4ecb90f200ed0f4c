"""What-if analysis for analysts: forecasts and scenarios, computed beside the ledger, and the
analyses recorded from them (their own table, never the ledger)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from readmit.api.deps import Caller, Ctx, IdempotencyKey, Limit, Offset
from readmit.api.errors import error_responses
from readmit.api.schemas.common import CountryCode
from readmit.api.schemas.whatif import (
    AnalysisIn,
    AnalysisOut,
    AnalysisSummary,
    ForecastIn,
    ScenarioAnalysisIn,
    ScenarioIn,
)
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.context import App
from readmit.services.whatif import compare
from readmit.services.whatif import recorded as analyses
from readmit.services.whatif.forecast import forecast
from readmit.services.whatif.scenario import parse_scenario

router = APIRouter(prefix="/whatif", tags=["what-if"], route_class=PolicyRoute)
ERRORS = error_responses(401, 403, 404, 422)
AnalysisId = Annotated[
    str,
    Path(
        min_length=64,
        max_length=64,
        pattern="^[0-9a-f]+$",
        description="The analysis's id (64 hexadecimal digits)",
    ),
]


# Running a scenario is an analysis a determination could rest on: whoever may record an
# assessment (analysts and administrators) may run one, record it and read those recorded.
@router.post("/forecast", responses=ERRORS)
@policy(P.ASSESSMENT_RECORD)
def forecast_route(body: ForecastIn, app: Ctx) -> Any:
    """Project a country's backlog at the pace of the window (nothing is recorded)."""
    return forecast(app, body.country, body.request())


@router.post("/run", responses=ERRORS)
@policy(P.ASSESSMENT_RECORD)
def run_route(body: ScenarioIn, app: Ctx) -> Any:
    """Compare the baseline with a scenario, side by side (nothing is recorded)."""
    return _run(app, body)


def _run(app: App, body: ScenarioIn) -> dict[str, Any]:
    scenario = parse_scenario(body.scenario, "scenario")
    return compare.run(app, scenario, body.request(), country=body.country)


@router.post(
    "/analyses",
    status_code=201,
    response_model=AnalysisOut,
    responses={200: {"model": AnalysisOut, "description": "Already recorded"}, **ERRORS},
)
@policy(P.ASSESSMENT_RECORD)
def record_route(
    body: AnalysisIn,
    app: Ctx,
    actor: Caller,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Compute a forecast (``kind: forecast``) or a scenario run (``kind: scenario``) and keep
    its result as a recorded analysis, to cite by id: in its own table, never in the ledger
    (no event, no projection changes). The same result again is the same analysis: 200 with
    ``created: false``, as it was first recorded."""
    if isinstance(body, ScenarioAnalysisIn):
        result = _run(app, body)
    else:
        result = forecast(app, body.country, body.request())
    kept = analyses.keep_analysis(app, actor, result)
    if not kept.created:
        response.status_code = 200
    return {**analyses.recorded_analysis(app, kept.id), "created": kept.created}


@router.get("/analyses", response_model=list[AnalysisSummary], responses=ERRORS)
@policy(P.ASSESSMENT_RECORD)
def list_route(
    app: Ctx,
    limit: Limit = 100,
    offset: Offset = 0,
    country: Annotated[CountryCode | None, Query(description="Only this country's")] = None,
    scenario: Annotated[
        str | None, Query(max_length=64, description="Only analyses of this scenario id")
    ] = None,
) -> Any:
    """The recorded analyses, newest first (without their results)."""
    return analyses.list_analyses(
        app, country=country, scenario_id=scenario, limit=limit, offset=offset
    )


@router.get("/analyses/{analysis_id}", response_model=AnalysisOut, responses=ERRORS)
@policy(P.ASSESSMENT_RECORD)
def show_route(analysis_id: AnalysisId, app: Ctx) -> Any:
    """A recorded analysis by id: who recorded it, when, and its result as computed."""
    return analyses.recorded_analysis(app, analysis_id)
