"""Batch screening of a CSV or Parquet file, streaming in chunks (memory bounded by the chunk).

Rows whose post is in no country with a measure get the cheap program (reading checks only);
the others get the full program; both are compiled from the same measures. A CSV line that
cannot be parsed becomes an ``invalid`` row of its own and does not stop the rest.
"""

from __future__ import annotations

import csv
import hashlib
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from readmit.batch.screening_polars import PREFIX, col, prepare, translate
from readmit.domain.errors import InvalidInput
from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_policy import Policy
from readmit.domain.screening_compile import OUTPUTS, compile_program, reading_checks
from readmit.domain.screening_rules import Col, Expr, In, Program

OUTPUT_COLUMNS = (*OUTPUTS, "decision_id")
ESSENTIAL = ("nationality", "visa_class", "post_country")
CHUNK_ROWS = 1 << 20
CSV_BLOCK = 32 << 20


@dataclass(frozen=True)
class Engine:
    """The programs of one measure set, with their Polars expressions translated once.

    ``full`` holds every measure (the scalar path runs it). Under the rule that a 243(d)
    measure applies only to issuance in its country, a row whose post is in a country with
    measures runs that country's program; an unreadable row elsewhere runs the reading checks;
    any other row can only be ``not_affected`` and gets that answer without running either.
    ``reading`` holds each field's reading check, which tells the unreadable rows apart.
    """

    full: Program
    reading_only: Program
    reading: tuple[tuple[str, Expr], ...]
    by_country: Mapping[str, Program] | None = None
    _expressions: dict[int, list[list[pl.Expr]]] = field(default_factory=dict, compare=False)

    def expressions(self, program: Program) -> list[list[pl.Expr]]:
        """The program's stages as Polars expressions (translated on first use)."""
        key = id(program)
        if key not in self._expressions:
            self._expressions[key] = [
                [translate(e).alias(PREFIX + n) for n, e in stage.columns]
                for stage in program.stages
            ]
        return self._expressions[key]


def build_engine(measures: Sequence[Measure], policy: Policy) -> Engine:
    """Compile the programs of a measure set under a policy."""
    full, reading = compile_program(measures, policy), compile_program([], policy)
    checks = reading_checks(policy)
    if policy.regime.place_rule != "issuance_in_country":
        return Engine(full, reading, checks)
    countries = sorted({m.country for m in measures})
    by_country = {
        c: compile_program([m for m in measures if m.country == c], policy) for c in countries
    }
    return Engine(full, reading, checks, by_country)


@dataclass
class Hold:
    row_number: int
    application_id: str
    nationality: str
    post_country: str
    visa_class: str
    decision_on: date
    measures: str


@dataclass
class BatchResult:
    rows: int = 0
    by_decision: Counter[str] = field(default_factory=Counter)
    by_measure: Counter[str] = field(default_factory=Counter)
    holds: list[Hold] = field(default_factory=list)
    malformed: int = 0


