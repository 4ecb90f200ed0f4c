"""Import cases, flights and case events from CSV or Parquet: fast, idempotent, crash-safe.

The file is read and prepared once (Polars), events are ordered by (occurred_on, line), and
rows are applied in chunks, each chunk one transaction: its rows' events are recorded in one
call, its rejections and the import's position are written with them. A SIGKILL therefore
leaves every row fully applied or absent, and a re-run of the same file resumes at the first
uncommitted chunk with exactly the decisions an uninterrupted run makes. Every event carries a
``dedupe_key`` from the row's content, so importing the same rows again adds nothing. A case
event's key begins with the row's date: rows apply in date order, so new keys land together at
the end of the key index instead of at random places in it (at a million events, random keys
made the store rewrite most of that index's pages with every chunk).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import insert, select, update

from readmit.batch.tables import LINE, file_digest, read_table, write_rows
from readmit.domain.errors import Conflict, InvalidInput, ReadmitError
from readmit.domain.events import NewEvent, utc_now, utc_text
from readmit.services.context import Actor, App
from readmit.services.import_rows import KEY, PARSED, CaseRows, EventRows, FlightRows, RowHandler
from readmit.store.db import Checkpoints, refresh_statistics
from readmit.store.schema import KEY_FORMAT, import_rejections, imports
from readmit.store.uow import UnitOfWork

KINDS: dict[str, type[CaseRows] | type[FlightRows] | type[EventRows]] = {
    "cases": CaseRows,
    "flights": FlightRows,
    "events": EventRows,
}
# Rows per transaction. Each commit rewrites every page its rows touched in the indexes keyed by
# case (at a million events, most of them): fewer, larger commits rewrite them fewer times (1M
# events: ~77 s in 50,000-row chunks, ~66 s in 100,000; 200,000 gained nothing more that could
# be told from the noise, and a crash redoes up to one chunk).
CHUNK_ROWS = 100_000
CONTENT, ORDINAL = "_content", "_ordinal"
# The key a row had before keys began with its date (migration 0007), looked up as well while
# the store holds events imported with such keys.
LEGACY_KEY = "_legacy_key"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Rejection:
    """A row left out, with why and what the case allowed instead."""

    position: int
    line: int
    code: str
    reason: str
    allowed: list[str]


@dataclass
class ImportReport:
    """What an import did: rows read, applied, already imported, rejected."""

    kind: str
    path: Path
    read: int = 0
    applied: int = 0
    already: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_file: Path | None = None
    resumed_at: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "file": str(self.path),
            "read": self.read,
            "applied": self.applied,
            "already_imported": self.already,
            "rejected": len(self.rejected),
            "rejected_file": str(self.rejected_file) if self.rejected_file else None,
            "resumed_at_row": self.resumed_at,
        }


def rejected_path(path: Path) -> Path:
    """Return where the rejected rows of ``path`` are written: ``FILE.rejected.csv``."""
    return path.with_name(path.name + ".rejected.csv")


def import_file(
    app: App,
    kind: str,
    path: Path,
    actor: Actor,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    today: date | None = None,
) -> ImportReport:
    """Import one file of ``kind`` (cases, flights or events); see docs/import-formats.md."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown import kind {kind!r}; use cases, flights or events")
    handler: RowHandler = KINDS[kind](actor, today or date.today())
    legacy = handler.order_by is not None and _legacy_keys_held(app, kind)
    frame = prepare(read_table(path, handler.spec), handler, legacy)
    report = ImportReport(kind, path, read=frame.height)
    digest = file_digest(path, salt=f"readmit import {kind}\n")
    start = _begin(app, digest, kind, path.name, frame.height, report)
    if progress:
        progress(start, frame.height)
    statistics_at = chunk_rows  # rows applied when the statistics are refreshed next
    checkpoints = Checkpoints(app.engine)
    try:
        for chunk_start in range(start, frame.height, chunk_rows):
            with _no_cycle_collection():
                rows = frame.slice(chunk_start, chunk_rows).to_dicts()
                checkpoints.wait()  # the last chunk's pages, copied back while its rows were read
                _apply_chunk(app, handler, digest, chunk_start, rows, report, checkpoints)
            checkpoints.start()
            if report.applied >= statistics_at:
                # Each time the import has doubled what it added: a few samples per import.
                refresh_statistics(app.engine)
                statistics_at = 2 * report.applied
            if progress:
                progress(min(chunk_start + chunk_rows, frame.height), frame.height)
        checkpoints.wait()
    finally:
        checkpoints.stop()  # never return (or fail) with the copy still running
    report.rejected.sort(key=lambda r: r.line)
    _write_rejected(path, frame, handler, report)
    return report


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while one chunk is applied.

    A chunk holds hundreds of thousands of short-lived, acyclic objects (rows, events,
    projection rows) that reference counting frees; the collector's passes over them cost a
    sixth of an import's CPU time. Between chunks it runs as usual, so the few cycles a chunk
    makes are collected then.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(frame: pl.DataFrame, handler: RowHandler, legacy: bool = False) -> pl.DataFrame:
    """Add parsed dates, the dedupe key, and put the rows in the order they apply in."""
    normal = []
    for name in handler.spec.columns:
        column = pl.col(name)
        if name in handler.lower:
            column = column.str.to_lowercase()
        elif name in handler.upper:
            column = column.str.to_uppercase()
        normal.append(column.fill_null(""))
    frame = frame.with_columns(
        pl.concat_str(normal, separator="\x1f").alias(CONTENT),
        *[pl.col(d).str.to_date("%Y-%m-%d", strict=False).alias(PARSED + d) for d in handler.dates],
    )
    # Identical rows within one file are distinct facts: the n-th copy gets its own key.
    frame = frame.with_columns((pl.col(LINE).rank("ordinal").over(CONTENT) - 1).alias(ORDINAL))
    digests = [
        _key(handler.kind, ordinal, content)
        for content, ordinal in zip(frame[CONTENT], frame[ORDINAL], strict=True)
    ]
    frame = frame.with_columns(pl.Series(LEGACY_KEY, digests, dtype=pl.String))
    frame = frame.with_columns(_dated_key(handler).alias(KEY)).drop(CONTENT, ORDINAL)
    if not legacy:
        frame = frame.drop(LEGACY_KEY)
    if handler.order_by:
        frame = frame.sort([PARSED + handler.order_by, LINE], nulls_last=True)
    return frame


