"""Every API route × every role, generated from the app's own route table.

A route added without a policy cannot even be built (PolicyRoute refuses it), so the whole
suite fails; a route whose answers do not match its declared policy fails here.
"""

from __future__ import annotations

import re

import pytest
from api_support import Api
from fastapi.routing import APIRoute

from readmit.api import create_app
from readmit.api.security import Operation, PolicyRoute, operations, policy
from readmit.domain.permissions import Role
from readmit.services.context import App

ALL_ROLES = [r.value for r in Role]
# Pages that are not operations of the API: its description and its docs, open to all.
DOCUMENTS = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/init.js", "/api/v1/docs/assets"}


def api_operations(api: Api) -> list[Operation]:
    return [op for op in operations(api.client.app) if isinstance(op.route, APIRoute)]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "no-such-thing", path)


def test_every_api_route_is_policed_and_nothing_else_hides_under_the_api(api: Api) -> None:
    others = []
    for op in operations(api.client.app):
        if isinstance(op.route, APIRoute):
            assert isinstance(op.route, PolicyRoute), op.path
            assert op.policy is not None, op.path
        elif op.path.startswith("/api/"):
            others.append(op.path)
    assert set(others) <= DOCUMENTS
    assert len(api_operations(api)) >= 20


def test_a_route_without_a_policy_cannot_be_added(sqlite_app: App) -> None:
    application = create_app(sqlite_app)

    def unguarded() -> dict[str, str]:
        return {}

    with pytest.raises(TypeError, match="no @policy"):
        PolicyRoute("/api/v1/unguarded", unguarded)
    guarded = policy()(unguarded)
    assert PolicyRoute("/api/v1/guarded", guarded).path == "/api/v1/guarded"
    assert application.routes


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_exactly_what_its_policy_allows_on_every_route(api: Api, role: str) -> None:
    failures = []
    for op in api_operations(api):
        assert op.policy is not None
        allowed = op.policy.allows(role)
        for method in sorted(op.methods - {"HEAD"}):
            path = concrete(op.path)
            bodies = [{"json": {}}] if method == "POST" else [{}]
            if method == "POST" and not allowed:
                bodies.append(
                    {"content": b"{not json", "headers": {"content-type": "application/json"}}
                )
            for body in bodies:
                headers = api.headers(role, **body.pop("headers", {}))
                status = api.client.request(method, path, headers=headers, **body).status_code
                if allowed and status in {401, 403}:
                    failures.append(f"{role} {method} {op.path}: {status}, policy allows it")
                expected = 401 if role == "public" else 403
                if not allowed and status != expected:
                    failures.append(f"{role} {method} {op.path}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_public_gets_401_with_a_bearer_challenge_and_a_bad_token_is_401(api: Api) -> None:
    anonymous = api.get("public", "/api/v1/cases")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    forged = api.client.get("/api/v1/me", headers={"Authorization": "Bearer rdm_forged"})
    assert forged.status_code == 401 and forged.json()["code"] == "authentication_failed"
    wrong_scheme = api.client.get("/api/v1/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert wrong_scheme.status_code == 401
