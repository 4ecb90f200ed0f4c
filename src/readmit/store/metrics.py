"""Set-based queries that reduce the cooperation projection to tallies.

A fact is *known* at a reading position when it was recorded at or before the ledger position
``pos`` and on or before the as-of day, and no void known at that position cancels it. Every
query groups in SQL, so the work grows with the facts in the window, never with a Python loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select, text

from readmit.domain.cooperation import (
    ENDING_KINDS,
    Kind,
    Scopes,
    Tallies,
    TallyKey,
    day_number,
)
from readmit.domain.events import GENESIS_HASH
from readmit.store.schema import events, ledger_head

NO_AS_OF = 99_999_999  # a day number after any date: "everything recorded so far"


@dataclass(frozen=True)
class Reading:
    """Where and when the figures are read: ledger position, as-of day, and the day that
    decides whether a document's expiry has already passed."""

    pos: int
    as_of_day: int
    know_day: int

    def params(self) -> dict[str, int]:
        return {"pos": self.pos, "asof": self.as_of_day, "know": self.know_day}


def known(alias: str) -> str:
    """Return the SQL condition that a row of ``alias`` is known and not voided at the reading."""
    return (
        f"{alias}.seq <= :pos AND {alias}.rday <= :asof AND ({alias}.void_seq IS NULL "
        f"OR {alias}.void_seq > :pos OR {alias}.void_rday > :asof)"
    )


def head(conn: Connection) -> tuple[int, str]:
    """Return the ledger's head (sequence number, hash)."""
    row = conn.execute(select(ledger_head.c.seq, ledger_head.c.hash)).first()
    return (int(row.seq), str(row.hash)) if row else (0, GENESIS_HASH)


def event_at(conn: Connection, seq: int) -> tuple[str, str] | None:
    """Return (hash, recorded_at) of the event at ``seq``, or None."""
    row = conn.execute(
        select(events.c.hash, events.c.recorded_at).where(events.c.seq == seq)
    ).first()
    return (str(row.hash), str(row.recorded_at)) if row else None


def make_reading(conn: Connection, pos: int, as_of: date | None) -> Reading:
    """Build the reading for a position and optional as-of date.

    Without an as-of date, a document's expiry has passed when it is before the latest day on
    which the ledger (up to ``pos``) recorded a cooperation fact: the figures are what could be
    known at that position, whatever today's date.
    """
    if as_of is not None:
        return Reading(pos, day_number(as_of), day_number(as_of))
    latest = conn.execute(
        text("SELECT MAX(rday) FROM coop_facts WHERE seq <= :pos"), {"pos": pos}
    ).scalar_one_or_none()
    return Reading(pos, NO_AS_OF, int(latest) if latest is not None else 0)


def _country_filter(country: str | None) -> str:
    return " AND f.country = :country" if country else ""


def _fact_groups(conn: Connection, sql: str, params: dict[str, Any], tallies: Tallies) -> None:
    for row in conn.execute(text(sql), params):
        key = TallyKey(row.country, int(row.kind), int(row.party), int(row.virtual), row.lag)
        tallies.main[key] += int(row.n)


def _stance_groups(conn: Connection, sql: str, params: dict[str, Any], tallies: Tallies) -> None:
    for row in conn.execute(text(sql), params):
        key = TallyKey(row.country, int(row.kind), int(row.party), int(row.virtual), row.lag)
        tallies.stance[(key, str(row.stance))] += int(row.n)


def _tally(
    conn: Connection, where: str, columns: str, params: dict[str, Any], tallies: Tallies
) -> None:
    """Count known facts matching ``where`` and, separately, those with a known response."""
    group = "f.country, f.kind, f.party" + (", f.virtual, f.lag" if columns == "full" else "")
    select_cols = group if columns == "full" else group + ", 0 AS virtual, NULL AS lag"
    _fact_groups(
        conn,
        f"SELECT {select_cols}, COUNT(*) AS n FROM coop_facts f "
        f"WHERE {where} AND {known('f')} GROUP BY {group}",
        params,
        tallies,
    )
    _stance_groups(
        conn,
        f"SELECT {select_cols}, r.stance, COUNT(*) AS n FROM coop_responses r "
        f"JOIN coop_facts f ON f.seq = r.target_seq "
        f"WHERE {where} AND {known('f')} AND {known('r')} AND r.seq = ("
        f"SELECT MAX(r2.seq) FROM coop_responses r2 "
        f"WHERE r2.target_seq = r.target_seq AND {known('r2')}) "
        f"GROUP BY {group}, r.stance",
        params,
        tallies,
    )


def read_scopes(
    conn: Connection, reading: Reading, start: date, end: date, country: str | None
) -> Scopes:
    """Return the window, backlog and lapsed-document tallies for one or every country."""
    params: dict[str, Any] = {
        **reading.params(),
        "d0": day_number(start),
        "d1": day_number(end),
        "country": country,
        "opened": int(Kind.OPENED),
        "doc": int(Kind.DOCUMENT_ISSUED),
        "manifested": int(Kind.MANIFESTED),
    }
    only = _country_filter(country)
    window = Tallies()
    _tally(conn, f"f.day BETWEEN :d0 AND :d1{only}", "full", params, window)
    backlog = Tallies()
    _tally(conn, f"f.kind = :opened AND f.day <= :d1{only}", "short", params, backlog)
    ends = ", ".join(str(int(k)) for k in ENDING_KINDS)
    _tally(
        conn,
        f"f.kind IN ({ends}) AND f.day <= :d1 AND f.order_day <= :d1{only}",
        "short",
        params,
        backlog,
    )
    lapsed = Tallies()
    _tally(
        conn,
        f"f.ref_day BETWEEN :d0 AND :d1 AND f.ref_day < :know AND f.kind = :doc{only} "
        f"AND NOT EXISTS (SELECT 1 FROM coop_facts m WHERE m.subject_id = f.subject_id "
        f"AND m.kind = :manifested AND m.day BETWEEN f.day AND f.ref_day AND {known('m')})",
        "short",
        params,
        lapsed,
    )
    return Scopes(window, backlog, lapsed)


def countries_with_cases(conn: Connection, reading: Reading) -> list[str]:
    """Return every country with at least one known case, sorted."""
    rows = conn.execute(
        text(
            "SELECT DISTINCT f.country FROM coop_facts f "
            f"WHERE f.kind = :opened AND {known('f')} ORDER BY f.country"
        ),
        {**reading.params(), "opened": int(Kind.OPENED)},
    )
    return [str(r.country) for r in rows]


def count_by_country(counter: Counter[TallyKey]) -> dict[str, int]:
    """Sum tallies per country."""
    totals: Counter[str] = Counter()
    for key, n in counter.items():
        totals[key.country] += n
    return dict(totals)
