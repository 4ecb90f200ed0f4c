"""Both sides check the record: a partner acknowledges, contests or asserts; the state answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from readmit.api.deps import Caller, Ctx, IdempotencyKey
from readmit.api.errors import error_responses
from readmit.api.schemas import (
    AssertionIn,
    AssertionOut,
    PartnerCaseOut,
    RecordEntryOut,
    ResponseIn,
    ResponseOut,
)
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.partner import access as partner_access
from readmit.services.partner import respond as partner

router = APIRouter(tags=["partner"], route_class=PolicyRoute)
CaseId = Annotated[str, Path(min_length=1, max_length=128)]
ERRORS = error_responses(401, 403, 404, 409, 422)


@router.get("/partner/cases", response_model=list[PartnerCaseOut], responses=ERRORS)
@policy(P.CASE_ASSERT)
def my_cases(app: Ctx, actor: Caller, pending_only: Annotated[bool, Query()] = True) -> Any:
    """Your nationals' cases (the pending requests by default)."""
    return partner.partner_cases(app, actor, pending_only)


@router.get("/cases/{case_id}/record", response_model=list[RecordEntryOut], responses=ERRORS)
@policy(P.CASE_READ)
def record(case_id: CaseId, app: Ctx, actor: Caller) -> Any:
    """The case's events with each side's latest stance (acknowledged or contested)."""
    return partner_access.case_record(app, actor, case_id)


@router.post(
    "/cases/{case_id}/events/{event_id}/response", response_model=ResponseOut, responses=ERRORS
)
@policy(P.CASE_RESPOND)
def respond(
    case_id: CaseId,
    event_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: ResponseIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Acknowledge or contest the other side's event (a partner: the state's; the state: a
    partner assertion)."""
    answer = partner_access.respond(
        app,
        actor,
        case_id=case_id,
        event_id=event_id,
        stance=body.stance,
        on=body.on,
        reason=body.reason,
        evidence_source=body.evidence_source,
    )
    return answer.__dict__


@router.post(
    "/cases/{case_id}/assertions", status_code=201, response_model=AssertionOut, responses=ERRORS
)
@policy(P.CASE_ASSERT)
def assert_event(
    case_id: CaseId,
    body: AssertionIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Assert an event the partner says happened (an interview it held, say)."""
    details = body.model_dump(
        mode="json", exclude={"event_type", "on", "evidence_source"}, exclude_none=True
    )
    event = partner_access.assert_event(
        app,
        actor,
        case_id=case_id,
        event_type=body.event_type,
        on=body.on,
        evidence_source=body.evidence_source,
        details=details,
    )
    return {
        "event_id": event.id,
        "seq": event.seq,
        "case_id": event.subject_id,
        "type": event.type,
        "payload": event.payload,
    }
