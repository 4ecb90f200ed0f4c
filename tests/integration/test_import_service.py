"""Importing cases, flights and events on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from readmit.batch.tables import read_table
from readmit.domain.errors import UnreadableFile
from readmit.domain.events import new_event
from readmit.services.cases.commands import show_case
from readmit.services.context import Actor, App, bootstrap
from readmit.services.imports.rows import KEY, EventRows
from readmit.services.imports.run import (
    LEGACY_KEY,
    ImportReport,
    import_file,
    prepare,
    rejected_path,
)
from readmit.services.ops.audit import verify_ledger
from readmit.services.ops.maintenance import rebuild, upgrade
from readmit.settings import Settings
from readmit.store.db import CHECKPOINT_PAGES, Checkpoints, make_engine
from readmit.store.migrate import upgrade as migrate

ACTOR = Actor("importer", "admin")
TODAY = date(2026, 1, 1)

CASES = (
    ("case_id,nationality,final_order_date,criminal,custody,given_name,family_name,date_of_birth\n")
    + """A1,KH,2020-01-01,true,detained,Sok,Chan,1980-02-03
A2,kh,2020-01-02,FALSE,released,,,
A3,LA,2020-01-03,false,detained,,,
"""
)
FLIGHTS = """flight_id,departure_on,kind,destination,capacity
F1,2020-06-01,charter,KH,1
F2,2020-06-15,commercial,LA,10
"""
EVENTS = """case_id,event,occurred_on,mode,document_expires_on,flight_id,reason
A1,interview_scheduled,2020-02-10,,,,
A1,presented,2020-02-01,,,,
A1,interview_held,2020-02-20,virtual,,,
A1,nationality_confirmed,2020-03-01,,,,
A1,document_issued,2020-03-05,,2020-08-01,,
A1,manifested,2020-04-01,,,F1,
A2,presented,2020-02-01,,,,
A2,nationality_confirmed,2020-02-10,,,,
A2,document_issued,2020-02-11,,2020-05-01,,
A2,manifested,2020-04-02,,,F1,
A3,presented,2020-02-01,,,,
A3,closed,2020-02-02,,,,
A3,released,2020-02-03,,,,
"""


def write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content)
    return path


def run(app: App, kind: str, path: Path, **options: Any) -> ImportReport:
    return import_file(app, ACTOR, kind=kind, path=path, today=TODAY, **options)


def load_all(app: App, folder: Path, chunk_rows: int = 5000) -> ImportReport:
    run(app, "cases", write(folder, "cases.csv", CASES))
    run(app, "flights", write(folder, "flights.csv", FLIGHTS))
    return run(app, "events", write(folder, "events.csv", EVENTS), chunk_rows=chunk_rows)


def reasons(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(r.line, r.code, r.reason) for r in report.rejected]


def test_rows_apply_in_date_order_and_bad_rows_are_rejected_with_reasons(
    db_app: App, tmp_path: Path
) -> None:
    report = load_all(db_app, tmp_path)
    assert (report.read, report.applied, report.already) == (13, 11, 0)
    assert reasons(report) == [
        (
            11,
            "document_expired",
            "case A2: the travel document expires on 2020-05-01, before flight F1 departs on "
            "2020-06-01; record document_expired and request a new document",
        ),
        (13, "invalid_input", "closing case A3 needs a reason"),
    ]
    assert report.rejected[0].allowed == [
        "nationality_disputed",
        "document_expired",
        "manifested",
        "stayed",
        "closed",
        "released",
    ]
    a1 = show_case(db_app, "A1")
    assert a1.case.state == "manifested" and a1.case.flight_id == "F1"
    assert [e.type for e in a1.history][1:3] == ["presented", "interview_scheduled"]
    assert show_case(db_app, "A3").case.custody == "released"
    assert verify_ledger(db_app).ok


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    db_app: App, tmp_path: Path
) -> None:
    load_all(db_app, tmp_path)
    before = dump_state(db_app.engine)
    for kind, name in (("cases", "cases.csv"), ("flights", "flights.csv")):
        again = run(db_app, kind, tmp_path / name)
        assert (again.applied, again.already, len(again.rejected)) == (0, again.read, 0)
    again = run(db_app, "events", tmp_path / "events.csv")
    assert (again.applied, again.already, len(again.rejected)) == (0, 11, 2)
    assert dump_state(db_app.engine) == before


def test_the_same_rows_in_another_file_are_recognised_as_already_imported(
    db_app: App, tmp_path: Path
) -> None:
    load_all(db_app, tmp_path)
    reordered = "\n".join([EVENTS.splitlines()[0], *reversed(EVENTS.splitlines()[1:])]) + "\n"
    again = run(db_app, "events", write(tmp_path, "reordered.csv", reordered))
    assert again.applied == 0 and again.already == 11


def test_case_event_keys_begin_with_the_rows_date_so_they_arrive_in_order(
    sqlite_app: App, tmp_path: Path
) -> None:
    load_all(sqlite_app, tmp_path)
    with sqlite_app.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT occurred_on, dedupe_key FROM events "
                "WHERE subject_type = 'case' AND type != 'case_opened'"
            )
        ).all()
    assert len(rows) == 11
    for occurred_on, key in rows:
        assert key[:9] == str(occurred_on).replace("-", "") + "-" and len(key) == 64


def test_rows_imported_with_the_keys_of_before_migration_0007_are_still_recognised(
    db_app: App, tmp_path: Path
) -> None:
    load_all(db_app, tmp_path)
    path = tmp_path / "events.csv"
    handler = EventRows(ACTOR, TODAY)
    both = prepare(read_table(path, handler.spec), handler, legacy=True)
    # What a store imported before 0007 holds: bare-digest keys, imports without a key format.
    with db_app.engine.begin() as conn:
        for key, legacy in both.select(KEY, LEGACY_KEY).iter_rows():
            conn.execute(
                text("UPDATE events SET dedupe_key = :legacy WHERE dedupe_key = :key"),
                {"legacy": legacy, "key": key},
            )
        conn.execute(text("UPDATE imports SET key_format = NULL"))
    reordered = "\n".join([EVENTS.splitlines()[0], *reversed(EVENTS.splitlines()[1:])]) + "\n"
    again = run(db_app, "events", write(tmp_path, "reordered.csv", reordered))
    assert (again.applied, again.already, len(again.rejected)) == (0, 11, 2)
    assert verify_ledger(db_app).ok


def test_migrating_a_store_keeps_its_earlier_imports_marked_as_using_the_earlier_keys(
    tmp_path: Path,
) -> None:
    app = bootstrap(
        Settings(database_url=f"sqlite:///{tmp_path / 'old.db'}", key_dir=tmp_path / "keys")
    )
    migrate(app.engine, "0006")
    with app.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO imports (digest, kind, file_name, total, position, started_at) "
                "VALUES ('d', 'events', 'events.csv', 1, 1, '2026-01-01T00:00:00.000000Z')"
            )
        )
    upgrade(app)
    with app.engine.connect() as conn:
        formats = conn.execute(text("SELECT key_format FROM imports")).scalars().all()
    assert formats == [None]
    app.engine.dispose()


def test_a_full_flight_and_a_disputed_nationality_reject_the_manifest(
    db_app: App, tmp_path: Path
) -> None:
    run(db_app, "cases", write(tmp_path, "cases.csv", CASES))
    run(db_app, "flights", write(tmp_path, "flights.csv", FLIGHTS))
    events = """case_id,event,occurred_on,document_expires_on,flight_id,country
