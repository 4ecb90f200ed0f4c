"""The aggregates kept at the ledger head, and each document's first use.

Five tables count, at the head, the facts not voided there (``store/metrics_schema``):
``coop_backlog_days`` the openings and endings of cases per country, kind, party and day (the
backlog) and ``coop_backlog_months`` the same per calendar month; by calendar month,
``coop_fact_months`` every fact per country, kind, party and mode (a window's counts),
``coop_lag_months`` the facts with a lag per country, kind, party and lag (a window's lag
medians), ``coop_lapse_months`` the documents with an expiry that no manifest used, per country
and party, by their month of expiry (the lapsed documents). The cooperation projector keeps
them up to date as it writes facts, voids and uses (``Deltas``, from
``store/metrics_projection``), on every path that writes facts: live appends, imports and
``readmit db rebuild``. ``recount`` derives the same counts from ``coop_facts`` in one
statement a table, and ``drift`` compares the two. A count brought down to zero is deleted, so
a table holds what its derivation gives.

``coop_facts.used_seq`` likewise records on a document the position of the earliest manifest,
not voided at the head, dated between its issue and its expiry; ``mark_uses`` derives it from
the facts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Table, text

from readmit.domain.cooperation import ENDING_KINDS, EPOCH, LAGGED_KINDS, Kind
from readmit.store.bulk import empty_tables, placeholder
from readmit.store.metrics_schema import (
    coop_backlog_days,
    coop_backlog_months,
    coop_fact_months,
    coop_lag_months,
    coop_lapse_months,
)

BACKLOG_KINDS = frozenset({Kind.OPENED, *ENDING_KINDS})
# The kinds whose lag a window's medians read (``store/metrics``: the "lags" tally).
LAG_KINDS = frozenset({*LAGGED_KINDS, Kind.REMOVED})
_KINDS = ", ".join(str(int(k)) for k in sorted(BACKLOG_KINDS))
_LAG_KINDS = ", ".join(str(int(k)) for k in sorted(LAG_KINDS))

# (country, kind, party, day) -> count
DayKey = tuple[str, int, int, int]
Key = tuple[Any, ...]


def backlog_day(kind: int, day: int, order_day: int) -> int:
    """The day a fact counts for the backlog on: an opening on its day, an ending on the later
    of its day and the case's order day (a case leaves the backlog once it is in it)."""
    return day if kind == Kind.OPENED else max(day, order_day)


def month_of(day: int) -> int:
    """The day number of the first day of the calendar month ``day`` falls in."""
    return day - (EPOCH + timedelta(days=day)).day + 1


def _month_sql(dialect: str, day: str = "day") -> str:
    """SQL giving ``month_of`` a fact's ``day`` column (its month's first day)."""
    if dialect == "postgresql":
        return f"{day} - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + {day}) AS INTEGER) + 1"
    return f"{day} - CAST(strftime('%d', {day} * 86400, 'unixepoch') AS INTEGER) + 1"


@dataclass(frozen=True)
class Aggregate:
    """One table of counts at the head and the query that derives it from ``coop_facts`` (the
    columns of the table's primary key, in order, then the count)."""

    schema: Table
    derive: Callable[[str], str]  # the dialect's name -> the query

    @property
    def table(self) -> str:
        return self.schema.name

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.schema.primary_key.columns)


# The day a fact counts for the backlog on, in SQL (``backlog_day``).
_BACKLOG_DAY = (
    f"CASE WHEN kind = {int(Kind.OPENED)} OR day >= order_day THEN day ELSE order_day END"
)

# What each aggregate must hold: the facts not voided, counted under its key.
BACKLOG = Aggregate(
    coop_backlog_days,
    lambda _: (
        f"SELECT country, kind, party, {_BACKLOG_DAY} AS bday, COUNT(*) FROM coop_facts "
        f"WHERE kind IN ({_KINDS}) AND void_seq IS NULL GROUP BY country, kind, party, bday"
    ),
)
BACKLOG_MONTHS = Aggregate(
    coop_backlog_months,
    lambda dialect: (
        f"SELECT country, kind, party, {_month_sql(dialect, f'({_BACKLOG_DAY})')} AS mday, "
        f"COUNT(*) FROM coop_facts WHERE kind IN ({_KINDS}) AND void_seq IS NULL "
        "GROUP BY country, kind, party, mday"
    ),
)
FACT_MONTHS = Aggregate(
    coop_fact_months,
    lambda dialect: (
        f"SELECT country, kind, party, virtual, {_month_sql(dialect)} AS mday, COUNT(*) "
        "FROM coop_facts WHERE void_seq IS NULL GROUP BY country, kind, party, virtual, mday"
    ),
)
LAG_MONTHS = Aggregate(
    coop_lag_months,
    lambda dialect: (
        f"SELECT country, kind, party, {_month_sql(dialect)} AS mday, lag, COUNT(*) "
        f"FROM coop_facts WHERE kind IN ({_LAG_KINDS}) AND lag IS NOT NULL "
        "AND void_seq IS NULL GROUP BY country, kind, party, mday, lag"
    ),
)
# Documents with an expiry, not voided (a voided one is never counted, whatever it records).
DOCUMENTS = f"kind = {int(Kind.DOCUMENT_ISSUED)} AND ref_day IS NOT NULL AND void_seq IS NULL"
LAPSE_MONTHS = Aggregate(
    coop_lapse_months,
    lambda dialect: (
        f"SELECT country, party, {_month_sql(dialect, 'ref_day')} AS mday, COUNT(*) "
        f"FROM coop_facts WHERE {DOCUMENTS} AND used_seq IS NULL GROUP BY country, party, mday"
    ),
)
AGGREGATES = (BACKLOG, FACT_MONTHS, LAG_MONTHS, LAPSE_MONTHS, BACKLOG_MONTHS)

