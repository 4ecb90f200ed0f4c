"""schemathesis against the OpenAPI document: every operation, authenticated as a role allowed
to call it; no server error, and every response conforms to the documented schema."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from api_support import add_role_users, seed_cases
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import checks

from readmit.api import create_app
from readmit.api.security import operations
from readmit.domain.permissions import Role
from readmit.services.context import App, bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`"),
]
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
PREFERENCE = [Role.ADMIN, *Role]
# Per operation and phase; the suite runs on a shared two-core machine, CI can raise it.
EXAMPLES = int(os.environ.get("READMIT_FUZZ_EXAMPLES", "8"))


def _app(tmp: Path) -> tuple[App, dict[str, str]]:
    application = bootstrap(
        Settings(
            database_url=f"sqlite:///{tmp / 'fuzz.db'}",
            key_dir=tmp,
            data_dir=tmp / "data",
            access_log=False,
        )
    )
    upgrade(application)
    tokens = add_role_users(application)
    seed_cases(application)
    return application, tokens


@pytest.fixture(scope="module")
def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    application, tokens = _app(tmp_path_factory.mktemp("fuzz"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield create_app(application), tokens
    application.engine.dispose()


def _schema() -> schemathesis.BaseSchema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        holder = bootstrap(Settings(database_url="sqlite://", access_log=False))
        api = create_app(holder)
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", api)


schema = _schema()


def _role_for(app: object, method: str, path: str) -> str | None:
    for op in operations(app):  # type: ignore[arg-type]
        if op.path == path and method.upper() in op.methods and op.policy is not None:
            allowed = [r for r in PREFERENCE if op.policy.allows(r.value)]
            return allowed[0].value if allowed else None
    raise AssertionError(f"{method} {path} is in the OpenAPI document but not served")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_without_server_errors_and_as_documented(
    case: schemathesis.Case, fuzz_target: tuple[FastAPI, dict[str, str]]
) -> None:
    api, tokens = fuzz_target
    role = _role_for(api, case.operation.method, case.operation.path)
    headers = {} if role in (None, "public") else {"Authorization": f"Bearer {tokens[role]}"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        case.call_and_validate(app=api, headers=headers, checks=CHECKS)