A1,presented,2020-02-01,,,
A1,nationality_confirmed,2020-02-02,,,
A1,document_issued,2020-02-03,2020-12-31,,
A1,manifested,2020-02-04,,F1,
A2,presented,2020-02-01,,,
A2,nationality_confirmed,2020-02-02,,,
A2,document_issued,2020-02-03,2020-12-31,,
A2,manifested,2020-02-05,,F1,
A3,presented,2020-02-01,,,
A3,nationality_disputed,2020-02-02,,,
A3,presented,2020-02-03,,,KH
A3,nationality_confirmed,2020-02-04,,,
A3,document_issued,2020-02-05,2020-12-31,,
A3,manifested,2020-02-06,,F2,
A3,manifested,2020-02-07,,F9,
"""
    report = run(db_app, "events", write(tmp_path, "events.csv", events))
    assert [(line, code) for line, code, _ in reasons(report)] == [
        (9, "flight_full"),
        (15, "nationality_disputed"),
        (16, "not_found"),
    ]
    assert "LA disputes this person's nationality" in report.rejected[1].reason


BAD_EVENTS = [
    ("A9,presented,2020-02-01", "not_found", "unknown case 'A9'"),
    ("A1,flew,2020-02-01", "invalid_input", "unknown event 'flew'"),
    ("A1,presented,2020-02-30", "invalid_input", "occurred_on '2020-02-30' is not a real day"),
    ("A1,presented,2030-02-01", "invalid_input", "occurred_on 2030-02-01 is in the future"),
    ("A1,presented,2019-02-01", "invalid_input", "before the final order of 2020-01-01"),
    ("A1,removed,2020-02-01", "illegal_transition", "case A1 is ordered: removed is not"),
    (",presented,2020-02-01", "invalid_input", "case_id is empty"),
    ("A2,presented,2020-02-01,XX", "unknown_country", "unknown country code 'XX'"),
]
BAD_CASES = [
    ("B1,XX,2020-01-01,true,detained", "unknown_country", "unknown country code 'XX'"),
    ("B2,KH,01/02/2020,true,detained", "invalid_input", "final_order_date '01/02/2020'"),
    ("B3,KH,2020-01-01,maybe,detained", "invalid_input", "criminal must be true or false"),
    ("B4,KH,2020-01-01,true,at large", "invalid_input", "custody must be detained or"),
    ("A1,KH,2020-01-01,true,detained", "duplicate", "case A1 already exists"),
    ("B5,KH,2020-01-01,true,detained,,,,KH,-3", "invalid_input", "entry_age '-3' must be"),
]


def test_each_kind_of_bad_row_gets_its_line_code_and_reason(db_app: App, tmp_path: Path) -> None:
    run(db_app, "cases", write(tmp_path, "cases.csv", CASES))
    header = "case_id,nationality,final_order_date,criminal,custody,"
    header += "x,y,z,country_of_birth,entry_age"
    cases = "\n".join([header, *(row for row, _, _ in BAD_CASES)]) + "\n"
    report = run(db_app, "cases", write(tmp_path, "more.csv", cases))
    expected = [(n + 2, code) for n, (_, code, _) in enumerate(BAD_CASES)]
    assert [(r.line, r.code) for r in report.rejected] == expected
    for rejection, (_, _, reason) in zip(report.rejected, BAD_CASES, strict=True):
        assert reason in rejection.reason
    events = "\n".join(["case_id,event,occurred_on,country", *(r for r, _, _ in BAD_EVENTS)])
    report = run(db_app, "events", write(tmp_path, "e.csv", events + "\n"))
    assert report.applied == 0
    expected = [(n + 2, code) for n, (_, code, _) in enumerate(BAD_EVENTS)]
    assert [(r.line, r.code) for r in report.rejected] == expected
    for rejection, (_, _, reason) in zip(report.rejected, BAD_EVENTS, strict=True):
        assert reason in rejection.reason


def test_personal_data_goes_outside_the_chain_and_the_log_keeps_a_digest(
    db_app: App, tmp_path: Path
) -> None:
    run(db_app, "cases", write(tmp_path, "cases.csv", CASES))
    assert show_case(db_app, "A1", with_personal=True).personal == {
        "given_name": "Sok",
        "family_name": "Chan",
        "date_of_birth": "1980-02-03",
    }
    assert show_case(db_app, "A2", with_personal=True).personal is None
    with db_app.engine.connect() as conn:
        payloads = (
            conn.execute(
                text("SELECT payload FROM events WHERE subject_type = 'case' ORDER BY seq")
            )
            .scalars()
            .all()
        )
    assert "Chan" not in "".join(payloads)
    assert len(json.loads(payloads[0])["personal_digest"]) == 64


def test_a_parquet_file_imports_like_its_csv_twin(db_app: App, tmp_path: Path) -> None:
    csv_path = write(tmp_path, "cases.csv", CASES)
    frame = pl.read_csv(csv_path, try_parse_dates=True)
    assert frame.schema["final_order_date"] == pl.Date
    frame.write_parquet(tmp_path / "cases.parquet")
    report = run(db_app, "cases", tmp_path / "cases.parquet")
    assert (report.applied, len(report.rejected)) == (3, 0)
    assert run(db_app, "cases", csv_path).already == 3, "the same rows, the same keys"


def test_an_unreadable_file_is_refused_as_a_whole(sqlite_app: App, tmp_path: Path) -> None:
    write(tmp_path, "cases.txt", "case_id\n")
    write(tmp_path, "cases.csv", "case_id,nationality\nA1,KH\n")
    write(tmp_path, "cases.parquet", "not parquet at all")
    for name, message in [
        ("absent.csv", "no such file"),
        ("cases.txt", "not a CSV or Parquet file"),
        ("cases.csv", r"missing required column\(s\) final_order_date, criminal, custody"),
        ("cases.parquet", "cannot be read as Parquet"),
    ]:
        with pytest.raises(UnreadableFile, match=message):
            run(sqlite_app, "cases", tmp_path / name)
    with sqlite_app.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM imports")).scalar_one() == 0


def test_the_rejected_rows_file_is_written_only_when_rows_were_rejected(
    db_app: App, tmp_path: Path
) -> None:
    load_all(db_app, tmp_path)
    report_file = rejected_path(tmp_path / "events.csv")
    lines = report_file.read_text().splitlines()
    assert lines[0].startswith("rejected_line,rejected_code,rejected_reason,allowed_next_events")
    assert [line.split(",")[0] for line in lines[1:]] == ["11", "13"]
    assert not rejected_path(tmp_path / "cases.csv").exists()


class Crash(Exception):
    """Stands for the process dying right after a chunk was committed."""


def twin(app: App, folder: Path, request: pytest.FixtureRequest) -> App:
    """A second, empty store on the same kind of database as ``app``."""
    if app.engine.dialect.name == "sqlite":
        url = f"sqlite:///{folder / 'twin.db'}"
    else:
        url = request.getfixturevalue("fresh_pg_url")()
    other = bootstrap(Settings(database_url=url, key_dir=folder / "keys"))
    upgrade(other)
    return other


def test_a_run_that_dies_between_chunks_resumes_to_the_uninterrupted_result(
    db_app: App, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    run(db_app, "cases", write(tmp_path, "cases.csv", CASES))
    run(db_app, "flights", write(tmp_path, "flights.csv", FLIGHTS))
    path = write(tmp_path, "events.csv", EVENTS)

    def die_after_two_chunks(done: int, total: int) -> None:
        if done >= 6:
            raise Crash

    with pytest.raises(Crash):
        run(db_app, "events", path, chunk_rows=3, progress=die_after_two_chunks)
    resumed = run(db_app, "events", path, chunk_rows=3)
    assert resumed.resumed_at == 6
    assert (resumed.applied + resumed.already, len(resumed.rejected)) == (11, 2)
    assert reasons(resumed)[1] == (13, "invalid_input", "closing case A3 needs a reason")
    assert verify_ledger(db_app).ok

    reference = tmp_path / "reference"
    reference.mkdir()
    other = twin(db_app, reference, request)
    load_all(other, reference, chunk_rows=3)
    assert dump_state(db_app.engine) == dump_state(other.engine)
    other.engine.dispose()


def dump_state(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The ledger and projections, without what differs between any two runs (ids, times)."""
    with engine.connect() as conn:
        ledger = [
            (
                *(r.seq, r.type, r.subject_id, str(r.occurred_on), _stable(r.payload)),
                *(r.dedupe_key, r.actor, r.role, r.source),
            )
            for r in conn.execute(text("SELECT * FROM events ORDER BY seq"))
        ]
        cases = sorted(tuple(r) for r in conn.execute(text("SELECT * FROM cases")))
        flights = sorted(tuple(r) for r in conn.execute(text("SELECT * FROM flights")))
        persons = sorted(
            (r.case_id, str(r.data)) for r in conn.execute(text("SELECT * FROM persons"))
        )
        # Facts and responses without the day each was recorded (runs differ in that).
        facts = sorted(
            tuple(value for name, value in r._mapping.items() if name not in {"rday", "void_rday"})
            for r in conn.execute(text("SELECT * FROM coop_facts"))
        )
        responses = sorted(
            tuple(value for name, value in r._mapping.items() if name not in {"rday", "void_rday"})
            for r in conn.execute(text("SELECT * FROM coop_responses"))
        )
    return {
        "events": ledger,
        "cases": cases,
        "flights": flights,
        "persons": persons,
        "coop_facts": facts,
        "coop_responses": responses,
    }


