"""The decision log's writer: an answer waits for its line's commit, and a failure reaches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from readmit.services.context import App
from readmit.store import decision_writer
from readmit.store.db import make_engine
from readmit.store.decision_writer import DecisionWriter, LogLine
from readmit.store.sanctions_schema import decisions


def _line(decision_id: str, seq: int = 0, exact: bool = False) -> LogLine:
    row = {
        "decision_id": decision_id,
        "kind": "single",
        "created_at": "2026-11-22T10:00:00Z",
        "actor": "officer",
        "role": "consular_officer",
        "pack": "us-243d",
        "pack_version": "1",
        "ledger_seq": seq,
        "as_of": None,
        "decision": "not_affected",
        "outcome": {"decision": "not_affected"},
        "inputs": {"nationality": "FR"},
        "input_name": None,
        "input_digest": None,
        "row_count": 1,
        "counts": None,
    }
    return LogLine(row, [], exact)


def test_a_store_that_refuses_the_line_fails_its_caller_and_the_writer_goes_on(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no schema: every write fails
    writer = DecisionWriter(engine)
    try:
        # SQLAlchemy's error, as from any other query: the API maps it to 503 in one place.
        with pytest.raises(OperationalError, match="no such table"):
            writer.submit(_line("d-1")).result(timeout=30)
        with pytest.raises(OperationalError, match="no such table"):
            writer.submit(_line("d-2")).result(timeout=30)  # the writer still answers
    finally:
        engine.dispose()


def test_a_line_decided_on_a_ledger_that_moved_on_is_handed_back(db_app: App) -> None:
    writer = DecisionWriter(db_app.engine)
    stale = writer.submit(_line("d-stale", seq=41, exact=True)).result(timeout=30)
    kept = writer.submit(_line("d-kept", seq=41, exact=False)).result(timeout=30)
    assert (stale.logged, kept.logged) == (False, True)
    assert stale.head == kept.head == writer.head
    with db_app.engine.connect() as conn:
        logged = set(conn.execute(select(decisions.c.decision_id)).scalars())
    assert logged == {"d-kept"}


def test_many_lines_at_once_are_each_logged_once(db_app: App) -> None:
    writer = DecisionWriter(db_app.engine)
    futures = [writer.submit(_line(f"d-{i}")) for i in range(500)]
    assert all(f.result(timeout=60).logged for f in futures)
    with db_app.engine.connect() as conn:
        ids = list(conn.execute(select(decisions.c.decision_id)).scalars())
        as_of = conn.execute(select(func.count()).where(decisions.c.as_of.is_(None))).scalar_one()
    assert sorted(ids) == sorted(f"d-{i}" for i in range(500)) and as_of == 500


def test_the_writer_keeps_its_connection_from_one_commit_to_the_next(db_app: App) -> None:
    checkouts: list[object] = []
    listen = event.listens_for(db_app.engine.pool, "checkout")
    listen(lambda *_: checkouts.append(1))
    writer = DecisionWriter(db_app.engine)
    for i in range(5):  # one at a time: five commits
        assert writer.submit(_line(f"d-{i}")).result(timeout=30).logged
    assert len(checkouts) == 1  # before: a checkout for every commit


def test_a_writer_whose_commit_failed_starts_again_on_a_fresh_connection(
    db_app: App,
) -> None:
    writer = DecisionWriter(db_app.engine)
    assert writer.submit(_line("d-1")).result(timeout=30).logged
    with pytest.raises(IntegrityError):  # the same id again: the log refuses it
        writer.submit(_line("d-1")).result(timeout=30)
    assert writer.submit(_line("d-2")).result(timeout=30).logged
    with db_app.engine.connect() as conn:
        ids = sorted(conn.execute(select(decisions.c.decision_id)).scalars())
    assert ids == ["d-1", "d-2"]


@pytest.mark.parametrize("wait_for_disk", [True, False])
def test_on_postgresql_the_log_waits_for_the_disk_unless_told_and_only_in_its_transaction(
    db_app: App, monkeypatch: pytest.MonkeyPatch, wait_for_disk: bool
) -> None:
    if db_app.engine.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    seen: list[str] = []
    locked_head = decision_writer._Driver.locked_head

    def noting(driver: decision_writer._Driver, cursor: Any) -> int:
        cursor.execute("SHOW synchronous_commit")
        seen.append(cursor.fetchone()[0])
        return locked_head(driver, cursor)

    monkeypatch.setattr(decision_writer._Driver, "locked_head", noting)
    writer = DecisionWriter(db_app.engine, wait_for_disk=wait_for_disk)
    assert writer.submit(_line("d-1")).result(timeout=30).logged
    assert seen == ["on" if wait_for_disk else "off"]
    with db_app.engine.connect() as conn:  # every pooled connection keeps the server's setting
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
