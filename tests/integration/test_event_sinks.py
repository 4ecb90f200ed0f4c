"""Where a unit of work's events go (written directly, or staged and sealed where committed),
the import's lookups of many keys, and stored dates read back as dates, on both databases."""

from __future__ import annotations

import marshal
from datetime import date
from pathlib import Path

from sqlalchemy import select
from test_import_service import load_all

from readmit.domain.events import NewEvent, new_event
from readmit.services.context import App
from readmit.services.ops.audit import verify_ledger
from readmit.store.dates import as_date
from readmit.store.event_rows import EVENT_COLUMNS, EventRow
from readmit.store.event_sink import DirectSink, StagedSink
from readmit.store.ledger import Ledger
from readmit.store.lookups import existing_cases, existing_flights, flights_by_id, seats_taken
from readmit.store.projections import Projections
from readmit.store.schema import events
from readmit.store.staging import Staged, allow_staging
from readmit.store.uow import UnitOfWork


def notes(count: int) -> list[NewEvent]:
    return [
        new_event("noted", "note", f"N{n}", date(2020, 1, n + 1), "clerk", "admin", {"n": n})
        for n in range(count)
    ]


def test_an_event_row_has_the_events_table_columns_in_order() -> None:
    assert tuple(events.c.keys()) == EVENT_COLUMNS


def test_a_unit_of_work_writes_its_events_directly_unless_its_writes_are_staged(
    db_app: App,
) -> None:
    with UnitOfWork(db_app.engine) as uow:
        assert isinstance(uow.sink, DirectSink) and uow.write
    allow_staging(db_app.engine)
    with UnitOfWork(db_app.engine, staged=Staged()) as uow:
        assert isinstance(uow.sink, StagedSink) and not uow.write


def test_staged_events_are_left_unsealed_and_chain_once_sealed_where_committed(
    db_app: App,
) -> None:
    allow_staging(db_app.engine)
    with db_app.uow(write=False) as uow:
        head = uow.ledger.head()
    staged = Staged()
    with UnitOfWork(db_app.engine, staged=staged) as uow:
        uow.ledger.assume_head(head)
        appended = uow.ledger.append(notes(3))
        assert uow.ledger.count() == head[0]  # nothing written here
    assert [e.seq for e in appended] == [head[0] + 1, head[0] + 2, head[0] + 3]
    assert {(e.prev_hash, e.hash) for e in appended} == {("", "")}
    marshal.dumps(staged.events)  # plain tuples: the chunk is handed over the fast way
    first = EventRow._make(staged.events[0])
    assert (first.seq, first.subject_id, first.occurred_on) == (head[0] + 1, "N0", "2020-01-01")
    # The payload itself: the writer that seals the row writes its canonical JSON.
    assert (first.actor, first.role, first.payload, first.dedupe_key) == (
        "clerk",
        "admin",
        {"n": 0},
        None,
    )
    with db_app.engine.connect().execution_options(readmit_write=True) as conn:
        conn.begin()
        Ledger(conn).append_rows([EventRow._make(row) for row in staged.events])
        conn.commit()
    assert verify_ledger(db_app).ok
    with db_app.uow(write=False) as uow:
        stored = uow.ledger.get(appended[0].id)
        assert uow.ledger.head()[0] == head[0] + 3
    assert stored is not None and stored.occurred_on == date(2020, 1, 1)
    assert stored.prev_hash == head[1]
    with db_app.engine.connect() as conn:
        payload = conn.execute(select(events.c.payload).where(events.c.id == stored.id)).scalar()
    assert payload == '{"n":0}'


def test_the_import_lookups_read_what_the_store_holds_with_its_dates_as_dates(
    db_app: App, tmp_path: Path
) -> None:
    load_all(db_app, tmp_path)
    with db_app.uow(write=False) as uow:
        conn = uow.conn
        assert existing_cases(conn, ["A1", "A3", "Z9"]) == {"A1", "A3"}
        assert existing_flights(conn, ["F1", "F9"]) == {"F1"}
        flights = flights_by_id(conn, ["F1", "F2", "F9"])
        assert sorted(flights) == ["F1", "F2"]
        assert flights["F1"].departure_on == date(2020, 6, 1)
        assert seats_taken(conn, ["F1", "F2"]) == {"F1": 1, "F2": 0}
        cases = Projections().cases.load(conn, ["A1", "A2"])
    assert cases["A1"].final_order_date == date(2020, 1, 1)
    assert cases["A1"].document_expires_on == date(2020, 8, 1)
    assert cases["A2"].document_expires_on == date(2020, 5, 1)


def test_a_stored_date_is_a_date_whether_the_driver_gave_text_or_a_date() -> None:
    assert as_date("2020-02-29") == date(2020, 2, 29)
    assert as_date(date(2020, 2, 29)) == date(2020, 2, 29)
    assert as_date(None) is None


def keyed_notes(keys: list[str]) -> list[NewEvent]:
    return [
        new_event("noted", "note", f"K{n}", date(2020, 1, 1), "clerk", "admin", {}, None, key)
        for n, key in enumerate(keys)
    ]


def test_the_keys_already_logged_are_found_however_many_the_range_of_the_lookup_holds(
    db_app: App,
) -> None:
    # Date-prefixed keys, as an import gives them: a chunk's range of the key index holds few
    # others (scanned), or more than the chunk's own (then each key is looked up).
    held = [f"2020{m:02d}01-{n:055x}" for m in (1, 2, 3) for n in range(800)]
    with db_app.uow() as uow:
        uow.record(keyed_notes(held))
        uow.commit()
    february = [f"20200201-{n:055x}" for n in range(0, 1600, 2)]  # half of them held
    spanning = [f"2020{m:02d}01-{n:055x}" for m in (1, 3) for n in range(0, 1200, 3)]
    odd = ['2020"01\\01', "20200101-é", *february]  # texts an array literal must quote
    with db_app.uow(write=False) as uow:
        assert uow.ledger.existing_keys(february) == {k for k in february if k in set(held)}
        assert uow.ledger.existing_keys(spanning) == {k for k in spanning if k in set(held)}
        assert uow.ledger.existing_keys(odd) == {k for k in odd if k in set(held)}
        assert uow.ledger.existing_keys(held[:5]) == set(held[:5])
        assert uow.ledger.existing_keys([]) == set()