Progress = Callable[[int, float], None]


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def kind_of(path: Path) -> str:
    """Tell CSV from Parquet by the file's extension."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".parquet"}:
        return suffix[1:]
    raise InvalidInput(f"{path.name}: use a .csv or .parquet file")


def screen_frame(
    frame: pl.DataFrame, engine: Engine, as_of: date | None, today: date
) -> pl.DataFrame:
    """Screen a frame: the input columns plus the decision columns (and internal ones)."""
    return _spread(frame, _screen(frame, engine, as_of, today), {PREFIX + c: c for c in _QUIET})


def _screen(frame: pl.DataFrame, engine: Engine, as_of: date | None, today: date) -> pl.DataFrame:
    """The rows that ran a program, in row order, with the internal columns named in _KEPT."""
    numbered = frame.with_row_index(PREFIX + "row")
    if engine.by_country is None:
        work = _run(prepare(numbered, as_of, today), engine.expressions(engine.full))
    else:
        rows = prepare(numbered.filter(_needs_work(frame, engine, as_of, today)), as_of, today)
        parts = [
            _run(part, engine.expressions(engine.by_country.get(str(post), engine.reading_only)))
            for (post,), part in rows.partition_by(PREFIX + "post_country", as_dict=True).items()
        ]
        work = pl.concat([p.select(_KEPT) for p in parts]) if parts else _quiet(rows)
    # In row order: scattering at sorted indices is several times faster.
    return work.select(_KEPT).sort(PREFIX + "row")


def _spread(frame: pl.DataFrame, work: pl.DataFrame, names: Mapping[str, str]) -> pl.DataFrame:
    """Add decision columns to every row: the program's where it ran, the quiet answer elsewhere.

    ``names`` maps each column to add to the internal column it takes.
    """
    index = work.get_column(PREFIX + "row")
    return frame.with_columns(
        pl.repeat(_QUIET[name], frame.height, dtype=pl.String, eager=True)
        .scatter(index, work.get_column(PREFIX + name).cast(pl.String))
        .alias(alias)
        for alias, name in names.items()
    )


def _needs_work(frame: pl.DataFrame, engine: Engine, as_of: date | None, today: date) -> pl.Expr:
    """Rows at a post with measures, or that fail a reading check.

    Each condition reads one field, so it is evaluated on the distinct values of that field (a
    batch holds few), normalised as every other row; a row is then looked up by its value.
    """
    assert engine.by_country is not None
    at_post = In(Col("post_country"), frozenset(engine.by_country))
    checks = (("post_country", at_post), *engine.reading)
    fields = sorted({name for name, _condition in checks})
    if frame.is_empty():
        return pl.lit(False)
    distinct = frame.select(_text(frame, n).unique().implode() for n in fields).row(0)
    longest = max(len(values) for values in distinct)
    # One small frame holds every field's distinct values (a shorter list repeats its first).
    table = pl.DataFrame(
        {n: v + v[:1] * (longest - len(v)) for n, v in zip(fields, distinct, strict=True)},
        schema=dict.fromkeys(fields, pl.String),
    )
    found = prepare(table, as_of, today).select(
        pl.col(name).filter(translate(condition)).unique().implode().alias(str(i))
        for i, (name, condition) in enumerate(checks)
    )
    conditions = [
        _text(frame, name).is_in(values)
        for (name, _condition), values in zip(checks, found.row(0), strict=True)
        if values
    ]
    return pl.any_horizontal(conditions) if conditions else pl.lit(False)


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A field as text, as ``prepare`` reads it before normalising (empty when absent)."""
    if name not in frame.columns:
        return pl.lit("", dtype=pl.String).alias(name)
    return pl.col(name).cast(pl.String).fill_null("")


def _quiet(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(v, dtype=pl.String).alias(PREFIX + c) for c, v in _QUIET.items()
    )


# What the program answers for a readable row that no measure can reach.
_QUIET: dict[str, str | None] = {
    "decision": "not_affected",
    "measures": "",
    "reasons": "",
    "citations": "",
    "restrictions": "",
    "holding": None,
    "restricting": None,
    "invalid": None,
}


# What a screened row keeps: its index, its decision columns, and the fields of a hold.
_KEPT = [
    col(name)
    for name in (
        "row",
        *_QUIET,
        "application_id",
        "nationality",
        "post_country",
        "visa_class",
        "decision_on",
    )
]


def _run(frame: pl.DataFrame, stages: list[list[pl.Expr]]) -> pl.DataFrame:
    for expressions in stages:
        frame = frame.with_columns(expressions)
    return frame


def screen_file(
    source: Path,
    target: Path,
    engine: Engine,
    batch_id: str,
    as_of: date | None,
    today: date,
    progress: Progress | None = None,
) -> BatchResult:
    """Screen ``source`` into ``target`` chunk by chunk; return counts and the held rows."""
    result = BatchResult()
    writer = _Writer(target)
    try:
        for frame, malformed, done in _chunks(source):
            writer.write(_screen_chunk(frame, malformed, engine, batch_id, as_of, today, result))
            if progress:
                progress(result.rows + result.malformed, done)
    finally:
        writer.close()
    return result