def _stable(payload: str) -> str:
    data = json.loads(payload)
    data.pop("personal_digest", None)  # salted: differs between runs by design
    return json.dumps(data, sort_keys=True)


def test_a_rebuild_after_imports_reproduces_the_projections(db_app: App, tmp_path: Path) -> None:
    load_all(db_app, tmp_path)
    before = dump_state(db_app.engine)
    rebuild(db_app)
    assert dump_state(db_app.engine) == before


def test_a_state_foreseen_for_another_case_state_or_payload_is_not_taken_for_the_fold(
    db_app: App, tmp_path: Path
) -> None:
    """The import tells the case projection what each checked event leads to; the projection
    takes it only for the very state and payload it was worked out from, else folds itself."""
    load_all(db_app, tmp_path)
    with db_app.uow() as uow:
        case = uow.projections.cases.load(uow.conn, ["A2"])["A2"]
        payload: dict[str, Any] = {"country": "LA"}
        wrong = dataclasses.replace(case, nationality="XX", version=case.version + 1)
        uow.projections.cases.foresee(case, {"country": "LA"}, wrong)  # another payload
        earlier = dataclasses.replace(case, version=case.version - 1)
        uow.projections.cases.foresee(earlier, payload, wrong)  # another state
        on = date(2025, 1, 2)
        uow.record([new_event("stayed", "case", "A2", on, "importer", "admin", payload)])
        folded = uow.projections.cases.load(uow.conn, ["A2"])["A2"]
        uow.commit()
    assert folded.nationality == case.nationality and folded.version == case.version + 1
    assert show_case(db_app, "A2").case.state == folded.state


