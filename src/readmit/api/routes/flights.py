"""Flights and their manifests; charter proposals and the partner's answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from readmit.api.deps import Caller, Ctx, IdempotencyKey, Limit, Offset
from readmit.api.errors import error_responses
from readmit.api.schemas import FlightDetail, FlightIn, FlightPage, FlightStepIn
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import RECORD_FLIGHT_STEP
from readmit.domain.permissions import Permission as P
from readmit.services.cases import access as case_access
from readmit.services.cases import flights as flight_service

router = APIRouter(prefix="/flights", tags=["flights"], route_class=PolicyRoute)
FlightId = Annotated[str, Path(min_length=1, max_length=128)]
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.get("", response_model=FlightPage, responses=READ_ERRORS)
@policy(P.FLIGHT_READ)
def list_flights(
    app: Ctx,
    actor: Caller,
    limit: Limit = 50,
    offset: Offset = 0,
    destination: Annotated[str | None, Query(max_length=2)] = None,
) -> Any:
    """List the flights you may see, with seats taken."""
    page = case_access.list_flights(app, actor, destination=destination, limit=limit, offset=offset)
    return FlightPage(items=page.items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("", status_code=201, response_model=FlightDetail, responses=WRITE_ERRORS)
@policy(P.FLIGHT_WRITE)
def schedule_flight(
    body: FlightIn, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Schedule a flight (charter or commercial) with its date, destination and capacity."""
    flight_service.schedule_flight(app, flight_service.NewFlight(**body.model_dump()), actor)
    return case_access.read_flight(app, actor, body.flight_id)


@router.get("/{flight_id}", response_model=FlightDetail, responses=READ_ERRORS)
@policy(P.FLIGHT_READ)
def read_flight(flight_id: FlightId, app: Ctx, actor: Caller) -> Any:
    """A flight and its manifest (the cases on it that you may see)."""
    return case_access.read_flight(app, actor, flight_id)


@router.post("/{flight_id}/events/{event}", response_model=FlightDetail, responses=WRITE_ERRORS)
@policy(*RECORD_FLIGHT_STEP)  # as the dashboard's /flights/{flight_id}/charter
def record_step(
    flight_id: FlightId,
    event: Annotated[str, Path(description="charter_proposed, charter_accepted, charter_refused")],
    body: FlightStepIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Propose a charter to the partner, or record the partner's acceptance or refusal."""
    return case_access.record_flight_step(
        app, actor, flight_id=flight_id, event=event, on=body.occurred_on, reason=body.reason
    )
