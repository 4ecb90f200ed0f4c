"""The screening decision log and the queue of discontinued applications."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, or_, select

from readmit.store.bulk import insert_rows
from readmit.store.sanctions_schema import decision_holds, decisions

DECISION_COLUMNS = tuple(column.name for column in decisions.columns)
HOLD_COLUMNS = tuple(column.name for column in decision_holds.columns)
JSON_FIELDS = frozenset({"outcome", "inputs", "counts"})


def log_decision(conn: Connection, row: dict[str, Any]) -> None:
    """Insert one entry (a single decision or a batch); JSON fields are serialised here."""
    log_decisions(conn, [row])


def log_decisions(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert entries in one statement, through the driver: the group commit of single
    decisions runs this hundreds of times a second."""
    insert_rows(conn, decisions, DECISION_COLUMNS, [decision_values(row) for row in rows])


def add_holds(conn: Connection, rows: Sequence[dict[str, Any]], chunk: int = 5_000) -> None:
    """Insert held applications (discontinued issuance) in chunks."""
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        insert_rows(conn, decision_holds, HOLD_COLUMNS, [hold_values(row) for row in part])


def decision_values(row: dict[str, Any]) -> tuple[Any, ...]:
    """A log entry as the driver takes it, in DECISION_COLUMNS order."""
    return tuple(
        _json(row.get(name)) if name in JSON_FIELDS else _plain(row.get(name))
        for name in DECISION_COLUMNS
    )


def hold_values(row: dict[str, Any]) -> tuple[Any, ...]:
    """A held application as the driver takes it, in HOLD_COLUMNS order."""
    return tuple(_plain(row.get(name)) for name in HOLD_COLUMNS)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _plain(value: Any) -> Any:
    # Dates as ISO text: the form SQLAlchemy stores on SQLite, and PostgreSQL reads as a date.
    return value.isoformat() if isinstance(value, date) else value


def get_decision(conn: Connection, decision_id: str) -> dict[str, Any] | None:
    """Return one log entry with its JSON fields parsed, or None."""
    row = conn.execute(select(decisions).where(decisions.c.decision_id == decision_id)).first()
    if row is None:
        return None
    entry = dict(row._mapping)
    for name in ("outcome", "inputs", "counts"):
        if entry.get(name):
            entry[name] = json.loads(entry[name])
    return entry


def holds_for(conn: Connection, measure_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Return held applications whose holding measures include any of ``measure_ids``."""
    ids = sorted(set(measure_ids))
    if not ids:
        return []
    padded = ";" + decision_holds.c.measures + ";"
    query = (
        select(decision_holds)
        .where(or_(*[padded.contains(f";{m};") for m in ids]))
        .order_by(decision_holds.c.decision_on, decision_holds.c.decision_id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
