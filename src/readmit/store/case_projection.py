"""Case projection: the current state of every case, folded from its events."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table

from readmit.domain.cases import CASE_EVENTS, CASE_OPENED, Case, State, apply_recorded, open_case
from readmit.domain.events import Event
from readmit.store.bulk import insert_rows, placeholder, select_in
from readmit.store.dates import as_date
from readmit.store.ledger import Ledger
from readmit.store.schema import cases

VOIDED = "voided"


def case_from_row(row: Mapping[Any, Any]) -> Case:
    """Build a domain case from a projection row (its dates as ``date``: ``store/dates``);
    ``_load`` builds the same from the values of a row."""
    return Case(
        case_id=row["case_id"],
        nationality=row["nationality"],
        final_order_date=row["final_order_date"],
        criminal=bool(row["criminal"]),
        custody=row["custody"],
        state=_state(row["state"]),
        prior_state=_state(row["prior_state"]) if row["prior_state"] else None,
        destination=row["destination"],
        document_expires_on=row["document_expires_on"],
        flight_id=row["flight_id"],
        disputed_by=_disputed(row["disputed_by"]),
        version=int(row["version"]),
    )


@dataclasses.dataclass(slots=True)
class _Entry:
    case: Case
    extra: dict[str, Any]
    last_seq: int
    dirty: bool = False
    fresh: bool = False  # opened by these events: no row to replace yet


class CaseProjector:
    """Folds case events into ``cases``; one instance serves one transaction.

    It keeps the rows it has read or written in that transaction (only it writes ``cases``), so
    a case read to check a write (``load``) is not read again to project the write.
    """

    tables: tuple[Table, ...] = (cases,)

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._foreseen: dict[int, tuple[dict[str, Any], Case, Case]] = {}

    def foresee(self, before: Case, payload: dict[str, Any], after: Case) -> None:
        """Note the state an event checked by ``transition`` leads a case to, so that folding
        it need not work that out again (an import checks every row so). Keyed by the event's
        payload, the very object the event will carry: kept here, its id is not reused."""
        self._foreseen[id(payload)] = (payload, before, after)

    def load(self, conn: Connection, case_ids: Iterable[str]) -> dict[str, Case]:
        """Return the current state of those of these cases that exist."""
        wanted = set(case_ids)
        kept = self._read(conn, wanted)
        return {i: entry.case for i in wanted if (entry := kept.get(i)) is not None}

    def apply(self, conn: Connection, events: Sequence[Event]) -> None:
        relevant = [e for e in events if e.subject_type == "case"]
        if not relevant:
            return
        try:
            # Folded in place: should anything fail, every kept case is forgotten below.
            dirty = _fold_all(conn, self._entries, relevant, self._foreseen, self._missing)
            _save(conn, list(dirty.values()))
        except BaseException:
            self._entries.clear()  # what was folded may not have been written
            raise
        finally:
            self._foreseen.clear()
        for entry in dirty.values():
            entry.dirty = entry.fresh = False

    def kept(self) -> int:
        """How many cases it keeps (read or written in its transaction, or pipeline)."""
        return len(self._entries)

    def _missing(self, conn: Connection, events: Sequence[Event], case_id: str) -> _Entry:
        """A case the events touch that is not kept: read it, and with it every other such case
        (one lookup for them all, as most often the import's ``load`` has read them already)."""
        self._read(conn, {e.subject_id for e in events if e.type != CASE_OPENED})
        return self._entries[case_id]  # a KeyError: no such case

    def _read(self, conn: Connection, case_ids: set[str]) -> dict[str, _Entry]:
        """Every case kept, those of ``case_ids`` not kept yet read first (if they exist)."""
        missing = case_ids.difference(self._entries)
        if missing:
            self._entries.update(_load(conn, missing))
        return self._entries


def _fold_all(
    conn: Connection,
    entries: dict[str, _Entry],
    events: Sequence[Event],
    foreseen: dict[int, tuple[dict[str, Any], Case, Case]],
    missing: Callable[[Connection, Sequence[Event], str], _Entry],
) -> dict[str, _Entry]:
    """Fold the events into their cases' entries, in order, and return the entries they
    changed, by case (``missing`` gives those of cases not in ``entries``). Once per imported
    event: the common case, an event whose next state was foreseen, takes no call."""
    dirty: dict[str, _Entry] = {}
    for event in events:
        kind = event.type
        if kind == CASE_OPENED:
            dirty[event.subject_id] = _open(entries, event)
            continue
        entry = entries.get(event.subject_id)
        if entry is None:
            entry = missing(conn, events, event.subject_id)
        if kind in CASE_EVENTS:
            payload = event.payload
            known = foreseen.get(id(payload))
            if known is not None and known[0] is payload and known[1] is entry.case:
                entry.case = known[2]  # what the same rules gave for the same case and event
            else:
                entry.case = apply_recorded(entry.case, kind, payload)
        elif kind == VOIDED:
            replayed = replay_case(Ledger(conn), event.subject_id, upto=event.seq)
            entry.case = dataclasses.replace(replayed, version=entry.case.version + 1)
        entry.last_seq = event.seq
        if not entry.dirty:
            entry.dirty = True
            dirty[event.subject_id] = entry
    return dirty


def _open(entries: dict[str, _Entry], event: Event) -> _Entry:
    extra = {k: event.payload.get(k) for k in ("country_of_birth", "entry_age")}
    extra["opened_seq"] = event.seq
    entry = entries[event.subject_id] = _Entry(
        open_case(event.payload), extra, event.seq, True, True
    )
    return entry


def replay_case(
    ledger: Ledger, case_id: str, upto: int | None = None, also_void: frozenset[str] = frozenset()
) -> Case:
    """Fold a case from its events up to ``upto``, leaving voided events out."""
    history = [e for e in ledger.for_subject("case", case_id) if upto is None or e.seq <= upto]
    voided = {str(e.payload["voids"]) for e in history if e.type == VOIDED} | also_void
    kept = [e for e in history if e.id not in voided and e.type != VOIDED]
    case = open_case(kept[0].payload)
    for e in kept[1:]:
        if e.type in CASE_EVENTS:
            case = apply_recorded(case, e.type, e.payload)
    return case


def _load(conn: Connection, case_ids: set[str]) -> dict[str, _Entry]:
    found: dict[str, _Entry] = {}
    for (
        case_id,
        nationality,
        destination,
        final_order_date,
        criminal,
        custody,
        country_of_birth,
        entry_age,
        state,
        prior_state,
        document_expires_on,
        flight_id,
        disputed_by,
        version,
        opened_seq,
        last_seq,
    ) in select_in(conn, _SELECT_CASES, case_ids):
        # ``case_from_row``'s case, built from the values as they come (once per case read).
        case = Case(
            case_id=case_id,
            nationality=nationality,
            final_order_date=as_date(final_order_date),
            criminal=bool(criminal),
            custody=custody,
            state=_state(state),
            prior_state=_state(prior_state) if prior_state else None,
            destination=destination,
            document_expires_on=as_date(document_expires_on),
            flight_id=flight_id,
            disputed_by=_disputed(disputed_by),
            version=int(version),
        )
        extra = {
            "country_of_birth": country_of_birth,
            "entry_age": entry_age,
            "opened_seq": opened_seq,
        }
        found[case_id] = _Entry(case, extra, last_seq)
    return found


_STATES = {state.value: state for state in State}
_NO_ONE: frozenset[str] = frozenset()


def _disputed(value: str) -> frozenset[str]:
    """The partners disputing, as stored (``;``-separated; most often none)."""
    return frozenset(c for c in value.split(";") if c) if value else _NO_ONE


def _state(value: str) -> State:
    """``State(value)`` without the enum's lookup (a dictionary's, then the enum's if unknown:
    its error)."""
    return _STATES.get(value) or State(value)


CASE_COLUMNS = (
    "case_id",
    "nationality",
    "destination",
    "final_order_date",
    "criminal",
    "custody",
    "country_of_birth",
    "entry_age",
    "state",
    "prior_state",
    "document_expires_on",
    "flight_id",
    "disputed_by",
    "version",
    "opened_seq",
    "last_seq",
)


# What events after the opening can change; the rest of a row is fixed when the case opens.
_CHANGING = (
    "destination",
    "custody",
    "state",
    "prior_state",
    "document_expires_on",
    "flight_id",
    "disputed_by",
    "version",
    "last_seq",
)
# The changing columns, then the key, picked from a full row.
_PICK_CHANGES = itemgetter(*[CASE_COLUMNS.index(c) for c in (*_CHANGING, "case_id")])
_SELECT_CASES = f"SELECT {', '.join(CASE_COLUMNS)} FROM cases WHERE case_id IN ({{}})"


def _save(conn: Connection, entries: list[_Entry]) -> None:
    insert_rows(conn, cases, CASE_COLUMNS, [_row(e) for e in entries if e.fresh])
    # An update in place rewrites only the indexes of the columns it sets (state, flight).
    changed = [_changes(e) for e in entries if not e.fresh]
    if changed:
        mark = placeholder(conn.dialect.paramstyle)
        columns = ", ".join(f"{name} = {mark}" for name in _CHANGING)
        conn.exec_driver_sql(f"UPDATE cases SET {columns} WHERE case_id = {mark}", changed)


def _changes(entry: _Entry) -> tuple[Any, ...]:
    changes: tuple[Any, ...] = _PICK_CHANGES(_row(entry))
    return changes


_VALUES = {state: state.value for state in State}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _row(entry: _Entry) -> tuple[Any, ...]:
    case, extra = entry.case, entry.extra
    return (
        case.case_id,
        case.nationality,
        case.destination,
        case.final_order_date.isoformat(),
        case.criminal,
        case.custody,
        extra.get("country_of_birth"),
        extra.get("entry_age"),
        _VALUES[case.state],
        _VALUES[case.prior_state] if case.prior_state else None,
        _iso(case.document_expires_on),
        case.flight_id,
        ";".join(sorted(case.disputed_by)),
        case.version,
        extra["opened_seq"],
        entry.last_seq,
    )
