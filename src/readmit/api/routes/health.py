"""Liveness and readiness, outside the versioned API: what a load balancer polls."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from readmit import __version__
from readmit.api.deps import Ctx
from readmit.api.security import PolicyRoute, policy
from readmit.services.ops import health

router = APIRouter(tags=["health"], route_class=PolicyRoute)


@router.get("/health")
@policy()
def alive() -> Any:
    """The process answers (it checks nothing else)."""
    return {"status": "alive", "version": __version__}


@router.get("/health/ready", responses={503: {"description": "not ready: a check failed"}})
@policy()
def ready(app: Ctx) -> Any:
    """Ready to answer: the database reachable, its schema current, the policy pack loaded."""
    found = health.readiness(app)
    body = {
        "status": "ready" if found.ready else "not_ready",
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in found.checks],
    }
    return JSONResponse(body, status_code=200 if found.ready else 503)
