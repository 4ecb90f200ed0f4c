"""Read an input table (CSV or Parquet, by extension) as text columns; write rejected rows.

Every value is read as text, trimmed, with empty cells as nulls, so that a bad value is a
rejected row with a reason, never a file that cannot be read.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv

from readmit.batch.ragged import split_rows
from readmit.batch.sniff import csv_problem
from readmit.domain.errors import UnreadableFile

LINE = "line"
CSV_BLOCK = 16 << 20
MALFORMED = "_malformed"  # what is wrong with a malformed CSV row (null: nothing)
FORMATS = {".csv": "CSV", ".parquet": "Parquet", ".pq": "Parquet"}


@dataclass(frozen=True)
class TableSpec:
    """The columns an input file must have, and those it may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def file_digest(path: Path, salt: str = "") -> str:
    """Return the SHA-256 of a file's bytes (after ``salt``), reading it in blocks."""
    digest = hashlib.sha256(salt.encode())
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: Path, spec: TableSpec) -> pl.DataFrame:
    """Read ``path`` as text columns named by ``spec`` (absent optional ones null), plus ``line``.

    ``line`` is the row's line in a CSV file (the header is line 1) or its row number in a
    Parquet file (the first row is 1).
    """
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UnreadableFile(f"{path}: not a CSV or Parquet file (use .csv or .parquet)")
    problem = csv_problem(path) if kind == "CSV" else None
    if problem is not None:
        raise UnreadableFile(f"{path}: {problem}")
    try:
        frame, lines, problems = (
            _read_csv(path) if kind == "CSV" else (_read_parquet(path), None, None)
        )
    except (pl.exceptions.PolarsError, pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UnreadableFile(f"{path}: cannot be read as {kind}: {first}") from None
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [c for c in spec.required if c not in frame.columns]
    if missing:
        raise UnreadableFile(
            f"{path}: missing required column(s) {', '.join(missing)}; "
            f"required: {', '.join(spec.required)}",
            missing=missing,
        )
    first_line = 2 if kind == "CSV" else 1
    line = pl.int_range(first_line, pl.len() + first_line, dtype=pl.Int64).alias(LINE)
    fine = pl.lit(None, dtype=pl.String).alias(MALFORMED)
    return frame.select(
        line if lines is None else pl.lit(lines).alias(LINE),
        *[_text(frame, name) for name in spec.columns],
        fine if problems is None else pl.lit(problems).alias(MALFORMED),
    )


Read = tuple[pl.DataFrame, pl.Series | None, pl.Series | None]


def _read_csv(path: Path) -> Read:
    """Read every row as text: in bulk (Arrow), or, when a row is malformed, line by line.

    A malformed row (short, overlong, an unclosed quote) is kept with its line, the cells it has
    and what is wrong with it (``MALFORMED``), so that it is rejected as a row of its own.
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), [])
    names = _unique(header)
    refused: list[str] = []

    def skip(row: Any) -> str:
        refused.append(row.text)
        return "skip"

    def read(block: int) -> pa.Table:
        return pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=block),
            parse_options=pa_csv.ParseOptions(invalid_row_handler=skip, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )

    try:
        table = read(CSV_BLOCK)
    except pa.ArrowInvalid:  # a cell longer than a block: read the file as one block
        refused.clear()
        table = read(max(path.stat().st_size, CSV_BLOCK) + 1)
    if not refused:
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        return frame, None, None
    return _read_slowly(path, names)


def _read_slowly(path: Path, names: list[str]) -> Read:
    """Read a file with malformed rows line by line: the rows, their lines, their problems."""
    text = path.read_text(encoding="utf-8-sig")
    _header, _, body = text.partition("\n")
    # As before, a row may leave out its last cells (empty); more cells than names is an error.
    rows = split_rows(body, 2, len(names), short_is_padded=True)
    cells = [(r.cells + [None] * len(names))[: len(names)] for r in rows]
    frame = pl.DataFrame(cells, schema=dict.fromkeys(names, pl.String), orient="row")
    lines = pl.Series(LINE, [r.line for r in rows], dtype=pl.Int64)
    return frame, lines, pl.Series(MALFORMED, [r.problem for r in rows], dtype=pl.String)


def _unique(header: list[str]) -> list[str]:
    """The header's names, a repeated one renamed as Polars does (``name_duplicated_0``)."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        if name in seen:
            names.append(f"{name}_duplicated_{seen[name]}")
            seen[name] += 1
        else:
            names.append(name)
            seen[name] = 0
    return names


def _read_parquet(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path)


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name not in frame.columns:
        return pl.lit(None, dtype=pl.String).alias(name)
    column, dtype = pl.col(name), frame.schema[name]
    if dtype == pl.Datetime:
        column = column.dt.date()
    if dtype.is_float():
        as_int = column.cast(pl.Int64, strict=False).cast(pl.String)
        column = pl.when(column == column.floor()).then(as_int).otherwise(column.cast(pl.String))
    text = column.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text).alias(name)


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write rows as CSV (a rejected-rows report), replacing the file atomically."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    partial.replace(path)
