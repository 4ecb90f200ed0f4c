"""``readmit whatif`` through the command-line runner on a small ledger: a forecast recorded as
an analysis beside the ledger, shown again by its id, and plain errors for bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from coop_builder import Ledger
from readmit.cli import app
from readmit.services.context import App

runner = CliRunner()
WINDOW = ["--from", "2021-01-01", "--to", "2021-12-31", "--runs", "100", "--horizon", "24"]


@pytest.fixture
def env(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("READMIT_DATABASE_URL", sqlite_app.settings.database_url)
    monkeypatch.setenv("READMIT_KEY_DIR", str(sqlite_app.settings.key_dir))
    ledger = Ledger(sqlite_app)
    for n in range(3):
        ledger.case(f"KH{n}", "KH", date(2020, 1, 1 + n))
    ledger.add("presented", "KH0", date(2021, 3, 1))
    ledger.commit()
    return sqlite_app


def events(application: App) -> int:
    with application.uow(write=False) as uow:
        return int(uow.conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one())


def test_a_recorded_forecast_is_shown_again_by_its_id_and_adds_no_event(env: App) -> None:
    before = events(env)
    result = runner.invoke(app, ["whatif", "forecast", "KH", *WINDOW, "--record", "--json"])
    assert result.exit_code == 0, result.output
    ident = result.stderr.split("recorded analysis ")[1].split()[0]
    forecast = json.loads(result.stdout)
    assert forecast["backlog"] == 3 and forecast["months_to_clear"] is None
    shown = runner.invoke(app, ["whatif", "show", ident])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["result"] == forecast
    assert events(env) == before


def test_a_scenario_for_another_country_and_an_unknown_analysis_are_plain_errors(
    env: App, tmp_path: Path
) -> None:
    scenario = tmp_path / "kh.yaml"
    scenario.write_text("id: kh\ncountry: KH\nprocess:\n  removals_per_month: 1\n")
    other = runner.invoke(app, ["whatif", "run", str(scenario), "--country", "LA", *WINDOW])
    assert other.exit_code == 2 and "changes KH only, not LA" in other.output
    missing = runner.invoke(app, ["whatif", "show", "nope"])
    assert missing.exit_code == 4 and "no recorded what-if analysis 'nope'" in missing.output
    ran = runner.invoke(app, ["whatif", "run", str(scenario), *WINDOW])
    assert ran.exit_code == 0, ran.output
    assert "removals set to 1 a month" in ran.stdout and "recorded: nothing" in ran.stdout
