"""The store on SQLite and PostgreSQL: migrations, rebuilds, concurrency, tampering, erasure."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select, text

from readmit.domain.errors import Conflict, InvalidInput
from readmit.domain.events import GENESIS_HASH, NewEvent, canonical_json, seal
from readmit.services.cases.commands import (
    CaseEvent,
    NewCase,
    erase_personal_data,
    open_case,
    record_case_event,
    show_case,
    void_event,
)
from readmit.services.cases.flights import NewFlight, record_charter_step, schedule_flight
from readmit.services.context import Actor, App, bootstrap
from readmit.services.ops.audit import verify_ledger, write_checkpoint
from readmit.services.ops.maintenance import rebuild
from readmit.settings import Settings
from readmit.store.ledger import event_from_row
from readmit.store.projections import projection_tables
from readmit.store.schema import events, ledger_head, metadata, persons

OFFICER = Actor("officer", "case_officer")
D = date.fromisoformat


def dump(engine: Engine, table_names: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every named table, sorted, for exact comparison."""
    with engine.connect() as conn:
        return {
            name: sorted(
                (tuple(r) for r in conn.execute(text(f"SELECT * FROM {name}"))),
                key=lambda row: tuple(str(v) for v in row),
            )
            for name in table_names
        }


def move(app: App, case_id: str, *steps: tuple[str, str, dict[str, Any]]) -> None:
    for event, on, payload in steps:
        record_case_event(
            app, OFFICER, CaseEvent(case_id=case_id, event=event, on=D(on), payload=payload)
        )


def rich_history(app: App) -> None:
    """Cases through removal, disputes, stays, voids, releases, closures; charter flights."""
    schedule_flight(app, NewFlight("CH1", D("2020-06-01"), "charter", "KH", 2), OFFICER)
    schedule_flight(app, NewFlight("CM1", D("2020-07-01"), "commercial", "LA", 5), OFFICER)
    record_charter_step(app, OFFICER, flight_id="CH1", event="charter_proposed", on=D("2020-04-01"))
    record_charter_step(app, OFFICER, flight_id="CH1", event="charter_accepted", on=D("2020-04-10"))
    personal = {"given_name": "Sok", "family_name": "Chan", "date_of_birth": "1980-02-03"}
    open_case(
        app, OFFICER, new=NewCase("A1", "KH", D("2020-01-01"), True, "detained", "KH", 9, personal)
    )
    open_case(app, OFFICER, new=NewCase("A2", "KH", D("2020-01-02"), False, "released"))
    open_case(app, OFFICER, new=NewCase("A3", "LA", D("2020-01-03"), True, "detained"))
    issued = {"document_expires_on": "2020-12-31"}
    move(
        app,
        "A1",
        ("presented", "2020-02-01", {}),
        ("interview_scheduled", "2020-02-10", {}),
        ("interview_held", "2020-02-20", {"mode": "virtual"}),
        ("nationality_confirmed", "2020-03-01", {}),
        ("document_issued", "2020-03-05", issued),
        ("stayed", "2020-03-10", {"reason": "petition"}),
        ("stay_lifted", "2020-04-10", {}),
        ("manifested", "2020-05-01", {"flight_id": "CH1"}),
        ("removed", "2020-06-01", {}),
        ("received", "2020-06-02", {"organisation": "RISC"}),
        ("service_provided", "2020-06-10", {"service": "housing"}),
    )
    move(
        app,
        "A2",
        ("presented", "2020-02-01", {}),
        ("nationality_disputed", "2020-03-01", {}),
        ("presented", "2020-03-05", {"country": "LA"}),
        ("nationality_confirmed", "2020-03-20", {}),
        ("document_issued", "2020-03-25", issued),
        ("manifested", "2020-04-01", {"flight_id": "CM1"}),
    )
    move(app, "A3", ("released", "2020-02-01", {}), ("presented", "2020-02-02", {}))
    wrong = record_and_get_last(app, "A3", "interview_scheduled", "2020-02-03")
    void_event(app, OFFICER, event_id=wrong, reason="entered on the wrong case", on=D("2020-02-04"))
    move(app, "A3", ("closed", "2020-03-01", {"reason": "relief granted"}))
    erase_personal_data(app, OFFICER, case_id="A1", reason="court order", on=D("2020-07-01"))


def record_and_get_last(app: App, case_id: str, event: str, on: str) -> str:
    record_case_event(app, OFFICER, CaseEvent(case_id=case_id, event=event, on=D(on), payload={}))
    return show_case(app, case_id).history[-1].id