# The earliest manifest of the case, not voided, dated within the document's life.
FIRST_USE = (
    "SELECT MIN(m.seq) FROM coop_facts m WHERE m.subject_id = coop_facts.subject_id "
    f"AND m.kind = {int(Kind.MANIFESTED)} AND m.void_seq IS NULL "
    "AND m.day BETWEEN coop_facts.day AND coop_facts.ref_day"
)


# What the aggregates count of a fact (``Deltas.count``), in this order.
COUNTED = ("country", "kind", "party", "virtual", "day", "order_day", "lag", "ref_day", "used_seq")
_DOCUMENT, _OPENED = int(Kind.DOCUMENT_ISSUED), int(Kind.OPENED)


class Deltas:
    """Changes to every aggregate, gathered while the projector folds a batch and written once
    per batch (one upsert a table). Counting runs once per imported event: it is kept to a few
    dictionary increments (``defaultdict``: no Python call for a new key)."""

    def __init__(self) -> None:
        self.backlog: defaultdict[Key, int] = defaultdict(int)
        self.facts: defaultdict[Key, int] = defaultdict(int)
        self.lags: defaultdict[Key, int] = defaultdict(int)
        self.lapses: defaultdict[Key, int] = defaultdict(int)
        self._months: dict[int, int] = {}

    def count(self, fact: Iterable[Any], n: int = 1) -> None:
        """Count a fact, not voided, ``n`` times (-1: take it out): ``fact`` gives the
        ``COUNTED`` columns, in order."""
        self.count_all([fact], range(len(COUNTED)), n)

    def count_all(self, rows: Iterable[Any], at: Iterable[int], n: int = 1) -> None:
        """Count facts not voided, ``n`` times each: rows that hold the ``COUNTED`` columns at
        the positions ``at`` (a fact row as the projector writes it, say)."""
        c, k, p, v, d, o, lg, r, u = at
        # Each fact's keys are listed, then counted by ``Counter`` (in C) and added once a key:
        # a batch's facts share far fewer keys than they are.
        facts: list[Key] = []
        backlog: list[Key] = []
        lags: list[Key] = []
        add_fact, add_backlog, add_lag = facts.append, backlog.append, lags.append
        ends, lagged, months = BACKLOG_KINDS, LAG_KINDS, self._months
        for row in rows:
            country, kind, party, day = row[c], row[k], row[p], row[d]
            month = months.get(day)
            if month is None:
                month = months[day] = month_of(day)
            add_fact((country, kind, party, row[v], month))
            if kind in ends:
                on = day if kind == _OPENED else max(day, row[o])  # ``backlog_day``
                add_backlog((country, kind, party, on))
            lag = row[lg]
            if lag is not None and kind in lagged:
                add_lag((country, kind, party, month, lag))
            if kind == _DOCUMENT and row[r] is not None and row[u] is None:
                self.lapse(country, party, row[r], n)
        for keys, deltas in ((facts, self.facts), (backlog, self.backlog), (lags, self.lags)):
            for key, times in Counter(keys).items():
                deltas[key] += times * n

    def lapse(self, country: str, party: int, ref_day: int, n: int) -> None:
        """Count a document no manifest used, expiring on ``ref_day``, ``n`` times (-1: it was
        used, or voided; +1: it is unused, or no longer used)."""
        month = self._months.get(ref_day)
        if month is None:
            month = self._months[ref_day] = month_of(ref_day)
        self.lapses[(country, party, month)] += n

    def write(self, conn: Connection) -> None:
        """Add the changes to the tables, and forget them."""
        changes = (self.backlog, self.facts, self.lags, self.lapses, self._backlog_months())
        for aggregate, deltas in zip(AGGREGATES, changes, strict=True):
            add(conn, deltas, aggregate)
            deltas.clear()

    def _backlog_months(self) -> defaultdict[Key, int]:
        """The backlog's changes by month, from its changes by day: once a batch, over the
        days it touched, rather than once an event."""
        months: defaultdict[Key, int] = defaultdict(int)
        for (country, kind, party, day), n in self.backlog.items():
            month = self._months.get(day)
            if month is None:
                month = self._months[day] = month_of(day)
            months[(country, kind, party, month)] += n
        return months


