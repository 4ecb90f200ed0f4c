"""Group commit of the decision log: one writer thread, one transaction for many decisions.

Each caller hands its log line to the writer and waits for the transaction that holds it to
commit, so a decision is only answered once it is logged. Lines that arrive while a transaction
is being written wait for the next one: under load, one commit carries many decisions; alone,
a line is written at once.

A line decided on the rules at ledger position ``ledger_seq`` may ask to be logged only if that
is still the ledger's head when it commits (``exact``); otherwise the writer hands it back with
the new head, and the caller decides again. The head is read in the same transaction, under a
lock that ledger writers respect (SQLite's write lock; PostgreSQL ``FOR SHARE`` on the head row).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import Pool

from readmit.store.bulk import insert_sql
from readmit.store.decision_log import (
    DECISION_COLUMNS,
    HOLD_COLUMNS,
    decision_values,
    hold_values,
)
from readmit.store.sanctions_schema import decision_holds, decisions
from readmit.store.schema import ledger_head

# A writer with nothing to do for this long ends its thread; the next line starts a new one.
IDLE_SECONDS = 2.0
MAX_BATCH = 1_000


@dataclass(frozen=True)
class LogLine:
    """One decision to log: its row, its held applications, and whether the head must match."""

    row: dict[str, Any]
    holds: list[dict[str, Any]] = field(default_factory=list)
    exact: bool = True


@dataclass(frozen=True)
class Written:
    """What became of a line: logged, or handed back because the ledger moved on to ``head``."""

    logged: bool
    head: int


class DecisionWriter:
    """Append decision log lines in as few transactions as the load allows."""

    def __init__(self, engine: Engine, *, wait_for_disk: bool = True) -> None:
        self.engine = engine
        # PostgreSQL: False commits each batch with synchronous_commit off (docs/settings.md).
        self.wait_for_disk = wait_for_disk
        self.head: int | None = None  # the ledger head the last commit saw
        self._cond = threading.Condition()
        self._queue: list[tuple[LogLine, Future[Written]]] = []
        self._running = False

    def submit(self, line: LogLine) -> Future[Written]:
        """Queue a line; the future completes once its transaction has committed (or failed)."""
        future: Future[Written] = Future()
        with self._cond:
            self._queue.append((line, future))
            if self._running:
                self._cond.notify()
            else:
                self._running = True
                threading.Thread(target=self._run, name="readmit-decision-log", daemon=True).start()
        return future

    def _run(self) -> None:
        # The thread's connection, kept from one commit to the next while it runs: checking
        # one out of the pool for every commit cost about 0.14 ms a decision (bench/README.md).
        # It is given back when the thread ends (idle for IDLE_SECONDS) or a commit fails.
        held = _Held(self.engine, self.wait_for_disk)
        try:
            while batch := self._next_batch():
                # A caller that gave up before its line was taken is not waiting: skip its line.
                live = [item for item in batch if item[1].set_running_or_notify_cancel()]
                if live:
                    self._write(held, live)
        finally:
            held.release()

    def _next_batch(self) -> list[tuple[LogLine, Future[Written]]]:
        with self._cond:
            if not self._queue:
                self._cond.wait(IDLE_SECONDS)
            if not self._queue:
                self._running = False
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            return batch

    def _write(self, held: _Held, batch: list[tuple[LogLine, Future[Written]]]) -> None:
        try:
            outcomes = self._commit(held, [line for line, _ in batch])
        except Exception as error:  # handed to the caller waiting for the line, never lost
            if len(batch) > 1:
                # One bad line must not fail the others: write each alone, each with its answer.
                for item in batch:
                    self._write(held, [item])
                return
            batch[0][1].set_exception(error)
            return
        for (_, future), written in zip(batch, outcomes, strict=True):
            future.set_result(written)

    def _commit(self, held: _Held, lines: list[LogLine]) -> list[Written]:
        driver = held.get()
        try:
            with driver.transaction() as cursor:
                head = driver.locked_head(cursor)
                fits = [not line.exact or line.row["ledger_seq"] == head for line in lines]
                kept = [line for line, fit in zip(lines, fits, strict=True) if fit]
                holds = [hold_values(hold) for line in kept for hold in line.holds]
                rows = [decision_values(line.row) for line in kept]
                cursor.executemany(driver.insert_decisions, rows)
                if holds:
                    cursor.executemany(driver.insert_holds, holds)
        except BaseException:
            held.release()  # the next commit starts on a fresh connection
            raise
        self.head = head
        return [Written(fit, head) for fit in fits]


class _Held:
    """One writer thread's connection: opened on first use, kept until released."""

    def __init__(self, engine: Engine, wait_for_disk: bool) -> None:
        self.engine = engine
        self.wait_for_disk = wait_for_disk
        self.driver: _Driver | None = None
        self.pool: Pool | None = None

    def get(self) -> _Driver:
        if self.driver is None:
            self.pool = self.engine.pool
            self.driver = _Driver(self.engine.connect(), self.wait_for_disk)
        return self.driver

    def release(self) -> None:
        driver, self.driver = self.driver, None
        if driver is None:
            return
        with suppress(Exception):  # a lost connection has nothing left to give back
            if self.pool is self.engine.pool:
                driver.conn.close()  # back to the pool
            else:  # the engine was disposed meanwhile: its old pool would never close it
                driver.conn.invalidate()


