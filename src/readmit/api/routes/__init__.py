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
)

ROUTERS: list[APIRouter] = [
    users.router,
    cases.router,
    flights.router,
    partner.router,
    sanctions.router,
    screening.router,
    jobs.router,
    assessments.router,
    public.router,
    audit.router,
]
