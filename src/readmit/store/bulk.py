"""Insert many rows straight through the driver: the hot path of imports and rebuilds.

SQLAlchemy's per-row parameter processing costs more than the database's own work on a bulk
insert, so callers hand over plain tuples (dates as ISO text, which both SQLite and PostgreSQL
store as the same dates SQLAlchemy would).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` with one executemany."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(table.c[name].name for name in columns)
    marks = ", ".join(mark for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(rows))
