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
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select

from readmit.store.decision_log import add_holds, log_decisions
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

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
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
        while True:
            with self._cond:
                if not self._queue:
                    self._cond.wait(IDLE_SECONDS)
                if not self._queue:
                    self._running = False
                    return
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            # A caller that gave up before its line was taken is not waiting: skip its line.
            self._write([item for item in batch if item[1].set_running_or_notify_cancel()])

    def _write(self, batch: list[tuple[LogLine, Future[Written]]]) -> None:
        if not batch:
            return
        try:
            outcomes = self._commit([line for line, _ in batch])
        except Exception as error:  # handed to the caller waiting for the line, never lost
            if len(batch) > 1:
                # One bad line must not fail the others: write each alone, each with its answer.
                for item in batch:
                    self._write([item])
                return
            batch[0][1].set_exception(error)
            return
        for (_, future), written in zip(batch, outcomes, strict=True):
            future.set_result(written)

    def _commit(self, lines: list[LogLine]) -> list[Written]:
        with self.engine.connect().execution_options(readmit_write=True) as conn, conn.begin():
            head = _locked_head(conn)
            fits = [not line.exact or line.row["ledger_seq"] == head for line in lines]
            kept = [line for line, fit in zip(lines, fits, strict=True) if fit]
            log_decisions(conn, [line.row for line in kept])
            add_holds(conn, [hold for line in kept for hold in line.holds])
        self.head = head
        return [Written(fit, head) for fit in fits]


def _locked_head(conn: Connection) -> int:
    query = select(ledger_head.c.seq).where(ledger_head.c.id == 1)
    if conn.dialect.name != "sqlite":
        # Ledger writers lock this row FOR UPDATE: none can commit between this read and ours.
        query = query.with_for_update(read=True)
    seq = conn.execute(query).scalar_one_or_none()
    return int(seq) if seq is not None else 0
