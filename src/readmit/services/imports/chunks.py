"""Applying an import's rows chunk by chunk: directly, or pipelined across two processes.

Either way each chunk is one transaction: its rows' events, their projections, its rejections
and the import's position, all committed together or not at all.

- **Directly**, this process takes the write lock, reads what the chunk needs, decides every
  row, writes and commits; then the next chunk. Other writers may get in between chunks.
- **Pipelined**, this process reads and decides each chunk on a read connection, with its
  writes staged (``store/staging``), and hands them to a writer process
  (``store/chunk_writer``), which commits them while this one decides the next chunk: the two
  halves of the work, about equal on a large import, run on two cores. What this process has
  read and decided it keeps (the handler's and the projections' caches), so the next chunk
  never depends on reading what the last one wrote before that is committed. The writer
  checks, under the write lock, that the ledger head and the position are still the ones the
  chunk was decided on; if another writer got in, that chunk is redone directly, with
  everything read afresh, and the pipeline starts again after it.

The same rows get the same decisions both ways (the same code decides them), so a resumed
import equals an uninterrupted one whichever way each run went.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import polars as pl
from sqlalchemy import insert, select, update

from readmit.batch.tables import LINE, MALFORMED
from readmit.domain.errors import Conflict, ReadmitError, UnreadableFile
from readmit.domain.events import NewEvent, utc_now, utc_text
from readmit.domain.merkle import Frontier
from readmit.services.context import App
from readmit.services.imports.report import ImportReport, Rejection
from readmit.services.imports.rows import KEY, LEGACY_KEY, RowHandler
from readmit.store.chunk_writer import Chunk, ChunkWriter
from readmit.store.db import Checkpoints, refresh_statistics
from readmit.store.projections import Projections
from readmit.store.schema import import_rejections, imports
from readmit.store.staging import Staged, allow_staging
from readmit.store.uow import UnitOfWork

Progress = Callable[[int, int], None]
Row = dict[str, Any]
# Cases a pipelined import keeps what it read and decided of (about 750 bytes each) before it
# lets the chunk in flight commit and starts again from the store.
KEPT_CASES = 250_000


@dataclass
class Import:
    """One run of an import: its rows, where it stands, and what it has done so far."""

    app: App
    handler: RowHandler
    digest: str
    frame: pl.DataFrame
    chunk_rows: int
    report: ImportReport
    progress: Progress | None
    statistics_at: int = 0  # rows applied when PostgreSQL's statistics are refreshed next
    frontier: Frontier | None = None  # the log's Merkle tree as the writer process left it
    statistics: Background | None = None  # the refresh of the statistics under way

    def rows(self, start: int, count: int | None = None) -> list[Row]:
        """The chunk of rows from ``start`` (``count`` of them, a chunk's worth by default),
        as dicts (built from whole columns: a sixth faster than ``to_dicts``, row by row; and
        without a Python loop, a fifth faster again)."""
        part = self.frame.slice(start, count or self.chunk_rows)
        names = part.columns
        columns = [part.get_column(name).to_list() for name in names]
        # One value per name by construction: a strict zip per row would only slow every chunk.
        return list(map(dict, map(zip, repeat(names), zip(*columns, strict=True))))

    def chunk_done(self, end: int, outcome: Outcome) -> None:
        """Count a committed chunk's rows, and tell how far the import has got."""
        self.report.applied += outcome.applied
        self.report.already += outcome.already
        self.report.rejected.extend(outcome.rejected)
        if self.report.applied >= self.statistics_at:
            # Each time the import has doubled what it added: a few samples per import. In a
            # thread of its own: the database samples while the next chunk is decided.
            self.statistics_refreshed()
            self.statistics = Background(refresh_statistics, self.app.engine)
            self.statistics_at = 2 * self.report.applied
        if self.progress:
            self.progress(min(end, self.frame.height), self.frame.height)

    def statistics_refreshed(self, quietly: bool = False) -> None:
        """Wait for the refresh of the statistics under way; raise its error unless
        ``quietly`` (for an import already failing)."""
        statistics, self.statistics = self.statistics, None
        if statistics is not None:
            statistics.join(quietly)


class Background:
    """A call running in a thread of its own; ``join`` waits for it and raises its error."""

    def __init__(self, call: Callable[..., object], *args: object) -> None:
        self._call, self._args = call, args
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="readmit-statistics")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._call(*self._args)
        except BaseException as error:  # for ``join`` to raise: a thread's own would print it
            self._failed = error

    def join(self, quietly: bool = False) -> None:
        self._thread.join()
        if self._failed is not None and not quietly:
            raise self._failed


