"""Insert and look up many rows straight through the driver: the hot path of imports.

SQLAlchemy's per-row parameter processing costs more than the database's own work on a bulk
insert, so callers hand over plain tuples (dates as ISO text, which both SQLite and PostgreSQL
store as the same dates SQLAlchemy would). Likewise a lookup of tens of thousands of keys costs
more to compile as ``IN`` lists than to run, so ``select_in`` sends plain SQL; what it returns is
as the driver gives it (dates as ISO text on SQLite, dates on PostgreSQL).

On PostgreSQL the rows go through ``COPY ... FROM STDIN`` (psycopg 3's ``cursor.copy``) rather
than an executemany: a million event rows took 11.1 s against 16.7 s (bench/README.md). The
rows written are the same; a connection whose writes are staged (``store/staging``) keeps its
executemany, which the writer process replays as a COPY (``replay_many``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, Table, text

from readmit.store.staging import STAGED

# Bound values per lookup statement: within the limit of every SQLite build (999 before 3.32).
IN_LIMIT = 900


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``: one COPY on PostgreSQL,
    one executemany otherwise (and on a connection whose writes are staged)."""
    if not rows:
        return
    if _copies(conn.dialect.name, conn.dialect.driver) and not conn.get_execution_options().get(
        STAGED
    ):
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            copy_rows(cursor, table.name, [table.c[name].name for name in columns], rows)
        finally:
            cursor.close()
        return
    conn.exec_driver_sql(insert_sql(conn.dialect.paramstyle, table, tuple(columns)), list(rows))


def _copies(dialect: str, driver: str) -> bool:
    """Tell whether bulk inserts go through COPY: PostgreSQL through psycopg 3."""
    return dialect == "postgresql" and driver == "psycopg"


def copy_rows(
    cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write ``rows`` into ``table`` through one PostgreSQL ``COPY FROM STDIN`` (psycopg 3)."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# An INSERT as ``insert_sql`` writes it for PostgreSQL: nothing else may be turned into a COPY.
_PLAIN_INSERT = re.compile(r"INSERT INTO (\w+) \(([\w, ]+)\) VALUES \((%s(?:, %s)*)\)")


def replay_many(cursor: Any, statement: str, parameters: Sequence[Any], engine: Engine) -> None:
    """Run an executemany a staged connection recorded: a plain INSERT of tuples as a COPY on
    PostgreSQL (the same rows), anything else as the executemany it was."""
    copies = _copies(engine.dialect.name, engine.dialect.driver)
    plain = _PLAIN_INSERT.fullmatch(statement) if copies else None
    if plain is not None and all(isinstance(row, tuple | list) for row in parameters):
        columns = [name.strip() for name in plain.group(2).split(",")]
        if plain.group(3).count("%s") == len(columns):
            copy_rows(cursor, plain.group(1), columns, parameters)
            return
    cursor.executemany(statement, parameters)


def placeholder(paramstyle: str) -> str:
    """The driver's mark for one positional parameter (sqlite3's ``?``, psycopg's ``%s``)."""
    return "?" if paramstyle == "qmark" else "%s"


@cache
def insert_sql(paramstyle: str, table: Table, columns: tuple[str, ...]) -> str:
    """The driver's INSERT of ``columns`` into ``table``, for its parameter style."""
    mark = placeholder(paramstyle)
    names = ", ".join(table.c[name].name for name in columns)
    marks = ", ".join(mark for _ in columns)
    return f"INSERT INTO {table.name} ({names}) VALUES ({marks})"


def select_in(conn: Connection, sql: str, values: Iterable[Any]) -> list[Sequence[Any]]:
    """Run ``sql``, whose one ``IN ({})`` takes the values, over distinct ``values`` in slices.

    On PostgreSQL the values go as one array (``= ANY(%s)``), a slice of tens of thousands in
    one statement: as 900 placeholders a statement, a 100,000-row chunk's key lookups cost
    more in the driver's parsing and the round trips than in the database.
    """
    ordered = sorted(set(values))
    found: list[Sequence[Any]] = []
    if conn.dialect.name == "postgresql":
        assert sql.count(_IN) == 1, sql
        texts = all(type(value) is str for value in ordered)
        statement = sql.replace(_IN, "= ANY(%s::text[])" if texts else "= ANY(%s)")
        for start in range(0, len(ordered), ARRAY_LIMIT):
            array = ordered[start : start + ARRAY_LIMIT]
            found.extend(
                conn.exec_driver_sql(statement, (text_array(array) if texts else array,)).fetchall()
            )
        return found
    mark = placeholder(conn.dialect.paramstyle)
    for start in range(0, len(ordered), IN_LIMIT):
        part = tuple(ordered[start : start + IN_LIMIT])
        found.extend(
            conn.exec_driver_sql(sql.format(", ".join([mark] * len(part))), part).fetchall()
        )
    return found


def text_array(values: Sequence[str]) -> str:
    """``values`` as one PostgreSQL array literal of text, every element quoted: the driver
    dumps a list element by element in Python, which cost more than the lookup it serves."""
    if not values:
        return "{}"
    together = "".join(values)
    if "\\" in together or '"' in together:
        values = [v.replace("\\", "\\\\").replace('"', '\\"') for v in values]
    return '{"' + '","'.join(values) + '"}'


_IN = "IN ({})"
# Values per array on PostgreSQL: a chunk's keys in a few statements.
ARRAY_LIMIT = 50_000


def empty_tables(conn: Connection, names: Sequence[str]) -> None:
    """Empty tables, in the order given, within a transaction that fills them again.

    On PostgreSQL in one TRUNCATE (transactional there): rows a DELETE leaves dead cannot be
    reused by the inserts of the same transaction, so each refill would double the tables, and
    VACUUM does not give that space back. Readers of the tables wait for the commit.
    """
    if not names:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"TRUNCATE TABLE {', '.join(dict.fromkeys(names))}")
        return
    for name in names:
        conn.exec_driver_sql(f"DELETE FROM {name}")


def settle_after_load(engine: Engine, tables: Iterable[Table]) -> None:
    """Leave bulk-loaded ``tables`` ready to read: their statistics gathered and, on PostgreSQL,
    their visibility map set (``VACUUM (ANALYZE)``, which cannot run inside a transaction).

    Without it, right after a bulk load PostgreSQL can use no index-only scan (every page still
    to be visited) and plans the heaviest tallies as lossy bitmap scans (bench/README.md). On
    SQLite, ``ANALYZE`` (bounded by ``analysis_limit``, so it stays quick on large tables)
    gives the planner the tables' statistics.
    """
    names = sorted({table.name for table in tables})
    if not names:
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM (ANALYZE) {', '.join(names)}"))
        return
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(readmit_write=True) as conn:
            conn.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            for name in names:
                conn.exec_driver_sql(f"ANALYZE {name}")
            conn.commit()


# Rows SQLite's ANALYZE samples per index: an estimate good enough for the planner, in
# milliseconds rather than a scan of every row of a million-row table.
SQLITE_ANALYSIS_LIMIT = 1_000
