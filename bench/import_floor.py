"""The floor of an import: the very rows readmit wrote, inserted as fast as the driver allows.

After ``bench/import.py`` has imported its files into a store, this copies every row the
import wrote (events, every projection row, the import's own bookkeeping: whatever is in the
store after the import and was not there after ``readmit db upgrade``) into a fresh store
migrated the same way, so with the same keys and the same indexes. The rows are read first
(not timed) and then written table by table, in the order readmit stored them, 100,000 rows a
transaction (readmit's chunk): through ``sqlite3`` ``executemany`` on SQLite, through
``COPY ... FROM STDIN`` (psycopg 3) on PostgreSQL. It does no reading of the files, no
validation, no hashing and no projecting: only the database's own work for these rows.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import MetaData, Table, create_engine
from sqlalchemy.engine import make_url

from readmit.services.context import bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings

CHUNK = 100_000


def _driver_connect(url: str) -> Any:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(str(parsed.database), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # as readmit's own SQLite connections
        conn.execute("PRAGMA cache_size=-131072")
        return conn
    return psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))


def _tables(url: str) -> list[Table]:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    engine.dispose()
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]


def _key(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]


def _rows(conn: Any, table: Table, skip: set[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """The table's rows in key order, less those whose key is in ``skip``, in chunks."""
    names = [c.name for c in table.columns]
    key = _key(table)
    at = [names.index(k) for k in key]
    cursor = conn.cursor()
    cursor.execute(f"SELECT {', '.join(names)} FROM {table.name} ORDER BY {', '.join(key)}")
    while batch := cursor.fetchmany(CHUNK):
        rows = [_plain(r) for r in batch if tuple(r[i] for i in at) not in skip]
        if rows:
            yield rows
    cursor.close()


def _plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(json.dumps(v) if isinstance(v, dict | list) else v for v in row)


def _keys(conn: Any, table: Table) -> set[tuple[Any, ...]]:
    key = _key(table)
    cursor = conn.cursor()
    cursor.execute(f"SELECT {', '.join(key)} FROM {table.name}")
    found = {tuple(r) for r in cursor.fetchall()}
    cursor.close()
    return found


def floor(source_url: str, target_url: str, folder: Path) -> tuple[float, int]:
    """Seconds to write into a fresh store at ``target_url`` every row the import left in the
    store at ``source_url``, and how many rows that was."""
    app = bootstrap(
        Settings(
            database_url=target_url,
            key_dir=folder / "floor-keys",
            data_dir=folder / "floor-data",
        )
    )
    upgrade(app)  # the same schema and indexes, and the same rows an upgrade writes
    app.engine.dispose()
    source, target = _driver_connect(source_url), _driver_connect(target_url)
    sqlite = isinstance(target, sqlite3.Connection)
    seconds, count = 0.0, 0
    try:
        for table in _tables(source_url):
            names = [c.name for c in table.columns]
            insert = f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(names))})"
            for rows in _rows(source, table, _keys(target, table)):
                started = time.perf_counter()
                if sqlite:
                    target.execute("BEGIN IMMEDIATE")
                    target.executemany(insert, rows)
                    target.execute("COMMIT")
                else:
                    with target.cursor() as cursor:
                        copy_sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
                        with cursor.copy(copy_sql) as copy:
                            for row in rows:
                                copy.write_row(row)
                    target.commit()
                seconds += time.perf_counter() - started
                count += len(rows)
    finally:
        source.close()
        target.close()
    return seconds, count
