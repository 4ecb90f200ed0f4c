"""scripts/verify_log.py, the standalone verifier, run as an outsider would: with the public key,
the published heads, a receipt, a consistency proof and an export of the events."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from readmit.services.cases.commands import CaseEvent, NewCase, open_case, record_case_event
from readmit.services.context import Actor, App
from readmit.services.ops.audit_export import export_events
from readmit.services.transparency import heads, keys, proofs, sign_tree_head

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_log.py"
OFFICER = Actor("officer", "case_officer")


def run(*args: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def published(sqlite_app: App, tmp_path: Path) -> dict[str, Path]:
    """What an outsider holds: the key, two heads, a receipt, a proof, the events."""
    app = sqlite_app
    open_case(app, OFFICER, new=NewCase("A1", "KH", date(2020, 1, 1), True, "detained"))
    old = sign_tree_head(app, reason="test")
    record_case_event(app, OFFICER, CaseEvent(case_id="A1", event="presented", on=date(2020, 2, 1)))
    receipt = proofs.receipt(app, old["size"] + 1) if old else None
    new = heads.latest(app)
    assert old and receipt and new
    files = {
        "key": tmp_path / "key.pem",
        "old": tmp_path / "old.json",
        "new": tmp_path / "new.json",
        "receipt": tmp_path / "receipt.json",
        "proof": tmp_path / "proof.json",
        "events": tmp_path / "events.jsonl",
        "heads": heads.heads_file(app),
        "event": tmp_path / "event.json",
    }
    files["key"].write_text(keys.public_pem(app))
    files["old"].write_text(json.dumps(old))
    files["new"].write_text(json.dumps(new))
    files["receipt"].write_text(json.dumps(receipt))
    consistency = proofs.consistency(app, old=old["size"], new=new["size"])
    files["proof"].write_text(json.dumps(consistency))
    export_events(app, files["events"])
    last = files["events"].read_text().splitlines()[new["size"] - 1]
    files["event"].write_text(last)
    return files


def test_an_outsider_checks_heads_a_receipt_a_consistency_proof_and_the_events(
    published: dict[str, Path],
) -> None:
    p = published
    for args in (
        ("heads", "--key", p["key"], p["heads"]),
        ("inclusion", "--key", p["key"], "--event", p["event"], p["receipt"]),
        ("consistency", "--key", p["key"], p["old"], p["new"], p["proof"]),
        ("events", "--key", p["key"], "--heads", p["heads"], p["events"]),
    ):
        done = run(*args)
        assert done.returncode == 0 and done.stdout.startswith("ok: "), (args, done.stderr)


def test_a_changed_event_a_foreign_key_and_a_rewritten_history_fail_with_a_reason(
    published: dict[str, Path], tmp_path: Path
) -> None:
    p = published
    lines = p["events"].read_text().splitlines()
    event = json.loads(lines[0])
    event["actor"] = "nobody"
    p["events"].write_text("\n".join([json.dumps(event), *lines[1:]]) + "\n")
    done = run("events", "--key", p["key"], "--heads", p["heads"], p["events"])
    assert done.returncode == 1 and "event 1 does not match its hash" in done.stderr

    other = tmp_path / "other.pem"
    pem = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    other.write_bytes(pem)
    done = run("heads", "--key", other, p["heads"])
    assert done.returncode == 1 and "not signed by the pinned key" in done.stderr

    proof = json.loads(p["proof"].read_text())
    proof["proof"] = ["00" * 32 for _ in proof["proof"]] or ["00" * 32]
    p["proof"].write_text(json.dumps(proof))
    done = run("consistency", "--key", p["key"], p["old"], p["new"], p["proof"])
    assert done.returncode == 1 and "history was rewritten" in done.stderr

    done = run("inclusion", "--key", p["key"], p["events"])
    assert done.returncode == 1 and done.stderr.startswith("FAILED")
