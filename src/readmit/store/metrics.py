"""Set-based queries that reduce the cooperation projection to tallies.

A fact is *known* at a reading position when it was recorded at or before the ledger position
``pos`` and on or before the as-of day, and no void known at that position cancels it. Every
query groups in SQL, so the work grows with the facts in the window, never with a Python loop.

A reading at the ledger head (no as-of date, the position the head's) is *aggregated*: its
counts are summed from the aggregates kept at the head (``store/backlog_days``) instead of
counted from the facts: the backlog at a window's end from the openings and endings of the
whole months before it (``coop_backlog_months``) and of the days of its last, partial month
(``coop_backlog_days``); the window's facts, their lags and its lapsed documents (those no
manifest used) from their counts per calendar month (``coop_fact_months``, ``coop_lag_months``,
``coop_lapse_months``), the days before a window's first whole month and after its last read
from the facts. A page at the head then costs the months of its windows, not their facts (at
most two months' facts a window, none for a window of whole months). The few responses to
facts are read from the facts at any reading. Any other reading, as of a date or at an
earlier position, counts the facts themselves, which carry what is needed to answer it
exactly.
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
    Party,
    Scopes,
    Tallies,
    TallyKey,
    day_number,
)
from readmit.domain.events import GENESIS_HASH
from readmit.store.backlog_days import BACKLOG_KINDS, LAG_KINDS, month_of
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
    aggregated: bool = False  # at the head's position too: the head's aggregates answer

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
    know = int(latest) if latest is not None else 0
    return Reading(pos, NO_AS_OF, know, at_head=True, aggregated=pos == head(conn)[0])


def countries_with_facts(conn: Connection) -> list[str]:
    """Return every country with a cooperation fact: one index seek per country."""
    rows = conn.execute(
        text(
            "WITH RECURSIVE c(x) AS (SELECT MIN(country) FROM coop_facts UNION ALL "
            "SELECT (SELECT MIN(country) FROM coop_facts WHERE country > c.x) FROM c "
            "WHERE c.x IS NOT NULL) SELECT x FROM c WHERE x IS NOT NULL"
        )
    )
    return [str(row[0]) for row in rows]


def _country_filter(countries: list[str]) -> tuple[str, dict[str, str]]:
    """Return the condition on the country and its parameters. The countries are always
    listed, so that every read seeks each country's slice of the index, with or without the
    planner's statistics (without them, SQLite would scan the whole index instead)."""
    names = {f"k{i}": code for i, code in enumerate(countries)}
    listed = ", ".join(f":{name}" for name in names)
    return f" AND f.country IN ({listed})", names


@dataclass(frozen=True)
class Shape:
    """One kind of tally: which facts it counts, and on which day a fact counts for a window.

    A fact counts for a window when its ``key`` day falls in the window or, for a
    ``cumulative`` tally (taken at the window's end), on or before the window's last day.
    ``bound`` restricts the read to the days any window needs, in terms the index can use.
    """

    where: str
    key: str
    cumulative: bool
    columns: str
    index: str
    group: str  # GROUP BY in the index's order, ``{segment}`` where the key day sorts
    bound: str = ""
    ranged: bool = False  # the key is the index's next column: read a range per segment

    def within(self) -> str:
        if self.bound:
            return self.bound
        return f"{self.key} <= :hi" if self.cumulative else f"{self.key} BETWEEN :lo AND :hi"


