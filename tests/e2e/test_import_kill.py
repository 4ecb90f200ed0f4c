"""A SIGKILL in the middle of an import loses nothing and half-applies nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from readmit.services.context import Actor, App, bootstrap
from readmit.services.imports.run import import_file
from readmit.services.ops.audit import verify_ledger
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings

CASES = 800
BAD_EVERY = 37  # some rows are rejected, so the resumed run must also reproduce rejections


def write_files(folder: Path) -> dict[str, Path]:
    """About 6,500 events: each case removed on a weekly charter, a few bad rows among them."""
    cases, events, flights = [], [], {}
    for n in range(CASES):
        case_id, ordered = f"K{n:05d}", date(2018, 1, 1) + timedelta(days=n % 700)
        cases.append(f"{case_id},KH,{ordered},true,detained,Name{n}")
        day = ordered
        for step in (
            "presented",
            "interview_scheduled",
            "interview_held",
            "nationality_confirmed",
            "document_issued",
            "manifested",
            "removed",
            "received",
        ):
            day += timedelta(days=7)
            extra = ["", "", "", ""]
            if step == "interview_held":
                extra[0] = "virtual"
            if step == "document_issued":
                extra[1] = str(day + timedelta(days=90))
            if step == "manifested":
                departs = date(2018, 1, 4) + timedelta(
                    weeks=((day - date(2018, 1, 4)).days // 7 + 1)
                )
                flights[f"W{departs}"] = departs
                extra[2] = f"W{departs}"
                day = departs - timedelta(days=1)
            if step == "received":
                extra[3] = "RISC"
            events.append(",".join([case_id, step, str(day), *extra]))
        if n % BAD_EVERY == 0:
            events.append(f"{case_id},stay_lifted,{day},,,,")
    paths = {k: folder / f"{k}.csv" for k in ("cases", "flights", "events")}
    paths["cases"].write_text(
        "case_id,nationality,final_order_date,criminal,custody,given_name\n"
        + "\n".join(cases)
        + "\n"
    )
    paths["flights"].write_text(
        "flight_id,departure_on,kind,destination,capacity\n"
        + "\n".join(f"{f},{d},charter,KH,500" for f, d in sorted(flights.items()))
        + "\n"
    )
    paths["events"].write_text(
        "case_id,event,occurred_on,mode,document_expires_on,flight_id,organisation\n"
        + "\n".join(events)
        + "\n"
    )
    return paths


def readmit(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "READMIT_DATABASE_URL": f"sqlite:///{db}",
        "READMIT_KEY_DIR": str(db.parent / "keys"),
        "READMIT_ACTOR": "importer",
    }
    code = "from readmit.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(db: Path, *args: str) -> str:
    process = readmit(db, *args)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err.decode()
    return out.decode()


def position(db: Path) -> tuple[int, int]:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            row = conn.execute(
                "SELECT position, total FROM imports WHERE kind = 'events'"
            ).fetchone()
    except sqlite3.OperationalError:
        return (0, 1)
    return (row[0], row[1]) if row else (0, 1)


def state(db: Path) -> dict[str, Any]:
    """The log and projections, without what differs between runs (ids, times, salts)."""
    with closing(sqlite3.connect(db)) as conn:
        events = []
        for seq, kind, subject, on, payload, key in conn.execute(
            "SELECT seq, type, subject_id, occurred_on, payload, dedupe_key "
            "FROM events ORDER BY seq"
        ):
            data = json.loads(payload)
            data.pop("personal_digest", None)
            events.append((seq, kind, subject, on, data, key))
        return {
            "events": events,
            "cases": conn.execute("SELECT * FROM cases ORDER BY case_id").fetchall(),
            "flights": conn.execute("SELECT * FROM flights ORDER BY flight_id").fetchall(),
            "persons": conn.execute("SELECT case_id, data FROM persons ORDER BY 1").fetchall(),
            "coop_facts": conn.execute(
                "SELECT seq, subject_id, country, kind, party, day, order_day, virtual, lag, "
                "ref_day, void_seq FROM coop_facts ORDER BY seq"
            ).fetchall(),
            "half_applied": conn.execute(
                "SELECT COUNT(*) FROM cases c WHERE c.last_seq != "
                "(SELECT MAX(seq) FROM events e WHERE e.subject_id = c.case_id)"
            ).fetchone(),
        }


def prepared(db: Path, paths: dict[str, Path]) -> App:
    """A migrated store holding the cases and flights, imported in this process."""
    app = bootstrap(Settings(database_url=f"sqlite:///{db}", key_dir=db.parent / "keys"))
    upgrade(app)
    for kind in ("cases", "flights"):
        import_file(app, Actor("importer", "admin"), kind=kind, path=paths[kind])
    return app


@pytest.mark.slow
def test_a_killed_import_run_again_ends_exactly_like_an_uninterrupted_one(tmp_path: Path) -> None:
    paths = write_files(tmp_path)
    killed, reference = tmp_path / "killed.db", tmp_path / "reference.db"
    killed_app, reference_app = prepared(killed, paths), prepared(reference, paths)

    process = readmit(killed, "import", "events", str(paths["events"]), "--chunk-rows", "200")
    deadline = time.monotonic() + 300
    while position(killed)[0] < 1000 and time.monotonic() < deadline:
        assert process.poll() is None, "the import finished before it could be killed"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    done, total = position(killed)
    assert 0 < done < total, f"killed at row {done} of {total}"
    assert state(killed)["half_applied"] == (0,)

    summary = json.loads(finish(killed, "import", "events", str(paths["events"]), "--json"))
    assert summary["resumed_at_row"] >= done
    assert summary["rejected"] == len(range(0, CASES, BAD_EVERY))
    uninterrupted = import_file(
        reference_app,
        Actor("importer", "admin"),
        kind="events",
        path=paths["events"],
        chunk_rows=200,
    )
    assert summary["read"] == uninterrupted.read
    assert summary["rejected"] == len(uninterrupted.rejected)
    assert summary["applied"] + summary["already_imported"] == uninterrupted.applied
    assert state(killed) == state(reference)
    assert verify_ledger(killed_app).ok
    killed_app.engine.dispose()
    reference_app.engine.dispose()
