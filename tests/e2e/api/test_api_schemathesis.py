"""schemathesis against the OpenAPI document: every operation, on SQLite and on PostgreSQL,
authenticated in turn as each role (those allowed to call it first, then the others and the
public); no server error, and every response conforms to the documented schema."""

from __future__ import annotations

import itertools
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
from api_support import add_role_users, seed_cases
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import checks
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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
# Per operation and phase, on each store (about two minutes a store on a shared two-core
# machine); CI can raise it.
EXAMPLES = int(os.environ.get("READMIT_FUZZ_EXAMPLES", "6"))
PG_ENV = "READMIT_TEST_DATABASE_URL"


def _app(tmp: Path, url: str) -> tuple[App, dict[str, str]]:
    application = bootstrap(
        Settings(
            database_url=url,
            key_dir=tmp,
            data_dir=tmp / "data",
            access_log=False,
        )
    )
    upgrade(application)
    tokens = add_role_users(application)
    seed_cases(application)
    return application, tokens


@contextmanager
def _store_url(store: str, tmp: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if store == "sqlite":
        yield f"sqlite:///{tmp / 'fuzz.db'}"
        return
    admin = os.environ.get(PG_ENV)
    if not admin:
        if "postgres" in os.environ.get("READMIT_TEST_REQUIRE", "").split(","):
            pytest.fail(f"PostgreSQL fuzzing needs {PG_ENV} (READMIT_TEST_REQUIRE demands it)")
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (CI sets it); skipped here")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    name = f"readmit_fuzz_{uuid.uuid4().hex[:10]}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    with _store_url(request.param, tmp) as url:
        application, tokens = _app(tmp, url)
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


def _roles_for(app: object, method: str, path: str) -> list[str]:
    """Every role, those allowed to call the operation first (the public, for an open one)."""
    for op in operations(app):  # type: ignore[arg-type]
        if op.path == path and method.upper() in op.methods:
            if op.policy is None:
                return ["public", *(r.value for r in Role if r != Role.PUBLIC)]
            allowed = [r.value for r in dict.fromkeys(PREFERENCE) if op.policy.allows(r.value)]
            return [*allowed, *(r.value for r in Role if r.value not in allowed)]
    raise AssertionError(f"{method} {path} is in the OpenAPI document but not served")


# Each operation's examples take its roles in turn, on each store.
_turns: dict[tuple[int, str, str], Iterator[str]] = {}


def _next_role(api: FastAPI, method: str, path: str) -> str:
    turn = (id(api), method, path)
    if turn not in _turns:
        _turns[turn] = itertools.cycle(_roles_for(api, method, path))
    return next(_turns[turn])


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
    role = _next_role(api, case.operation.method, case.operation.path)
    headers = {} if role == "public" else {"Authorization": f"Bearer {tokens[role]}"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        case.call_and_validate(app=api, headers=headers, checks=CHECKS)
