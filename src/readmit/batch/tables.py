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

from readmit.batch.sniff import csv_problem
from readmit.domain.errors import UnreadableFile

LINE = "line"
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
        frame = _read_csv(path) if kind == "CSV" else _read_parquet(path)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as error:
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
    return frame.select(
        pl.int_range(first_line, pl.len() + first_line, dtype=pl.Int64).alias(LINE),
        *[_text(frame, name) for name in spec.columns],
    )


def _read_csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, raise_if_empty=False)


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
