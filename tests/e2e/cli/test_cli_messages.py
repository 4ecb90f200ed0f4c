"""The command line says what it did: a new schema, a proved checkpoint, the pending list."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from readmit.cli import app
from readmit.services.cases.commands import CaseEvent, NewCase, open_case, record_case_event
from readmit.services.context import Actor, App

OFFICER = Actor("officer", "case_officer")


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_db_upgrade_says_whether_it_created_or_found_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert "created the readmit schema" in run("db", "upgrade").output
    assert "already up to date" in run("db", "upgrade").output


def test_verify_with_a_checkpoint_says_the_log_extends_it(env: App, tmp_path: Path) -> None:
    signed = tmp_path / "checkpoint.json"
    run("audit", "checkpoint", "--output", str(signed))
    plain = run("audit", "verify").output
    proved = run("audit", "verify", "--checkpoint", str(signed)).output
    assert "extends the signed checkpoint" in proved and "extends" not in plain


def test_partner_pending_lists_the_cases_awaiting_the_partners_answer(env: App) -> None:
    for case_id, country in (("KH-1", "KH"), ("KH-2", "KH"), ("LA-1", "LA")):
        open_case(env, OFFICER, new=NewCase(case_id, country, date(2020, 1, 1), True, "detained"))
        record_case_event(
            env, OFFICER, CaseEvent(case_id=case_id, event="presented", on=date(2020, 2, 1))
        )
    listed = json.loads(run("partner", "pending", "--country", "KH", "--json").output)
    assert listed["total"] == 2 and {c["case_id"] for c in listed["cases"]} == {"KH-1", "KH-2"}
    assert "2 cases awaiting an answer" in run("partner", "pending", "--country", "KH").output
