"""The sanction registry (public) and one route per lifecycle step (separation of duties)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from readmit.api.deps import Caller, Ctx, IdempotencyKey
from readmit.api.errors import error_responses
from readmit.api.schemas import (
    AmendmentIn,
    CountryCode,
    DeterminationIn,
    HeldOut,
    LiftIn,
    MeasureIn,
    MeasureOut,
    OrderIn,
    RegimeStepIn,
    SanctionDetail,
    SanctionOut,
    StepIn,
    VerificationIn,
)
from readmit.api.schemas.common import Day
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.context import Actor, App
from readmit.services.sanctions import registry, steps
from readmit.services.screening import replay

router = APIRouter(tags=["sanctions"], route_class=PolicyRoute)
SanctionId = Annotated[str, Path(min_length=1, max_length=64)]
READ = error_responses(404, 422)
STEP = error_responses(401, 403, 404, 409, 422)


def _measure(view: registry.MeasureView) -> dict[str, Any]:
    return {
        **view.measure.to_dict(),
        "state": view.state,
        "stale": view.stale,
        "validity": view.validity,
    }


def _summary(s: registry.SanctionSummary) -> dict[str, Any]:
    return {**s.__dict__, "measures": [_measure(m) for m in s.measures]}


def _detail(view: registry.SanctionView) -> dict[str, Any]:
    sanction = view.sanction
    steps = [
        {
            "step": step.kind,
            "on": step.on,
            "date_is_upper_bound": step.date_is_upper_bound,
            "not_public": step.not_public,
            "effective": step.takes_effect,
            "by": step.actor,
            "role": step.role,
            "summary": step.summary,
            "sources": list(step.sources),
            "event_id": step.event_id,
        }
        for step in sanction.steps
    ]
    return {
        **_summary(view.summary),
        "summary": sanction.summary,
        "allowed_next": sanction.allowed_next(),
        "steps": steps,
    }


def _specs(measures: list[MeasureIn]) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json", exclude_none=True, by_alias=True) for m in measures]


def _record(app: App, actor: Actor, command: steps.Command) -> dict[str, Any]:
    """Record the step the route's body asked for; answer with the sanction as it now stands."""
    return _detail(registry.show_sanction(app, steps.record_step(app, actor, command).id))


@router.get("/sanctions", response_model=list[SanctionOut], responses=READ)
@policy(P.SANCTION_READ)
def list_sanctions(
    app: Ctx,
    as_of: Annotated[Day | None, Query(description="The registry as of this day")] = None,
    country: Annotated[CountryCode | None, Query()] = None,
    regime: Annotated[
        str | None,
        Query(max_length=64, description="Only this regime's sanctions (a pack of the registry)"),
    ] = None,
) -> Any:
    """The registry: every sanction known on the day, its regime, its status then and its
    measures; every regime's, or one regime's."""
    found = registry.list_sanctions(app, as_of, country=country, regime=regime)
    return [_summary(s) for s in found]


@router.get("/measures", response_model=list[MeasureOut], responses=READ)
@policy(P.SANCTION_READ)
def measures_in_force(
    app: Ctx,
    on: Annotated[Day | None, Query(description="Default: today")] = None,
    country: Annotated[CountryCode | None, Query()] = None,
) -> Any:
    """The measures in force on a day (and those the record cannot place that day)."""
    return [
        _measure(m) for m in registry.measures_in_force(app, on or date.today(), country=country)
    ]


@router.get("/sanctions/{sanction_id}", response_model=SanctionDetail, responses=READ)
@policy(P.SANCTION_READ)
def show_sanction(sanction_id: SanctionId, app: Ctx) -> Any:
    """One sanction: its lifecycle, its measures over time, its sources, what may come next."""
    return _detail(registry.show_sanction(app, sanction_id))


