"""One demo database per test session, built by the real CLI and shared by the demo tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from readmit.cli import app
from readmit.demo.run import REGISTRY_PACKS
from readmit.services.context import App, bootstrap
from readmit.settings import Settings

SEED = 2022
_BUILT: dict[str, Path] = {}
_OUTPUT: dict[str, str] = {}


def demo_database(factory: pytest.TempPathFactory) -> Path:
    """Build the demo once (``readmit demo --no-serve``) and return its SQLite file."""
    if "db" not in _BUILT:
        db = factory.mktemp("demo") / "demo.db"
        # Built once for the session, before any test's own folders are set: its signing key
        # and heads go beside it, not to the home folder.
        folders = {"READMIT_KEY_DIR": str(db.parent / "keys"), "READMIT_DATA_DIR": str(db.parent)}
        result = CliRunner().invoke(
            app, ["demo", "--db", str(db), "--seed", str(SEED), "--no-serve"], env=folders
        )
        assert result.exit_code == 0, result.output
        _BUILT["db"], _OUTPUT["first"] = db, result.output
    return _BUILT["db"]


def first_output(factory: pytest.TempPathFactory) -> str:
    """What the first ``readmit demo`` run printed."""
    demo_database(factory)
    return _OUTPUT["first"]


def demo_app(db: Path, key_dir: Path) -> App:
    """Return an application on an existing demo database, its registry the demo's, its data
    folder the one the demo kept its signed heads in."""
    settings = Settings(
        database_url=f"sqlite:///{db}",
        key_dir=key_dir,
        data_dir=db.parent,
        registry_packs=list(REGISTRY_PACKS),
    )
    return bootstrap(settings)
