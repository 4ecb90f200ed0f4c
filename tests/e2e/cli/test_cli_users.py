"""``readmit user`` and ``readmit serve`` through the command-line runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from readmit.cli import app
from readmit.services.access import sessions, users
from readmit.services.access.accounts_check import check_accounts
from readmit.services.context import App

runner = CliRunner()


def test_user_add_prints_a_working_token_as_the_last_word_of_its_last_line(
    env: App, tmp_path: Path
) -> None:
    secret = tmp_path / "pw"
    secret.write_text("a long enough passphrase\n")
    result = runner.invoke(
        app,
        [
            "user",
            "add",
            "kh",
            "--role",
            "partner_liaison",
            "--country",
            "KH",
            "--password-file",
            str(secret),
        ],
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1].split()[-1]
    assert users.authenticate_token(env, token).country == "KH"
    assert sessions.login(env, "kh", password="a long enough passphrase").user.name == "kh"


def test_user_token_revoke_and_reset_password_never_prompt(env: App, tmp_path: Path) -> None:
    assert runner.invoke(app, ["user", "add", "ana", "--role", "analyst"]).exit_code == 0
    issued = runner.invoke(app, ["user", "token", "ana", "--days", "3"])
    token = issued.output.strip().split()[-1]
    assert users.authenticate_token(env, token).name == "ana"
    secret = tmp_path / "pw"
    secret.write_text("another long passphrase")
    reset = runner.invoke(app, ["user", "reset-password", "ana", "--password-file", str(secret)])
    assert reset.exit_code == 0
    assert runner.invoke(app, ["user", "revoke", "ana"]).exit_code == 0
    listed = runner.invoke(app, ["user", "list"])
    assert "ana\tanalyst\t-\trevoked" in listed.output


def test_user_add_reports_a_bad_role_or_missing_country_as_a_usage_error(env: App) -> None:
    bad = runner.invoke(app, ["user", "add", "x", "--role", "king"])
    assert bad.exit_code == 2 and "unknown role" in bad.output
    unbound = runner.invoke(app, ["user", "add", "x", "--role", "reintegration_caseworker"])
    assert unbound.exit_code == 2 and "country" in unbound.output
    missing = runner.invoke(
        app, ["user", "add", "x", "--role", "analyst", "--password-file", "/nope"]
    )
    assert missing.exit_code == 2


def test_serve_refuses_a_database_without_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 3 and "db upgrade" in result.output


def test_user_role_changes_the_role_alone_and_the_chain_records_it(env: App) -> None:
    assert runner.invoke(app, ["user", "add", "ana", "--role", "analyst"]).exit_code == 0
    changed = runner.invoke(app, ["user", "role", "ana", "--role", "partner_liaison"])
    assert changed.exit_code != 0 and "country" in changed.output  # a partner needs one
    changed = runner.invoke(
        app, ["user", "role", "ana", "--role", "partner_liaison", "--country", "la"]
    )
    assert changed.exit_code == 0, changed.output
    assert users.get_user(env, "ana").country == "LA"
    with env.engine.connect() as conn:
        assert check_accounts(conn) == []
