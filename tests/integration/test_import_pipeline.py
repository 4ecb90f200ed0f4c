"""A pipelined import (a second process commits each chunk while the next is decided) decides
every row as a direct import does, and keeps each chunk whole when something goes wrong."""

from __future__ import annotations

import io
import marshal
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError
from test_import_service import ACTOR, TODAY, dump_state, twin, write

from readmit.domain.errors import StoreFailed
from readmit.domain.merkle import Frontier
from readmit.services.cases.commands import CaseEvent, record_case_event
from readmit.services.context import App
from readmit.services.imports import chunks as import_chunks
from readmit.services.imports.report import ImportReport
from readmit.services.imports.run import import_file
from readmit.services.ops.audit import verify_ledger
from readmit.services.ops.maintenance import rebuild
from readmit.store import chunk_writer, merkle_store
from readmit.store.schema import events, imports
from readmit.store.staging import Staged, StagingRefused, allow_staging
from readmit.store.uow import UnitOfWork

CASES = """case_id,nationality,final_order_date,criminal,custody,given_name
B1,KH,2020-01-01,true,detained,Dara
B2,KH,2020-01-01,false,released,
B3,KH,2020-01-01,false,detained,
B4,KH,2020-01-01,false,detained,
B5,KH,2020-01-01,false,detained,
B2,KH,2020-01-02,false,released,
"""
FLIGHTS = """flight_id,departure_on,kind,destination,capacity
G1,2020-09-01,charter,KH,1
"""
# In chunks of two rows, each of these depends on what an earlier chunk decided: a seat taken,
# a seat given back by a closed case, a state reached.
EVENTS = """case_id,event,occurred_on,document_expires_on,flight_id,reason,source
B1,presented,2020-02-01,,,,Ministère de l'Intérieur
B1,nationality_confirmed,2020-02-02,,,,"cable ""KH-17"" \\ no. 4"
B1,document_issued,2020-02-03,2021-01-01,,
B1,manifested,2020-02-04,,G1,
B2,presented,2020-02-05,,,
B2,nationality_confirmed,2020-02-06,,,
B2,document_issued,2020-02-07,2021-01-01,,
B2,manifested,2020-02-08,,G1,
B1,closed,2020-02-09,,,relief granted
B2,manifested,2020-02-10,,G1,
B3,presented,2020-02-11,,,
B3,stay_lifted,2020-02-12,,,
B3,closed,2020-02-13,,,
B4,presented,2020-02-14,,,
B4,nationality_disputed,2020-02-15,,,
B5,presented,2020-02-16,,,
"""


def import_all(app: App, folder: Path, pipeline: bool, **options: Any) -> list[ImportReport]:
    return [
        import_file(
            app,
            ACTOR,
            kind=kind,
            path=write(folder, f"{kind}.csv", content),
            chunk_rows=2,
            today=TODAY,
            pipeline=pipeline,
            **(options if kind == "events" else {}),
        )
        for kind, content in (("cases", CASES), ("flights", FLIGHTS), ("events", EVENTS))
    ]


def outcome(reports: list[ImportReport]) -> list[tuple[Any, ...]]:
    return [
        (r.read, r.applied, r.already, [(j.line, j.code, j.reason, j.allowed) for j in r.rejected])
        for r in reports
    ]


def direct_twin(app: App, tmp_path: Path, request: pytest.FixtureRequest) -> App:
    folder = tmp_path / "direct"
    folder.mkdir()
    return twin(app, folder, request)


