"""The files of batch screening: reading CSV or Parquet in chunks, writing the output.

A Parquet file is read in chunks of about ``CHUNK_ROWS`` rows, cut at its row groups where
possible; a CSV file in blocks, a line that cannot be parsed reported with its number rather than
stopping the rest. The output is written in a background thread, chunk by chunk.
"""

from __future__ import annotations

import csv
import hashlib
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from readmit.batch.ragged import LineFinder, RawRow, split_rows
from readmit.batch.sniff import csv_problem
from readmit.domain.errors import InvalidInput
from readmit.domain.screening_compile import OUTPUTS

OUTPUT_COLUMNS = (*OUTPUTS, "decision_id")
ESSENTIAL = ("nationality", "visa_class", "post_country")
CHUNK_ROWS = 1 << 20
CSV_BLOCK = 32 << 20
Malformed = list[RawRow]


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


def read_row(source: Path, row_number: int) -> dict[str, Any]:
    """Return row ``row_number`` (1-based, as numbered by ``screen_file``) of an input file."""
    seen = 0
    for frame, _malformed, _done in chunks(source):
        if seen + frame.height >= row_number:
            return frame.row(row_number - seen - 1, named=True)
        seen += frame.height
    raise InvalidInput(f"{source.name} has {seen} rows; there is no row {row_number}")


def chunks(source: Path) -> Iterator[tuple[pl.DataFrame, Malformed, float]]:
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
) -> Iterator[tuple[pl.DataFrame, Malformed, float]]:
    meta = pq.ParquetFile(source).metadata
    _check_columns(meta.schema.to_arrow_schema().names, source)
    groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    done, total = 0, max(meta.num_rows, 1)
    for start, length in slices(groups, CHUNK_ROWS):
        # One contiguous chunk per column, so that adding and selecting columns copies nothing.
        frame = pl.scan_parquet(source).slice(start, length).collect().rechunk()
        done += frame.height
        yield frame, [], min(done / total, 1.0)


def slices(groups: list[int], chunk: int) -> Iterator[tuple[int, int]]:
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


def _csv_chunks(source: Path) -> Iterator[tuple[pl.DataFrame, Malformed, float]]:
    problem = csv_problem(source)
    if problem is not None:
        raise InvalidInput(f"{source.name} {problem}")
    with source.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise InvalidInput(f"{source.name} is empty: a CSV file starts with a header row")
    _check_columns(header, source)
    refused: list[str] = []

    def skip(row: Any) -> str:
        refused.append(row.text)  # the rare row of the wrong width: read again on the slow path
        return "skip"

    finder, read = LineFinder(source), 0
    size = max(source.stat().st_size, 1)
    with source.open("rb") as raw:
        reader = pa_csv.open_csv(
            raw,
            read_options=pa_csv.ReadOptions(block_size=CSV_BLOCK, encoding="utf-8"),
            parse_options=pa_csv.ParseOptions(invalid_row_handler=skip, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=False
            ),
        )
        while True:
            try:
                batch = next(reader)
            except StopIteration:
                break
            except pa.ArrowInvalid:
                raise InvalidInput(
                    f"{source.name}: a quoted cell runs on for more than {CSV_BLOCK >> 20} MB "
                    f"after the first {read} rows: a quote there is probably not closed"
                ) from None
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            frame, malformed = _slow_rows(frame, refused, header, finder)
            read += frame.height + len(malformed)
            yield frame, malformed, min(raw.tell() / size, 1.0)
            refused.clear()
        if refused:
            empty = pl.DataFrame(schema={n: pl.String for n in header})
            yield (*_slow_rows(empty, refused, header, finder), 1.0)


def _slow_rows(
    frame: pl.DataFrame, refused: list[str], header: list[str], finder: LineFinder
) -> tuple[pl.DataFrame, Malformed]:
    """Read the refused rows' text again: the malformed ones, and the good rows they held.

    A quote left open swallows the lines after it into one refused row; those lines come back
    as rows of their own, at the end of the chunk (numbered there, as ``read_row`` reads them).
    """
    malformed: Malformed = []
    rescued: list[list[str]] = []
    for text in refused:
        for row in split_rows(text, finder.find(text), len(header)):
            if row.problem is None:
                rescued.append(row.cells)
            else:
                malformed.append(row)
    if rescued:
        extra = pl.DataFrame(rescued, schema={n: pl.String for n in header}, orient="row")
        frame = pl.concat([frame, extra])
    return frame, malformed


class Writer:
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
