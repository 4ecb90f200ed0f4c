"""Demo users, one per role, with known passwords: for a local demo only, never a deployment."""

from __future__ import annotations

from dataclasses import dataclass

from readmit.domain.permissions import COUNTRY_BOUND, Role
from readmit.services.access import users
from readmit.services.context import Actor, App

DEMO_COUNTRY = "KH"
BUILDER = Actor("demo:builder", Role.ADMIN.value)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    password: str
    country: str | None


def demo_logins() -> list[DemoLogin]:
    """The demo's login for each role (the public needs none)."""
    return [
        DemoLogin(
            role.value,
            f"demo-{role.value.replace('_', '-')}",
            f"demo-{role.value.replace('_', '-')}-password",
            DEMO_COUNTRY if role in COUNTRY_BOUND else None,
        )
        for role in Role
        if role != Role.PUBLIC
    ]


def ensure_demo_users(app: App) -> list[DemoLogin]:
    """Create the demo users that do not exist yet; return every demo login."""
    existing = {user.name for user in users.list_users(app)}
    logins = demo_logins()
    for login in logins:
        if login.name not in existing:
            users.add_user(
                app,
                BUILDER,
                name=login.name,
                role=login.role,
                country=login.country,
                password=login.password,
            )
    return logins