@router.post("/sanctions", status_code=201, response_model=SanctionDetail, responses=STEP)
@policy(P.SANCTION_DETERMINE)
def determination(
    body: DeterminationIn, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Determine that a country does not cooperate (the determining authority alone)."""
    command = steps.Determine(**body.model_dump())
    return _detail(registry.show_sanction(app, steps.record_step(app, actor, command).id))


@router.post("/sanctions/{sanction_id}/notification", response_model=SanctionDetail, responses=STEP)
@policy(P.SANCTION_NOTIFY)
def notification(
    sanction_id: SanctionId,
    body: StepIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Notify the visa authority of the determination (the determining authority alone)."""
    return _record(app, actor, steps.Notify(sanction_id=sanction_id, **body.model_dump()))


@router.post("/sanctions/steps", status_code=201, response_model=SanctionDetail, responses=STEP)
@policy(P.SANCTION_DETERMINE, P.SANCTION_ORDER)
def regime_step(
    body: RegimeStepIn, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Record any step of a regime's lifecycle by its pack's name for it (a Commission
    ``proposal``, a Council ``adoption``, a UK ``specification``…): the pack's lifecycle says
    which step may follow which and which authority takes it. Without a sanction in the
    ledger, the step opens one (if the lifecycle lets it)."""
    fields = body.model_dump(exclude={"step", "adds"})
    command = steps.TakeStep(kind=body.step, adds=_specs(body.adds), **fields)
    return _record(app, actor, command)


@router.post("/sanctions/{sanction_id}/order", response_model=SanctionDetail, responses=STEP)
@policy(P.SANCTION_ORDER)
def order(
    sanction_id: SanctionId,
    body: OrderIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Order measures from an effective date (the visa authority alone; needs a notification)."""
    fields = {**body.model_dump(), "measures": _specs(body.measures)}
    return _record(app, actor, steps.Order(sanction_id=sanction_id, **fields))


@router.post("/sanctions/{sanction_id}/amendment", response_model=SanctionDetail, responses=STEP)
@policy(P.SANCTION_AMEND)
def amendment(
    sanction_id: SanctionId,
    body: AmendmentIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Widen (add measures) or narrow (end measures) a sanction (the visa authority alone)."""
    fields = {**body.model_dump(), "adds": _specs(body.adds)}
    return _record(app, actor, steps.Amend(sanction_id=sanction_id, **fields))


@router.post(
    "/sanctions/{sanction_id}/compliance-notification",
    response_model=SanctionDetail,
    responses=STEP,
)
@policy(P.SANCTION_COMPLIANCE_NOTIFY)
def compliance_notification(
    sanction_id: SanctionId,
    body: StepIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Notify that the country has complied (the determining authority alone)."""
    command = steps.NotifyCompliance(sanction_id=sanction_id, **body.model_dump())
    return _record(app, actor, command)


@router.post("/sanctions/{sanction_id}/lift", response_model=SanctionDetail, responses=STEP)
@policy(P.SANCTION_LIFT)
def lift(
    sanction_id: SanctionId,
    body: LiftIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """End measures, wholly or partly (the visa authority alone; needs compliance notified)."""
    return _record(app, actor, steps.Lift(sanction_id=sanction_id, **body.model_dump()))


@router.post("/sanctions/{sanction_id}/verification", response_model=SanctionDetail, responses=STEP)
@policy(P.SANCTION_VERIFY)
def verification(
    sanction_id: SanctionId,
    body: VerificationIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Record that measures were verified as still in force (clears staleness)."""
    return _record(app, actor, steps.Verify(sanction_id=sanction_id, **body.model_dump()))


@router.get(
    "/sanctions/{sanction_id}/resumed",
    response_model=list[HeldOut],
    responses=error_responses(401, 403, 404, 422),
)
@policy(P.DECISION_REPLAY)
def resumed(
    sanction_id: SanctionId,
    app: Ctx,
    actor: Caller,
    as_of: Annotated[Day | None, Query()] = None,
) -> Any:
    """Applications this sanction discontinued that may now be processed (after a lift): those
    you screened, or every officer's for roles with decision:read_all."""
    return [h.__dict__ for h in replay.resumed_as(app, actor, sanction_id, as_of)]
