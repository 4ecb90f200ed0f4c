"""Cooperation metrics: which ledger events they count, and how tallies become figures.

The store reduces the ledger to *tallies* — counts of facts grouped by country, kind, party,
interview mode and lag in days — with set-based SQL. This module turns tallies into the
metrics of docs/metrics.md, as the removing state counts them
(view ``ours``) or as the partner counts them (view ``partner``). It does no I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any, NamedTuple

from readmit.domain.metric_catalogue import metric_label, metric_value

EPOCH = date(1970, 1, 1)


def day_number(value: date) -> int:
    """Return a date as days since 1970-01-01 (how the fact projection stores dates)."""
    return (value - EPOCH).days


class Kind(IntEnum):
    """The kinds of fact the projection keeps, as small integers."""

    OPENED = 1
    PRESENTED = 2
    INTERVIEW_SCHEDULED = 3
    INTERVIEW_HELD = 4
    NATIONALITY_CONFIRMED = 5
    NATIONALITY_DISPUTED = 6
    DOCUMENT_ISSUED = 7
    DOCUMENT_EXPIRED = 8
    MANIFESTED = 9
    REMOVED = 10
    ARRIVAL_REFUSED = 11
    RELEASED = 12
    STAYED = 13
    STAY_LIFTED = 14
    CLOSED = 15
    RECEIVED = 16
    CHARTER_PROPOSED = 20
    CHARTER_ACCEPTED = 21
    CHARTER_REFUSED = 22


KIND_OF_EVENT: dict[str, Kind] = {
    "case_opened": Kind.OPENED,
    "presented": Kind.PRESENTED,
    "interview_scheduled": Kind.INTERVIEW_SCHEDULED,
    "interview_held": Kind.INTERVIEW_HELD,
    "nationality_confirmed": Kind.NATIONALITY_CONFIRMED,
    "nationality_disputed": Kind.NATIONALITY_DISPUTED,
    "document_issued": Kind.DOCUMENT_ISSUED,
    "document_expired": Kind.DOCUMENT_EXPIRED,
    "manifested": Kind.MANIFESTED,
    "removed": Kind.REMOVED,
    "arrival_refused": Kind.ARRIVAL_REFUSED,
    "released": Kind.RELEASED,
    "stayed": Kind.STAYED,
    "stay_lifted": Kind.STAY_LIFTED,
    "closed": Kind.CLOSED,
    "received": Kind.RECEIVED,
    "charter_proposed": Kind.CHARTER_PROPOSED,
    "charter_accepted": Kind.CHARTER_ACCEPTED,
    "charter_refused": Kind.CHARTER_REFUSED,
}
EVENT_OF_KIND = {kind: name for name, kind in KIND_OF_EVENT.items()}
# Cases that reached one of these by the window's end are out of the backlog.
ENDING_KINDS = (Kind.REMOVED, Kind.CLOSED)
# Facts whose lag (days since the case's latest presentation) the projection records;
# for removals the lag is the days since the final order.
LAGGED_KINDS = frozenset({Kind.INTERVIEW_HELD, Kind.DOCUMENT_ISSUED})
# What a partner may assert of its own (an interview it says it held, say).
ASSERTABLE_EVENTS = frozenset(
    {"interview_held", "nationality_confirmed", "nationality_disputed", "document_issued"}
)


class Party(IntEnum):
    """Who put a fact on the record."""

    STATE = 0  # the removing state
    PARTNER = 1  # the partner country (a partner-asserted event)


ACKNOWLEDGED = "acknowledged"
CONTESTED = "contested"
STANCES = frozenset({ACKNOWLEDGED, CONTESTED})
VIEWS = ("ours", "partner", "both")

# Every metric of an assessment, by its public name, in the order reports show them.
METRIC_NAMES: tuple[str, ...] = (
    "backlog",
    "presentations",
    "interviews_requested",
    "interviews_held",
    "interviews_held_virtual",
    "nationality_confirmed",
    "nationality_disputed",
    "travel_documents_issued",
    "documents_on_time_share",
    "documents_lapsed",
    "removals",
    "arrivals_refused",
    "charters_proposed",
    "charters_accepted",
    "releases",
    "release_to_removal_ratio",
    "median_days_presentation_to_interview",
    "median_days_presentation_to_document",
    "median_days_order_to_removal",
    "contested_events",
    "stays",
)
# Metrics that simply count facts of one kind in the window.
COUNTED: dict[str, Kind] = {
    "presentations": Kind.PRESENTED,
    "interviews_requested": Kind.INTERVIEW_SCHEDULED,
    "interviews_held": Kind.INTERVIEW_HELD,
    "nationality_confirmed": Kind.NATIONALITY_CONFIRMED,
    "nationality_disputed": Kind.NATIONALITY_DISPUTED,
    "travel_documents_issued": Kind.DOCUMENT_ISSUED,
    "removals": Kind.REMOVED,
    "arrivals_refused": Kind.ARRIVAL_REFUSED,
    "charters_proposed": Kind.CHARTER_PROPOSED,
    "charters_accepted": Kind.CHARTER_ACCEPTED,
    "releases": Kind.RELEASED,
    "stays": Kind.STAYED,
}
METRIC_OF_KIND: dict[int, str] = {int(kind): name for name, kind in COUNTED.items()}


class TallyKey(NamedTuple):
    """One group of facts: its country, kind, party, interview mode and lag in days.

    A named tuple, not a dataclass: all-country tallies hold tens of thousands of keys.
    """

    country: str
    kind: int
    party: int
    virtual: int = 0
    lag: int | None = None


@dataclass
class Tallies:
    """Counts of facts (``main``) and of those with a response from the other side (``stance``)."""

    main: Counter[TallyKey] = field(default_factory=Counter)
    stance: Counter[tuple[TallyKey, str]] = field(default_factory=Counter)

    def merge(self, other: Tallies) -> None:
        """Add another set of tallies to this one."""
        self.main.update(other.main)
        self.stance.update(other.stance)

    def countries(self) -> set[str]:
        """Return every country with at least one fact here."""
        return {key.country for key in self.main}


@dataclass
class Scopes:
    """The three sets of tallies an assessment needs."""

    window: Tallies  # facts that occurred in the window (lag not read)
    backlog: Tallies  # case openings and endings up to the window's end
    lapsed: Tallies  # documents that expired in the window before the case was manifested
    lags: Tallies = field(default_factory=Tallies)  # window facts with a lag, by lag


def _split(tallies: Tallies) -> dict[str, Tallies]:
    # A Tallies is made once per country, not once per key (lags give thousands of keys).
    parts: defaultdict[str, Tallies] = defaultdict(Tallies)
    for key, n in tallies.main.items():
        parts[key.country].main[key] += n
    for (key, stance), n in tallies.stance.items():
        parts[key.country].stance[(key, stance)] += n
    return dict(parts)


def split_by_country(scopes: Scopes) -> dict[str, Scopes]:
    """Split all-country tallies into one small set per country (one pass over each)."""
    window, backlog, lapsed = _split(scopes.window), _split(scopes.backlog), _split(scopes.lapsed)
    lags = _split(scopes.lags)
    return {
        country: Scopes(
            window.get(country, Tallies()),
            backlog.get(country, Tallies()),
            lapsed.get(country, Tallies()),
            lags.get(country, Tallies()),
        )
        for country in sorted(set(window) | set(backlog) | set(lapsed))
    }


def view_counter(tallies: Tallies, view: str, country: str) -> Counter[TallyKey]:
    """Return the facts of one country as one side counts them.

    ``ours``: the removing state's own records, plus partner assertions it acknowledged.
    ``partner``: the state's records the partner does not contest, plus every partner
    assertion (acknowledged or not).
    """
    counted: Counter[TallyKey] = Counter()
    for key, n in tallies.main.items():
        if key.country == country and (view == "partner" or key.party == Party.STATE):
            counted[key] += n
    for (key, stance), n in tallies.stance.items():
        if key.country != country:
            continue
        if view == "ours" and key.party == Party.PARTNER and stance == ACKNOWLEDGED:
            counted[key] += n
        if view == "partner" and key.party == Party.STATE and stance == CONTESTED:
            counted[key] -= n
    return counted


def contested_counter(tallies: Tallies, country: str) -> Counter[TallyKey]:
    """Return the state's facts of one country that the partner contests."""
    contested: Counter[TallyKey] = Counter()
    for (key, stance), n in tallies.stance.items():
        if key.country == country and key.party == Party.STATE and stance == CONTESTED:
            contested[key] += n
    return contested


