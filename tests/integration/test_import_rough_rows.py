"""An import file with malformed CSV lines: each rejected with its line and why; the rest apply."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from readmit.services.context import Actor, App
from readmit.services.imports.run import import_file, rejected_path

ACTOR = Actor("importer", "admin")
HEADER = "case_id,nationality,final_order_date,criminal,custody\n"


def _import(app: App, tmp_path: Path, body: str) -> tuple[dict[int, str], int]:
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + body)
    report = import_file(app, ACTOR, kind="cases", path=path, today=date(2026, 1, 1))
    return {r.line: r.reason for r in report.rejected}, report.applied


def test_overlong_and_unclosed_quote_lines_are_rejected_by_line_and_the_rest_apply(
    db_app: App, tmp_path: Path
) -> None:
    body = (
        "A1,KH,2020-01-01,false,detained\n"
        "A2,KH,2020-01-01,false\n"  # line 3: its last cell left out, as empty (required here)
        "A3,KH,2020-01-01,false,detained,extra\n"  # line 4: overlong
        'A4,"KH,2020-01-01,false,detained\n'  # line 5: a quote left open
        "A5,KH,2020-01-01,false,released\n"
        "A6,KH,2020-01-01,true,detained\n"
    )
    rejected, applied = _import(db_app, tmp_path, body)
    assert sorted(rejected) == [3, 4, 5]
    assert "custody" in rejected[3], "a short row is read with its last cells empty"
    assert "row has 6 cells, the header has 5" in rejected[4]
    assert "quote" in rejected[5] and "line 5" in rejected[5]
    assert applied == 3, "A1, A5 and A6, the lines after the open quote included"
    report = pl.read_csv(rejected_path(tmp_path / "cases.csv"), infer_schema=False)
    assert report["case_id"].to_list() == ["A2", "A3", "A4"], "each keeps its id"
    again, applied_again = _import(db_app, tmp_path, body)
    assert sorted(again) == [3, 4, 5] and applied_again == 0, "a re-run reports them again"
