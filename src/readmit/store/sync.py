"""Make a table of pack data (claims, published figures) match what the pack says, by row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update


def sync_rows(
    conn: Connection, table: Table, key: str, wanted: Mapping[str, Mapping[str, Any]]
) -> int:
    """Insert new rows, update those whose ``content_hash`` changed, delete those gone.

    Returns the rows changed: a second run with the same ``wanted`` changes none.
    """
    column = table.c[key]
    rows = conn.execute(select(column, table.c.content_hash))
    existing = {str(row[0]): str(row[1]) for row in rows}
    changed = 0
    for name, values in wanted.items():
        if name not in existing:
            conn.execute(insert(table).values(**values))
        elif existing[name] != values["content_hash"]:
            conn.execute(update(table).where(column == name).values(**values))
        else:
            continue
        changed += 1
    gone = sorted(set(existing) - set(wanted))
    if gone:
        conn.execute(delete(table).where(column.in_(gone)))
    return changed + len(gone)
