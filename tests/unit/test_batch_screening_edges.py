"""Batch screening at the edges: an empty file, and Parquet cells that are null."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from readmit.batch.screening import build_engine, screen_file
from readmit.batch.screening_files import OUTPUT_COLUMNS
from readmit.domain.screening import decide
from readmit.packs import load_pack

PACK = load_pack()
ENGINE = build_engine(
    [m for h in PACK.sanctions for m in h.sanction.measures.values()], PACK.policy
)
TODAY = date(2025, 1, 1)
COLUMNS = ["application_id", "nationality", "visa_class", "post_country", "decision_date"]


def test_an_empty_file_screens_to_an_empty_file_with_every_column(tmp_path: Path) -> None:
    pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String)).write_parquet(tmp_path / "in.parquet")
    result = screen_file(
        tmp_path / "in.parquet", tmp_path / "out.parquet", ENGINE, "b-1", None, TODAY
    )
    out = pl.read_parquet(tmp_path / "out.parquet")
    assert result.rows == 0 and out.is_empty()
    assert out.columns == [*COLUMNS, *OUTPUT_COLUMNS]


def test_null_cells_read_as_empty_fields_as_in_a_single_decision(tmp_path: Path) -> None:
    rows = pl.DataFrame(
        {
            "application_id": ["1", None, "3", "4"],
            "nationality": ["KH", None, " kh", "TH"],
            "visa_class": ["B1", "B2", "b1", None],
            "post_country": ["KH", "KH", "kh ", "TH"],
            "decision_date": ["2018-01-01", None, "2018-02-30", "2020-01-01"],
        }
    )
    rows.write_parquet(tmp_path / "in.parquet")
    screen_file(tmp_path / "in.parquet", tmp_path / "out.parquet", ENGINE, "b-1", None, TODAY)
    out = pl.read_parquet(tmp_path / "out.parquet")
    for row, got in zip(rows.iter_rows(named=True), out.iter_rows(named=True), strict=True):
        expected = decide(ENGINE.full, row, None, TODAY).outputs()
        assert {k: got[k] for k in expected} == expected
    assert out["decision"].to_list() == ["not_affected", "invalid", "invalid", "invalid"]
    assert "nationality is required" in out["reasons"][1]
