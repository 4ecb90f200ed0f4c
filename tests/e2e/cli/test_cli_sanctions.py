"""``readmit sanctions``, ``check``, ``screen`` and ``decisions`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from readmit.cli import app
from readmit.services.context import App


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


KH_DG = (
    "check",
    "--nationality",
    "KH",
    "--visa-class",
    "B1/B2",
    "--decision-date",
    "2022-03-01",
    "--post-country",
    "KH",
    "--employer",
    "KH-MFA",
    "--rank",
    "director_general",
)


def test_sanctions_list_as_of_a_date_for_a_country(env: App) -> None:
    listed = json.loads(
        run("sanctions", "list", "--as-of", "2021-01-01", "--country", "SL", "--json").stdout
    )
    assert [s["id"] for s in listed] == ["SL-2017"]
    assert {m["id"]: m["state"] for m in listed[0]["measures"]} == {
        "SL-2017-1": "in_force",
        "SL-2020-1": "in_force",
    }
    text = run("sanctions", "list").stdout
    assert "GY-2001  Guyana (GY): lifted" in text
    assert "GM-2016  The Gambia (GM): ended, date unknown" in text
    assert "(stale: not verified for over a year)" in text


def test_sanctions_show_prints_the_timeline_with_not_public_steps(env: App) -> None:
    text = run("sanctions", "show", "GN-2017").stdout
    assert "on or before 2018-08-27  compliance_notification" in text
    assert "not public" in text and "source: https://gn.usembassy.gov/" in text
    assert run("sanctions", "show", "XX-1999", code=4).exit_code == 4


def test_check_prints_the_decision_and_the_letter(env: App) -> None:
    text = run(*KH_DG, "--letter").stdout
    assert text.startswith("discontinued")
    assert "Visa issuance has temporarily been discontinued under Section 243(d)" in text
    decided = json.loads(run(*KH_DG, "--json").stdout)
    assert decided["decision"] == "discontinued" and decided["measures"] == ["KH-2017-1"]
    assert decided["appeal"] is False and decided["fee_refunded"] is False


def test_check_of_an_unreadable_application_exits_2(env: App) -> None:
    result = run(
        "check", "--nationality", "XX", "--visa-class", "B2", "--post-country", "KH", code=2
    )
    assert "nationality 'XX' is not an ISO 3166-1 country code" in result.stdout


def test_check_lists_the_inputs_a_form_needs(env: App) -> None:
    needed = json.loads(
        run(
            "check",
            "--inputs-needed",
            "--nationality",
            "GH",
            "--post-country",
            "GH",
            "--decision-date",
            "2019-06-01",
            "--json",
        ).stdout
    )
    assert "date_of_birth" in [n["field"] for n in needed]
    assert (
        "nothing is in force"
        in run("check", "--inputs-needed", "--nationality", "FR", "--post-country", "FR").stdout
    )


def test_screen_then_replay_a_row_then_strict(env: App, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "application_id,nationality,visa_class,decision_date,post_country\n"
        "A1,ER,B2,2019-01-01,ER\nA2,ZZ,B2,2019-01-01,ER\n"
    )
    result = run("screen", str(source), "--output", str(tmp_path / "out.csv"))
    assert "discontinued" in result.stderr and "measure ER-2017-1" in result.stderr
    out = (tmp_path / "out.csv").read_text().splitlines()
    row_id = out[1].rsplit(",", 1)[1]
    replay = run("decisions", "replay", row_id, "--input", str(source)).stdout
    assert "outcome unchanged" in replay
    run("screen", str(source), "--output", str(tmp_path / "out2.parquet"), "--strict", code=1)


def test_sanctions_resumed_lists_nothing_for_a_sanction_without_holds(env: App) -> None:
    assert "0 application(s) can now be processed" in run("sanctions", "resumed", "GN-2017").stdout
