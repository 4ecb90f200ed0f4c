"""The API's routers, each a resource; ``create_app`` includes every one listed here."""

from __future__ import annotations

from fastapi import APIRouter

from readmit.api.routes import assessments, audit, cases, flights, public, users

ROUTERS: list[APIRouter] = [
    users.router,
    cases.router,
    flights.router,
    assessments.router,
    public.router,
    audit.router,
]
