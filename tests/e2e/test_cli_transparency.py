"""``readmit audit`` and the transparency log from the command line: heads signed by an import,
the key pinned, proofs, and a verification that reports instead of crashing."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner, Result

from readmit.cli import app

CASES = "case_id,nationality,final_order_date,criminal,custody\nA1,KH,2020-01-01,true,detained\n"
EVENTS = "case_id,event,occurred_on\nA1,presented,2020-02-01\nA1,interview_scheduled,2020-02-10\n"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("READMIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("READMIT_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("READMIT_ACTOR", "tester")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    for kind, text in (("cases", CASES), ("events", EVENTS)):
        (tmp_path / f"{kind}.csv").write_text(text)
        assert runner.invoke(app, ["import", kind, str(tmp_path / f"{kind}.csv")]).exit_code == 0
    return runner


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


def test_an_import_signs_a_head_and_verify_holds_the_store_against_it_with_the_key_pinned(
    cli: CliRunner, tmp_path: Path
) -> None:
    head = json.loads(invoke(cli, "audit", "head", "--json").stdout)
    assert head["reason"] == "import of events"
    key = tmp_path / "key.pem"
    assert invoke(cli, "audit", "public-key", "--output", str(key)).exit_code == 0
    verified = invoke(cli, "audit", "verify", "--key", str(key))
    assert verified.exit_code == 0, verified.stderr
    assert "signed tree heads" in verified.stdout and "the pinned key" in verified.stdout
    other = tmp_path / "other.pem"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    refused = invoke(cli, "audit", "verify", "--key", str(other))
    assert refused.exit_code == 1 and "not signed by the pinned key" in refused.stderr


def test_proofs_and_a_kept_head_are_answered_in_json(cli: CliRunner, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    kept.write_text(invoke(cli, "audit", "head", "--json").stdout)
    proof = json.loads(invoke(cli, "audit", "prove", "1").stdout)
    assert proof["seq"] == 1 and proof["head"]["size"] == proof["tree_size"]
    assert json.loads(invoke(cli, "audit", "consistency", "1").stdout)["old_size"] == 1
    checked = invoke(cli, "audit", "check-head", str(kept))
    assert checked.exit_code == 0 and json.loads(checked.stdout)["verdict"] == "consistent"
    assert invoke(cli, "audit", "sign").exit_code == 0
    exported = invoke(cli, "audit", "events", "--output", str(tmp_path / "events.jsonl"))
    assert exported.exit_code == 0
    not_json = tmp_path / "bad.json"
    not_json.write_text("[")
    bad = invoke(cli, "audit", "check-head", str(not_json))
    assert bad.exit_code == 2 and "cannot read the kept head" in bad.stderr


def test_a_malformed_payload_is_reported_with_its_number_not_a_traceback(
    cli: CliRunner, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(tmp_path / "cli.db")) as conn, conn:
        (seq,) = conn.execute("SELECT max(seq) FROM events").fetchone()
        conn.execute(f"UPDATE events SET payload = '{{oops' WHERE seq = {seq - 1}")
    result = invoke(cli, "audit", "verify")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"FAILED at event {seq - 1}" in result.stderr and "not valid JSON" in result.stderr


def test_deleting_the_tail_and_moving_the_head_fails_verification(
    cli: CliRunner, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(tmp_path / "cli.db")) as conn, conn:
        (seq,) = conn.execute("SELECT max(seq) FROM events").fetchone()
        (prev,) = conn.execute(f"SELECT prev_hash FROM events WHERE seq = {seq}").fetchone()
        conn.execute(f"DELETE FROM events WHERE seq = {seq}")
        conn.execute(f"UPDATE ledger_head SET seq = {seq - 1}, hash = '{prev}'")
        conn.execute("DELETE FROM tree_heads")
        conn.execute("DELETE FROM event_seals")
    result = invoke(cli, "audit", "verify")
    assert result.exit_code == 1 and "events were removed" in result.stderr


def test_sign_refuses_a_log_that_was_cut_and_says_why(cli: CliRunner, tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "cli.db")) as conn, conn:
        (seq,) = conn.execute("SELECT max(seq) FROM events").fetchone()
        (prev,) = conn.execute(f"SELECT prev_hash FROM events WHERE seq = {seq}").fetchone()
        conn.execute(f"DELETE FROM events WHERE seq = {seq}")
        conn.execute(f"UPDATE ledger_head SET seq = {seq - 1}, hash = '{prev}'")
    result = invoke(cli, "audit", "sign")
    assert result.exit_code == 1 and "not signed: a head of" in result.stderr
