"""Event ids: each carries its own random part, so one id reveals nothing of another."""

from __future__ import annotations

from datetime import date

from readmit.domain.events import NewEvent
from readmit.services.context import App


def _append(app: App, count: int) -> list[str]:
    new = [
        NewEvent(
            type="note",
            subject_type="test",
            subject_id=f"S{n}",
            occurred_on=date(2020, 1, 1),
            actor="tester",
            role="admin",
            payload={},
        )
        for n in range(count)
    ]
    with app.uow() as uow:
        recorded = uow.ledger.append(new)
        uow.commit()
    return [e.id for e in recorded]


def test_ids_of_one_append_do_not_differ_only_by_a_counter(sqlite_app: App) -> None:
    ids = _append(sqlite_app, 300)
    assert len(set(ids)) == 300 and all(len(i) == 32 for i in ids)
    # Past the 12-digit time prefix, every id has its own random digits: no shared stem.
    assert len({i[12:22] for i in ids}) == 300
    assert len({i[22:] for i in ids}) == 300


def test_later_appends_sort_after_earlier_ones_by_their_time_prefix(sqlite_app: App) -> None:
    first = _append(sqlite_app, 3)
    second = _append(sqlite_app, 3)
    assert max(i[:12] for i in first) <= min(i[:12] for i in second)
    assert all(all(c in "0123456789abcdef" for c in i) for i in first + second)