def _key(kind: str, ordinal: int, content: str) -> str:
    return hashlib.sha256(f"{kind}\x1e{ordinal}\x1e{content}".encode()).hexdigest()


def _dated_key(handler: RowHandler) -> pl.Expr:
    """``YYYYMMDD-`` and 55 hex digits of the digest for dated rows; the bare digest otherwise."""
    if handler.order_by is None:
        return pl.col(LEGACY_KEY)
    day = pl.col(PARSED + handler.order_by).dt.strftime("%Y%m%d").fill_null("00000000")
    return pl.concat_str([day, pl.lit("-"), pl.col(LEGACY_KEY).str.slice(0, 55)])


def _legacy_keys_held(app: App, kind: str) -> bool:
    """Tell whether an import of ``kind`` recorded before migration 0007 gave events keys."""
    with app.uow(write=False) as uow:
        earlier = select(imports.c.digest).where(
            imports.c.kind == kind, imports.c.key_format.is_(None)
        )
        return uow.conn.execute(earlier.limit(1)).first() is not None


def _begin(app: App, digest: str, kind: str, name: str, total: int, report: ImportReport) -> int:
    """Register the import, or find how far an earlier run of this same file got."""
    with app.uow() as uow:
        row = uow.conn.execute(select(imports.c.position).where(imports.c.digest == digest)).first()
        if row is None:
            uow.conn.execute(
                insert(imports).values(
                    digest=digest,
                    kind=kind,
                    file_name=name,
                    total=total,
                    position=0,
                    started_at=utc_text(utc_now()),
                    key_format=KEY_FORMAT,
                )
            )
            uow.commit()
            return 0
        start = int(row.position)
        earlier = uow.conn.execute(
            select(import_rejections)
            .where(import_rejections.c.digest == digest, import_rejections.c.position < start)
            .order_by(import_rejections.c.position)
        )
        for r in earlier:
            allowed = r.allowed.split(",") if r.allowed else []
            report.rejected.append(Rejection(r.position, r.line, r.code, r.reason, allowed))
    # Rows before the resume point were decided by an earlier run: applied then, or rejected.
    report.already, report.resumed_at = start - len(report.rejected), start
    return start


def _apply_chunk(
    app: App,
    handler: RowHandler,
    digest: str,
    start: int,
    rows: list[dict[str, Any]],
    report: ImportReport,
    checkpoints: Checkpoints,
) -> None:
    """Apply one chunk of rows in one transaction: events, rejections and position together."""
    with app.uow() as uow, checkpoints.without_copy(uow.conn):
        _check_position(uow, digest, start)
        existing = _already_imported(uow, rows)
        handler.load(uow, [r for r in rows if r[KEY] not in existing])
        new_events: list[NewEvent] = []
        rejected: list[Rejection] = []
        for offset, row in enumerate(rows):
            if row[KEY] in existing:
                continue
            try:
                new_events.extend(handler.apply(row))
            except ReadmitError as error:
                allowed = handler.allowed(row)
                rejected.append(
                    Rejection(start + offset, row[LINE], error.code, error.message, allowed)
                )
        handler.flush(uow)
        uow.record(new_events)
        _save_progress(uow, digest, start + len(rows), rejected)
        uow.commit()
    report.applied += len(new_events)
    report.already += len(existing)
    report.rejected.extend(rejected)


def _already_imported(uow: UnitOfWork, rows: list[dict[str, Any]]) -> set[str]:
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


def _write_rejected(
    path: Path, frame: pl.DataFrame, handler: RowHandler, report: ImportReport
) -> None:
    """Write ``FILE.rejected.csv`` when rows were rejected; remove a stale one otherwise."""
    target = rejected_path(path)
    if not report.rejected:
        target.unlink(missing_ok=True)
        return
    columns = list(handler.spec.columns)
    by_line = {
        row[0]: row[1:]
        for row in frame.filter(pl.col(LINE).is_in([r.line for r in report.rejected]))
        .select(LINE, *columns)
        .iter_rows()
    }
    header = ["rejected_line", "rejected_code", "rejected_reason", "allowed_next_events", *columns]
    write_rows(
        target,
        header,
        (
            [r.line, r.code, r.reason, " ".join(r.allowed), *by_line[r.line]]
            for r in report.rejected
        ),
    )
    report.rejected_file = target