def add(conn: Connection, deltas: Mapping[Key, int], aggregate: Aggregate = BACKLOG) -> None:
    """Add ``deltas`` to an aggregate's counts (one upsert of the keys touched), then delete
    the counts brought down to zero."""
    # In key order. Sorting the keys, not (key, count) pairs, compares two keys once rather
    # than twice (a pair's comparison first tests its keys for equality).
    rows = [(*key, n) for key in sorted(deltas) if (n := deltas[key])]
    if not rows:
        return
    mark = placeholder(conn.dialect.paramstyle)
    key = ", ".join(aggregate.key)
    upsert = f"ON CONFLICT ({key}) DO UPDATE SET n = {aggregate.table}.n + excluded.n"
    if conn.dialect.name == "postgresql":
        # One statement, a column an array: an executemany costs a round trip a row there.
        arrays = [list(column) for column in zip(*rows, strict=True)]
        typed = ", ".join(f"%s::{'text' if isinstance(a[0], str) else 'int'}[]" for a in arrays)
        conn.exec_driver_sql(
            f"INSERT INTO {aggregate.table} ({key}, n) SELECT * FROM unnest({typed}) {upsert}",
            tuple(arrays),
        )
    else:
        conn.exec_driver_sql(
            f"INSERT INTO {aggregate.table} ({key}, n) "
            f"VALUES ({', '.join([mark] * len(rows[0]))}) {upsert}",
            rows,
        )
    lowered = [row[:-1] for row in rows if row[-1] < 0]
    if lowered:
        matches = " AND ".join(f"{column} = {mark}" for column in aggregate.key)
        conn.exec_driver_sql(f"DELETE FROM {aggregate.table} WHERE {matches} AND n = 0", lowered)


def counted(conn: Connection, aggregate: Aggregate = BACKLOG) -> Counter[Key]:
    """The counts an aggregate's table holds (counts of zero left out)."""
    return Counter({key: n for key, n in _held(conn, aggregate).items() if n})


def _held(conn: Connection, aggregate: Aggregate) -> dict[Key, int]:
    """Every count an aggregate's table holds, zeros included."""
    rows = conn.execute(text(f"SELECT {', '.join(aggregate.key)}, n FROM {aggregate.table}"))
    return {_key(row[:-1]): int(row[-1]) for row in rows}


def expected(conn: Connection, aggregate: Aggregate = BACKLOG) -> Counter[Key]:
    """The counts of an aggregate as ``coop_facts`` gives them."""
    rows = conn.execute(text(aggregate.derive(conn.dialect.name)))
    return Counter({_key(row[:-1]): int(row[-1]) for row in rows})


def _key(values: Any) -> Key:
    return tuple(str(v) if isinstance(v, str) else int(v) for v in values)


def drift(conn: Connection) -> dict[tuple[str, Key], tuple[int, int]]:
    """Counts that differ from the facts': (held, expected) of each, by table and key (empty:
    none). A zero held is a drift too: the table keeps no zero."""
    found = {}
    for aggregate in AGGREGATES:
        wanted, held = expected(conn, aggregate), _held(conn, aggregate)
        for key in sorted(set(held) | set(wanted)):
            if key not in held or held[key] != wanted.get(key, 0):
                found[(aggregate.table, key)] = (held.get(key, 0), wanted.get(key, 0))
    return found


def unmarked_uses(conn: Connection) -> list[tuple[int, int | None, int | None]]:
    """Documents whose recorded first use is not the facts': (seq, held, expected) of each."""
    rows = conn.execute(
        text(f"SELECT seq, used_seq, ({FIRST_USE}) FROM coop_facts WHERE {DOCUMENTS}")
    )
    return [(int(s), held, wanted) for s, held, wanted in rows if held != wanted]


def recount(conn: Connection) -> None:
    """Derive the documents' first uses, then every aggregate, from ``coop_facts`` (for a store
    whose facts were written straight into the table, like the dashboard's benchmark)."""
    mark_uses(conn)  # first: the lapsed documents are those without a use
    empty_tables(conn, [aggregate.table for aggregate in AGGREGATES])
    for aggregate in AGGREGATES:
        # Rows written in key order: a window's months then lie on few pages. PostgreSQL
        # reads them through the heap, and in hash order the lags of one year (157,000 rows
        # at 2M cases) lay on 15,000 pages instead of 1,400, doubling its time.
        order = ", ".join(str(k + 1) for k in range(len(aggregate.key)))
        conn.execute(
            text(
                f"INSERT INTO {aggregate.table} ({', '.join(aggregate.key)}, n) "
                f"{aggregate.derive(conn.dialect.name)} ORDER BY {order}"
            )
        )


def mark_uses(conn: Connection) -> None:
    """Set every document's first use from the facts."""
    conn.execute(text(f"UPDATE coop_facts SET used_seq = ({FIRST_USE}) WHERE {DOCUMENTS}"))
