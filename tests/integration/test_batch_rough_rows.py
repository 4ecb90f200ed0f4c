"""A batch file with rough rows: each keeps its id and line, says what is wrong; the rest go on."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from readmit.services.context import Actor, App
from readmit.services.screening.batch import screen_file

OFFICER = Actor("officer", "consular_officer")
HEADER = "application_id,nationality,visa_class,decision_date,post_country\r\n"
GOOD = "{id},TH,B2,2022-03-01,TH\r\n"


def _screen(app: App, tmp_path: Path, body: str) -> tuple[pl.DataFrame, str]:
    source = tmp_path / "in.csv"
    source.write_bytes((HEADER + body).encode())
    summary = screen_file(app, OFFICER, source=source, target=tmp_path / "out.csv")
    return pl.read_csv(tmp_path / "out.csv", infer_schema=False), summary.batch_id


def test_a_short_or_overlong_row_keeps_its_id_and_line_and_says_why(
    sqlite_app: App, tmp_path: Path
) -> None:
    body = GOOD.format(id="A1") + "A2,TH,B2\r\n" + "A3,TH,B2,2022-03-01,TH,extra\r\n"
    out, batch = _screen(sqlite_app, tmp_path, body + GOOD.format(id="A4"))
    bad = out.filter(pl.col("decision") == "invalid")
    assert bad["application_id"].to_list() == ["A2", "A3"]
    assert bad["decision_id"].to_list() == [f"{batch}:line3", f"{batch}:line4"]
    assert (
        "line 3" in bad["reasons"][0] and "row has 3 cells, the header has 5" in bad["reasons"][0]
    )
    assert "row has 6 cells, the header has 5" in bad["reasons"][1]
    assert bad["nationality"].to_list() == ["TH", "TH"], "the cells it has are kept"
    good = out.filter(pl.col("decision") != "invalid")
    assert good["application_id"].to_list() == ["A1", "A4"]
    assert good["decision_id"].to_list() == [f"{batch}:1", f"{batch}:2"]


def test_an_unclosed_quote_is_named_on_its_line_and_the_lines_after_it_are_screened(
    sqlite_app: App, tmp_path: Path
) -> None:
    body = GOOD.format(id="A1") + 'A2,"TH,B2,2022-03-01,TH\r\n'
    body += "".join(GOOD.format(id=f"A{i}") for i in range(3, 6)) + "A6,TH\r\n"
    out, batch = _screen(sqlite_app, tmp_path, body)
    assert sorted(out["application_id"].to_list()) == ["A1", "A2", "A3", "A4", "A5", "A6"]
    bad = out.filter(pl.col("decision") == "invalid").sort("application_id")
    assert bad["decision_id"].to_list() == [f"{batch}:line3", f"{batch}:line7"]
    assert "line 3" in bad["reasons"][0] and "quote" in bad["reasons"][0]
    assert "row has 2 cells" in bad["reasons"][1]
    assert out.filter(pl.col("decision") != "invalid").height == 4