class Spreader:
    """Spreads counts read per segment over the windows that contain the segment.

    The boundaries of every window cut the days into segments, each wholly inside or outside
    each window, so several windows, overlapping or not, cost one read of each fact. For a
    cumulative tally (taken at a window's end) the segments end at the windows' ends, and a
    window holds every segment up to its end.
    """

    def __init__(self, spans: list[tuple[int, int]], cumulative: bool) -> None:
        self.spans = spans
        self.cumulative = cumulative
        starts = set() if cumulative else {a - 1 for a, _ in spans}
        self.edges = sorted(starts | {b for _, b in spans})
        self.found = [Tallies() for _ in spans]
        self.windows = [
            [
                self.found[i]
                for i, (a, b) in enumerate(spans)
                if edge <= b and (cumulative or a <= low + 1)
            ]
            for low, edge in zip([NO_DAY, *self.edges], self.edges, strict=False)
        ]

    def case(self, key: str) -> str:
        """Return SQL numbering the segment of a fact's key day."""
        if len(self.spans) == 1:  # every fact read is in the window: its last segment
            return str(self.edges.index(self.spans[0][1]))
        chain = " ".join(f"WHEN {key} <= {edge} THEN {k}" for k, edge in enumerate(self.edges))
        return f"CASE {chain} END"

    def ranges(self) -> list[tuple[int, int, int]]:
        """Return (segment, first day, last day) of each segment that can hold a fact."""
        found, low = [], NO_DAY
        for k, edge in enumerate(self.edges):
            if self.cumulative or k > 0:
                found.append((k, low + 1, edge))
            low = edge
        return found


NO_DAY = -99_999_999  # a day number before any date


def _fact_groups(
    conn: Connection, sql: str, params: dict[str, Any], windows: list[list[Tallies]]
) -> None:
    for kind, country, party, virtual, lag, segment, n in conn.execute(text(sql), params):
        key = TallyKey(country, int(kind), int(party), int(virtual), lag)
        for tallies in windows[int(segment)]:
            tallies.main[key] += int(n)


def _stance_groups(
    conn: Connection, sql: str, params: dict[str, Any], windows: list[list[Tallies]]
) -> None:
    for kind, country, party, virtual, lag, segment, stance, n in conn.execute(text(sql), params):
        key = TallyKey(country, int(kind), int(party), int(virtual), lag)
        for tallies in windows[int(segment)]:
            tallies.stance[(key, str(stance))] += int(n)


INDEX, LAG_INDEX, EXPIRY_INDEX = (
    "ix_coop_facts_country",
    "ix_coop_facts_lags",
    "ix_coop_facts_expiry",
)
PARTIES = ", ".join(str(int(p)) for p in Party)

# What each shape reads: always kind, country, party, virtual, lag.
COLUMNS = {
    "mode": "f.kind, f.country, f.party, f.virtual, NULL",
    "short": "f.kind, f.country, f.party, 0, NULL",
    "lag": "f.kind, f.country, f.party, 0, f.lag",
}
# GROUP BY in each index's column order, so that SQLite groups without sorting.
BY_INDEX = "f.country, f.kind, f.party, f.virtual{segment}"
BY_LAG_INDEX = "f.country, f.kind{segment}, f.party, f.lag"
BY_EXPIRY_INDEX = "f.country, f.kind{segment}, f.party"


def _tally(
    conn: Connection,
    reading: Reading,
    shape: Shape,
    params: dict[str, Any],
    spans: list[tuple[int, int]],
    counts: bool = True,
) -> list[Tallies]:
    """Count known facts of one shape per window and, separately, those with a response,
    reading each fact once however many windows (see ``Spreader``). Without ``counts``, only
    those with a response (the counts come from elsewhere: ``_backlog_days``).

    A ranged shape reads each segment as its own index range (no sort, nothing but counts
    returned); another numbers the segments in SQL and groups by them.
    """
    into = Spreader(spans, shape.cumulative)
    select_cols = COLUMNS[shape.columns]
    known_f = reading.known("f")
    # Pin the index on SQLite: its planner may otherwise pick another, or a sort.
    pinned = f" INDEXED BY {shape.index}" if conn.dialect.name == "sqlite" else ""
    whole = f"{shape.within()} AND {shape.where} AND {known_f}"
    by_segment = shape.group.format(segment="" if len(spans) == 1 else ", segment")
    if shape.ranged and len(spans) > 1 and counts:
        for segment, first, last in into.ranges():
            _count_range(conn, reading, shape, params, (segment, first, last), into.windows)
    elif counts:
        _fact_groups(
            conn,
            f"SELECT {select_cols}, {into.case(shape.key)} AS segment, COUNT(*) "
            f"FROM coop_facts f{pinned} WHERE {whole} "
            f"GROUP BY {by_segment}",
            params,
            into.windows,
        )
    # Responses are few: read them first (SQLite keeps the order of a CROSS JOIN).
    _stance_groups(
        conn,
        f"SELECT {select_cols}, {into.case(shape.key)} AS segment, r.stance, COUNT(*) "
        f"FROM coop_responses r CROSS JOIN coop_facts f "
        f"WHERE f.seq = r.target_seq AND {whole} AND {reading.known('r')} "
        f"AND r.seq = (SELECT MAX(r2.seq) FROM coop_responses r2 "
        f"WHERE r2.target_seq = r.target_seq AND {reading.known('r2')}) "
        f"GROUP BY {by_segment}, r.stance",
        params,
        into.windows,
    )
    return into.found


