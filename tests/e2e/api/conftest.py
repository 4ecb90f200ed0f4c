"""Fixtures for the HTTP API: an app on a fresh store, and one API token per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from api_support import Api, add_role_users, make_client, seed_cases

from readmit.api import middleware
from readmit.services.context import App


@pytest.fixture
def api(sqlite_app: App, tmp_path: Path) -> Iterator[Api]:
    """The API on a fresh SQLite store, with role tokens and two cases."""
    yield from _serve(sqlite_app, tmp_path, access_log=False)


@pytest.fixture
def logged_api(sqlite_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """The same, writing its access log (to a logger of its own: structlog keeps a logger
    bound as it was first used, so an earlier test's would escape this test's capture)."""
    monkeypatch.setattr(middleware, "access_log", structlog.get_logger("readmit.access"))
    yield from _serve(sqlite_app, tmp_path, access_log=True)


def _serve(app: App, tmp_path: Path, access_log: bool) -> Iterator[Api]:
    app.settings.access_log = access_log
    app.settings.data_dir = tmp_path / "data"
    tokens = add_role_users(app)
    seed_cases(app)
    with make_client(app) as client:
        yield Api(client, tokens, app)