class _Driver:
    """The writer's connection, used through its driver: at hundreds of commits a second,
    SQLAlchemy's own work per statement would cost more than the database's."""

    def __init__(self, conn: Connection, wait_for_disk: bool = True) -> None:
        self.conn = conn
        self.raw: Any = conn.connection.driver_connection
        self.dbapi: Any = conn.dialect.loaded_dbapi
        self.sqlite = conn.dialect.name == "sqlite"
        # Set for each transaction only (SET LOCAL): a pooled connection keeps the server's.
        self.deferred = not self.sqlite and not wait_for_disk
        style = conn.dialect.paramstyle
        self.insert_decisions = insert_sql(style, decisions, DECISION_COLUMNS)
        self.insert_holds = insert_sql(style, decision_holds, HOLD_COLUMNS)
        # Ledger writers lock the head row FOR UPDATE (on SQLite, the write lock taken at
        # BEGIN IMMEDIATE): none can commit between this read and the log's commit.
        lock = "" if self.sqlite else " FOR SHARE"
        self.head_sql = f"SELECT seq FROM {ledger_head.name} WHERE id = 1{lock}"

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """Yield a cursor in a write transaction, committed if no error leaves the block.

        The driver's errors leave as SQLAlchemy's (the API answers a busy or unreachable
        database with 503, as for any other query), and a lost connection is not pooled again.
        """
        cursor = self.raw.cursor()
        try:
            if self.sqlite:  # the driver is in autocommit mode here (see store.db)
                cursor.execute("BEGIN IMMEDIATE")
            elif self.deferred:
                cursor.execute("SET LOCAL synchronous_commit = off")
            yield cursor
            self.raw.commit()
        except self.dbapi.Error as error:
            self._rollback()
            lost = self.conn.dialect.is_disconnect(error, self.raw, cursor)
            if lost:
                self.conn.invalidate(error)
            raise DBAPIError.instance(
                None, None, error, self.dbapi.Error, connection_invalidated=lost
            ) from error
        except BaseException:
            self._rollback()
            raise
        finally:
            with suppress(self.dbapi.Error):
                cursor.close()

    def _rollback(self) -> None:
        with suppress(self.dbapi.Error):  # a lost connection has nothing left to roll back
            self.raw.rollback()

    def locked_head(self, cursor: Any) -> int:
        cursor.execute(self.head_sql)
        found = cursor.fetchone()
        return int(found[0]) if found is not None else 0