@dataclass
class Outcome:
    """What became of one chunk's rows (once it is committed)."""

    applied: int
    already: int
    rejected: list[Rejection]


def apply_directly(run: Import, start: int) -> None:
    """Apply the rows from ``start`` on, one chunk after the other, in this process."""
    checkpoints = Checkpoints(run.app.engine)
    try:
        with no_cycle_collection():
            for chunk_start in range(start, run.frame.height, run.chunk_rows):
                rows = run.rows(chunk_start)
                checkpoints.wait()  # the last chunk's pages, copied back while its rows were read
                outcome = _apply_chunk(run, chunk_start, rows, checkpoints)
                checkpoints.start()
                run.chunk_done(chunk_start + len(rows), outcome)
        checkpoints.wait()
        run.statistics_refreshed()
    finally:
        checkpoints.stop()  # never return (or fail) with the copy still running
        run.statistics_refreshed(quietly=True)


def _apply_chunk(run: Import, start: int, rows: list[Row], checkpoints: Checkpoints) -> Outcome:
    """Apply one chunk in one transaction of this process, with everything read afresh."""
    run.handler.forget()  # other writers may have moved things on since the last chunk
    with run.app.uow() as uow, checkpoints.without_copy(uow.conn):
        _check_position(uow, run.digest, start)
        outcome = _decide(uow, run, start, rows)
        uow.commit()
    return outcome


@dataclass
class _Decided:
    chunk: Chunk | None  # its writes, until they are handed to the writer
    start: int
    end: int
    outcome: Outcome
    head: tuple[int, str]  # the ledger head once the chunk is committed


def apply_pipelined(run: Import, start: int) -> None:
    """Apply the rows from ``start`` on, deciding each chunk while the last one is committed."""
    allow_staging(run.app.engine)
    writer = ChunkWriter(run.app.engine)
    try:
        with no_cycle_collection():
            _pipeline(run, start, writer)
        run.frontier = writer.close()
        run.statistics_refreshed()
    except BaseException:
        writer.abandon()  # whatever it has not committed is rolled back
        run.statistics_refreshed(quietly=True)
        raise


def _pipeline(run: Import, start: int, writer: ChunkWriter) -> None:
    projections: Projections | None = None  # what has been read and decided, kept
    head: tuple[int, str] | None = None
    pending: _Decided | None = None  # handed to the writer, not known to be committed yet
    position = start
    while True:
        if pending is not None and projections is not None and projections.kept() > KEPT_CASES:
            # Let the chunk in flight commit, then start again from what is committed: what
            # is kept stays bounded (a million cases would keep about a gigabyte).
            _settle(run, writer, pending)
            pending, projections, head = None, None, None
        decided = None
        if position < run.frame.height:
            if projections is None:
                run.handler.forget()
                projections = Projections()
            rows = _pipelined_chunk(run, position, first=pending is None)
            decided = _decide_staged(run, position, rows, projections, head)
            position, head = decided.end, decided.head
        if pending is not None and not _settle(run, writer, pending):
            # Redone: drop the chunk decided on top of it, and start again after it.
            position, decided, projections, head = pending.end, None, None, None
        pending = None
        if decided is None:
            if position >= run.frame.height:
                return
            continue
        assert decided.chunk is not None
        writer.submit(decided.chunk)
        decided.chunk = None  # not held while the next chunk is decided
        pending = decided


def _settle(run: Import, writer: ChunkWriter, pending: _Decided) -> bool:
    """Wait for the chunk in flight; True if it was committed as decided. If another writer
    got in first, redo it here with everything read afresh, and return False."""
    if writer.committed():
        run.chunk_done(pending.end, pending.outcome)
        return True
    rows = run.rows(pending.start, pending.end - pending.start)
    outcome = _apply_chunk(run, pending.start, rows, Checkpoints(run.app.engine))
    run.chunk_done(pending.end, outcome)
    return False


