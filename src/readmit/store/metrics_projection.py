"""Cooperation projection: one fact row per counted event, and the other side's responses.

Event types it reads (besides the case and charter events of the state machine):
- ``partner_asserted`` (subject: case) — the partner says something happened
  (``asserted_type`` in ``ASSERTABLE_EVENTS``); a fact with party PARTNER;
- ``event_acknowledged`` / ``event_contested`` (subject: case) — one side's response to the
  other side's fact (``target`` = the event id);
- ``voided`` — marks the voided fact or response with the void's position and day.

It also keeps the aggregates at the head (the backlog's, the window's counts and lags, the
documents no manifest used: ``coop_backlog_days``, ``coop_fact_months``, ``coop_lag_months``,
``coop_lapse_months``) and each document's first use (``coop_facts.used_seq``) as they stand at
the head: ``store/backlog_days``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from readmit.domain.cooperation import (
    KIND_OF_EVENT,
    LAGGED_KINDS,
    Kind,
    Party,
    day_number,
)
from readmit.domain.events import Event
from readmit.store.backlog_days import AGGREGATES, COUNTED, Deltas
from readmit.store.bulk import insert_rows, select_in
from readmit.store.metrics_schema import coop_facts, coop_responses
from readmit.store.schema import events

PARTNER_ASSERTED = "partner_asserted"
EVENT_ACKNOWLEDGED = "event_acknowledged"
EVENT_CONTESTED = "event_contested"
RESPONSES = {EVENT_ACKNOWLEDGED: "acknowledged", EVENT_CONTESTED: "contested"}
VOIDED = "voided"


# Each fact's kind, and the values a fact row holds, as plain integers.
_KINDS = {name: int(kind) for name, kind in KIND_OF_EVENT.items()}
_STATE, _PARTNER = int(Party.STATE), int(Party.PARTNER)
_PRESENTED, _REMOVED = int(Kind.PRESENTED), int(Kind.REMOVED)
_DOCUMENT, _MANIFESTED = int(Kind.DOCUMENT_ISSUED), int(Kind.MANIFESTED)
_USE_KINDS = frozenset({_DOCUMENT, _MANIFESTED})


def recorded_day(recorded_at: str) -> int:
    """Return the UTC day an event was recorded, as a day number."""
    return day_number(date.fromisoformat(recorded_at[:10]))


class _Cases:
    """Each case's opening (country, day of the order), latest presentation, documents and
    manifests not voided, as read or folded by one projector: read once per case, then kept up
    to date by the folding (a pipelined import's reads do not see its chunks in flight)."""

    def __init__(self) -> None:
        self.opened: dict[str, tuple[str, int]] = {}
        self.presented: dict[str, int] = {}
        # case -> {document's seq: [issue day, expiry day, first use's seq or None, country,
        # party]}
        self.documents: dict[str, dict[int, list[Any]]] = {}
        # case -> {manifest's seq: its day}
        self.manifests: dict[str, dict[int, int]] = {}
        self._read: set[str] = set()

    def read(self, conn: Connection, case_ids: set[str]) -> None:
        unread = case_ids.difference(self._read)
        if unread:
            self.opened.update(_opened(conn, unread))
            self.presented.update(_latest_presentations(conn, unread))
            self._read_uses(conn, unread)
            self._read.update(unread)

    def _read_uses(self, conn: Connection, case_ids: set[str]) -> None:
        for subject, kind, seq, day, ref_day, used, country, party in select_in(
            conn, _USES, case_ids
        ):
            if kind == Kind.MANIFESTED:
                self.manifests.setdefault(subject, {})[int(seq)] = int(day)
            else:
                entry: list[Any] = [int(day), int(ref_day), used, country, int(party)]
                self.documents.setdefault(subject, {})[int(seq)] = entry

    def first_use(self, case_id: str, day: int, ref_day: int) -> int | None:
        """The earliest manifest of the case within a document's life (None: none)."""
        manifests = self.manifests.get(case_id)
        if not manifests:  # most documents are issued before any manifest
            return None
        return min((s for s, d in manifests.items() if day <= d <= ref_day), default=None)


class _Batch:
    """What the projector knows while folding one batch of events."""

    def __init__(self, conn: Connection, relevant: Sequence[Event], cases: _Cases) -> None:
        self.conn = conn
        # Facts as rows in FACT_COLUMNS order, as written (one per imported event: kept lean,
        # a tuple rebuilt in the rare event of a change, ``_changed``).
        self.facts: dict[int, tuple[Any, ...]] = {}
        self.rdays: dict[str, int] = {}  # recording time -> its day (a batch shares a few)
        self.days: dict[date, int] = {}  # a date -> its day number (a batch shares many)
        self.responses: dict[int, dict[str, Any]] = {}
        self.counts = Deltas()  # changes to the aggregates at the head
        self.uses: dict[int, int | None] = {}  # documents written before: their new first use
        self.cases = cases
        cases.read(conn, {e.subject_id for e in relevant if e.subject_type == "case"})
        self.opened, self.presented = cases.opened, cases.presented
        self.destinations = _destinations(
            conn, {e.subject_id for e in relevant if e.subject_type == "flight"}
        )

    def track_uses(
        self,
        seq: int,
        case_id: str,
        kind: int,
        day: int,
        ref_day: int | None,
        country: str,
        party: int,
    ) -> int | None:
        """Keep the first use of the case's documents: a new document's from the manifests
        so far (returned, for its fact), and a new manifest uses every document it falls within
        that had none."""
        if kind == _DOCUMENT and ref_day is not None:
            used = self.cases.first_use(case_id, day, ref_day)
            entry: list[Any] = [day, ref_day, used, country, party]
            self.cases.documents.setdefault(case_id, {})[seq] = entry
            return used
        if kind == _MANIFESTED:
            self.cases.manifests.setdefault(case_id, {})[seq] = day
            for doc, entry in self.cases.documents.get(case_id, {}).items():
                if entry[2] is None and entry[0] <= day <= entry[1]:
                    self.set_use(doc, entry, seq)
        return None

    def set_use(self, doc: int, entry: list[Any], used: int | None) -> None:
        """Record a document's first use, on its fact row or, once written, as an update
        (and then among the unused documents counted at the head, if it was or now is one)."""
        was, entry[2] = entry[2], used
        if doc in self.facts:
            self.facts[doc] = _changed(self.facts[doc], _USED_SEQ, used)
            return
        self.uses[doc] = used
        if (was is None) != (used is None):
            self.counts.lapse(entry[3], entry[4], entry[1], 1 if used is None else -1)

    def forget_fact(self, case_id: str, seq: int) -> None:
        """A fact of the case is voided: it no longer uses or is used."""
        self.cases.documents.get(case_id, {}).pop(seq, None)
        if self.cases.manifests.get(case_id, {}).pop(seq, None) is None:
            return
        for doc, entry in self.cases.documents.get(case_id, {}).items():
            if entry[2] == seq:
                self.set_use(doc, entry, self.cases.first_use(case_id, entry[0], entry[1]))


FACT_COLUMNS = tuple(coop_facts.c.keys())
_VOID_SEQ, _VOID_RDAY = FACT_COLUMNS.index("void_seq"), FACT_COLUMNS.index("void_rday")
_USED_SEQ = FACT_COLUMNS.index("used_seq")
_COUNTED = tuple(FACT_COLUMNS.index(c) for c in COUNTED)  # where a fact row holds them


def _changed(row: tuple[Any, ...], at: int, *values: Any) -> tuple[Any, ...]:
    """A fact row with ``values`` in the columns from ``at`` on."""
    return (*row[:at], *values, *row[at + len(values) :])


class CooperationProjector:
    """Keeps ``coop_facts`` and ``coop_responses`` up to date from the log; one instance serves
    one transaction, or a pipelined import's chunks (it keeps what it read of each case)."""

    tables: tuple[Table, ...] = (coop_facts, coop_responses, *(a.schema for a in AGGREGATES))

    def __init__(self) -> None:
        self._cases = _Cases()

    def apply(self, conn: Connection, events: Sequence[Event]) -> None:
        relevant = _relevant(events)
        if not relevant:
            return
        try:
            batch = _Batch(conn, relevant, self._cases)
            _fold(batch, relevant)
            _flush(conn, batch)
        except BaseException:
            self._cases = _Cases()  # what was folded may not have been written
            raise


# What a case's event must be to concern the projection (a flight's: a charter's).
_CASE_TYPES = frozenset({*KIND_OF_EVENT, *RESPONSES, PARTNER_ASSERTED, VOIDED})


def _relevant(events: Sequence[Event]) -> list[Event]:
    return [
        e
        for e in events
        if (
            e.type in _CASE_TYPES
            if e.subject_type == "case"
            else e.subject_type == "flight" and e.type.startswith("charter_")
        )
    ]


_UNOPENED = ("", 0)


def _fold(batch: _Batch, events: Sequence[Event]) -> None:
    """Fold the events, in order: a fact row for each counted one (this runs once per imported
    event, so a fact takes no call of its own), the openings, responses and voids as they
    come."""
    facts, opened, presented = batch.facts, batch.opened, batch.presented
    days, rdays = batch.days, batch.rdays
    for event in events:
        name = event.type
        if name == "case_opened" or event.subject_type == "flight":
            _open(batch, event)
        kind = _KINDS.get(name)
        party = _STATE
        if kind is None:
            if name != PARTNER_ASSERTED:
                _respond_or_void(batch, event)
                continue
            kind, party = _KINDS[str(event.payload["asserted_type"])], _PARTNER
        seq, subject, payload = event.seq, event.subject_id, event.payload
        country, order_day = opened.get(subject, _UNOPENED)
        day = days.get(event.occurred_on)
        if day is None:
            day = days[event.occurred_on] = day_number(event.occurred_on)
        lag: int | None = None
        if kind in LAGGED_KINDS:
            if subject in presented:
                lag = day - presented[subject]
        elif kind == _REMOVED:
            lag = day - order_day
        expires = payload.get("document_expires_on")
        ref_day = day_number(date.fromisoformat(str(expires))) if expires else None
        rday = rdays.get(event.recorded_at)
        if rday is None:
            rday = rdays[event.recorded_at] = recorded_day(event.recorded_at)
        used = None
        if kind in _USE_KINDS and event.subject_type == "case":
            used = batch.track_uses(seq, subject, kind, day, ref_day, country, party)
        # The row in FACT_COLUMNS order (one per imported event: kept lean).
        facts[seq] = (
            seq,
            subject,
            country,
            kind,
            party,
            day,
            rday,
            order_day,
            1 if payload.get("mode") == "virtual" else 0,
            lag,
            ref_day,
            None,
            None,
            used,
        )
        if kind == _PRESENTED and party == _STATE:
            # The latest presentation is the latest by date, as ``_latest_presentations`` reads
            # it: a presentation recorded later may be dated earlier (a back-filled file).
            presented[subject] = max(day, presented.get(subject, day))


def _open(batch: _Batch, event: Event) -> None:
    """Note where and when a case (its order) or a flight opens."""
    if event.type == "case_opened":
        payload = event.payload
        batch.opened[event.subject_id] = (
            str(payload["nationality"]),
            day_number(date.fromisoformat(str(payload["final_order_date"]))),
        )
    if event.subject_type == "flight":
        country = batch.destinations.get(event.subject_id, "")
        batch.opened[event.subject_id] = (country, day_number(event.occurred_on))


def _respond_or_void(batch: _Batch, event: Event) -> None:
    if event.type in RESPONSES:
        _add_response(batch, event)
    elif event.type == VOIDED:
        _void(batch, event)


def _add_response(batch: _Batch, event: Event) -> None:
    target = _seq_of(batch.conn, str(event.payload["target"]))
    country = batch.opened.get(event.subject_id, ("", 0))[0]
    batch.responses[event.seq] = {
        "seq": event.seq,
        "target_seq": target,
        "country": country,
        "by_partner": int(event.payload.get("by") == "partner"),
        "stance": RESPONSES[event.type],
        "rday": recorded_day(event.recorded_at),
        "void_seq": None,
        "void_rday": None,
    }


def _void(batch: _Batch, event: Event) -> None:
    target = _seq_of(batch.conn, str(event.payload["voids"]))
    marks = {"void_seq": event.seq, "void_rday": recorded_day(event.recorded_at)}
    if target in batch.facts:
        batch.facts[target] = _changed(
            batch.facts[target], _VOID_SEQ, marks["void_seq"], marks["void_rday"]
        )
    else:
        _uncount(batch, event.subject_id, target)
        batch.conn.execute(update(coop_facts).where(coop_facts.c.seq == target).values(**marks))
    batch.forget_fact(event.subject_id, target)
    if target in batch.responses:
        batch.responses[target].update(marks)
    else:
        batch.conn.execute(
            update(coop_responses).where(coop_responses.c.seq == target).values(**marks)
        )
    if event.payload.get("voided_type") == "presented":
        # The case's latest presentation is now an earlier one (or none).
        batch.presented.pop(event.subject_id, None)
        _flush(batch.conn, batch)
        batch.presented.update(_latest_presentations(batch.conn, {event.subject_id}))


def _uncount(batch: _Batch, case_id: str, target: int) -> None:
    """Take a fact of the case written before out of the aggregates at the head, unless voided
    already."""
    row = batch.conn.execute(
        select(*(coop_facts.c[name] for name in COUNTED)).where(
            coop_facts.c.seq == target, coop_facts.c.void_seq.is_(None)
        )
    ).first()
    if row is not None:
        # A document's use as the projector keeps it is what the aggregates counted: a use
        # found in this batch (or a pipelined chunk in flight) is not written yet.
        entry = batch.cases.documents.get(case_id, {}).get(target)
        used = entry[2] if entry is not None else batch.uses.get(target, row.used_seq)
        batch.counts.count((*row[:-1], used), -1)


def _count(batch: _Batch) -> None:
    """Add the batch's facts not voided to the aggregates at the head."""
    batch.counts.count_all((f for f in batch.facts.values() if f[_VOID_SEQ] is None), _COUNTED)


def _flush(conn: Connection, batch: _Batch) -> None:
    _count(batch)
    if batch.facts:
        # Straight to the driver: one fact per imported event makes this a hot path.
        insert_rows(conn, coop_facts, FACT_COLUMNS, list(batch.facts.values()))
        batch.facts.clear()
    if batch.responses:
        conn.execute(insert(coop_responses), list(batch.responses.values()))
        batch.responses.clear()
    if batch.uses:
        conn.execute(
            update(coop_facts).where(coop_facts.c.seq == bindparam("doc")),
            [{"doc": doc, "used_seq": used} for doc, used in sorted(batch.uses.items())],
        )
        batch.uses.clear()
    batch.counts.write(conn)


def _seq_of(conn: Connection, event_id: str) -> int:
    seq = conn.execute(select(events.c.seq).where(events.c.id == event_id)).scalar_one_or_none()
    return int(seq) if seq is not None else 0


def _opened(conn: Connection, case_ids: set[str]) -> dict[str, tuple[str, int]]:
    query = (
        f"SELECT subject_id, country, day FROM coop_facts "
        f"WHERE kind = {int(Kind.OPENED)} AND subject_id IN ({{}})"
    )
    return {row[0]: (row[1], row[2]) for row in select_in(conn, query, case_ids)}


def _latest_presentations(conn: Connection, case_ids: set[str]) -> dict[str, int]:
    query = (
        f"SELECT subject_id, MAX(day) FROM coop_facts WHERE kind = {int(Kind.PRESENTED)} "
        f"AND party = {int(Party.STATE)} AND void_seq IS NULL AND subject_id IN ({{}}) "
        "GROUP BY subject_id"
    )
    return {row[0]: int(row[1]) for row in select_in(conn, query, case_ids)}


# A case's documents with an expiry and its manifests, not voided: what decides first uses.
_USES = (
    "SELECT subject_id, kind, seq, day, ref_day, used_seq, country, party FROM coop_facts "
    f"WHERE kind IN ({int(Kind.DOCUMENT_ISSUED)}, {int(Kind.MANIFESTED)}) "
    f"AND (kind = {int(Kind.MANIFESTED)} OR ref_day IS NOT NULL) "
    "AND void_seq IS NULL AND subject_id IN ({})"
)


def _destinations(conn: Connection, flight_ids: set[str]) -> dict[str, str]:
    query = "SELECT flight_id, destination FROM flights WHERE flight_id IN ({})"
    return {row[0]: row[1] for row in select_in(conn, query, flight_ids)}