def test_migrations_from_empty_create_exactly_the_schema_and_the_chain_head(db_app: App) -> None:
    inspector = inspect(db_app.engine)
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.c.keys()), table.name
    with db_app.engine.connect() as conn:
        head = conn.execute(select(ledger_head)).all()
        last = conn.execute(select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()))
        assert head == [(1, *(last.first() or (0, GENESIS_HASH)))]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert verify_ledger(db_app).ok


def test_a_rebuild_reproduces_every_projection_exactly(db_app: App) -> None:
    rich_history(db_app)
    names = [t.name for t in projection_tables()]
    live = dump(db_app.engine, names)
    assert len(live["cases"]) == 3 and len(live["flights"]) == 2
    count = rebuild(db_app)
    assert dump(db_app.engine, names) == live
    with db_app.engine.connect() as conn:
        assert count == conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one()
    view = show_case(db_app, "A3")
    assert view.case.state == "closed" and len(view.voided) == 1
    assert show_case(db_app, "A2").case.flight_id == "CM1"
    assert verify_ledger(db_app).ok


def test_a_voided_event_leaves_the_projection_and_cannot_be_voided_twice(db_app: App) -> None:
    open_case(db_app, OFFICER, new=NewCase("A1", "KH", D("2020-01-01"), True, "detained"))
    move(db_app, "A1", ("presented", "2020-02-01", {}))
    scheduled = record_and_get_last(db_app, "A1", "interview_scheduled", "2020-02-03")
    case = void_event(db_app, OFFICER, event_id=scheduled, reason="wrong case", on=D("2020-02-04"))
    assert case.state == "presented" and case.version == 4
    with pytest.raises(Conflict, match="already void"):
        void_event(db_app, OFFICER, event_id=scheduled, reason="again", on=D("2020-02-05"))


def test_voiding_an_event_that_later_history_needs_is_refused(db_app: App) -> None:
    open_case(db_app, OFFICER, new=NewCase("A1", "KH", D("2020-01-01"), True, "detained"))
    presented = record_and_get_last(db_app, "A1", "presented", "2020-02-01")
    move(db_app, "A1", ("interview_scheduled", "2020-02-03", {}))
    with pytest.raises(InvalidInput, match="void the later events first"):
        void_event(db_app, OFFICER, event_id=presented, reason="wrong", on=D("2020-02-04"))


def test_two_connections_updating_one_case_give_one_success_and_one_conflict(
    db_app: App,
) -> None:
    open_case(db_app, OFFICER, new=NewCase("A1", "KH", D("2020-01-01"), True, "detained"))
    barrier, outcomes = threading.Barrier(2), []

    def update(event: str) -> None:
        barrier.wait()
        try:
            record_case_event(
                db_app,
                OFFICER,
                CaseEvent(
                    case_id="A1", event=event, on=D("2020-02-01"), payload={}, expected_version=1
                ),
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=update, args=(e,)) for e in ("presented", "released")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert show_case(db_app, "A1").case.version == 2


def tamper(app: App, *statements: str) -> None:
    with app.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def three_events(app: App) -> list[int]:
    """Record three events on a new case; return their sequence numbers."""
    open_case(app, OFFICER, new=NewCase("A1", "KH", D("2020-01-01"), True, "detained"))
    move(app, "A1", ("presented", "2020-02-01", {}), ("released", "2020-02-02", {}))
    return [e.seq for e in show_case(app, "A1").history]


TAMPERING = [
    (["UPDATE events SET payload = '{{\"forged\":true}}' WHERE seq = {2}"], 2),
    (["UPDATE events SET occurred_on = '2020-02-05' WHERE seq = {2}"], 2),
    (["UPDATE events SET actor = 'nobody' WHERE seq = {3}"], 3),
    (["DELETE FROM events WHERE seq = {2}"], 2),
    (["DELETE FROM events WHERE seq = {3}"], 3),
    (
        [
            "UPDATE events SET seq = -1 WHERE seq = {2}",
            "UPDATE events SET seq = {2} WHERE seq = {3}",
            "UPDATE events SET seq = {3} WHERE seq = -1",
        ],
        2,
    ),
]