def _count_range(
    conn: Connection,
    reading: Reading,
    shape: Shape,
    params: dict[str, Any],
    segment: tuple[int, int, int],
    windows: list[list[Tallies]],
) -> None:
    """Count the known facts of a ranged shape whose key day is in one segment's range
    (``segment``: its number, first and last day), as one index range."""
    number, first, last = segment
    pinned = f" INDEXED BY {shape.index}" if conn.dialect.name == "sqlite" else ""
    _fact_groups(
        conn,
        f"SELECT {COLUMNS[shape.columns]}, {number}, COUNT(*) FROM coop_facts f{pinned} "
        f"WHERE {shape.key} BETWEEN :first AND :last AND {shape.where} "
        f"AND {reading.known('f')} GROUP BY {shape.group.format(segment='')}",
        {**params, "first": first, "last": last},
        windows,
    )


_KINDS = ", ".join(str(int(k)) for k in Kind)
_LAGGED = ", ".join(str(int(k)) for k in sorted(LAG_KINDS))
_ENDS = ", ".join(str(int(k)) for k in ENDING_KINDS)
# Every value of the index columns between the country and the day, spelled out, so that
# SQLite reads one day range per combination, in index order, instead of every day.
_EACH = f" AND f.party IN ({PARTIES}) AND f.virtual IN (0, 1)"


def _unused(reading: Reading) -> str:
    """The condition that a document was not used (its case manifested within its life)."""
    if reading.aggregated:
        # At the head, the first use recorded on the document is what the probe would find.
        return "f.used_seq IS NULL"
    return (
        "NOT EXISTS (SELECT 1 FROM coop_facts m WHERE m.subject_id = f.subject_id "
        "AND m.kind = :manifested AND m.day BETWEEN f.day AND f.ref_day "
        f"AND {reading.known('m')})"
    )


def _shapes(reading: Reading, only: str) -> dict[str, Shape]:
    kinds, each, lagged, ends, unused = _KINDS, _EACH, _LAGGED, _ENDS, _unused(reading)
    return {
        # Facts that occurred in the window.
        "window": Shape(
            f"f.kind IN ({kinds}){each}{only}",
            "f.day",
            cumulative=False,
            columns="mode",
            index=INDEX,
            group=BY_INDEX,
            ranged=True,
        ),
        "lags": Shape(
            f"f.kind IN ({lagged}) AND f.lag IS NOT NULL{only}",
            "f.day",
            cumulative=False,
            columns="lag",
            index=LAG_INDEX,
            group=BY_LAG_INDEX,
            ranged=True,
        ),
        # The backlog at the window's end: cases opened by then, less those ended by then.
        "opened": Shape(
            f"f.kind = :opened{each}{only}",
            "f.day",
            cumulative=True,
            columns="short",
            index=INDEX,
            group=BY_INDEX,
            ranged=True,
        ),
        "ended": Shape(
            f"f.kind IN ({ends}){each}{only}",
            "CASE WHEN f.day >= f.order_day THEN f.day ELSE f.order_day END",
            cumulative=True,
            columns="short",
            index=INDEX,
            group=BY_INDEX,
            bound="f.day <= :hi AND f.order_day <= :hi",
        ),
        # Documents that expired in the window before the case was manifested.
        "lapsed": Shape(
            f"f.kind = :doc{only} AND f.ref_day < :know AND {unused}",
            "f.ref_day",
            cumulative=False,
            columns="short",
            index=EXPIRY_INDEX,
            group=BY_EXPIRY_INDEX,
            ranged=True,
        ),
    }


