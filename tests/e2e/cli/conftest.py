"""The command line's tests run ``readmit`` in process against a fresh migrated SQLite store."""

from __future__ import annotations

import pytest

from readmit.services.context import App


@pytest.fixture
def env(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    """The store every command of the test reads, chosen as a user would: by environment."""
    monkeypatch.setenv("READMIT_DATABASE_URL", sqlite_app.settings.database_url)
    monkeypatch.setenv("READMIT_KEY_DIR", str(sqlite_app.settings.key_dir))
    return sqlite_app