def test_a_pipelined_import_decides_every_row_as_a_direct_import_does(
    db_app: App, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    pipelined = import_all(db_app, tmp_path, pipeline=True)
    direct_app = direct_twin(db_app, tmp_path, request)
    direct = import_all(direct_app, tmp_path / "direct", pipeline=False)

    assert outcome(pipelined) == outcome(direct)
    cases, _, events = pipelined
    assert [(r.line, r.code) for r in cases.rejected] == [(7, "duplicate")]
    assert [(r.line, r.code) for r in events.rejected] == [
        (9, "flight_full"),  # B1 holds the only seat, taken two chunks before
        (13, "illegal_transition"),
        (14, "invalid_input"),
    ]
    assert events.applied == 13  # among them B2's second manifest, once B1 gave the seat back
    assert dump_state(db_app.engine) == dump_state(direct_app.engine)
    assert verify_ledger(db_app).ok
    direct_app.engine.dispose()


def assert_head_signs_the_whole_log(app: App) -> None:
    """The latest head's root is the Merkle root of every event, computed from scratch."""
    with app.engine.connect() as conn:
        hashes = conn.execute(select(events.c.hash).order_by(events.c.seq)).scalars().all()
        head = merkle_store.latest_head(conn)
    frontier = Frontier()
    frontier.extend_data([bytes.fromhex(h) for h in hashes])
    assert head is not None
    assert (head.size, head.root_hash) == (len(hashes), frontier.root().hex())


def test_the_head_signed_after_a_pipelined_import_reads_no_leaf_the_writer_committed(
    db_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer process keeps the tree as it commits each chunk and hands it back: the head
    signed at the end of each import is the root of the whole log, without a leaf read again."""
    read: list[tuple[int, int]] = []
    iter_hashes = merkle_store.iter_hashes

    def counting(conn: Any, after: int, upto: int) -> Any:
        if after < upto:
            read.append((after, upto))
        return iter_hashes(conn, after, upto)

    monkeypatch.setattr(merkle_store, "iter_hashes", counting)
    import_all(db_app, tmp_path, pipeline=True)

    assert read == []
    assert_head_signs_the_whole_log(db_app)
    assert verify_ledger(db_app).ok


def test_a_write_by_someone_else_between_chunks_has_the_next_chunk_redone_directly(
    db_app: App, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunk decided before the other write is not committed on a stale ledger: the
    writer finds the head moved, and that chunk is decided again with everything read anew."""
    redone: list[int] = []
    apply_chunk = import_chunks._apply_chunk

    def counting(run: import_chunks.Import, start: int, *args: Any) -> import_chunks.Outcome:
        redone.append(start)
        return apply_chunk(run, start, *args)

    monkeypatch.setattr(import_chunks, "_apply_chunk", counting)

    def interleave(app: App) -> Any:
        def write_between(done: int, total: int) -> None:
            if done == 10:  # B5's presentation, recorded by someone else, before B5's own
                record_case_event(
                    app,
                    ACTOR,
                    CaseEvent(case_id="B5", event="presented", on=date(2020, 2, 1)),
                )

        return write_between

    pipelined = import_all(db_app, tmp_path, pipeline=True, progress=interleave(db_app))
    assert redone == [10]
    direct_app = direct_twin(db_app, tmp_path, request)
    direct = import_all(
        direct_app, tmp_path / "direct", pipeline=False, progress=interleave(direct_app)
    )

    assert outcome(pipelined) == outcome(direct)
    assert pipelined[2].rejected[-1].code == "illegal_transition"  # B5 was presented already
    assert dump_state(db_app.engine) == dump_state(direct_app.engine)
    assert verify_ledger(db_app).ok
    assert_head_signs_the_whole_log(db_app)  # the writer's tree went stale, and was re-read
    direct_app.engine.dispose()


def test_a_chunk_the_database_refuses_is_not_written_and_a_rerun_completes_the_import(
    sqlite_app: App, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The writer process's error is raised by the import, as a direct write's would be."""
    with sqlite_app.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON events "
            "WHEN NEW.subject_id = 'B4' AND NEW.type = 'presented' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    with pytest.raises(DBAPIError, match="refused by the test"):
        import_all(sqlite_app, tmp_path, pipeline=True)
    with sqlite_app.engine.begin() as conn:
        position = conn.execute(text("SELECT position FROM imports WHERE kind = 'events'"))
        assert position.scalar_one() == 12  # the chunks before B4's, each whole
        b4 = conn.execute(text("SELECT type FROM events WHERE subject_id = 'B4'")).scalars()
        assert list(b4) == ["case_opened"]
        conn.exec_driver_sql("DROP TRIGGER refuse")

    rerun = import_all(sqlite_app, tmp_path, pipeline=True)[2]
    assert (rerun.resumed_at, rerun.applied + rerun.already, len(rerun.rejected)) == (12, 13, 3)
    reference = direct_twin(sqlite_app, tmp_path, request)
    import_all(reference, tmp_path / "direct", pipeline=False)
    assert dump_state(sqlite_app.engine) == dump_state(reference.engine)
    reference.engine.dispose()


def test_a_writer_process_that_dies_stops_the_import_with_a_message_and_a_rerun_resumes(
    sqlite_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit = chunk_writer.ChunkWriter.submit
    handed: list[int] = []

    def dying(writer: chunk_writer.ChunkWriter, chunk: chunk_writer.Chunk) -> None:
        handed.append(chunk.start)
        if chunk.start == 6:
            writer._process.kill()
            writer._process.wait()
        submit(writer, chunk)

    monkeypatch.setattr(chunk_writer.ChunkWriter, "submit", dying)
    with pytest.raises(StoreFailed, match=r"stopped unexpectedly \(exit code -9\).*run the same"):
        import_all(sqlite_app, tmp_path, pipeline=True)
    monkeypatch.setattr(chunk_writer.ChunkWriter, "submit", submit)

    rerun = import_all(sqlite_app, tmp_path, pipeline=True)[2]
    assert rerun.resumed_at == 6
    assert (rerun.applied + rerun.already, len(rerun.rejected)) == (13, 3)
    assert verify_ledger(sqlite_app).ok


def test_a_presentation_dated_before_one_already_recorded_gives_every_run_the_same_lags(
    db_app: App, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Lags count from the latest presentation by date, however the import ran: directly, in
    a pipeline that keeps what it folded across chunks, or rebuilt from the log."""
    events = """case_id,event,occurred_on
B1,presented,2020-03-01
B1,interview_scheduled,2020-07-01
B1,interview_held,2020-07-10
"""

    def lags(app: App, pipeline: bool, folder: Path) -> list[Any]:
        import_file(app, ACTOR, kind="cases", path=write(folder, "cases.csv", CASES), today=TODAY)
        # Presented in June through the API; the partner disputed, so B1 may be presented again.
        record_case_event(
            app, ACTOR, CaseEvent(case_id="B1", event="presented", on=date(2020, 6, 1))
        )
        record_case_event(
            app,
            ACTOR,
            CaseEvent(case_id="B1", event="nationality_disputed", on=date(2020, 6, 5)),
        )
        path = write(folder, "events.csv", events)
        import_file(
            app, ACTOR, kind="events", path=path, chunk_rows=1, today=TODAY, pipeline=pipeline
        )
        with app.engine.connect() as conn:
            query = "SELECT lag FROM coop_facts WHERE subject_id = 'B1' AND lag IS NOT NULL"
            found = list(conn.execute(text(query + " ORDER BY seq")).scalars())
        rebuild(app)
        with app.engine.connect() as conn:
            assert list(conn.execute(text(query + " ORDER BY seq")).scalars()) == found
        return found

    direct_app = direct_twin(db_app, tmp_path, request)
    pipelined, direct = lags(db_app, True, tmp_path), lags(direct_app, False, tmp_path / "direct")
    assert pipelined == direct == [39]  # held 2020-07-10: from June's presentation, not March's
    direct_app.engine.dispose()


def test_a_staged_connection_records_its_writes_runs_its_reads_and_refuses_anything_else(
    db_app: App,
) -> None:
    allow_staging(db_app.engine)
    staged = Staged()
    with UnitOfWork(db_app.engine, staged=staged) as uow:
        uow.conn.execute(
            insert(imports).values(
                digest="d",
                kind="events",
                file_name="f",
                total=1,
                position=0,
                started_at="2026-01-01",
            )
        )
        assert uow.conn.execute(select(func.count()).select_from(imports)).scalar_one() == 0
        with pytest.raises(StagingRefused, match="CREATE TABLE"):
            uow.conn.exec_driver_sql("CREATE TABLE escaped (a INTEGER)")
    assert [sql.split()[:3] for sql, _, _ in staged.statements] == [["INSERT", "INTO", "imports"]]
    # Named parameters (PostgreSQL's) are keyed by plain text, so a chunk goes as marshal.
    parameters = staged.statements[0][1]
    assert all(type(name) is str for name in getattr(parameters, "keys", list)())
    marshal.dumps(staged.statements)
    with db_app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(imports)).scalar_one() == 0


def test_a_pipelined_import_on_sqlite_lets_the_log_start_over_after_every_chunk(
    sqlite_app: App, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The importer's reads hold no snapshot while the writer commits: the log is copied back
    and starts over, as in a direct import, instead of growing all import long."""
    rows = "".join(f"C{n:05d},KH,2020-01-01,false,detained,Name {n}\n" for n in range(6000))
    path = write(tmp_path, "many.csv", CASES.splitlines(keepends=True)[0] + rows)
    reference = direct_twin(sqlite_app, tmp_path, request)
    sizes = {}
    for app, pipeline in ((sqlite_app, True), (reference, False)):
        import_file(
            app, ACTOR, kind="cases", path=path, chunk_rows=400, today=TODAY, pipeline=pipeline
        )
        database = Path(str(app.engine.url.database))
        sizes[pipeline] = database.with_name(database.name + "-wal").stat().st_size
    # Held open, the log would have grown to all 15 chunks' pages.
    assert sizes[True] <= 2 * sizes[False]
    reference.engine.dispose()


@pytest.mark.parametrize("value", ["2020-01-01", date(2020, 1, 1)], ids=["text", "date"])
def test_a_chunk_reaches_the_writer_intact_whatever_its_values(value: object) -> None:
    """Marshal carries text and numbers; a value it cannot carry sends the chunk as pickle."""
    chunk = chunk_writer.Chunk(
        7,
        "digest",
        200,
        [
            (
                8,
                "id",
                "presented",
                "case",
                "B1",
                "2020-01-01",
                "t",
                "a",
                "r",
                "{}",
                None,
                "",
                "",
                "k",
            )
        ],
        [("UPDATE imports SET position = ?", [(value, 1), (value, 2)], True)],
    )
    pipe = io.BytesIO()
    chunk_writer._write_message(pipe, chunk)
    assert pipe.getvalue()[:1] == (b"m" if isinstance(value, str) else b"p")
    chunk_writer._write_message(pipe, None)
    pipe.seek(0)
    assert chunk_writer._read_message(pipe) == chunk
    assert chunk_writer._read_message(pipe) is None
    with pytest.raises(EOFError):
        chunk_writer._read_message(pipe)


def test_a_case_leaving_a_flight_the_file_never_named_gives_its_seat_back(
    db_app: App, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """B3 was manifested through the API; the file closes B3 (a seat given back on a flight it
    has not named yet) and, chunks later, manifests B4 on that flight's only seat."""
    flights = FLIGHTS + "G2,2020-09-02,charter,KH,1\n"
    events = """case_id,event,occurred_on,document_expires_on,flight_id,reason
B5,presented,2020-02-11,,,
B5,nationality_confirmed,2020-02-12,,,
B3,closed,2020-02-13,,,relief granted
B4,presented,2020-02-14,,,
B4,nationality_confirmed,2020-02-15,,,
B4,document_issued,2020-02-16,2021-01-01,,
B4,manifested,2020-02-17,,G2,
"""

    def run(app: App, folder: Path, pipeline: bool) -> ImportReport:
        for kind, content in (("cases", CASES), ("flights", flights)):
            import_file(
                app, ACTOR, kind=kind, path=write(folder, f"{kind}.csv", content), today=TODAY
            )
        for event, on, payload in (
            ("presented", date(2020, 2, 1), {}),
            ("nationality_confirmed", date(2020, 2, 2), {}),
            ("document_issued", date(2020, 2, 3), {"document_expires_on": "2021-01-01"}),
            ("manifested", date(2020, 2, 4), {"flight_id": "G2"}),
        ):
            record_case_event(
                app, ACTOR, CaseEvent(case_id="B3", event=event, on=on, payload=payload)
            )
        path = write(folder, "events.csv", events)
        return import_file(
            app, ACTOR, kind="events", path=path, chunk_rows=2, today=TODAY, pipeline=pipeline
        )

    direct_app = direct_twin(db_app, tmp_path, request)
    pipelined, direct = run(db_app, tmp_path, True), run(direct_app, tmp_path / "direct", False)
    assert (pipelined.applied, pipelined.rejected) == (direct.applied, direct.rejected) == (7, [])
    assert dump_state(db_app.engine) == dump_state(direct_app.engine)
    direct_app.engine.dispose()


def test_a_pipelined_import_keeping_too_much_starts_again_from_the_store_and_decides_the_same(
    sqlite_app: App, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``KEPT_CASES`` cases kept, the chunk in flight is committed and what was kept is
    dropped (memory stays bounded); what is decided after is read again from the store."""
    started: list[int] = []

    class Counted(import_chunks.Projections):
        def __init__(self) -> None:
            started.append(1)
            super().__init__()

    monkeypatch.setattr(import_chunks, "KEPT_CASES", 2)
    monkeypatch.setattr(import_chunks, "Projections", Counted)
    pipelined = import_all(sqlite_app, tmp_path, pipeline=True)
    assert len(started) > 4  # once per import, and again each time it had kept too much
    direct_app = direct_twin(sqlite_app, tmp_path, request)
    direct = import_all(direct_app, tmp_path / "direct", pipeline=False)
    assert outcome(pipelined) == outcome(direct)
    assert dump_state(sqlite_app.engine) == dump_state(direct_app.engine)
    direct_app.engine.dispose()
