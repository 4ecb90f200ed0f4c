"""The API's routers, each a resource; ``create_app`` includes every one listed here."""

from __future__ import annotations

from fastapi import APIRouter

from readmit.api.routes import (
    assessments,
    audit,
    cases,
    flights,
    jobs,
    partner,
    public,
    sanctions,
    screening,
    users,
    whatif,
)

# Routes are matched in this order: single screening, the hot path under load, comes first.
ROUTERS: list[APIRouter] = [
    screening.router,
    users.router,
    cases.router,
    flights.router,
    partner.router,
    sanctions.router,
    jobs.router,
    assessments.router,
    public.router,
    audit.router,
    whatif.router,
]
