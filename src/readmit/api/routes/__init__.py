"""The API's routers, each a resource; ``create_app`` includes every one listed here."""

from __future__ import annotations

from fastapi import APIRouter

from readmit.api.routes import audit, cases, flights, users

ROUTERS: list[APIRouter] = [users.router, cases.router, flights.router, audit.router]
