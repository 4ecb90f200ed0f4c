"""Shared fixtures: a migrated store on SQLite (always) and on PostgreSQL (when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from readmit.services.context import App, bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings

PG_ENV = "READMIT_TEST_DATABASE_URL"


def pg_admin_url() -> str | None:
    """Return the PostgreSQL URL tests may use, or None when it is not configured."""
    return os.environ.get(PG_ENV) or None


def required(service: str) -> bool:
    """Tell whether CI demands ``service`` (READMIT_TEST_REQUIRE), so that a skip is a failure."""
    return service in os.environ.get("READMIT_TEST_REQUIRE", "").split(",")


def skip_or_fail(service: str, reason: str) -> None:
    """Skip with a visible reason, or fail when CI requires the service."""
    if required(service):
        pytest.fail(f"{reason} (READMIT_TEST_REQUIRE demands {service})")
    pytest.skip(reason)


def _skip_without_pg() -> str:
    url = pg_admin_url()
    if not url:
        skip_or_fail("postgres", f"PostgreSQL tests need {PG_ENV} (CI sets it); skipped here")
        raise AssertionError("unreachable")
    return url


@pytest.fixture
def fresh_pg_url() -> Iterator[Callable[[], str]]:
    """Create empty PostgreSQL databases on demand; drop them afterwards."""
    admin = _skip_without_pg()
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def create() -> str:
        name = f"readmit_t_{uuid.uuid4().hex[:10]}"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(admin).set(database=name).render_as_string(hide_password=False)

    yield create
    with engine.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _session_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Data and key folders for what a module or the session builds before any test's own
    (``_own_data_folder``) are set: nothing of a test run reaches the home folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("READMIT_DATA_DIR", str(tmp_path_factory.mktemp("session-data") / "readmit"))
        patch.setenv("READMIT_KEY_DIR", str(tmp_path_factory.mktemp("session-keys") / "readmit"))
        yield


@pytest.fixture(autouse=True)
def _own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Give each test its own data and key folders: the signed tree heads readmit keeps in one
    (a file per database) and the signing key it makes in the other must not reach the home
    folder or another test. A test that names its own folders overrides these."""
    # Not made here: readmit makes them, as on a fresh machine (0700).
    monkeypatch.setenv("READMIT_DATA_DIR", str(tmp_path_factory.mktemp("data") / "readmit"))
    monkeypatch.setenv("READMIT_KEY_DIR", str(tmp_path_factory.mktemp("keys") / "readmit"))


def make_app(url: str, key_dir: Path) -> App:
    """Bootstrap an application on ``url`` and migrate it."""
    application = bootstrap(Settings(database_url=url, key_dir=key_dir))
    upgrade(application)
    return application


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[App]:
    """A migrated application on a fresh SQLite file."""
    application = make_app(f"sqlite:///{tmp_path / 'readmit.db'}", tmp_path / "keys")
    yield application
    application.engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    """A migrated application, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'readmit.db'}"
    else:
        url = request.getfixturevalue("fresh_pg_url")()
    application = make_app(url, tmp_path / "keys")
    yield application
    application.engine.dispose()
