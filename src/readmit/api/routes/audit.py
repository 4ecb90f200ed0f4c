"""Audit: verify the ledger; signed tree heads and their proofs; the log of personal-data reads.

Tree heads, the public key and consistency proofs are open to everyone: they reveal hashes
only, and they are what an outside verifier needs. Inclusion proofs name events, so they need
the right to verify the ledger (a partner receives one with each of its responses).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from readmit.api.deps import Ctx
from readmit.api.errors import error_responses
from readmit.api.schemas import AccessEntryOut, VerifyOut
from readmit.api.schemas.audit import (
    ConsistencyOut,
    HeadCheckOut,
    HeadIn,
    HeadOut,
    InclusionOut,
    PublicKeyOut,
)
from readmit.api.security import PolicyRoute, policy
from readmit.domain.errors import InvalidInput, NotFound
from readmit.domain.permissions import Permission as P
from readmit.domain.validation import MAX_LEDGER_POSITION
from readmit.services.access import access_log
from readmit.services.ops import audit as audit_service
from readmit.services.transparency import heads, keys, proofs

router = APIRouter(prefix="/audit", tags=["audit"], route_class=PolicyRoute)
Size = Annotated[int | None, Query(ge=0, le=MAX_LEDGER_POSITION)]
Position = Annotated[int, Query(ge=0, le=MAX_LEDGER_POSITION)]


@router.get("/verify", response_model=VerifyOut, responses=error_responses(401, 403))
@policy(P.AUDIT_VERIFY)
def verify(app: Ctx) -> Any:
    """Verify the events recorded since the last verification, and every signed head; at most
    once per ``audit_verify_interval_seconds`` (calls between get that result, ``cached``)."""
    return audit_service.verify_for_api(app).to_dict()


@router.get("/heads/latest", response_model=HeadOut, responses=error_responses(404))
@policy()
def latest_head(app: Ctx) -> Any:
    """The latest signed tree head: keep it, and check later that the log still extends it."""
    head = heads.latest(app)
    if head is None:
        raise NotFound("no tree head has been signed yet")
    return head


@router.get("/public-key", response_model=PublicKeyOut)
@policy()
def public_key(app: Ctx) -> Any:
    """The Ed25519 public key that signs the tree heads (pin it: ``audit verify --key``)."""
    public = keys.own_public(app)
    return {"public_key": public, "key_id": keys.key_id(public), "pem": keys.public_pem(app)}


@router.get(
    "/proofs/inclusion", response_model=InclusionOut, responses=error_responses(401, 403, 404, 422)
)
@policy(P.AUDIT_VERIFY)
def inclusion(
    app: Ctx,
    event_id: Annotated[str | None, Query(pattern=r"^[0-9A-Za-z]{1,64}$")] = None,
    seq: Annotated[int | None, Query(ge=1, le=MAX_LEDGER_POSITION)] = None,
    size: Size = None,
) -> Any:
    """Prove that one event (by id or sequence number) is in the tree of ``size`` events (by
    default the latest signed head's)."""
    if (event_id is None) == (seq is None):
        raise InvalidInput("name the event by event_id or by seq (one of them)")
    return proofs.inclusion(app, event_id=event_id, seq=seq, size=size)


@router.get("/proofs/consistency", response_model=ConsistencyOut, responses=error_responses(422))
@policy()
def consistency(app: Ctx, old: Position, new: Size = None) -> Any:
    """Prove that the tree of ``old`` events is a prefix of the tree of ``new`` (by default the
    latest signed head's)."""
    return proofs.consistency(app, old=old, new=new)


@router.post("/heads/check", response_model=HeadCheckOut, responses=error_responses(422))
@policy()
def check_head(app: Ctx, body: HeadIn) -> Any:
    """Tell whether today's log extends a head kept earlier, with the consistency proof."""
    return proofs.check_kept_head(app, body.model_dump())


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
