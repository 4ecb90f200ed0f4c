"""Cooperation assessments: one country, every country, a quarterly trend; record one to cite."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from readmit.api.deps import Caller, Ctx, IdempotencyKey
from readmit.api.errors import error_responses
from readmit.api.schemas import AssessmentIn, AssessmentOut, TrendOut
from readmit.api.schemas.assessments import RegimeAssessmentOut
from readmit.api.schemas.common import Day as StrictDay
from readmit.api.security import PolicyRoute, policy
from readmit.domain.errors import InvalidInput, NotFound
from readmit.domain.permissions import Permission as P
from readmit.domain.permissions import may_see_country
from readmit.domain.validation import MAX_LEDGER_POSITION
from readmit.services.assessment import assess as service
from readmit.services.assessment import recorded as recorded_service
from readmit.services.assessment import regime_assessment
from readmit.services.cases.access import check_country_scope, in_country_scope

router = APIRouter(prefix="/assessments", tags=["assessments"], route_class=PolicyRoute)
ERRORS = error_responses(401, 403, 404, 422)
Day = Annotated[StrictDay, Query(ge=date(1900, 1, 1), le=date(2200, 12, 31))]
# A trend is one assessment per quarter: bound its length so one call stays cheap.
MAX_TREND = timedelta(days=366 * 30)


def window(
    start: Annotated[Day, Query(alias="from", description="First day of the window")],
    end: Annotated[Day, Query(alias="to", description="Last day of the window")],
    as_of: Annotated[StrictDay | None, Query(description="Count what was recorded by then")] = None,
    view: Literal["ours", "partner", "both"] = "ours",
    at_seq: Annotated[int | None, Query(ge=0, le=MAX_LEDGER_POSITION)] = None,
    standard_version: Annotated[str | None, Query(max_length=64)] = None,
) -> service.Window:
    """Read the window of an assessment from the query string."""
    return service.Window(start, end, as_of, view, at_seq, standard_version)


Window = Annotated[service.Window, Depends(window)]
Country = Annotated[str, Path(min_length=2, max_length=2, description="ISO code, e.g. KH")]


@router.get("", response_model=list[AssessmentOut], responses=ERRORS)
@policy(P.ASSESSMENT_READ)
def assess_all(app: Ctx, actor: Caller, frame: Window) -> Any:
    """Assess every country with a case (a partner sees its own), worst rating first."""
    return in_country_scope(actor, service.assess_all(app, frame), lambda a: a["country"])


@router.get("/{country}", response_model=AssessmentOut, responses=ERRORS)
@policy(P.ASSESSMENT_READ)
def assess(country: Country, app: Ctx, actor: Caller, frame: Window) -> Any:
    """Rate one country's cooperation over the window, with a reason per criterion."""
    check_country_scope(actor, country)
    return service.assess(app, country, frame)


@router.get("/{country}/trend", response_model=TrendOut, responses=ERRORS)
@policy(P.ASSESSMENT_READ)
def trend(country: Country, app: Ctx, actor: Caller, frame: Window) -> Any:
    """The rating quarter by quarter over the window (at most 30 years)."""
    if frame.end - frame.start > MAX_TREND:
        raise InvalidInput("a trend covers at most 30 years; narrow the window")
    check_country_scope(actor, country)
    return service.assess_trend(app, country, frame)


@router.get("/{country}/regimes", response_model=list[RegimeAssessmentOut], responses=ERRORS)
@policy(P.ASSESSMENT_READ)
def regimes(
    country: Country,
    app: Ctx,
    actor: Caller,
    frame: Window,
    pack: Annotated[
        str | None,
        Query(max_length=64, description="Only this regime's pack (default: every installed one)"),
    ] = None,
) -> Any:
    """Each regime's own assessment over the window: indicators with the source of every figure,
    or factors with their evidence (422 for a pack without one, naming those with one)."""
    check_country_scope(actor, country)
    if pack is not None:
        return [regime_assessment.assess_regime(app, country, frame, pack)]
    return regime_assessment.assess_regimes(app, country, frame)


@router.post(
    "",
    status_code=201,
    response_model=AssessmentOut,
    # 404: a standard version the pack does not have.
    responses=error_responses(401, 403, 404, 422),
)
@policy(P.ASSESSMENT_RECORD)
def record(
    body: AssessmentIn, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Compute an assessment and record it in the ledger, so a determination can cite its id."""
    frame = service.Window(body.start, body.end, body.as_of, body.view, None, body.standard_version)
    result = service.assess(app, body.country, frame)
    recorded_service.record_assessment(
        app, actor, assessment=result, on=body.recorded_on or date.today()
    )
    return result


@router.get("/recorded/{assessment_id}", response_model=AssessmentOut, responses=ERRORS)
@policy(P.ASSESSMENT_READ)
def recorded(
    assessment_id: Annotated[str, Path(min_length=64, max_length=64, pattern="^[0-9a-f]+$")],
    app: Ctx,
    actor: Caller,
) -> Any:
    """A recorded assessment by id, exactly as recorded."""
    found = recorded_service.recorded_assessment(app, assessment_id)
    if not may_see_country(actor.role, actor.country, found["country"]):
        # Out of scope answers exactly as an id never recorded does: existence does not leak.
        raise NotFound(f"no recorded assessment {assessment_id!r}; record it with --record first")
    return found
