"""Audit: verify the hash chain; read the log of personal-data reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from readmit.api.deps import Ctx
from readmit.api.errors import error_responses
from readmit.api.schemas import AccessEntryOut, VerifyOut
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.access import access_log
from readmit.services.ops import audit as audit_service

router = APIRouter(prefix="/audit", tags=["audit"], route_class=PolicyRoute)


@router.get("/verify", response_model=VerifyOut, responses=error_responses(401, 403))
@policy(P.AUDIT_VERIFY)
def verify(app: Ctx) -> Any:
    """Recompute the whole hash chain; name the first event that does not verify."""
    return audit_service.verify_ledger(app).to_dict()


@router.get(
    "/access-log", response_model=list[AccessEntryOut], responses=error_responses(401, 403, 422)
)
@policy(P.ACCESS_LOG_READ)
def read_access_log(
    app: Ctx,
    case_id: Annotated[str | None, Query(max_length=128)] = None,
    user: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """Who read whose personal data, and every login: newest first."""
    return [e.__dict__ for e in access_log.list_access(app, user, case_id=case_id, limit=limit)]
