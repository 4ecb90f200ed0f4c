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
        found = [s for s, d in self.manifests.get(case_id, {}).items() if day <= d <= ref_day]
        return min(found, default=None)


class _Batch:
    """What the projector knows while folding one batch of events."""

    def __init__(self, conn: Connection, relevant: Sequence[Event], cases: _Cases) -> None:
        self.conn = conn
        # Facts as rows in FACT_COLUMNS order (one per imported event: kept lean).
        self.facts: dict[int, list[Any]] = {}
        self.rdays: dict[str, int] = {}
        self.responses: dict[int, dict[str, Any]] = {}
        self.counts = Deltas()  # changes to the aggregates at the head
        self.uses: dict[int, int | None] = {}  # documents written before: their new first use
        self.cases = cases
        cases.read(conn, {e.subject_id for e in relevant if e.subject_type == "case"})
        self.opened, self.presented = cases.opened, cases.presented
        self.destinations = _destinations(
            conn, {e.subject_id for e in relevant if e.subject_type == "flight"}
        )

    def add_fact(self, event: Event, kind: Kind, party: Party, payload: dict[str, Any]) -> None:
        country, order_day = self.opened.get(event.subject_id, ("", 0))
        day = day_number(event.occurred_on)
        lag: int | None = None
        if kind in LAGGED_KINDS and event.subject_id in self.presented:
            lag = day - self.presented[event.subject_id]
        elif kind == Kind.REMOVED:
            lag = day - order_day
        expires = payload.get("document_expires_on")
        ref_day = day_number(date.fromisoformat(str(expires))) if expires else None
        self.facts[event.seq] = [
            event.seq,
            event.subject_id,
            country,
            int(kind),
            int(party),
            day,
            self.recorded_day(event.recorded_at),
            order_day,
            int(payload.get("mode") == "virtual"),
            lag,
            ref_day,
            None,
            None,
            None,
        ]
        if event.subject_type == "case":
            self._track_uses(event.seq, event.subject_id, kind, day, ref_day, country, party)
        if kind == Kind.PRESENTED and party == Party.STATE:
            # The latest presentation is the latest by date, as ``_latest_presentations`` reads
            # it: a presentation recorded later may be dated earlier (a back-filled file).
            self.presented[event.subject_id] = max(day, self.presented.get(event.subject_id, day))

    def _track_uses(
        self,
        seq: int,
        case_id: str,
        kind: Kind,
        day: int,
        ref_day: int | None,
        country: str,
        party: Party,
    ) -> None:
        """Keep the first use of the case's documents: a new document's from the manifests
        so far, and a new manifest uses every document it falls within that had none."""
        if kind == Kind.DOCUMENT_ISSUED and ref_day is not None:
            used = self.cases.first_use(case_id, day, ref_day)
            entry: list[Any] = [day, ref_day, used, country, int(party)]
            self.cases.documents.setdefault(case_id, {})[seq] = entry
            self.facts[seq][_USED_SEQ] = used
        elif kind == Kind.MANIFESTED:
            self.cases.manifests.setdefault(case_id, {})[seq] = day
            for doc, entry in self.cases.documents.get(case_id, {}).items():
                if entry[2] is None and entry[0] <= day <= entry[1]:
                    self.set_use(doc, entry, seq)

    def set_use(self, doc: int, entry: list[Any], used: int | None) -> None:
        """Record a document's first use, on its fact row or, once written, as an update
        (and then among the unused documents counted at the head, if it was or now is one)."""
        was, entry[2] = entry[2], used
        if doc in self.facts:
            self.facts[doc][_USED_SEQ] = used
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

    def recorded_day(self, recorded_at: str) -> int:
        """Return ``recorded_day``, once per recording time (a batch shares one or a few)."""
        day = self.rdays.get(recorded_at)
        if day is None:
            day = self.rdays[recorded_at] = recorded_day(recorded_at)
        return day


FACT_COLUMNS = tuple(coop_facts.c.keys())
_VOID_SEQ, _VOID_RDAY = FACT_COLUMNS.index("void_seq"), FACT_COLUMNS.index("void_rday")
_USED_SEQ = FACT_COLUMNS.index("used_seq")
_COUNTED = tuple(FACT_COLUMNS.index(c) for c in COUNTED)  # where a fact row holds them


class CooperationProjector:
    """Keeps ``coop_facts`` and ``coop_responses`` up to date from the log; one instance serves
    one transaction, or a pipelined import's chunks (it keeps what it read of each case)."""

    tables: tuple[Table, ...] = (coop_facts, coop_responses, *(a.schema for a in AGGREGATES))

    def __init__(self) -> None:
        self._cases = _Cases()

    def apply(self, conn: Connection, events: Sequence[Event]) -> None:
        relevant = [e for e in events if _relevant(e)]
        if not relevant:
            return
        try:
            batch = _Batch(conn, relevant, self._cases)
            for event in relevant:
                _fold(batch, event)
            _flush(conn, batch)
        except BaseException:
            self._cases = _Cases()  # what was folded may not have been written
            raise


def _relevant(event: Event) -> bool:
    if event.subject_type == "flight":
        return event.type.startswith("charter_")
    return event.subject_type == "case" and (
        event.type in KIND_OF_EVENT
        or event.type in RESPONSES
        or event.type in {PARTNER_ASSERTED, VOIDED}
    )


def _fold(batch: _Batch, event: Event) -> None:
    if event.type == "case_opened":
        payload = event.payload
        batch.opened[event.subject_id] = (
            str(payload["nationality"]),
            day_number(date.fromisoformat(str(payload["final_order_date"]))),
        )
    if event.subject_type == "flight":
        country = batch.destinations.get(event.subject_id, "")
        batch.opened[event.subject_id] = (country, day_number(event.occurred_on))
    if event.type in KIND_OF_EVENT:
        batch.add_fact(event, KIND_OF_EVENT[event.type], Party.STATE, event.payload)
    elif event.type == PARTNER_ASSERTED:
        kind = KIND_OF_EVENT[str(event.payload["asserted_type"])]
        batch.add_fact(event, kind, Party.PARTNER, event.payload)
    elif event.type in RESPONSES:
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
        fact = batch.facts[target]
        fact[_VOID_SEQ], fact[_VOID_RDAY] = marks["void_seq"], marks["void_rday"]
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
        insert_rows(conn, coop_facts, FACT_COLUMNS, [tuple(f) for f in batch.facts.values()])
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
