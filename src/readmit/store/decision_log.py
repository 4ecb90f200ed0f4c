"""The screening decision log and the queue of discontinued applications."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, insert, or_, select

from readmit.store.sanctions_schema import decision_holds, decisions


def log_decision(conn: Connection, row: dict[str, Any]) -> None:
    """Insert one entry (a single decision or a batch); JSON fields are serialised here."""
    log_decisions(conn, [row])


def log_decisions(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert entries in one statement (the group commit of single decisions)."""
    if not rows:
        return
    serialised = []
    for row in rows:
        values = dict(row)
        for name in ("outcome", "inputs", "counts"):
            if values.get(name) is not None:
                values[name] = json.dumps(values[name], sort_keys=True, ensure_ascii=False)
        serialised.append(values)
    conn.execute(insert(decisions), serialised)


def add_holds(conn: Connection, rows: Sequence[dict[str, Any]], chunk: int = 5_000) -> None:
    """Insert held applications (discontinued issuance) in chunks."""
    for start in range(0, len(rows), chunk):
        conn.execute(insert(decision_holds), list(rows[start : start + chunk]))


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
