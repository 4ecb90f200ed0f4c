"""A Parquet file is read in chunks cut at its row groups where it can be, covering every row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from readmit.batch import screening_files


@given(st.lists(st.integers(0, 300), max_size=12))
def test_chunks_cover_every_row_once_in_order_and_are_bounded(groups: list[int]) -> None:
    chunk = 100
    slices = list(screening_files.slices(groups, chunk))
    assert slices, "an empty file still yields one (empty) chunk"
    position = 0
    for start, length in slices:
        assert start == position and 0 <= length <= chunk
        position += length
    assert position == sum(groups)


def test_chunks_end_on_row_group_boundaries_when_groups_fit() -> None:
    assert list(screening_files.slices([30, 30, 30, 30], 100)) == [(0, 90), (90, 30)]


def test_a_file_of_many_row_groups_reads_as_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pl.DataFrame(
        {"application_id": [f"A{i}" for i in range(1000)], "nationality": ["KH"] * 1000}
    ).with_columns(visa_class=pl.lit("B1"), post_country=pl.lit("TH"))
    path = tmp_path / "in.parquet"
    pq.write_table(frame.to_arrow(), path, row_group_size=70)
    monkeypatch.setattr(screening_files, "CHUNK_ROWS", 256)
    chunks = [chunk for chunk, _malformed, _done in screening_files.chunks(path)]
    assert all(c.height <= 256 and max(c.n_chunks("all")) == 1 for c in chunks)
    assert pl.concat(chunks).equals(frame)
