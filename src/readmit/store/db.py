"""Engines for SQLite (the embedded default) and PostgreSQL, configured for a ledger."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from readmit.domain.errors import SchemaMissing

CHECKPOINT_PAGES = 100
# Execution option for a connection that only reads: on SQLite, no BEGIN, so no snapshot is held.
NO_SNAPSHOT = "readmit_no_snapshot"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write transactions that lock early."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 60})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite's is too late).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        # Copy the write-ahead log back little and often: a copy of SQLite's default 1,000
        # pages held screening answers waiting (bench/README.md); a large import copies in a
        # thread of its own instead (``Checkpoints``).
        cursor.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        # 128 MB of page cache: a big import keeps its indexes in memory.
        cursor.execute("PRAGMA cache_size=-131072")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(NO_SNAPSHOT):
            return
        # A writer takes the lock at BEGIN, so two writers never deadlock on an upgrade.
        write = options.get("readmit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    """Tell whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


CHOOSE = (
    "choose the database with database_url in readmit.toml (in this folder) or READMIT_DATABASE_URL"
)


def missing_file(engine: Engine) -> Path | None:
    """The SQLite file the engine points at, when it does not exist (connecting would create it)."""
    name = engine.url.database if is_sqlite(engine) else None
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name)
    return None if path.exists() else path


def require_schema(engine: Engine) -> None:
    """Raise SchemaMissing, with what to do, when the store has not been migrated.

    A SQLite file that does not exist is not created by asking: the message names it instead.
    """
    absent = missing_file(engine)
    if absent is not None:
        raise SchemaMissing(
            f"there is no readmit database at {absent.resolve()}; run `readmit demo` to build the "
            f"demo's here, or `readmit db upgrade` to create an empty one; or {CHOOSE}"
        )
    if not inspect(engine).has_table("events"):
        raise SchemaMissing(
            f"the database at {engine.url.render_as_string(hide_password=True)} has no readmit "
            "schema; run `readmit db upgrade` first"
        )


class Checkpoints:
    """Copy a large import's write-ahead log back into the database in a thread of its own.

    An import's chunk commits without copying (``without_copy``); the copy then runs while the
    next chunk is read into memory, and ``wait`` returns once it is done. The next chunk's
    transaction must start after it: SQLite starts the log over only at a write transaction
    that began when every page in it had been copied back, or the log would grow all import
    long. SQLite copies without the interpreter, so the two really overlap. No-op on PostgreSQL.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._copying: threading.Thread | None = None
        self._failed: Exception | None = None

    @contextmanager
    def without_copy(self, conn: Connection) -> Iterator[None]:
        """Have ``conn``'s commits within the block leave the copy to ``start``."""
        if not is_sqlite(self.engine):
            yield
            return
        raw: Any = conn.connection.driver_connection
        raw.execute("PRAGMA wal_autocheckpoint=0")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")

    def start(self) -> None:
        """Start copying what has been committed."""
        if is_sqlite(self.engine):
            self.wait()
            self._copying = threading.Thread(target=self._copy, name="readmit-checkpoint")
            self._copying.start()

    def wait(self) -> None:
        """Return once the copy started last is done; raise the database's error if it failed
        (the disk full, say: the next chunk would fail too, and a re-run resumes)."""
        self.stop()
        failed, self._failed = self._failed, None
        if failed is not None:
            raise failed

    def stop(self) -> None:
        """Wait for the copy, if one runs, without raising: for an import already ending."""
        if self._copying is not None:
            self._copying.join()
            self._copying = None

    def _copy(self) -> None:
        dbapi_error = self.engine.dialect.loaded_dbapi.Error
        try:
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                raw.close()
        except dbapi_error as error:  # as SQLAlchemy raises the driver's (the CLI reports it)
            self._failed = DBAPIError.instance(None, None, error, dbapi_error)
        except Exception as error:  # for ``wait`` to raise: a thread's own would only print it
            self._failed = error


def fold_in_the_log(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database file and empty it, so that the file
    alone holds everything committed (a copy of it, taken without SQLite, is complete).
    No-op on PostgreSQL."""
    if not is_sqlite(engine):
        return
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


# The tables a large import grows (their statistics steer the import's own lookups).
IMPORTED_TABLES = ("events", "cases", "flights", "coop_facts", "coop_responses")


def refresh_statistics(engine: Engine) -> None:
    """Have PostgreSQL re-sample the imported tables' statistics now. Autovacuum would do it
    later; meanwhile a table planned as tiny gets its key lookups planned as full scans, which
    a large import repeats for every chunk. (SQLite's lookups use their indexes regardless.)"""
    if is_sqlite(engine):
        return
    with engine.connect() as conn:
        conn.exec_driver_sql(f"ANALYZE {', '.join(IMPORTED_TABLES)}")
        conn.commit()
