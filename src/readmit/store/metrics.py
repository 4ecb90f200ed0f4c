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
    LAGGED_KINDS,
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
    at_head: bool = False  # no as-of date: the record day does not matter

    def params(self) -> dict[str, int]:
        return {"pos": self.pos, "asof": self.as_of_day, "know": self.know_day}

    def known(self, alias: str) -> str:
        """Return the SQL condition that a row is known, and not voided, at this reading."""
        if self.at_head:
            # Still bounded by the position: a concurrent writer may commit while we read.
            return f"{alias}.seq <= :pos AND ({alias}.void_seq IS NULL OR {alias}.void_seq > :pos)"
        return known(alias)


def known(alias: str) -> str:
    """Return the SQL condition that a row of ``alias`` is known and not voided at a position
    and as-of day (bound as ``:pos`` and ``:asof``)."""
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
    return Reading(pos, NO_AS_OF, int(latest) if latest is not None else 0, True)


def _country_filter(country: str | None) -> str:
    return " AND f.country = :country" if country else ""


def _fact_groups(conn: Connection, sql: str, params: dict[str, Any], tallies: Tallies) -> None:
    main = tallies.main
    for kind, country, party, virtual, lag, n in conn.execute(text(sql), params):
        main[TallyKey(country, int(kind), int(party), int(virtual), lag)] += int(n)


def _stance_groups(conn: Connection, sql: str, params: dict[str, Any], tallies: Tallies) -> None:
    for kind, country, party, virtual, lag, stance, n in conn.execute(text(sql), params):
        key = TallyKey(country, int(kind), int(party), int(virtual), lag)
        tallies.stance[(key, str(stance))] += int(n)


# (GROUP BY, SELECT) per shape, grouped in the order of the index each query reads so that
# SQLite groups without sorting; the SELECT always gives kind, country, party, virtual, lag.
GROUPS = {
    "mode": (
        "f.kind, f.country, f.party, f.virtual",
        "f.kind, f.country, f.party, f.virtual, NULL",
    ),
    "short": ("f.kind, f.country, f.party", "f.kind, f.country, f.party, 0, NULL"),
    "lag": ("f.kind, f.country, f.party, f.lag", "f.kind, f.country, f.party, 0, f.lag"),
}


def _tally(
    conn: Connection,
    reading: Reading,
    where: str,
    columns: str,
    params: dict[str, Any],
    index: str,
) -> Tallies:
    """Count known facts matching ``where`` and, separately, those with a known response."""
    tallies = Tallies()
    group, select_cols = GROUPS[columns]
    known_f = reading.known("f")
    # Pin the index on SQLite: its planner may otherwise sort a day range it could skip-scan.
    pinned = f" INDEXED BY {index}" if conn.dialect.name == "sqlite" else ""
    _fact_groups(
        conn,
        f"SELECT {select_cols}, COUNT(*) AS n FROM coop_facts f{pinned} "
        f"WHERE {where} AND {known_f} GROUP BY {group}",
        params,
        tallies,
    )
    # Responses are few: read them first (SQLite keeps the order of a CROSS JOIN).
    _stance_groups(
        conn,
        f"SELECT {select_cols}, r.stance, COUNT(*) AS n "
        f"FROM coop_responses r CROSS JOIN coop_facts f "
        f"WHERE f.seq = r.target_seq AND {where} AND {known_f} AND {reading.known('r')} "
        f"AND r.seq = (SELECT MAX(r2.seq) FROM coop_responses r2 "
        f"WHERE r2.target_seq = r.target_seq AND {reading.known('r2')}) "
        f"GROUP BY {group}, r.stance",
        params,
        tallies,
    )
    return tallies


def read_scopes(
    conn: Connection, reading: Reading, start: date, end: date, country: str | None
) -> Scopes:
    """Return the window, backlog, lapsed-document and lag tallies for one or every country."""
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
    in_window = f"f.day BETWEEN :d0 AND :d1{only}"
    window = _tally(conn, reading, in_window, "mode", params, "ix_coop_facts_kind")
    lagged = ", ".join(str(int(k)) for k in sorted(LAGGED_KINDS | {Kind.REMOVED}))
    lags = _tally(
        conn,
        reading,
        f"f.kind IN ({lagged}) AND f.lag IS NOT NULL AND {in_window}",
        "lag",
        params,
        "ix_coop_facts_lag",
    )
    opened = f"f.kind = :opened AND f.day <= :d1{only}"
    backlog = _tally(conn, reading, opened, "short", params, "ix_coop_facts_kind")
    ends = ", ".join(str(int(k)) for k in ENDING_KINDS)
    ended = f"f.kind IN ({ends}) AND f.day <= :d1 AND f.order_day <= :d1{only}"
    backlog.merge(_tally(conn, reading, ended, "short", params, "ix_coop_facts_kind"))
    manifested = (
        "SELECT 1 FROM coop_facts m WHERE m.subject_id = f.subject_id AND m.kind = :manifested "
        f"AND m.day BETWEEN f.day AND f.ref_day AND {reading.known('m')}"
    )
    expired = (
        f"f.ref_day BETWEEN :d0 AND :d1 AND f.ref_day < :know AND f.kind = :doc{only} "
        f"AND NOT EXISTS ({manifested})"
    )
    lapsed = _tally(conn, reading, expired, "short", params, "ix_coop_facts_ref")
    return Scopes(window, backlog, lapsed, lags)


def count_by_country(counter: Counter[TallyKey]) -> dict[str, int]:
    """Sum tallies per country."""
    totals: Counter[str] = Counter()
    for key, n in counter.items():
        totals[key.country] += n
    return dict(totals)
