"""Choosing a regime on the command line: ``sanctions list --pack``, ``check --pack``,
``screen --pack`` and the replay of what they decided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from readmit.cli import app
from readmit.services.context import App
from readmit.services.ops.maintenance import upgrade

EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"
GAMBIAN_2023 = (
    "--nationality",
    "GM",
    "--visa-class",
    "C",
    "--post-country",
    "SN",
    "--application-date",
    "2023-11-01",
    "--decision-date",
    "2023-11-20",
)


@pytest.fixture
def env(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    sqlite_app.settings.registry_packs = [EU, UK]
    upgrade(sqlite_app)
    monkeypatch.setenv("READMIT_DATABASE_URL", sqlite_app.settings.database_url)
    monkeypatch.setenv("READMIT_KEY_DIR", str(sqlite_app.settings.key_dir))
    monkeypatch.setenv("READMIT_REGISTRY_PACKS", json.dumps([EU, UK]))
    return sqlite_app


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_sanctions_list_shows_every_regime_or_the_one_named(env: App) -> None:
    every = json.loads(
        run("sanctions", "list", "--as-of", "2022-06-01", "--country", "GM", "--json").stdout
    )
    assert {(s["id"], s["regime"]) for s in every} == {("GM-2016", US), ("GM-2021", EU)}
    eu = json.loads(
        run("sanctions", "list", "--as-of", "2025-01-01", "--pack", EU, "--json").stdout
    )
    assert {s["regime"] for s in eu} == {EU} and "ET-2023" in {s["id"] for s in eu}
    text = run("sanctions", "list", "--as-of", "2025-01-01", "--regime", EU).stdout
    assert "BD-2021  Bangladesh (BD): proposed" in text and f"regime: {EU}" in text
    assert "KH-2017" not in text
    assert run("sanctions", "list", "--regime", UK).stdout.strip() == (
        "no sanction known on that date"
    )


def test_a_regime_the_registry_does_not_hold_is_named_with_the_ones_it_does(env: App) -> None:
    refused = run("sanctions", "list", "--pack", "eu", code=2)
    assert "pack 'eu' is not in this registry" in refused.output
    assert f"its packs: {US}, {EU}, {UK}" in refused.output
    assert "Traceback" not in refused.output
    assert "not in this registry" in run("check", *GAMBIAN_2023, "--pack", "xx", code=2).output


def test_check_under_the_eu_pack_restricts_and_replays_under_it(env: App) -> None:
    decided = json.loads(run("check", *GAMBIAN_2023, "--pack", EU, "--json").stdout)
    assert (decided["decision"], decided["pack"]) == ("restricted", EU)
    assert decided["fee"]["amount"] == 120
    family = json.loads(
        run("check", *GAMBIAN_2023, "--pack", EU, "--family-of-eu-citizen", "true", "--json").stdout
    )
    assert family["decision"] == "excepted"
    replayed = json.loads(run("decisions", "replay", decided["decision_id"], "--json").stdout)
    assert (replayed["pack"], replayed["unchanged"]) == (EU, True)
    assert replayed["now"]["decision"] == "restricted"
    needed = json.loads(
        run("check", *GAMBIAN_2023, "--pack", EU, "--inputs-needed", "--json").stdout
    )
    assert "family_of_eu_citizen" in {n["field"] for n in needed}


def test_screen_a_file_under_the_eu_pack(env: App, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "application_id,nationality,visa_class,decision_date,post_country,employer,rank,"
        "relationship,principal_employer,principal_rank,date_of_birth,approved_exception,"
        "application_date\n"
        "1,ET,C,2024-07-10,KE,,,,,,1990-01-01,,2024-07-01\n"
        "2,ET,C,2024-07-10,KE,,,,,,1990-01-01,,2024-05-01\n"
    )
    result = run("screen", str(source), "--output", str(tmp_path / "out.csv"), "--pack", EU)
    assert "restricted" in result.output and "not_affected" in result.output
    default = run("screen", str(source), "--output", str(tmp_path / "us.csv"))
    assert "invalid" in default.output  # C is no visa class of 243(d)
