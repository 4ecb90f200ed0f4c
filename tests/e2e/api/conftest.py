"""Fixtures for the HTTP API: an app on a fresh store, and one API token per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import Api, add_role_users, make_client, seed_cases

from readmit.services.context import App


@pytest.fixture
def api(sqlite_app: App, tmp_path: Path) -> Iterator[Api]:
    """The API on a fresh SQLite store, with role tokens and two cases."""
    sqlite_app.settings.access_log = False
    sqlite_app.settings.data_dir = tmp_path / "data"
    tokens = add_role_users(sqlite_app)
    seed_cases(sqlite_app)
    with make_client(sqlite_app) as client:
        yield Api(client, tokens, sqlite_app)
