"""The dashboard in process (Starlette's test client) over a seeded SQLite store."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    # Starlette 1.0 warns that its test client will move from httpx to httpx2; same client.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from readmit.api import create_app
from readmit.services.context import App

E2E = Path(__file__).resolve().parents[2] / "e2e" / "web"
sys.path.insert(0, str(E2E))

from web_seed import PASSWORD, seed  # noqa: E402


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[App]:
    """A migrated, seeded store shared by one test module."""
    root = request.config.pluginmanager.get_plugin(
        str(Path(__file__).resolve().parents[2] / "conftest.py")
    )
    folder = tmp_path_factory.mktemp("webapp")
    app: App = root.make_app(f"sqlite:///{folder / 'r.db'}", folder / "keys")  # type: ignore[union-attr]
    seed(app)
    yield app
    app.engine.dispose()


@pytest.fixture(scope="module")
def web(seeded: App) -> FastAPI:
    """The real application (API and dashboard) on the seeded store."""
    return create_app(seeded)


@pytest.fixture
def client_as(web: FastAPI) -> Iterator[Callable[[str | None], TestClient]]:
    """Return a client signed in as a seeded user (None: anonymous)."""
    opened: list[TestClient] = []

    def make(user: str | None) -> TestClient:
        client = TestClient(web, base_url="http://testserver", follow_redirects=False)
        opened.append(client)
        if user is not None:
            form = client.get("/login")
            token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
            response = client.post(
                "/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
            )
            assert response.status_code == 303, response.text[:500]
        return client

    yield make
    for client in opened:
        client.close()
