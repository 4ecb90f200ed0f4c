"""Insert and look up many rows straight through the driver: the hot path of imports.

SQLAlchemy's per-row parameter processing costs more than the database's own work on a bulk
insert, so callers hand over plain tuples (dates as ISO text, which both SQLite and PostgreSQL
store as the same dates SQLAlchemy would). Likewise a lookup of tens of thousands of keys costs
more to compile as ``IN`` lists than to run, so ``select_in`` sends plain SQL; what it returns is
as the driver gives it (dates as ISO text on SQLite, dates on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table

# Bound values per lookup statement: within the limit of every SQLite build (999 before 3.32).
IN_LIMIT = 900


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` with one executemany."""
    if not rows:
        return
    conn.exec_driver_sql(insert_sql(conn.dialect.paramstyle, table, tuple(columns)), list(rows))


@cache
def insert_sql(paramstyle: str, table: Table, columns: tuple[str, ...]) -> str:
    """The driver's INSERT of ``columns`` into ``table``, for its parameter style."""
    mark = "?" if paramstyle == "qmark" else "%s"
    names = ", ".join(table.c[name].name for name in columns)
    marks = ", ".join(mark for _ in columns)
    return f"INSERT INTO {table.name} ({names}) VALUES ({marks})"


def select_in(conn: Connection, sql: str, values: Iterable[Any]) -> list[Sequence[Any]]:
    """Run ``sql``, whose one ``IN ({})`` takes the values, over distinct ``values`` in slices."""
    ordered = sorted(set(values))
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    found: list[Sequence[Any]] = []
    for start in range(0, len(ordered), IN_LIMIT):
        part = tuple(ordered[start : start + IN_LIMIT])
        found.extend(
            conn.exec_driver_sql(sql.format(", ".join([mark] * len(part))), part).fetchall()
        )
    return found