def _screen_chunk(
    frame: pl.DataFrame,
    malformed: list[tuple[int | None, str]],
    engine: Engine,
    batch_id: str,
    as_of: date | None,
    today: date,
    result: BatchResult,
) -> pl.DataFrame:
    """Screen one chunk into its output rows; add its counts and held rows to ``result``."""
    work = _screen(frame, engine, as_of, today)
    offset = result.rows
    out = _spread(frame, work, {c: c for c in OUTPUTS}).with_columns(
        _decision_ids(batch_id, offset)
    )
    if malformed:
        out = pl.concat(
            [out, _malformed(malformed, frame.columns, batch_id)], how="diagonal_relaxed"
        )
    _count(result, work, frame.height, len(malformed))
    result.holds.extend(_holds(work, offset))
    result.rows += frame.height
    result.malformed += len(malformed)
    return out.select([*frame.columns, *OUTPUT_COLUMNS])


def read_row(source: Path, row_number: int) -> dict[str, Any]:
    """Return row ``row_number`` (1-based, as numbered by ``screen_file``) of an input file."""
    seen = 0
    for frame, _malformed, _done in _chunks(source):
        if seen + frame.height >= row_number:
            return frame.row(row_number - seen - 1, named=True)
        seen += frame.height
    raise InvalidInput(f"{source.name} has {seen} rows; there is no row {row_number}")


def _decision_ids(batch_id: str, offset: int) -> pl.Expr:
    number = pl.int_range(offset + 1, offset + 1 + pl.len(), dtype=pl.Int64).cast(pl.String)
    return pl.concat_str([pl.lit(f"{batch_id}:"), number]).alias("decision_id")


def _malformed(
    lines: list[tuple[int | None, str]], columns: list[str], batch_id: str
) -> pl.DataFrame:
    rows = []
    for number, text in lines:
        where = f"line {number}" if number is not None else "a line"
        rows.append(
            {
                "decision": "invalid",
                "measures": "",
                "reasons": f"invalid: {where} of the file cannot be read as a row ({text[:120]})",
                "citations": "",
                "restrictions": "",
                "decision_id": f"{batch_id}:line{number if number is not None else '?'}",
            }
        )
    frame = pl.DataFrame(rows)
    return frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in columns])


def _count(result: BatchResult, work: pl.DataFrame, rows: int, malformed: int) -> None:
    """Count decisions and measures: from the rows that ran a program; the rest are quiet."""
    if rows > work.height:
        result.by_decision[str(_QUIET["decision"])] += rows - work.height
    if malformed:
        result.by_decision["invalid"] += malformed
    for decision, count in work.group_by(PREFIX + "decision").len().iter_rows():
        result.by_decision[decision] += count
    listed = work.filter(col("measures") != "").select(col("measures").str.split(";"))
    by_measure = listed.explode(PREFIX + "measures").group_by(PREFIX + "measures").len()
    for measure, count in by_measure.iter_rows():
        result.by_measure[measure] += count


def _holds(work: pl.DataFrame, offset: int) -> list[Hold]:
    held = work.filter(col("holding").is_not_null() & col("invalid").is_null())
    if held.is_empty():
        return []
    return [
        Hold(int(r[0]) + offset + 1, r[1], r[2], r[3], r[4], r[5], r[6])
        for r in held.select(
            col("row"),
            col("application_id"),
            col("nationality"),
            col("post_country"),
            col("visa_class"),
            col("decision_on"),
            col("holding"),
        ).iter_rows()
    ]


def _chunks(source: Path) -> Iterator[tuple[pl.DataFrame, list[tuple[int | None, str]], float]]:
    if kind_of(source) == "parquet":
        yield from _parquet_chunks(source)
    else:
        yield from _csv_chunks(source)


