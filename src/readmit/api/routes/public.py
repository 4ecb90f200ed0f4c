"""What anyone may read: claims beside the ledger, and de-identified figures per country."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from readmit.api.deps import Ctx
from readmit.api.errors import error_responses
from readmit.api.schemas import ClaimsOut, CountryCode, OverviewOut
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.assessment import claims as claim_service
from readmit.services.assessment import public_figures

router = APIRouter(tags=["public"], route_class=PolicyRoute)


@router.get("/claims", response_model=ClaimsOut, responses=error_responses(422))
@policy(P.CLAIM_READ)
def claims(app: Ctx, country: Annotated[CountryCode, Query()]) -> Any:
    """Figures asserted outside the ledger about one country, each with its source."""
    return claim_service.list_claims(app, country)


@router.get("/stats/countries", response_model=OverviewOut, responses=error_responses(422))
@policy(P.STATS_READ)
def country_figures(app: Ctx) -> Any:
    """Cases per nationality and state: counts only, nothing per person."""
    return public_figures.overview(app)
