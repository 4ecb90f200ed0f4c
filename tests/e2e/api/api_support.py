"""Helpers for the HTTP API tests: a client with one API token per role, seeded cases."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any

from readmit.api import create_app
from readmit.domain.permissions import COUNTRY_BOUND, Role
from readmit.services.access import users
from readmit.services.cases.commands import NewCase, open_case
from readmit.services.context import Actor, App

with warnings.catch_warnings():
    # Starlette deprecates its httpx-based client in favour of a package we do not ship.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Actor("setup", "admin")
STAFF_ROLES = [r for r in Role if r != Role.PUBLIC]
PARTNER_COUNTRY = "KH"


@dataclass
class Api:
    """A test client with a token for every role (``public`` sends none)."""

    client: TestClient
    tokens: dict[str, str]
    app: App

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        """Return the headers that authenticate as ``role``."""
        auth = {} if role == "public" else {"Authorization": f"Bearer {self.tokens[role]}"}
        return {**auth, **extra}

    def get(self, role: str, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(role, **kw.pop("headers", {})), **kw)

    def post(self, role: str, path: str, **kw: Any) -> Any:
        return self.client.post(path, headers=self.headers(role, **kw.pop("headers", {})), **kw)


def add_role_users(app: App) -> dict[str, str]:
    """Create one user per role (country-bound roles bound to KH); return their tokens."""
    tokens = {}
    for role in STAFF_ROLES:
        country = PARTNER_COUNTRY if role in COUNTRY_BOUND else None
        tokens[role.value] = users.add_user(
            app, ROOT, name=f"u_{role.value}", role=role.value, country=country
        ).secret
    return tokens


def seed_cases(app: App) -> None:
    """Open one Cambodian case with personal data and one Lao case."""
    personal = {
        "given_name": "Sok",
        "family_name": "Chan",
        "date_of_birth": "1980-05-01",
        "spouse_in_country": True,
        "children_in_country": 2,
    }
    kh = NewCase("KH-1", "KH", date(2020, 1, 1), True, "detained", None, None, personal)
    open_case(app, ROOT, new=kh)
    open_case(app, ROOT, new=NewCase("LA-1", "LA", date(2020, 1, 1), False, "detained"))


def make_client(app: App) -> TestClient:
    """Return a client on a new API for ``app`` (server errors become 500s, as in production)."""
    return TestClient(create_app(app), raise_server_exceptions=False)