def _check_columns(columns: list[str], source: Path) -> None:
    missing = [c for c in ESSENTIAL if c not in columns]
    if missing:
        raise InvalidInput(f"{source.name} has no column {', '.join(missing)}")
    clash = [c for c in OUTPUT_COLUMNS if c in columns]
    if clash:
        raise InvalidInput(f"{source.name} already has output column(s) {', '.join(clash)}")


def _parquet_chunks(
    source: Path,
) -> Iterator[tuple[pl.DataFrame, list[tuple[int | None, str]], float]]:
    meta = pq.ParquetFile(source).metadata
    _check_columns(meta.schema.to_arrow_schema().names, source)
    groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    done, total = 0, max(meta.num_rows, 1)
    for start, length in _slices(groups, CHUNK_ROWS):
        # One contiguous chunk per column, so that adding and selecting columns copies nothing.
        frame = pl.scan_parquet(source).slice(start, length).collect().rechunk()
        done += frame.height
        yield frame, [], min(done / total, 1.0)


def _slices(groups: list[int], chunk: int) -> Iterator[tuple[int, int]]:
    """(start, length) of chunks of at most ``chunk`` rows, cut at row-group boundaries if possible.

    Always at least one, so that an empty file still yields its columns.
    """
    start = pending = 0
    for rows in groups:
        if pending and pending + rows > chunk:
            yield start, pending
            start, pending = start + pending, 0
        pending += rows
        while pending > chunk:
            yield start, chunk
            start, pending = start + chunk, pending - chunk
    if pending or start == 0:
        yield start, pending


def _csv_chunks(source: Path) -> Iterator[tuple[pl.DataFrame, list[tuple[int | None, str]], float]]:
    with source.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise InvalidInput(f"{source.name} is empty: a CSV file starts with a header row")
    _check_columns(header, source)
    malformed: list[tuple[int | None, str]] = []

    def skip(row: Any) -> str:
        malformed.append((row.number, row.text))
        return "skip"

    size = max(source.stat().st_size, 1)
    with source.open("rb") as raw:
        reader = pa_csv.open_csv(
            raw,
            read_options=pa_csv.ReadOptions(block_size=CSV_BLOCK, encoding="utf-8"),
            parse_options=pa_csv.ParseOptions(invalid_row_handler=skip),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=False
            ),
        )
        for batch in reader:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield frame, list(malformed), min(raw.tell() / size, 1.0)
            malformed.clear()
        if malformed:
            yield pl.DataFrame(schema={n: pl.String for n in header}), list(malformed), 1.0


class _Writer:
    """Writes chunks in a background thread, so that encoding overlaps screening (two in flight)."""

    def __init__(self, target: Path) -> None:
        self.target, self.kind = target, kind_of(target)
        self._queue: queue.Queue[pl.DataFrame | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def write(self, frame: pl.DataFrame) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(frame)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _drain(self) -> None:
        parquet: pq.ParquetWriter | None = None
        schema: pa.Schema | None = None
        handle: IO[bytes] | None = None
        try:
            while (frame := self._queue.get()) is not None:
                if self.kind == "parquet":
                    table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
                    if parquet is None:
                        schema = table.schema
                        parquet = pq.ParquetWriter(self.target, schema, compression="zstd")
                    # A chunk may type a column differently (all empty, say): the file has one.
                    parquet.write_table(table if table.schema == schema else table.cast(schema))
                else:
                    first = handle is None
                    handle = handle or self.target.open("wb")
                    frame.write_csv(handle, include_header=first)
            if parquet is None and handle is None:
                self._empty()
        except BaseException as error:  # reported to the caller by write() or close()
            self._error = error
            while self._queue.get() is not None:
                pass
        finally:
            if parquet is not None:
                parquet.close()
            if handle is not None:
                handle.close()

    def _empty(self) -> None:
        if self.kind == "parquet":
            columns = {c: pa.array([], pa.string()) for c in OUTPUT_COLUMNS}
            pq.write_table(pa.table(columns), self.target)
        else:
            self.target.write_text(",".join(OUTPUT_COLUMNS) + "\n")
