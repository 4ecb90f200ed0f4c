"""The backlog's daily aggregates at the ledger head, and each document's first use.

``coop_backlog_days`` counts, per country, kind, party and day, the openings and endings of
cases that are not voided at the head (``store/metrics_schema``). The cooperation projector
keeps it up to date as it writes facts and voids (``store/metrics_projection``), on every path
that writes facts: live appends, imports and ``readmit db rebuild``. ``recount`` derives the
same counts from ``coop_facts`` in one statement, and ``drift`` compares the two.

``coop_facts.used_seq`` likewise records on a document the position of the earliest manifest,
not voided at the head, dated between its issue and its expiry; ``mark_uses`` derives it from
the facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from sqlalchemy import Connection, text

from readmit.domain.cooperation import ENDING_KINDS, Kind

BACKLOG_KINDS = frozenset({Kind.OPENED, *ENDING_KINDS})
_KINDS = ", ".join(str(int(k)) for k in sorted(BACKLOG_KINDS))

# (country, kind, party, day) -> count
DayKey = tuple[str, int, int, int]


def backlog_day(kind: int, day: int, order_day: int) -> int:
    """The day a fact counts for the backlog on: an opening on its day, an ending on the later
    of its day and the case's order day (a case leaves the backlog once it is in it)."""
    return day if kind == Kind.OPENED else max(day, order_day)


# What the aggregates must hold: the facts not voided, counted on their backlog day.
_FROM_FACTS = (
    "SELECT country, kind, party, "
    f"CASE WHEN kind = {int(Kind.OPENED)} OR day >= order_day THEN day ELSE order_day END AS bday, "
    f"COUNT(*) FROM coop_facts WHERE kind IN ({_KINDS}) AND void_seq IS NULL "
    "GROUP BY country, kind, party, bday"
)

# The earliest manifest of the case, not voided, dated within the document's life.
FIRST_USE = (
    "SELECT MIN(m.seq) FROM coop_facts m WHERE m.subject_id = coop_facts.subject_id "
    f"AND m.kind = {int(Kind.MANIFESTED)} AND m.void_seq IS NULL "
    "AND m.day BETWEEN coop_facts.day AND coop_facts.ref_day"
)
# Documents with an expiry, not voided (a voided one is never counted, whatever it records).
DOCUMENTS = f"kind = {int(Kind.DOCUMENT_ISSUED)} AND ref_day IS NOT NULL AND void_seq IS NULL"


def add(conn: Connection, deltas: Mapping[DayKey, int]) -> None:
    """Add ``deltas`` to the daily counts (one upsert per day touched)."""
    rows = [(*key, n) for key, n in sorted(deltas.items()) if n]
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        "INSERT INTO coop_backlog_days (country, kind, party, day, n) "
        f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark}) "
        "ON CONFLICT (country, kind, party, day) "
        "DO UPDATE SET n = coop_backlog_days.n + excluded.n",
        rows,
    )


def counted(conn: Connection) -> Counter[DayKey]:
    """The daily counts the table holds (days counted to zero left out)."""
    rows = conn.execute(text("SELECT country, kind, party, day, n FROM coop_backlog_days"))
    return Counter({(str(c), int(k), int(p), int(d)): int(n) for c, k, p, d, n in rows if n})


def expected(conn: Connection) -> Counter[DayKey]:
    """The daily counts as ``coop_facts`` gives them."""
    rows = conn.execute(text(_FROM_FACTS))
    return Counter({(str(c), int(k), int(p), int(d)): int(n) for c, k, p, d, n in rows})


def drift(conn: Connection) -> dict[DayKey, tuple[int, int]]:
    """Days whose count differs from the facts': (held, expected) of each (empty: none)."""
    held, wanted = counted(conn), expected(conn)
    return {
        key: (held.get(key, 0), wanted.get(key, 0))
        for key in sorted(set(held) | set(wanted))
        if held.get(key, 0) != wanted.get(key, 0)
    }


def unmarked_uses(conn: Connection) -> list[tuple[int, int | None, int | None]]:
    """Documents whose recorded first use is not the facts': (seq, held, expected) of each."""
    rows = conn.execute(
        text(f"SELECT seq, used_seq, ({FIRST_USE}) FROM coop_facts WHERE {DOCUMENTS}")
    )
    return [(int(s), held, wanted) for s, held, wanted in rows if held != wanted]


def recount(conn: Connection) -> None:
    """Derive the daily counts and the documents' first uses from ``coop_facts`` (for a store
    whose facts were written straight into the table, like the dashboard's benchmark)."""
    conn.execute(text("DELETE FROM coop_backlog_days"))
    conn.execute(
        text(f"INSERT INTO coop_backlog_days (country, kind, party, day, n) {_FROM_FACTS}")
    )
    mark_uses(conn)


def mark_uses(conn: Connection) -> None:
    """Set every document's first use from the facts."""
    conn.execute(text(f"UPDATE coop_facts SET used_seq = ({FIRST_USE}) WHERE {DOCUMENTS}"))
