"""``readmit assess`` and ``readmit claims`` through the CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coop_builder import Ledger
from readmit.cli import app
from readmit.services.assessment.claims import load_pack_claims
from readmit.services.context import App

REQUIRED_KEYS = {
    "country",
    "from",
    "to",
    "as_of",
    "rating",
    "reasons",
    "standard",
    "ledger_position",
    "metrics",
}


@pytest.fixture
def env(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("READMIT_DATABASE_URL", sqlite_app.settings.database_url)
    monkeypatch.setenv("READMIT_KEY_DIR", str(sqlite_app.settings.key_dir))
    ledger = Ledger(sqlite_app)
    for n in range(6):
        ledger.case(f"K{n}", "KH", date(2020, 1, 1)).add("presented", f"K{n}", date(2021, 2, 1))
    ledger.commit()
    return sqlite_app


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_assess_json_has_the_documented_keys_and_is_reproducible(env: App) -> None:
    args = ("assess", "KH", "--from", "2021-01-01", "--to", "2021-12-31", "--json")
    first = run(*args)
    assert set(json.loads(first)) >= REQUIRED_KEYS
    assert run(*args) == first


def test_assess_all_lists_every_country(env: App) -> None:
    out = run("assess", "--all", "--from", "2021-01-01", "--to", "2021-12-31", "--json")
    assert [a["country"] for a in json.loads(out)] == ["KH"]


def test_assess_by_quarter_gives_one_period_per_quarter(env: App) -> None:
    out = run(
        "assess", "KH", "--by", "quarter", "--from", "2021-01-01", "--to", "2021-12-31", "--json"
    )
    periods = json.loads(out)["periods"]
    assert [p["metrics"]["presentations"] for p in periods] == [6, 0, 0, 0]


def test_assess_record_puts_the_assessment_in_the_ledger_once(env: App) -> None:
    args = ("assess", "KH", "--from", "2021-01-01", "--to", "2021-12-31", "--json", "--record")
    first = json.loads(run(*args))
    with env.uow(write=False) as uow:
        recorded = uow.ledger.for_subject("assessment", first["assessment_id"])
    assert [e.type for e in recorded] == ["assessment_recorded"]


def test_assess_human_output_names_the_rating_and_reasons(env: App) -> None:
    out = run("assess", "KH", "--from", "2021-01-01", "--to", "2021-12-31")
    assert "Cambodia (KH)" in out and "assessment id" in out


def test_a_bad_date_is_a_usage_error_not_a_traceback(env: App) -> None:
    result = CliRunner().invoke(app, ["assess", "KH", "--from", "2021-13-01", "--to", "x"])
    assert result.exit_code == 2 and "'2021-13-01' is not a real day" in result.output
    result = CliRunner().invoke(app, ["assess", "KH", "--from", "2021-01-01", "--to", "x"])
    assert result.exit_code == 2 and "'x' is not a date as YYYY-MM-DD" in result.output


def test_claims_list_shows_the_embassy_figure_and_the_partner_measure(env: App) -> None:
    found = json.loads(run("claims", "list", "KH", "--json"))
    figures = {c["claim_id"]: c["figure"] for c in found["claims"]}
    assert figures["kh-embassy-2022-ordered-removed"] == 1800
    assert figures["kh-mou-signed-2000"] == 2000 and figures["kh-mou-signed-2002"] == 2002
    measures = [m["id"] for m in found["partner_measures"]]
    assert "kh-2017-remains-recovery-suspended" in measures


def test_pack_claims_load_idempotently(env: App) -> None:
    assert load_pack_claims(env) == 0  # db upgrade already loaded them


def test_a_liaison_contests_and_asserts_through_the_cli_and_both_views_differ(env: App) -> None:
    with env.uow(write=False) as uow:
        presented = next(e for e in uow.ledger.for_subject("case", "K0") if e.type == "presented")
    run(
        "partner",
        "contest",
        presented.id,
        "--country",
        "KH",
        "--reason",
        "never received",
        "--evidence",
        "MFA register 12",
        "--on",
        "2021-03-01",
    )
    run(
        "partner",
        "assert",
        "K1",
        "nationality_confirmed",
        "--country",
        "KH",
        "--on",
        "2021-02-10",
        "--evidence",
        "MFA letter 7",
    )
    both = json.loads(
        run(
            "assess", "KH", "--from", "2021-01-01", "--to", "2021-12-31", "--view", "both", "--json"
        )
    )
    assert both["metrics"]["presentations"] == 6
    assert both["partner"]["metrics"]["presentations"] == 5
    assert both["partner"]["metrics"]["nationality_confirmed"] == 1
    assert set(both["difference"]) >= {"presentations", "nationality_confirmed"}
    refused = CliRunner().invoke(
        app,
        ["partner", "contest", presented.id, "--country", "SL", "--reason", "x", "--evidence", "y"],
    )
    assert refused.exit_code == 1 and "acts for SL" in refused.output


def test_a_piped_table_comes_out_whole(env: App) -> None:
    # Piped, a console is 80 columns wide unless told otherwise, and Rich cuts table cells.
    load_pack_claims(env)
    command = [str(Path(sys.executable).parent / "readmit"), "assess", "KH"]
    shown = subprocess.run(
        [*command, "--from", "2020-10-01", "--to", "2022-05-16"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        check=True,
    ).stdout
    rows = [line for line in shown.splitlines() if "│" in line]
    assert rows and not any("…" in row for row in rows), "no cell is cut"
    assert any(len(row) > 80 for row in rows), "the table takes the room it needs"