def test_raw_sql_tampering_is_caught_at_the_first_bad_event(
    sqlite_app: App, tmp_path: Path
) -> None:
    seqs = [0, *three_events(sqlite_app)]  # {1}, {2}, {3} in the statements: this case's events
    assert verify_ledger(sqlite_app).ok
    sqlite_app.engine.dispose()
    original = Path(str(sqlite_app.engine.url.database))
    for n, (statements, bad) in enumerate(TAMPERING):
        copy = tmp_path / f"tampered-{n}.db"
        shutil.copyfile(original, copy)
        tampered = bootstrap(Settings(database_url=f"sqlite:///{copy}", key_dir=tmp_path))
        tamper(tampered, *(statement.format(*seqs) for statement in statements))
        result = verify_ledger(tampered)
        assert (result.ok, result.first_bad_seq) == (False, seqs[bad]), statements
        tampered.engine.dispose()


def test_a_raw_sql_update_is_caught_on_either_database(db_app: App) -> None:
    seqs = three_events(db_app)
    tamper(db_app, f"UPDATE events SET role = 'admin' WHERE seq = {seqs[1]}")
    result = verify_ledger(db_app)
    assert (result.ok, result.first_bad_seq) == (False, seqs[1])


def rewrite_history(app: App, forged_seq: int) -> None:
    """Forge one event and re-seal every later event and the head: a self-consistent rewrite."""
    with app.engine.begin() as conn:
        chain = [event_from_row(r) for r in conn.execute(select(events).order_by(events.c.seq))]
        prev = chain[forged_seq - 2].hash if forged_seq > 1 else GENESIS_HASH
        for old in chain[forged_seq - 1 :]:
            payload = {"forged": True} if old.seq == forged_seq else old.payload
            new = NewEvent(
                old.type,
                old.subject_type,
                old.subject_id,
                old.occurred_on,
                old.actor,
                old.role,
                payload,
                old.source,
            )
            event = seal(new, old.seq, old.id, old.recorded_at, prev)
            conn.execute(
                events.update()
                .where(events.c.seq == old.seq)
                .values(payload=canonical_json(payload), prev_hash=prev, hash=event.hash)
            )
            prev = event.hash
        conn.execute(ledger_head.update().values(hash=prev))


def test_a_rewritten_log_verifies_alone_but_fails_against_an_earlier_checkpoint(
    db_app: App, tmp_path: Path
) -> None:
    seqs = three_events(db_app)
    checkpoint = tmp_path / "checkpoint.json"
    document = write_checkpoint(db_app, checkpoint)
    assert document["seq"] == seqs[-1]
    move(db_app, "A1", ("interview_scheduled", "2020-02-03", {}))
    assert verify_ledger(db_app, checkpoint).ok
    rewrite_history(db_app, forged_seq=seqs[1])
    assert verify_ledger(db_app).ok, "a careful rewrite is self-consistent"
    result = verify_ledger(db_app, checkpoint)
    assert not result.ok and result.first_bad_seq == seqs[-1]
    assert "signed checkpoint" in result.reason


def test_a_checkpoint_with_a_forged_signature_is_refused(db_app: App, tmp_path: Path) -> None:
    three_events(db_app)
    checkpoint = tmp_path / "checkpoint.json"
    write_checkpoint(db_app, checkpoint)
    document = json.loads(checkpoint.read_text())
    checkpoint.write_text(json.dumps({**document, "seq": document["seq"] - 1}))
    with pytest.raises(InvalidInput, match="signature"):
        verify_ledger(db_app, checkpoint)


def test_an_erasure_leaves_the_chain_valid_and_the_personal_data_gone(db_app: App) -> None:
    personal = {"given_name": "Sok", "family_name": "Chan", "date_of_birth": "1980-02-03"}
    open_case(
        db_app,
        OFFICER,
        new=NewCase("A1", "KH", D("2020-01-01"), True, "detained", None, None, personal),
    )
    assert show_case(db_app, "A1", with_personal=True).personal == personal
    erase_personal_data(
        db_app, OFFICER, case_id="A1", reason="court order of 2021-01-01", on=D("2021-01-02")
    )
    with db_app.engine.connect() as conn:
        assert conn.execute(select(persons)).all() == []
        logged = (
            conn.execute(text("SELECT payload FROM events WHERE subject_id = 'A1' ORDER BY seq"))
            .scalars()
            .all()
        )
    assert not any("Sok" in p or "Chan" in p or "1980-02-03" in p for p in logged)
    assert "personal_digest" in json.loads(logged[0])
    view = show_case(db_app, "A1", with_personal=True)
    assert view.personal is None and view.history[-1].type == "personal_data_erased"
    assert verify_ledger(db_app).ok
