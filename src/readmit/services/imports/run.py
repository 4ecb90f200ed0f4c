"""Import cases, flights and case events from CSV or Parquet: fast, idempotent, crash-safe.

The file is read and prepared once (Polars), events are ordered by (occurred_on, line), and
rows are applied in chunks, each chunk one transaction: its rows' events are recorded in one
call, its rejections and the import's position are written with them (``import_chunks``; a
file of more than one chunk is pipelined over two processes). A SIGKILL therefore leaves every
row fully applied or absent, and a re-run of the same file resumes at the first uncommitted
chunk with exactly the decisions an uninterrupted run makes. Every event carries a
``dedupe_key`` from the row's content, so importing the same rows again adds nothing. A case
event's key begins with the row's date: rows apply in date order, so new keys land together at
the end of the key index instead of at random places in it (at a million events, random keys
made the store rewrite most of that index's pages with every chunk).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import insert, select

from readmit.batch.tables import LINE, MALFORMED, file_digest, read_table, write_rows
from readmit.domain import validation
from readmit.domain.errors import InvalidInput
from readmit.domain.events import utc_now, utc_text
from readmit.services.context import Actor, App
from readmit.services.imports.chunks import Import, Progress, apply_directly, apply_pipelined
from readmit.services.imports.report import ImportReport, Rejection, rejected_path
from readmit.services.imports.rows import (
    KEY,
    LEGACY_KEY,
    PARSED,
    SHORT,
    CaseRows,
    EventRows,
    FlightRows,
    RowHandler,
)
from readmit.services.transparency import sign_tree_head
from readmit.store.bulk import settle_after_load
from readmit.store.projections import projection_tables
from readmit.store.schema import KEY_FORMAT, events, import_rejections, imports, persons

__all__ = ["CHUNK_ROWS", "LEGACY_KEY", "ImportReport", "import_file", "prepare", "rejected_path"]

KINDS: dict[str, type[CaseRows] | type[FlightRows] | type[EventRows]] = {
    "cases": CaseRows,
    "flights": FlightRows,
    "events": EventRows,
}
# Rows per transaction: each commit rewrites every index page its rows touched, so fewer, larger
# commits rewrite them fewer times; a crash redoes up to one chunk (bench/README.md).
CHUNK_ROWS = 100_000
CONTENT, ORDINAL = "_content", "_ordinal"


def import_file(
    app: App,
    actor: Actor,
    *,
    kind: str,
    path: Path,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    today: date | None = None,
    pipeline: bool | None = None,
) -> ImportReport:
    """Import one file of ``kind`` (cases, flights or events); see docs/import-formats.md.

    ``pipeline``: decide each chunk while a second process commits the last one (by default,
    when more than one chunk is left to apply); see ``import_chunks``.
    """
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
    run = Import(app, handler, digest, frame, chunk_rows, report, progress, chunk_rows)
    if pipeline is None:
        pipeline = frame.height - start > chunk_rows
    (apply_pipelined if pipeline else apply_directly)(run, start)
    report.rejected.sort(key=lambda r: r.line)
    _write_rejected(path, frame, handler, report)
    if report.applied:  # what it bulk-loaded, left ready to read (VACUUM on PostgreSQL)
        settle_after_load(app.engine, [events, persons, *projection_tables()])
    sign_tree_head(app, reason=f"import of {kind}", frontier=run.frontier)
    return report


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
    # A malformed row is rejected, never applied: its key is its line's, no row's content.
    content = pl.concat_str(normal, separator="\x1f")
    malformed = pl.concat_str([pl.lit("malformed\x1e"), pl.col(LINE).cast(pl.String)])
    frame = frame.with_columns(
        pl.when(pl.col(MALFORMED).is_null()).then(content).otherwise(malformed).alias(CONTENT),
        *[pl.col(d).str.to_date("%Y-%m-%d", strict=False).alias(PARSED + d) for d in handler.dates],
        _short(handler.spec.columns).alias(SHORT),
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


def _short(columns: Sequence[str]) -> pl.Expr:
    """Whether every cell is short enough, without a NUL, to break no limit on any text: the
    rows that need no check of their texts one by one (``rows.SHORT``)."""
    fits = [
        pl.col(name).is_null()
        | (
            (pl.col(name).str.len_chars() <= validation.SHORTEST_LIMIT)
            & ~pl.col(name).str.contains(validation.NUL, literal=True)
        )
        for name in columns
    ]
    return pl.all_horizontal(fits) if fits else pl.lit(True)


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
