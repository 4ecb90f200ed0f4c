"""``readmit assess COUNTRY --pack NAME``: a regime's indicators or factors, each figure with
its source; the standard's pack gives the standard's assessment; an unknown pack is refused."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner, Result

from readmit.cli import app
from readmit.services.context import App
from readmit.services.ops.maintenance import upgrade

EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"
WINDOW = ("--from", "2025-01-01", "--to", "2026-06-30")


@pytest.fixture
def env(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    upgrade(sqlite_app)
    monkeypatch.setenv("READMIT_DATABASE_URL", sqlite_app.settings.database_url)
    monkeypatch.setenv("READMIT_KEY_DIR", str(sqlite_app.settings.key_dir))
    monkeypatch.setenv("COLUMNS", "200")
    return sqlite_app


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_the_uk_finding_on_the_dr_congo_with_its_evidence(env: App) -> None:
    text = run("assess", "CD", *WINDOW, "--pack", UK).stdout
    assert "finding as of 2026-02-06" in text
    assert "The reasons for the non-cooperation (s.72(3)(c)): No reason" in text
    assert "evidence 2025-11-17: The Home Office names the DR Congo" in text
    assert "ledger: removals 0" in text


def test_the_eu_indicators_as_json(env: App) -> None:
    found = json.loads(run("assess", "GM", *WINDOW, "--pack", EU, "--json").stdout)
    rows = {r["indicator"]: r for r in found["indicators"]}
    assert rows["return_rate"]["published"][0]["series"] == "migr_eirtn"
    # The record up to the window's end, earlier years included, in date order.
    assert [s["day"] for s in rows["overall"]["statements"]] == [
        "2021-05-07",
        "2021-07-15",
        "2022-11-09",
        "2024-04-12",
        "2025-09-19",
    ]


def test_the_standards_pack_gives_the_standards_assessment(env: App) -> None:
    plain = json.loads(run("assess", "KH", *WINDOW, "--json").stdout)
    named = json.loads(run("assess", "KH", *WINDOW, "--pack", US, "--json").stdout)
    assert named == plain and named["standard"]["regime"] == US


def test_an_unknown_pack_or_an_option_it_cannot_take_is_refused(env: App) -> None:
    unknown = run("assess", "GM", *WINDOW, "--pack", "eu", code=2)
    assert f"no policy pack 'eu'; packs with an assessment: {EU}, {UK}, {US}" in unknown.output
    every = run("assess", *WINDOW, "--all", "--pack", EU, code=2)
    assert "assesses one country at a time" in every.output
