"""The application context: settings and engine, built once by ``bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine

from readmit.settings import Settings, read_settings
from readmit.store.db import make_engine, require_schema
from readmit.store.uow import UnitOfWork


@dataclass
class Actor:
    """Who acts, in which role (and, for partner roles, for which country)."""

    name: str
    role: str
    country: str | None = None


@dataclass
class App:
    """Everything a service needs: settings and a lazily created engine."""

    settings: Settings = field(default_factory=Settings)
    # Once the schema is seen, it stays: a server need not ask the catalogue on every request.
    _schema_seen: bool = field(default=False, init=False, repr=False, compare=False)
    # What a long-lived process keeps between calls (the pack, the screening engine, recently
    # checked tokens, the decision log's writer); each service owns its own key.
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    def require_schema(self) -> None:
        """Raise SchemaMissing, saying what to do, unless the store is migrated."""
        if not self._schema_seen:
            require_schema(self.engine)
            self._schema_seen = True

    def uow(self, write: bool = True) -> UnitOfWork:
        """Open a unit of work on a migrated store."""
        self.require_schema()
        return UnitOfWork(self.engine, write=write)

    def connect(self, write: bool = False) -> Connection:
        """A plain connection to a migrated store, for tables outside the ledger."""
        self.require_schema()
        conn = self.engine.connect()
        return conn.execution_options(readmit_write=True) if write else conn


def bootstrap(settings: Settings | None = None) -> App:
    """Read the settings once and wire the application."""
    return App(settings or read_settings())
