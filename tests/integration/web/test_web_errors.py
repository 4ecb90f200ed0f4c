"""The dashboard's one error mapping: every page, JSON twin, raw route and form action answers
a refusal with its message, a missing schema without the database's address, and anything
unforeseen with a logged 500 that shows no traceback."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from readmit.api import create_app
from readmit.domain.errors import NotFound, SchemaMissing
from readmit.services.context import App, bootstrap
from readmit.settings import Settings
from readmit.web import security
from readmit.web.security import ANON_COOKIE, ANYONE, CSRF_FIELD
from readmit.web.site import Site, View, build_router

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice about its httpx-based client
    from fastapi.testclient import TestClient

SECRET = "sqlite:////srv/secret/readmit.db"
FAILURES: dict[str, Exception] = {
    "refused": NotFound("there is no case X-1"),
    "schema": SchemaMissing(f"the database at {SECRET} has no readmit schema; run it"),
    "unforeseen": RuntimeError(f"a bug that names {SECRET}"),
}
# What a visitor is told, with the status, for each failure.
TOLD = {
    "refused": (404, "there is no case X-1"),
    "schema": (503, "readmit db upgrade"),
    "unforeseen": (500, "it has been logged"),
}


def _fail(view: View) -> Any:
    raise FAILURES[view.arg("fail")]


def _failing_site() -> Site:
    site = Site()
    site.page("/p", "error.html", ANYONE, "A page")(_fail)
    site.raw("/r", ANYONE)(_fail)

    def act(view: View, _: FormData) -> str | Response:
        return _fail(view)  # type: ignore[no-any-return]

    site.action("/a", ANYONE)(act)
    return site


@pytest.fixture
def failing(sqlite_app: App) -> Iterator[TestClient]:
    """A dashboard of one page (and its twin), one raw route and one action, each failing as
    asked; without the API's error handlers, so that nothing can hide behind them."""
    app = FastAPI()
    app.include_router(build_router(_failing_site(), sqlite_app))
    with TestClient(app) as client:  # an error that escaped the mapping would raise here
        client.cookies.set(ANON_COOKIE, "visitor-key")
        yield client


def _anon_csrf(key: str) -> str:
    cookie = f"{ANON_COOKIE}={key}".encode()
    return security.csrf_token(Request({"type": "http", "headers": [(b"cookie", cookie)]}), None)


def _ask(client: TestClient, kind: str, fail: str) -> Any:
    if kind == "action":
        form = {CSRF_FIELD: _anon_csrf("visitor-key")}
        return client.post(f"/a?fail={fail}", data=form, headers={"referer": "/p"})
    return client.get({"page": "/p", "twin": "/p.json", "raw": "/r"}[kind], params={"fail": fail})


@pytest.mark.parametrize("fail", sorted(FAILURES))
@pytest.mark.parametrize("kind", ["page", "twin", "raw", "action"])
def test_every_route_kind_answers_each_failure_the_same_way(
    failing: TestClient, kind: str, fail: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = _ask(failing, kind, fail)
    status, told = TOLD[fail]
    assert answer.status_code == status
    message = answer.json()["message"] if kind == "twin" else answer.text
    assert told in message
    assert "Traceback" not in answer.text and "/srv/secret" not in answer.text
    if fail != "refused":  # the operator still learns what the visitor is not told
        assert SECRET in caplog.text


def test_a_refused_form_offers_the_way_back(failing: TestClient) -> None:
    answer = _ask(failing, "action", "refused")
    assert 'href="/p"' in answer.text


@pytest.fixture
def unmigrated(tmp_path: Path) -> Iterator[TestClient]:
    """The real dashboard on a SQLite file no one has run ``readmit db upgrade`` on."""
    url = f"sqlite:///{tmp_path / 'never-upgraded.db'}"
    app = bootstrap(Settings(database_url=url, key_dir=tmp_path / "keys", access_log=False))
    with TestClient(create_app(app), raise_server_exceptions=False) as client:
        yield client
    app.engine.dispose()


@pytest.mark.parametrize("path", ["/sanctions", "/sanctions.json"])
def test_a_store_without_schema_says_what_to_do_but_not_where_the_database_is(
    unmigrated: TestClient, path: str
) -> None:
    answer = unmigrated.get(path, headers={"accept": "text/html"})
    assert answer.status_code == 503 and "schema_missing" in answer.text
    assert "readmit db upgrade" in answer.text and "READMIT_DATABASE_URL" in answer.text
    assert "never-upgraded" not in answer.text and "sqlite" not in answer.text


def test_a_signed_in_visitor_on_a_store_without_schema_gets_the_same_page(
    unmigrated: TestClient,
) -> None:
    # The session is read from the store, inside the dashboard's one error mapping.
    unmigrated.cookies.set("readmit_session", "a-session-id")
    answer = unmigrated.get("/sanctions", headers={"accept": "text/html"})
    assert answer.status_code == 503 and answer.headers["content-type"].startswith("text/html")
    assert "readmit db upgrade" in answer.text and "never-upgraded" not in answer.text