def test_a_growing_import_has_postgresql_refresh_the_statistics_its_lookups_are_planned_by(
    db_app: App, tmp_path: Path
) -> None:
    """Planned from the statistics of an empty table, each chunk's key lookups would scan the
    whole table: a 1M-event import on PostgreSQL never finished. The import re-samples them."""
    if db_app.engine.dialect.name == "sqlite":
        pytest.skip("SQLite plans these lookups by their indexes whatever its statistics")
    load_all(db_app, tmp_path, chunk_rows=4)
    with db_app.engine.connect() as conn:
        analysed = conn.execute(
            text(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL "
                "AND relname IN ('events', 'cases', 'coop_facts')"
            )
        ).scalars()
        assert sorted(analysed) == ["cases", "coop_facts", "events"]


def test_an_import_in_chunks_copies_its_log_back_off_its_commits_and_leaves_no_trace(
    sqlite_app: App, tmp_path: Path
) -> None:
    """Each chunk commits without copying the write-ahead log back into the database; a thread
    copies it while the next chunk is read. The import returns once all of it is copied, and
    its connections go back to the pool copying as every other connection does."""
    report = load_all(sqlite_app, tmp_path, chunk_rows=2)
    assert report.applied == 11
    with sqlite_app.engine.connect() as one, sqlite_app.engine.connect() as other:
        for conn in (one, other):  # the import's and the copying thread's, back in the pool
            raw = conn.connection.driver_connection
            assert raw is not None
            assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == CHECKPOINT_PAGES
    assert not [t.name for t in threading.enumerate() if t.name == "readmit-checkpoint"]


def test_a_copy_of_the_log_that_fails_is_raised_to_the_import_not_printed_by_its_thread(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    checkpoints = Checkpoints(engine)
    try:
        checkpoints.start()
        with pytest.raises(DBAPIError, match="unable to open"):  # the CLI reports it
            checkpoints.wait()
        checkpoints.start()
        checkpoints.stop()  # an import already ending waits for it, and keeps its own error
        checkpoints.stop()
    finally:
        engine.dispose()
