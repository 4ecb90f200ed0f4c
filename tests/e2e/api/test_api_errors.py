"""Every error code the API answers has the status and the Retry-After docs/api.md lists.

And a server whose database has no schema says what to do without saying where the data is.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import Api, make_client
from fastapi import FastAPI

from readmit.api.errors import error_codes, install_error_handlers
from readmit.domain import errors
from readmit.services.context import App, bootstrap
from readmit.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice about its httpx-based client
    from fastapi.testclient import TestClient

TABLE = {row.code: row for row in error_codes()}
HIERARCHY = {
    kind.code: kind
    for kind in vars(errors).values()
    if isinstance(kind, type) and issubclass(kind, errors.ReadmitError)
}


def assert_documented(answer: Any, code: str) -> None:
    """Check an answer against its row of the table: status, code, Retry-After."""
    row = TABLE[code]
    assert (answer.status_code, answer.json()["code"]) == (row.status, code)
    assert ("retry-after" in answer.headers) is row.retry_after, code


@pytest.fixture(scope="module")
def raising() -> Iterator[TestClient]:
    """A bare app with the API's error handlers and a route that raises any domain error."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/raise/{code}")
    def raise_one(code: str) -> None:
        raise HIERARCHY[code]("refused")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("code", sorted(HIERARCHY))
def test_a_domain_error_answers_as_the_table_documents(raising: TestClient, code: str) -> None:
    assert_documented(raising.get(f"/raise/{code}"), code)


def test_the_edges_own_answers_are_as_the_table_documents(api: Api) -> None:
    cases, json_body = "/api/v1/cases", {"content-type": "application/json"}
    wrong_method = api.client.delete(f"{cases}/KH-1", headers=api.headers("admin"))
    assert_documented(wrong_method, "method_not_allowed")
    assert_documented(api.post("case_officer", cases, json={}), "validation_error")
    huge = b'{"case_id": "' + b"x" * 1_100_000 + b'"}'
    too_large = api.post("case_officer", cases, content=huge, headers=json_body)
    assert_documented(too_large, "payload_too_large")
    bad_key = api.post("case_officer", cases, json={}, headers={"Idempotency-Key": "\x01"})
    assert_documented(bad_key, "invalid_idempotency_key")


@pytest.fixture
def unmigrated(tmp_path: Path) -> Iterator[App]:
    """An application on a SQLite file no one has run ``readmit db upgrade`` on."""
    url = f"sqlite:///{tmp_path / 'never-upgraded.db'}"
    app = bootstrap(Settings(database_url=url, key_dir=tmp_path / "keys", access_log=False))
    yield app
    app.engine.dispose()


def test_a_store_without_schema_says_what_to_do_but_not_where_the_database_is(
    unmigrated: App,
) -> None:
    with make_client(unmigrated) as client:
        answer = client.get("/api/v1/sanctions")
    assert_documented(answer, "schema_missing")
    message = answer.json()["message"]
    assert "readmit db upgrade" in message and "READMIT_DATABASE_URL" in message
    assert "never-upgraded" not in answer.text and "sqlite" not in answer.text


@pytest.mark.parametrize(
    ("method", "path", "headers", "body"),
    [
        ("POST", "/api/v1/auth/login", {}, {"username": "someone", "password": "x" * 16}),
        ("GET", "/api/v1/cases", {"Authorization": "Bearer rdm_" + "a" * 43}, None),
        (
            "POST",
            "/api/v1/screen",
            {"Authorization": "Bearer rdm_" + "a" * 43, "Idempotency-Key": "k-1"},
            {"nationality": "KH", "visa_class": "B1", "post_country": "KH"},
        ),
    ],
    ids=["login", "bearer token", "idempotency key"],
)
def test_signing_in_on_a_store_without_schema_is_the_same_503(
    unmigrated: App, method: str, path: str, headers: dict[str, str], body: Any
) -> None:
    # These paths read the users, tokens and idempotency tables outside a unit of work.
    with make_client(unmigrated) as client:
        answer = client.request(method, path, headers=headers, json=body)
    assert_documented(answer, "schema_missing")
    assert "never-upgraded" not in answer.text
