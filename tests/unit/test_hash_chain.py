"""The hash chain catches any single changed field, a deleted event and a swapped pair."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readmit.domain.events import (
    GENESIS_HASH,
    Event,
    NewEvent,
    canonical_json,
    event_hash,
    seal,
    verify_chain,
)


def chain(length: int = 6) -> list[Event]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, length + 1):
        new = NewEvent(
            "presented",
            "case",
            f"A{seq}",
            date(2020, 1, seq),
            "officer",
            "case_officer",
            {"mode": "virtual", "n": seq},
            source="file.csv",
        )
        event = seal(new, seq, f"id{seq}", f"2020-01-0{seq}T00:00:00.000000Z", prev)
        events.append(event)
        prev = event.hash
    return events


ALTERED: dict[str, Any] = {
    "id": "forged",
    "type": "removed",
    "subject_type": "flight",
    "subject_id": "B9",
    "occurred_on": date(2019, 5, 5),
    "recorded_at": "2030-01-01T00:00:00.000000Z",
    "actor": "someone else",
    "role": "admin",
    "payload": {"mode": "in_person", "n": 3},
    "source": None,
}


def test_an_intact_chain_verifies() -> None:
    assert verify_chain(chain()) is None


@pytest.mark.parametrize("field", sorted(ALTERED))
def test_changing_any_single_field_of_one_event_breaks_the_chain_at_that_event(field: str) -> None:
    events = chain()
    events[2] = dataclasses.replace(events[2], **{field: ALTERED[field]})
    broken = verify_chain(events)
    assert broken is not None and broken.seq == 3
    assert "altered" in broken.reason


def test_rehashing_an_altered_event_still_breaks_the_chain_at_the_next_one() -> None:
    events = chain()
    forged = dataclasses.replace(events[2], payload={"forged": True})
    events[2] = dataclasses.replace(forged, hash=forged.computed_hash())
    broken = verify_chain(events)
    assert broken is not None and broken.seq == 4
    assert "previous hash" in broken.reason


def test_a_deleted_event_breaks_the_chain_where_it_was() -> None:
    events = chain()
    del events[3]
    broken = verify_chain(events)
    assert broken is not None and broken.seq == 4


def test_a_swapped_pair_breaks_the_chain_at_the_first_of_them() -> None:
    events = chain()
    events[1], events[2] = events[2], events[1]
    broken = verify_chain(events)
    assert broken is not None and broken.seq == 2


def test_a_swapped_pair_renumbered_to_look_in_order_still_breaks_the_chain() -> None:
    events = chain()
    second, third = events[1], events[2]
    events[1] = dataclasses.replace(third, seq=2)
    events[2] = dataclasses.replace(second, seq=3)
    broken = verify_chain(events)
    assert broken is not None and broken.seq == 2


texts = st.text(max_size=12)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), texts)


@given(
    st.tuples(texts, texts, texts, texts, texts, st.one_of(st.none(), texts)),
    st.dictionaries(texts, st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=5),
    st.integers(min_value=1, max_value=2**40),
)
def test_sealing_hashes_exactly_the_canonical_serialisation_of_the_event(
    fields: tuple[str, str, str, str, str, str | None],
    payload: dict[str, Any],
    seq: int,
) -> None:
    kind, subject, actor, role, recorded, source = fields
    new = NewEvent(kind, "case", subject, date(2021, 2, 3), actor, role, payload, source)
    event = seal(new, seq, "some-id", recorded, "f" * 64)
    assert event.hash == event_hash(event.hashed_fields())
    assert canonical_json(payload) == canonical_json(dict(reversed(list(payload.items()))))
