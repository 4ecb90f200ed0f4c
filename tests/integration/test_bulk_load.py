"""Bulk loads: PostgreSQL writes rows through COPY, and imports and rebuilds leave their
tables ready to read (VACUUM (ANALYZE) on PostgreSQL, ANALYZE on SQLite)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)
from test_import_pipeline import import_all
from test_import_service import dump_state, twin

from coop_builder import Ledger
from readmit.services.context import App
from readmit.services.ops.maintenance import rebuild
from readmit.store import bulk
from readmit.store.bulk import insert_rows, insert_sql, replay_many

SCRATCH = Table(
    "bulk_scratch",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(80)),
    Column("note", Text),
    Column("day", Date),
    Column("flag", Boolean),
)
AWKWARD: list[tuple[Any, ...]] = [
    (1, "plain", "a\tb", "2026-01-02", True),
    (2, "Ministère", "line\nbreak \\ back\\slash", date(2020, 2, 29), False),
    (3, "", None, None, None),
    (4, '"quoted", comma', "\\N is not null", "1999-12-31", True),
]


def _stats(app: App, table: str) -> tuple[Any, ...]:
    """When ``table`` was last vacuumed and analysed (PostgreSQL), or its statistics (SQLite)."""
    with app.engine.connect() as conn:
        if app.engine.dialect.name == "postgresql":
            row = conn.execute(
                text(
                    "SELECT last_vacuum, last_analyze, c.relallvisible FROM pg_stat_user_tables s"
                    " JOIN pg_class c ON c.oid = s.relid WHERE s.relname = :t"
                ),
                {"t": table},
            ).one()
            return tuple(row)
        found = conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"))
        if found.first() is None:
            return ()
        return tuple(
            conn.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
        )


def test_an_import_leaves_the_tables_it_loaded_ready_to_read(db_app: App, tmp_path: Path) -> None:
    for table in ("events", "cases", "coop_facts"):
        assert not _stats(db_app, table) or _stats(db_app, table)[0] is None
    import_all(db_app, tmp_path, pipeline=True)
    for table in ("events", "cases", "persons", "coop_facts"):
        stats = _stats(db_app, table)
        if db_app.engine.dialect.name == "postgresql":
            last_vacuum, last_analyze, all_visible = stats
            # Vacuumed: the visibility map set, so index-only scans need not visit the table.
            assert last_vacuum is not None and last_analyze is not None, table
            assert all_visible > 0, table
        else:
            assert stats, f"no statistics for {table}"


def test_a_rebuild_leaves_the_projections_ready_to_read(db_app: App, tmp_path: Path) -> None:
    import_all(db_app, tmp_path, pipeline=False)
    with db_app.engine.connect() as conn:
        if db_app.engine.dialect.name == "sqlite":
            conn.execute(text("DELETE FROM sqlite_stat1"))
            conn.commit()
            before = None
        else:
            before = _stats(db_app, "cases")[0]
    rebuild(db_app)
    after = _stats(db_app, "cases")
    if db_app.engine.dialect.name == "postgresql":
        assert after[0] is not None and after[0] > before and after[2] > 0
    else:
        assert after


def _pages(app: App, tables: tuple[str, ...]) -> dict[str, int]:
    with app.engine.connect() as conn:
        return {
            t: conn.execute(text("SELECT pg_relation_size(:t)"), {"t": t}).scalar_one() // 8192
            for t in tables
        }


def test_a_rebuild_on_postgresql_leaves_the_projections_no_larger_than_it_found_them(
    pg_app: App,
) -> None:
    ledger = Ledger(pg_app)
    for i in range(400):
        ledger.case(f"C{i}", "KH", date(2021, 1, 1) + timedelta(days=i % 300))
        ledger.add("presented", f"C{i}", date(2021, 11, 1), date(2021, 11, 1))
    ledger.commit()
    tables = ("cases", "coop_facts", "coop_backlog_days")
    before = _pages(pg_app, tables)
    rebuild(pg_app)
    after = _pages(pg_app, tables)
    # Deleted and written again in one transaction, each table grew by its whole size.
    assert all(after[t] <= before[t] for t in tables), (before, after)
    assert after["coop_facts"] > 1, after  # enough rows for a doubling to show


def _rows(app: App) -> list[tuple[Any, ...]]:
    with app.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(SCRATCH).order_by(SCRATCH.c.id))]


@pytest.fixture
def pg_app(db_app: App) -> App:
    if db_app.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    return db_app


def test_copy_writes_exactly_the_rows_executemany_writes(
    pg_app: App, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = twin(pg_app, tmp_path, request)
    for app in (pg_app, other):
        SCRATCH.create(app.engine)
    copied: list[str] = []
    real_copy = bulk.copy_rows

    def copy_rows(cursor: Any, table: str, *rest: Any) -> None:
        copied.append(table)
        real_copy(cursor, table, *rest)

    monkeypatch.setattr(bulk, "copy_rows", copy_rows)
    with pg_app.engine.begin() as conn:
        insert_rows(conn, SCRATCH, ("id", "name", "note", "day", "flag"), AWKWARD)
    assert copied == ["bulk_scratch"]
    monkeypatch.setattr(bulk, "_copies", lambda *_: False)
    with other.engine.begin() as conn:
        insert_rows(conn, SCRATCH, ("id", "name", "note", "day", "flag"), AWKWARD)
    assert _rows(pg_app) == _rows(other)
    assert _rows(pg_app)[3][2] == "\\N is not null" and _rows(pg_app)[2][2] is None
    other.engine.dispose()


def test_an_import_through_copy_stores_what_one_through_executemany_stores(
    pg_app: App, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_all(pg_app, tmp_path, pipeline=True)  # COPY, here and in the writer process
    folder = tmp_path / "executemany"
    folder.mkdir()
    other = twin(pg_app, folder, request)
    monkeypatch.setattr(bulk, "_copies", lambda *_: False)
    import_all(other, folder, pipeline=False)  # executemany, as before COPY
    assert dump_state(pg_app.engine) == dump_state(other.engine)
    other.engine.dispose()


class _Cursor:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def copy(self, statement: str) -> Any:
        self.calls.append(statement)
        cursor = self

        class _Copy:
            def __enter__(self) -> _Copy:
                return self

            def __exit__(self, *_: object) -> None:
                return None

            def write_row(self, row: Any) -> None:
                cursor.calls.append(f"row {row!r}")

        return _Copy()

    def executemany(self, statement: str, parameters: Any) -> None:
        self.calls.append(f"many {statement}")


def test_a_staged_plain_insert_is_replayed_as_a_copy_on_postgresql_only(pg_app: App) -> None:
    statement = insert_sql("format", SCRATCH, ("id", "name"))
    cursor = _Cursor()
    replay_many(cursor, statement, [(1, "a"), (2, "b")], pg_app.engine)
    assert cursor.calls == [
        "COPY bulk_scratch (id, name) FROM STDIN",
        "row (1, 'a')",
        "row (2, 'b')",
    ]
    other = _Cursor()  # not a plain INSERT: as it was
    upsert = statement + " ON CONFLICT DO NOTHING"
    replay_many(other, upsert, [(1, "a")], pg_app.engine)
    named = _Cursor()
    replay_many(named, "INSERT INTO t (a) VALUES (%(a)s)", [{"a": 1}], pg_app.engine)
    assert other.calls == [f"many {upsert}"]
    assert named.calls == ["many INSERT INTO t (a) VALUES (%(a)s)"]
