"""``readmit whatif`` on the demo's synthetic ledger: Cambodia's pace of October 2020 - May 2022
does not clear its backlog in ten years, and each of Cambodia's humanitarian amendments has the
effect its words say, checked here against the demo's own figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from demo_support import demo_app, demo_database
from sqlalchemy import text
from typer.testing import CliRunner

from readmit.cli import app
from readmit.services.assessment.assess import Window, assess
from readmit.services.context import App
from readmit.services.whatif.forecast import WhatIfRequest, forecast

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "whatif"
WINDOW = ["--from", "2020-10-01", "--to", "2022-05-31", "--runs", "300"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, Path]]:
    db = demo_database(tmp_path_factory)
    application = demo_app(db, tmp_path_factory.mktemp("keys"))
    yield application, db
    application.engine.dispose()


def cli(db: Path, *args: str) -> Any:
    env = {"READMIT_DATABASE_URL": f"sqlite:///{db}"}
    return CliRunner().invoke(app, ["whatif", *args], env=env)


def run_json(db: Path, *args: str) -> dict[str, Any]:
    result = cli(db, *args, "--json")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def head(application: App) -> tuple[Any, ...]:
    with application.uow(write=False) as uow:
        return tuple(uow.conn.execute(text("SELECT seq, hash FROM ledger_head")).one())


def test_at_cambodias_pace_of_october_2020_to_may_2022_the_backlog_is_not_cleared(
    demo: tuple[App, Path],
) -> None:
    found = run_json(demo[1], "forecast", "KH", *WINDOW)
    assert found["months_to_clear"] is None
    assert found["answer"].startswith("not cleared within the horizon of 120 months")
    assert found["rests_on"][0].startswith("2 removals in 20 months")
    assert found["synthetic"] and "synthetic demo data" in found["source"]
    assert {
        "country",
        "as_of",
        "window",
        "ledger_seq",
        "backlog",
        "rates",
        "horizon_months",
        "seed",
        "series",
    } <= set(found)
    assert len(found["series"]) == 120 and found["series"][-1]["backlog"] > found["backlog"]


def test_the_printed_forecast_names_the_rates_it_rests_on(demo: tuple[App, Path]) -> None:
    result = cli(demo[1], "forecast", "KH", *WINDOW)
    assert result.exit_code == 0, result.output
    assert "not cleared within the horizon" in result.stdout
    assert "rests on: 2 removals" in result.stdout and "synthetic demo data" in result.stdout


def test_an_empty_scenario_on_the_demo_is_the_baseline(
    demo: tuple[App, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("id: nothing\ncountry: KH\n")
    (part,) = run_json(demo[1], "run", str(empty), *WINDOW)["countries"]
    assert part["baseline"] == part["scenario"]


def test_voluntary_returns_only_with_no_agreement_recorded_leave_nothing_removable(
    demo: tuple[App, Path],
) -> None:
    # The demo records no agreement to return for any case, so under voluntary returns only
    # no pending case may be removed: nothing the removal process can clear, and no rating.
    found = run_json(demo[1], "run", str(EXAMPLES / "kh-voluntary-returns.yaml"), *WINDOW)
    side = found["countries"][0]["scenario"]
    assert side["backlog"] == 0 and side["not_removable"] == side["pending"] > 1_800
    assert side["effects"][0].startswith("voluntary returns only: 0 of the")
    assert side["answer"].startswith("no pending case is removable under the scenario")
    assert side["rating"] == "insufficient_data"


def test_family_unity_leaves_out_exactly_the_pending_cases_with_family_here(
    demo: tuple[App, Path],
) -> None:
    application, db = demo
    found = run_json(db, "run", str(EXAMPLES / "kh-family-unity.yaml"), *WINDOW)
    side = found["countries"][0]["scenario"]
    with application.uow(write=False) as uow:
        family = uow.conn.execute(text(FAMILY_PENDING)).scalar_one()
    assert side["not_removable"] == family and side["backlog"] == side["pending"] - family
    assert f"{family:,} of the {side['pending']:,} pending cases have a spouse" in " ".join(
        side["effects"]
    )
    assert side["months_to_clear"] is None  # fewer to remove, at 2 removals in 20 months


# Cambodian cases opened by 31 May 2022, not removed or closed by then, with family here.
FAMILY_PENDING = """
SELECT COUNT(*) FROM cases c JOIN persons p ON p.case_id = c.case_id
WHERE c.nationality = 'KH' AND c.final_order_date <= '2022-05-31'
AND NOT EXISTS (SELECT 1 FROM events e WHERE e.subject_id = c.case_id
  AND e.type IN ('removed', 'closed') AND e.occurred_on <= '2022-05-31')
AND (json_extract(p.data, '$.spouse_in_country') = 1
  OR COALESCE(json_extract(p.data, '$.children_in_country'), 0) > 0)
"""


def test_training_before_return_delays_removals_and_leaves_the_past_rating_as_it_was(
    demo: tuple[App, Path],
) -> None:
    found = run_json(demo[1], "run", str(EXAMPLES / "kh-training-before-return.yaml"), *WINDOW)
    part = found["countries"][0]
    assert part["scenario"]["rates"]["months_without_removal"] == 6
    assert part["scenario"]["rating"] == part["baseline"]["rating"] == "uncooperative"
    assert part["difference"]["rating"] is None


def test_a_run_saves_files_and_leaves_the_ledger_head_where_it_was(
    demo: tuple[App, Path], tmp_path: Path
) -> None:
    application, db = demo
    before = head(application)
    out = tmp_path / "out"
    result = cli(db, "run", str(EXAMPLES / "kh-faster-process.yaml"), *WINDOW, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "interviews per month" in result.stdout and "recorded: nothing" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["backlog-KH.svg", "result.json", "series.csv"]
    assert "synthetic demo data" in (out / "backlog-KH.svg").read_text()
    assert head(application) == before


def test_a_bad_scenario_is_a_plain_error_naming_the_place(
    demo: tuple[App, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nstandard:\n  window_days: 3\n")
    result = cli(demo[1], "run", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml: standard.window_days" in result.output and "Traceback" not in result.output


def test_the_forecast_rests_on_the_figures_the_assessment_shows_for_the_same_window(
    demo: tuple[App, Path],
) -> None:
    # The pace a forecast projects is the assessment's own figures for the window.
    start, end = date(2020, 10, 1), date(2022, 5, 31)
    found = forecast(demo[0], "KH", WhatIfRequest(start=start, end=end, runs=100, horizon=12))
    metrics = assess(demo[0], "KH", Window(start, end))["metrics"]
    assert found["backlog"] == metrics["backlog"] == 1903
    months = found["rates"]
    for name in ("removals", "presentations", "interviews_held", "travel_documents_issued"):
        assert (
            round(metrics[name] / (((end - start).days + 1) / 30.4375), 4)
            == months[f"{name}_per_month"]
        ), name
