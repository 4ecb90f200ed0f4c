"""Trusted back-fills: back-dated, resumable, and able to refer to events they record."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from readmit.domain.errors import InvalidInput
from readmit.domain.events import NewEvent
from readmit.services.context import App
from readmit.services.imports.backfill import REFERENCE, record_backfill


def _event(n: int, payload: dict[str, object] | None = None) -> NewEvent:
    return NewEvent(
        "note",
        "demo",
        f"subject-{n % 3}",
        date(2020, 1, 1 + n),
        "tester",
        "admin",
        payload or {"n": n},
        None,
        f"{n:064d}",
        datetime(2020, 1, 1 + n, 12, tzinfo=UTC),
    )


def test_a_backfill_keeps_recording_times_and_adds_nothing_when_repeated(db_app: App) -> None:
    events = [_event(n) for n in range(6)]
    assert record_backfill(db_app, events[:4], chunk=2) == 4
    assert record_backfill(db_app, events, chunk=2) == 2
    assert record_backfill(db_app, events, chunk=2) == 0
    with db_app.uow(write=False) as uow:
        recorded = [e for e in uow.ledger.iter_all() if e.type == "note"]
    assert [e.payload["n"] for e in recorded] == list(range(6))
    assert recorded[0].recorded_at.startswith("2020-01-01T12:00:00")


def test_a_reference_becomes_the_id_of_the_event_it_names(db_app: App) -> None:
    target = _event(0)
    same_chunk = _event(1, {"target": f"{REFERENCE}{target.dedupe_key}"})
    later_chunk = _event(5, {"target": f"{REFERENCE}{target.dedupe_key}"})
    record_backfill(db_app, [target, same_chunk, _event(2), _event(3), later_chunk], chunk=3)
    with db_app.uow(write=False) as uow:
        recorded = [e for e in uow.ledger.iter_all() if e.type == "note"]
    target_id = next(e.id for e in recorded if e.payload.get("n") == 0)
    references = [e.payload["target"] for e in recorded if "target" in e.payload]
    assert references == [target_id, target_id]
    assert len(recorded) == 5


def test_an_event_cannot_refer_to_one_never_recorded(db_app: App) -> None:
    orphan = _event(1, {"target": f"{REFERENCE}{'9' * 64}"})
    with pytest.raises(InvalidInput, match="not recorded"):
        record_backfill(db_app, [orphan])
