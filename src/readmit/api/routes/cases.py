"""Removal cases: open, list, read (scoped, masked), history, next events, record events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from readmit.api.deps import Caller, Ctx, IdempotencyKey, Limit, Offset, etag, expected_version
from readmit.api.errors import error_responses
from readmit.api.schemas import (
    CaseEventIn,
    CaseIn,
    CaseOut,
    CasePage,
    CaseSummary,
    HistoryOut,
    NextEventsOut,
    VoidIn,
)
from readmit.api.security import PolicyRoute, client_of, policy
from readmit.domain.cases import CASE_EVENTS
from readmit.domain.permissions import RECORD_CASE_EVENT
from readmit.domain.permissions import Permission as P
from readmit.services.cases import access as case_access
from readmit.services.cases import commands as case_service
from readmit.services.cases.access import CaseRecord
from readmit.services.cases.commands import CaseEvent

router = APIRouter(prefix="/cases", tags=["cases"], route_class=PolicyRoute)
CaseId = Annotated[str, Path(min_length=1, max_length=128)]
EventName = Annotated[str, Path(min_length=1, max_length=64, description="A case event")]
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 412, 422)


def _out(record: CaseRecord) -> CaseOut:
    return CaseOut(**record.fields, allowed_events=record.allowed_events, personal=record.personal)


@router.get("", response_model=CasePage, responses=READ_ERRORS)
@policy(P.CASE_READ)
def list_cases(
    app: Ctx,
    actor: Caller,
    limit: Limit = 50,
    offset: Offset = 0,
    nationality: Annotated[str | None, Query(max_length=2)] = None,
    state: Annotated[str | None, Query(max_length=32)] = None,
) -> CasePage:
    """List the cases you may see (no personal data in lists)."""
    page = case_access.list_cases(
        app, actor, nationality=nationality, state=state, flight_id=None, limit=limit, offset=offset
    )
    items = [CaseSummary(**item) for item in page.items]
    return CasePage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("", status_code=201, response_model=CaseOut, responses=WRITE_ERRORS)
@policy(P.CASE_CREATE)
def open_case(
    body: CaseIn,
    app: Ctx,
    actor: Caller,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CaseOut:
    """Record a final order of removal: the case opens in state ``ordered``."""
    personal = body.personal.model_dump(mode="json", exclude_none=True) if body.personal else None
    new = case_service.NewCase(
        body.case_id,
        body.nationality,
        body.final_order_date,
        body.criminal,
        body.custody,
        body.country_of_birth,
        body.entry_age,
        personal or None,
    )
    case_service.open_case(app, actor, new=new, source=body.source)
    record = case_access.read_case(app, actor, case_id=body.case_id, client=client_of(request))
    response.headers["ETag"] = etag(record.version)
    response.headers["Location"] = f"/api/v1/cases/{body.case_id}"
    return _out(record)


@router.get("/{case_id}", response_model=CaseOut, responses=READ_ERRORS)
@policy(P.CASE_READ)
def read_case(
    case_id: CaseId, app: Ctx, actor: Caller, request: Request, response: Response
) -> CaseOut:
    """Read a case as your role may see it; the ETag is its version, for If-Match."""
    record = case_access.read_case(app, actor, case_id=case_id, client=client_of(request))
    response.headers["ETag"] = etag(record.version)
    return _out(record)


@router.get("/{case_id}/history", response_model=list[HistoryOut], responses=READ_ERRORS)
@policy(P.CASE_READ)
def history(case_id: CaseId, app: Ctx, actor: Caller) -> list[HistoryOut]:
    """The case's events in order; voided events are marked, never removed."""
    return [HistoryOut(**entry.__dict__) for entry in case_access.case_history(app, actor, case_id)]


@router.get("/{case_id}/next-events", response_model=NextEventsOut, responses=READ_ERRORS)
@policy(P.CASE_READ)
def next_events(case_id: CaseId, app: Ctx, actor: Caller) -> NextEventsOut:
    """The events the case allows next, and those of them you may record."""
    return NextEventsOut(**case_access.next_events(app, actor, case_id).__dict__)


@router.post(
    "/{case_id}/events/{event}",
    response_model=CaseOut,
    responses=WRITE_ERRORS,
    description="Record one event on a case. Send If-Match with the ETag you read: a stale "
    f"version is a 412. Events: {', '.join(sorted(CASE_EVENTS))}.",
)
@policy(*RECORD_CASE_EVENT)  # the dashboard's /cases/{case_id}/events has the same rule
def record_event(
    case_id: CaseId,
    event: EventName,
    body: CaseEventIn,
    app: Ctx,
    actor: Caller,
    request: Request,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=64)] = None,
    idempotency_key: IdempotencyKey = None,
) -> CaseOut:
    """Record one event on a case."""
    command = CaseEvent(
        case_id=case_id,
        event=event,
        on=body.occurred_on,
        payload=body.payload(),
        expected_version=expected_version(if_match),
        source=body.source,
    )
    record = case_access.record_event(app, actor, command, client=client_of(request))
    response.headers["ETag"] = etag(record.version)
    return _out(record)


@router.post("/{case_id}/events/{event_id}/void", response_model=CaseOut, responses=WRITE_ERRORS)
@policy(P.CASE_VOID)
def void_event(
    case_id: CaseId,
    event_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: VoidIn,
    app: Ctx,
    actor: Caller,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CaseOut:
    """Correct history: record that one of the case's events is void, and why."""
    record = case_access.void_case_event(
        app, actor, case_id=case_id, event_id=event_id, reason=body.reason, on=body.occurred_on
    )
    response.headers["ETag"] = etag(record.version)
    return _out(record)
