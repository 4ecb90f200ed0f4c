"""Run every scenario table (one per invocation) through both screening engines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from readmit.batch.screening import Engine, build_engine, screen_frame
from readmit.batch.screening_polars import col
from readmit.domain.screening import decide
from readmit.packs import load_pack

HERE = Path(__file__).parent
TODAY = date(2026, 1, 1)
COLUMNS = {
    "decided on": "decision_date",
    "nationality": "nationality",
    "visa": "visa_class",
    "applied in": "post_country",
    "employer": "employer",
    "rank": "rank",
    "relationship": "relationship",
    "principal employer": "principal_employer",
    "principal rank": "principal_rank",
    "born": "date_of_birth",
    "exception": "approved_exception",
    "residence": "residence",
    "other nationalities": "other_nationalities",
}


def read_table(path: Path) -> list[dict[str, str]]:
    """Read the Markdown table of a scenario file into rows keyed by its headers."""
    lines = [line.strip() for line in path.read_text().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def inputs(row: dict[str, str]) -> dict[str, str]:
    values = {COLUMNS[k]: v for k, v in row.items() if k in COLUMNS}
    values["approved_exception"] = "true" if values.get("approved_exception") == "yes" else ""
    return values


SCENARIOS = [
    pytest.param(path, index, row, id=f"{path.stem}-{index + 1}")
    for path in sorted(HERE.glob("*.md"))
    if path.name != "README.md"
    for index, row in enumerate(read_table(path))
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    pack = load_pack()
    measures = [m for h in pack.sanctions for m in h.sanction.measures.values()]
    return build_engine(measures, pack.policy)


def test_every_invocation_has_a_scenario_table() -> None:
    files = {p.stem for p in HERE.glob("*.md")} - {"README"}
    assert len(files) == len(load_pack().sanctions)


@pytest.mark.parametrize(("path", "index", "row"), SCENARIOS)
def test_scenario(path: Path, index: int, row: dict[str, str], engine: Engine) -> None:
    decision = decide(engine.full, inputs(row), None, TODAY)
    assert (decision.decision, ";".join(decision.measures)) == (row["expected"], row["measures"]), (
        f"{path.name} row {index + 1} ({row['why']}): {decision.reasons}"
    )


def test_the_batch_engine_gives_every_scenario_the_same_answer(engine: Engine) -> None:
    rows = [(row, inputs(row)) for _path, _index, row in (p.values for p in SCENARIOS)]
    frame = pl.DataFrame([i for _row, i in rows]).with_columns(pl.all().fill_null(""))
    screened = screen_frame(frame, engine, None, TODAY)
    got = screened.select(col("decision"), col("measures")).rows()
    assert got == [(row["expected"], row["measures"]) for row, _i in rows]