def _pipelined_chunk(run: Import, position: int, first: bool) -> list[Row]:
    """The rows of the next chunk to decide: a quarter of a chunk first (the writer starts
    sooner) and last (less is left to commit once the last row is decided), whole chunks
    between. (Chunks of fewer than four rows are all whole.)"""
    left, quarter = run.frame.height - position, run.chunk_rows // 4
    count = min(left, run.chunk_rows)
    if quarter and (first or left <= quarter):
        count = min(left, quarter)
    elif quarter and left < run.chunk_rows + quarter:
        count = left - quarter  # leave a quarter for the last chunk
    return run.rows(position, count)


def _decide_staged(
    run: Import,
    start: int,
    rows: list[Row],
    projections: Projections,
    head: tuple[int, str] | None,
) -> _Decided:
    """Decide one chunk on a read connection, its writes staged for the writer process."""
    staged = Staged()
    with UnitOfWork(run.app.engine, staged=staged, projections=projections) as uow:
        before = head if head is not None else uow.ledger.head()
        uow.ledger.assume_head(before)
        outcome = _decide(uow, run, start, rows)
        after = uow.ledger.lock_head()  # where its events end (the writer seals them)
    chunk = Chunk(before[0], run.digest, start, staged.events, staged.statements)
    return _Decided(chunk, start, start + len(rows), outcome, after)


def _decide(uow: UnitOfWork, run: Import, start: int, rows: list[Row]) -> Outcome:
    """Decide every row of a chunk and write (or stage) its events, rejections and position."""
    handler = run.handler
    existing = _already_imported(uow, rows)
    handler.load(uow, [r for r in rows if r[KEY] not in existing])
    new_events: list[NewEvent] = []
    rejected: list[Rejection] = []
    for offset, row in enumerate(rows):
        if row[KEY] in existing:
            continue
        try:
            if row[MALFORMED] is not None:
                raise UnreadableFile(f"line {row[LINE]} cannot be read as a row: {row[MALFORMED]}")
            new_events.extend(handler.apply(row))
        except ReadmitError as error:
            allowed = [] if row[MALFORMED] is not None else handler.allowed(row)
            rejected.append(
                Rejection(start + offset, row[LINE], error.code, error.message, allowed)
            )
    handler.flush(uow)
    uow.record(new_events)
    _save_progress(uow, run.digest, start + len(rows), rejected)
    return Outcome(len(new_events), len(existing), rejected)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while an import applies its chunks.

    An import allocates millions of acyclic objects (rows, events, projection rows) that
    reference counting frees, and each pass of the collector walks every one of them still
    alive, the state a pipeline keeps included (bench/README.md). The few cycles an import
    leaves (a connection's, a transaction's) are collected once it is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _already_imported(uow: UnitOfWork, rows: list[Row]) -> set[str]:
    """Return the keys of the rows whose event the log already holds, under either key form."""
    keys = [r[KEY] for r in rows]
    legacy = [r[LEGACY_KEY] for r in rows if LEGACY_KEY in r]
    found = uow.ledger.existing_keys(keys + legacy)
    if not legacy:
        return found
    return {r[KEY] for r in rows if r[KEY] in found or r[LEGACY_KEY] in found}


def _check_position(uow: UnitOfWork, digest: str, start: int) -> None:
    position = uow.conn.execute(
        select(imports.c.position).where(imports.c.digest == digest)
    ).scalar_one()
    if position != start:
        raise Conflict(
            "another run of this same import is in progress (or has just finished); "
            "wait for it, then run the import again to see its summary"
        )


def _save_progress(uow: UnitOfWork, digest: str, position: int, rejected: list[Rejection]) -> None:
    if rejected:
        uow.conn.execute(
            insert(import_rejections),
            [
                {
                    "digest": digest,
                    "position": r.position,
                    "line": r.line,
                    "code": r.code,
                    "reason": r.reason,
                    "allowed": ",".join(r.allowed),
                }
                for r in rejected
            ],
        )
    total = uow.conn.execute(select(imports.c.total).where(imports.c.digest == digest)).scalar_one()
    values: dict[str, object] = {"position": position}
    if position >= total:
        values["finished_at"] = utc_text(utc_now())
    uow.conn.execute(update(imports).where(imports.c.digest == digest).values(**values))