def read_periods(
    conn: Connection,
    reading: Reading,
    windows: list[tuple[date, date]],
    country: str | None,
) -> list[Scopes]:
    """Return the window, backlog, lapsed-document and lag tallies of each window (they may
    overlap), for one or every country, reading each kind of tally once for all the windows."""
    countries = [country] if country else countries_with_facts(conn)
    if not countries:
        return [Scopes(Tallies(), Tallies(), Tallies(), Tallies()) for _ in windows]
    # At the head, the counts are summed from the head's aggregates.
    summed = {"opened", "ended", *SUMS} if reading.aggregated else set()
    only, listed = _country_filter(countries)
    params: dict[str, Any] = {
        **reading.params(),
        **listed,
        "lo": day_number(min(a for a, _ in windows)),
        "hi": day_number(max(b for _, b in windows)),
        "opened": int(Kind.OPENED),
        "doc": int(Kind.DOCUMENT_ISSUED),
        "manifested": int(Kind.MANIFESTED),
    }
    spans = [(day_number(a), day_number(b)) for a, b in windows]
    shapes = _shapes(reading, only)
    read = {
        name: _tally(conn, reading, shape, params, spans, counts=name not in summed)
        for name, shape in shapes.items()
    }
    if reading.aggregated:
        for backlog, days in zip(
            read["opened"], _backlog_days(conn, countries, spans), strict=True
        ):
            backlog.merge(days)
        for name, sql in SUMS.items():
            tally = (sql.replace("{only}", only), shapes[name])
            # A document lapses once its expiry is before the day that decides it.
            until = reading.know_day - 1 if name == "lapsed" else NO_AS_OF
            for tallies, sums in zip(
                read[name], _summed(conn, reading, tally, params, spans, until), strict=True
            ):
                tallies.merge(sums)
    for backlog, ended in zip(read["opened"], read["ended"], strict=True):
        backlog.merge(ended)
    return [
        Scopes(*parts)
        for parts in zip(read["window"], read["opened"], read["lapsed"], read["lags"], strict=True)
    ]


def _backlog_days(
    conn: Connection, countries: list[str], spans: list[tuple[int, int]]
) -> list[Tallies]:
    """Count the backlog's openings and endings at each window's end from the counts at the
    head: for each segment of days, its whole calendar months from the monthly counts and its
    other days from the daily counts, one index range per country, kind and party each (the
    tables' key order), so the cost is the months of history, not its cases nor its days."""
    into = Spreader(spans, cumulative=True)
    only, listed = _country_filter(countries)
    for segment, first, last in into.ranges():
        months = _backlog_months(first, last)
        edges = [(first, last)]
        if months is not None:
            _sum_backlog(
                conn, "coop_backlog_months", "month", (only, listed), months, segment, into
            )
            edges = [(first, months[0] - 1), (_next_month(months[1]), last)]
        for edge in edges:
            if edge[0] <= edge[1]:
                _sum_backlog(conn, "coop_backlog_days", "day", (only, listed), edge, segment, into)
    return into.found


def _backlog_months(first: int, last: int) -> tuple[int, int] | None:
    """The first days of the first and last whole calendar months from ``first`` to ``last``;
    from the first month of all when ``first`` is the first segment's (``NO_DAY``: no date)."""
    if first > NO_DAY + 1:
        return _whole_months(first, last)
    end = month_of(last + 1) - 1  # the last day of the last whole month
    return (NO_DAY, month_of(end))


def _sum_backlog(
    conn: Connection,
    table: str,
    column: str,
    countries: tuple[str, dict[str, str]],
    days: tuple[int, int],
    segment: int,
    into: Spreader,
) -> None:
    """Add the backlog's counts of ``table`` whose ``column`` is from ``days``' first to last
    to the windows holding ``segment``."""
    only, listed = countries
    rows = conn.execute(
        text(
            f"SELECT f.country, f.kind, f.party, SUM(f.n) FROM {table} f "
            f"WHERE f.kind IN ({_BACKLOG}) AND f.party IN ({PARTIES}){only} "
            f"AND f.{column} BETWEEN :first AND :last GROUP BY f.country, f.kind, f.party"
        ),
        {**listed, "first": days[0], "last": days[1]},
    )
    for country, kind, party, n in rows:
        if n:
            key = TallyKey(country, int(kind), int(party), 0, None)
            for tallies in into.windows[segment]:
                tallies.main[key] += int(n)