def pending_assertions(tallies: Tallies, country: str) -> Counter[TallyKey]:
    """Return the partner's assertions of one country the state has not acknowledged."""
    pending: Counter[TallyKey] = Counter()
    for key, n in tallies.main.items():
        if key.country == country and key.party == Party.PARTNER:
            pending[key] += n
    for (key, stance), n in tallies.stance.items():
        if key.country == country and key.party == Party.PARTNER and stance == ACKNOWLEDGED:
            pending[key] -= n
    return +pending


def by_kind(counter: Mapping[TallyKey, int]) -> Counter[int]:
    """Sum a counter over everything but the kind."""
    kinds: Counter[int] = Counter()
    for key, n in counter.items():
        kinds[key.kind] += n
    return kinds


def median_of(histogram: Mapping[int, int]) -> float | None:
    """Return the median of values given as value -> count, or None when there are none."""
    total = sum(n for n in histogram.values() if n > 0)
    if total == 0:
        return None
    middle = ((total + 1) // 2, (total + 2) // 2)
    picked: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        if count <= 0:
            continue
        for rank in middle:
            if seen < rank <= seen + count:
                picked.append(value)
        seen += count
    return (picked[0] + picked[1]) / 2


def lag_histogram(counter: Mapping[TallyKey, int], kind: Kind) -> dict[int, int]:
    """Return lag (days) -> count for facts of one kind whose lag is known."""
    histogram: Counter[int] = Counter()
    for key, n in counter.items():
        if key.kind == kind and key.lag is not None:
            histogram[key.lag] += n
    return dict(histogram)


def share(numerator: int, denominator: int) -> float | None:
    """Return numerator / denominator rounded to 4 places, or None for a zero denominator."""
    return None if denominator <= 0 else round(numerator / denominator, 4)


def compute_metrics(
    scopes: Scopes, country: str, view: str, document_deadline_days: int
) -> dict[str, Any]:
    """Return every metric of ``METRIC_NAMES`` for one country in one view."""
    window = view_counter(scopes.window, view, country)
    kinds = by_kind(window)
    metrics: dict[str, Any] = {name: kinds[kind] for name, kind in COUNTED.items()}
    metrics["interviews_held_virtual"] = sum(
        n for key, n in window.items() if key.kind == Kind.INTERVIEW_HELD and key.virtual
    )
    backlog = by_kind(view_counter(scopes.backlog, view, country))
    metrics["backlog"] = backlog[Kind.OPENED] - sum(backlog[k] for k in ENDING_KINDS)
    metrics["documents_lapsed"] = sum(view_counter(scopes.lapsed, view, country).values())
    lagged = view_counter(scopes.lags, view, country)
    documents = lag_histogram(lagged, Kind.DOCUMENT_ISSUED)
    on_time = sum(n for lag, n in documents.items() if lag <= document_deadline_days)
    metrics["documents_on_time_share"] = share(on_time, sum(documents.values()))
    metrics["release_to_removal_ratio"] = share(metrics["releases"], metrics["removals"])
    metrics["median_days_presentation_to_interview"] = median_of(
        lag_histogram(lagged, Kind.INTERVIEW_HELD)
    )
    metrics["median_days_presentation_to_document"] = median_of(documents)
    metrics["median_days_order_to_removal"] = median_of(lag_histogram(lagged, Kind.REMOVED))
    metrics["contested_events"] = sum(contested_counter(scopes.window, country).values())
    return {name: metrics[name] for name in METRIC_NAMES}


def contested_by_metric(scopes: Scopes, country: str) -> dict[str, int]:
    """Return, per counted metric, how many of the state's events behind it the partner contests."""
    kinds = by_kind(contested_counter(scopes.window, country))
    found = {METRIC_OF_KIND[k]: n for k, n in sorted(kinds.items()) if k in METRIC_OF_KIND and n}
    backlog = by_kind(contested_counter(scopes.backlog, country))
    if backlog[Kind.OPENED] or any(backlog[k] for k in ENDING_KINDS):
        found["backlog"] = backlog[Kind.OPENED] + sum(backlog[k] for k in ENDING_KINDS)
    return found


def asserted_by_metric(scopes: Scopes, country: str) -> dict[str, dict[str, int]]:
    """Return, per metric, the partner's assertions: acknowledged by the state, and pending."""
    pending = by_kind(pending_assertions(scopes.window, country))
    total = by_kind(
        Counter({k: n for k, n in scopes.window.main.items() if k.country == country and k.party})
    )
    found: dict[str, dict[str, int]] = {}
    for kind, n in sorted(total.items()):
        if kind in METRIC_OF_KIND and n:
            found[METRIC_OF_KIND[kind]] = {
                "asserted": n,
                "acknowledged": n - pending[kind],
                "pending": pending[kind],
            }
    return found


def explain_difference(
    name: str, ours: Any, theirs: Any, contested: Mapping[str, int], asserted: Mapping[str, Any]
) -> str:
    """Say in one sentence why the two sides' figures for a metric differ."""
    parts: list[str] = []
    if contested.get(name):
        parts.append(f"the partner contests {contested[name]} of the events the state recorded")
    pending = asserted.get(name, {}).get("pending", 0)
    if pending:
        parts.append(f"the partner asserts {pending} the state has not acknowledged")
    if not parts:
        parts.append("derived from the figures above, which differ")
    figures = f"ours {metric_value(name, ours)}, partner {metric_value(name, theirs)}"
    return f"{metric_label(name)}: {figures} — " + "; ".join(parts)


def quarters(start: date, end: date) -> list[tuple[date, date]]:
    """Split [start, end] into calendar quarters (the first and last may be partial)."""
    windows: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        quarter_end_month = ((cursor.month - 1) // 3 + 1) * 3
        next_start = (
            date(cursor.year + 1, 1, 1)
            if quarter_end_month == 12
            else date(cursor.year, quarter_end_month + 1, 1)
        )
        windows.append((cursor, min(end, date.fromordinal(next_start.toordinal() - 1))))
        cursor = next_start
    return windows


def distinct_countries(rows: Iterable[TallyKey]) -> list[str]:
    """Return the sorted distinct countries of some tally keys."""
    return sorted({key.country for key in rows})
