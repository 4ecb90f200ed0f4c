"""The command line: import with good and bad rows, show and void, audit verify."""

from __future__ import annotations

import csv
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from readmit.cli import app

CASES = """case_id,nationality,final_order_date,criminal,custody,given_name,family_name
A1,KH,2020-01-01,true,detained,Sok,Chan
A2,LA,2020-01-02,false,released,,
A3,ZZ,2020-01-03,false,released,,
"""
FLIGHTS = """flight_id,departure_on,kind,destination,capacity
F1,2020-06-01,charter,KH,40
"""
EVENTS = """case_id,event,occurred_on,mode,document_expires_on,flight_id,reason
A1,presented,2020-02-01,,,,
A1,interview_scheduled,2020-02-10,,,,
A1,interview_held,2020-02-20,virtual,,,
A1,nationality_confirmed,2020-03-01,,,,
A1,document_issued,2020-03-05,,2020-08-01,,
A1,manifested,2020-04-01,,,F1,
A2,removed,2020-02-01,,,,
A9,presented,2020-02-01,,,,
A2,presented,2020-13-01,,,,
A2,presented,2020-02-01,,,,
A2,stayed,2020-02-05,,,,petition for review
A2,flew,2020-02-06,,,,
"""


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("READMIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("READMIT_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("READMIT_ACTOR", "tester")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return runner


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


def files(folder: Path) -> dict[str, Path]:
    paths = {}
    for name, content in (("cases", CASES), ("flights", FLIGHTS), ("events", EVENTS)):
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(content)
    return paths


def test_an_import_with_good_and_bad_rows_gives_exact_counts_and_reasons(
    cli: CliRunner, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    cases = invoke(cli, "import", "cases", str(paths["cases"]))
    assert cases.exit_code == 0
    assert "read 3, applied 2, already imported 0, rejected 1" in cases.stderr
    assert invoke(cli, "import", "flights", str(paths["flights"])).exit_code == 0
    result = invoke(cli, "import", "events", str(paths["events"]), "--json")
    assert result.exit_code == 0, result.output
    assert "read 12, applied 8, already imported 0, rejected 4" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["applied"], summary["rejected"]) == (12, 8, 4)
    with open(summary["rejected_file"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["rejected_line"], r["rejected_code"]) for r in rows] == [
        ("8", "illegal_transition"),
        ("9", "not_found"),
        ("10", "invalid_input"),
        ("13", "invalid_input"),
    ]
    assert rows[0]["rejected_reason"] == (
        "case A2 is ordered: removed is not allowed; allowed next events: "
        "presented, stayed, closed, released"
    )
    assert rows[0]["allowed_next_events"] == "presented stayed closed released"
    assert rows[1]["rejected_reason"].startswith("unknown case 'A9'")
    assert rows[2]["rejected_reason"] == "occurred_on '2020-13-01' is not a real day"
    assert rows[3]["rejected_reason"].startswith("unknown event 'flew'")
    assert rows[3]["allowed_next_events"] == "stay_lifted closed released"
    assert (rows[0]["case_id"], rows[0]["event"]) == ("A2", "removed")


def test_strict_exits_1_on_rejections_and_a_repeat_adds_nothing(
    cli: CliRunner, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    invoke(cli, "import", "cases", str(paths["cases"]))
    invoke(cli, "import", "flights", str(paths["flights"]))
    assert invoke(cli, "import", "events", str(paths["events"]), "--strict").exit_code == 1
    again = invoke(cli, "import", "events", str(paths["events"]))
    assert again.exit_code == 0
    assert "read 12, applied 0, already imported 8, rejected 4" in again.stderr
    assert "imported before" in again.stderr
    clean = invoke(cli, "import", "flights", str(paths["flights"]), "--strict")
    assert clean.exit_code == 0 and "already imported 1, rejected 0" in clean.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("events.json", "{}", "not a CSV or Parquet file"),
        ("events.csv", "case_id,when\nA1,2020-01-01\n", "missing required column(s) event"),
    ],
)
def test_an_unreadable_file_exits_2_with_a_message_and_no_traceback(
    cli: CliRunner, tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_text(content)
    result = invoke(cli, "import", "events", str(tmp_path / name))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_case_show_gives_state_history_and_next_events_and_personal_data_only_on_request(
    cli: CliRunner, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    for kind in ("cases", "flights", "events"):
        invoke(cli, "import", kind, str(paths[kind]))
    shown = invoke(cli, "case", "show", "A2")
    assert shown.exit_code == 0
    assert (
        "A2 (LA): stayed" in shown.stdout
        and "allowed next events: stay_lifted, closed, released" in shown.stdout
    )
    assert "Chan" not in invoke(cli, "case", "show", "A1").stdout
    personal = json.loads(invoke(cli, "case", "show", "A1", "--personal", "--json").stdout)
    assert personal["personal"] == {"given_name": "Sok", "family_name": "Chan"}
    assert invoke(cli, "case", "show", "A404").exit_code == 4


def test_case_void_marks_the_event_and_moves_the_case_back(cli: CliRunner, tmp_path: Path) -> None:
    paths = files(tmp_path)
    for kind in ("cases", "flights", "events"):
        invoke(cli, "import", kind, str(paths[kind]))
    view = json.loads(invoke(cli, "case", "show", "A2", "--json").stdout)
    stayed = next(e for e in view["history"] if e["event"] == "stayed")
    result = invoke(cli, "case", "void", stayed["id"], "--reason", "entered on the wrong case")
    assert result.exit_code == 0, result.output
    after = json.loads(invoke(cli, "case", "show", "A2", "--json").stdout)
    assert after["state"] == "presented"
    assert [e["voided"] for e in after["history"] if e["event"] == "stayed"] == [True]
    assert after["history"][-1]["event"] == "voided"
    assert "(voided)" in invoke(cli, "case", "show", "A2").stdout
    assert invoke(cli, "case", "void", stayed["id"], "--reason", "twice").exit_code == 1
    assert invoke(cli, "audit", "verify").exit_code == 0


def test_audit_verify_exits_0_on_a_clean_ledger_and_1_after_a_raw_update(
    cli: CliRunner, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    for kind in ("cases", "flights", "events"):
        invoke(cli, "import", kind, str(paths[kind]))
    clean = invoke(cli, "audit", "verify")
    assert clean.exit_code == 0 and clean.stdout.startswith("ok: ")
    with closing(sqlite3.connect(tmp_path / "cli.db")) as conn, conn:
        (seq,) = conn.execute(
            "SELECT seq FROM events WHERE subject_id = 'A1' AND type = 'interview_held'"
        ).fetchone()
        conn.execute(f"UPDATE events SET occurred_on = '2020-02-21' WHERE seq = {seq}")
    broken = invoke(cli, "audit", "verify")
    assert broken.exit_code == 1
    assert f"FAILED at event {seq}" in broken.stderr and "altered" in broken.stderr
    as_json = json.loads(invoke(cli, "audit", "verify", "--json").stdout)
    assert as_json["first_bad_seq"] == seq and as_json["ok"] is False


def test_a_command_on_a_database_without_the_schema_says_to_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    (tmp_path / "cases.csv").write_text(CASES)
    result = CliRunner().invoke(app, ["import", "cases", str(tmp_path / "cases.csv")])
    assert result.exit_code == 3 and "readmit db upgrade" in result.stderr


@pytest.mark.parametrize("chunk_rows", ["2", "100"], ids=["pipelined", "direct"])
def test_a_write_the_database_refuses_exits_1_with_a_message_and_the_rerun_resumes(
    cli: CliRunner, tmp_path: Path, chunk_rows: str
) -> None:
    paths = files(tmp_path)
    invoke(cli, "import", "cases", str(paths["cases"]))
    invoke(cli, "import", "flights", str(paths["flights"]))
    db = tmp_path / "cli.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.type = 'document_issued' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    refused = invoke(cli, "import", "events", str(paths["events"]), "--chunk-rows", chunk_rows)
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)  # no traceback
    assert "error (store_failed): the database failed (IntegrityError): refused by the test" in (
        refused.stderr
    )
    assert "run the command again" in refused.stderr
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TRIGGER refuse")
        conn.commit()
    again = invoke(
        cli, "import", "events", str(paths["events"]), "--chunk-rows", chunk_rows, "--json"
    )
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert (summary["applied"] + summary["already_imported"], summary["rejected"]) == (8, 4)
    # The chunks before the refused one were kept; the refused one left nothing behind.
    assert summary["resumed_at_row"] == (8 if chunk_rows == "2" else 0)
