"""What anyone may read: claims beside the ledger, and de-identified figures per country."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from readmit.api.deps import Ctx
from readmit.api.errors import error_responses
from readmit.api.schemas import ClaimsOut, CountryCode, OverviewOut
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.assessment import claims as claim_service
from readmit.services.assessment import public_figures
from readmit.services.exports import feed

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


@router.get(
    "/sanctions.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "An Atom feed"}},
)
@policy(P.SANCTION_READ)
def registry_feed(app: Ctx, request: Request) -> Response:
    """The public registry's changes as an Atom feed (RFC 4287), newest first."""
    body = feed.atom(app, str(request.base_url), self_path="/api/v1/sanctions.atom")
    return Response(body, media_type="application/atom+xml; charset=utf-8")