_BACKLOG = ", ".join(str(int(k)) for k in sorted(BACKLOG_KINDS))

# The counts of a tally at the head, summed from its monthly aggregate (``store/backlog_days``):
# the tally's columns from the rows of the months :first to :last (the first days of the first
# and last), each country, kind, party and mode spelled out (the table's key order, so that
# each is one index range).
SUMS = {
    "window": (
        "SELECT f.kind, f.country, f.party, f.virtual, NULL, {segment}, SUM(f.n) "
        f"FROM coop_fact_months f WHERE f.kind IN ({_KINDS}){_EACH}{{only}} "
        "AND f.month BETWEEN :first AND :last GROUP BY f.country, f.kind, f.party, f.virtual"
    ),
    "lags": (
        "SELECT f.kind, f.country, f.party, 0, f.lag, {segment}, SUM(f.n) "
        f"FROM coop_lag_months f WHERE f.kind IN ({_LAGGED}) AND f.party IN ({PARTIES})"
        "{only} AND f.month BETWEEN :first AND :last GROUP BY f.country, f.kind, f.party, f.lag"
    ),
    # Documents count once their expiry has passed (before :know): ``_summed`` stops there.
    "lapsed": (
        f"SELECT {int(Kind.DOCUMENT_ISSUED)}, f.country, f.party, 0, NULL, {{segment}}, "
        f"SUM(f.n) FROM coop_lapse_months f WHERE f.party IN ({PARTIES}){{only}} "
        "AND f.month BETWEEN :first AND :last GROUP BY f.country, f.party"
    ),
}


def _summed(
    conn: Connection,
    reading: Reading,
    tally: tuple[str, Shape],
    params: dict[str, Any],
    spans: list[tuple[int, int]],
    until: int,
) -> list[Tallies]:
    """Count a tally of each window at the head: each segment of days (see ``Spreader``) from
    the counts of its whole calendar months (``SUMS``) and the facts of its other days (the
    shape: how to count them), none after ``until``."""
    sql, shape = tally
    into = Spreader(spans, cumulative=False)
    for segment, first, whole_last in into.ranges():
        if not into.windows[segment]:  # between windows: no window counts it
            continue
        last = min(whole_last, until)
        months = _whole_months(first, last)
        edges = [(first, last)]
        if months is not None:
            _fact_groups(
                conn,
                sql.replace("{segment}", str(segment)),
                {**params, "first": months[0], "last": months[1]},
                into.windows,
            )
            edges = [(first, months[0] - 1), (_next_month(months[1]), last)]
        for edge in edges:
            if edge[0] <= edge[1]:
                _count_range(conn, reading, shape, params, (segment, *edge), into.windows)
    return into.found


def _next_month(month: int) -> int:
    """The first day of the month after the one starting on ``month``."""
    return month_of(month + 31)


def _whole_months(first: int, last: int) -> tuple[int, int] | None:
    """The first days of the first and last whole calendar months from ``first`` to ``last``
    (None: no whole month)."""
    start = first if month_of(first) == first else _next_month(month_of(first))
    end = month_of(last + 1) - 1  # the last day of the last whole month
    return (start, month_of(end)) if start <= end else None


def read_scopes(
    conn: Connection, reading: Reading, start: date, end: date, country: str | None
) -> Scopes:
    """Return the window, backlog, lapsed-document and lag tallies for one or every country."""
    return read_periods(conn, reading, [(start, end)], country)[0]


def count_by_country(counter: Counter[TallyKey]) -> dict[str, int]:
    """Sum tallies per country."""
    totals: Counter[str] = Counter()
    for key, n in counter.items():
        totals[key.country] += n
    return dict(totals)
