"""``Deltas.count_all`` counts each fact's keys once a key (``Counter``): the changes it
gathers must be what counting the facts one by one gives, taken out (-1) as put in (+1)."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from readmit.domain.cooperation import Kind
from readmit.store.backlog_days import (
    BACKLOG_KINDS,
    COUNTED,
    LAG_KINDS,
    Deltas,
    Key,
    backlog_day,
    month_of,
)


def _facts(rng: random.Random, n: int) -> list[tuple[Any, ...]]:
    """Facts as ``COUNTED`` gives their columns, sharing many keys."""
    found = []
    for _ in range(n):
        kind = int(rng.choice(list(Kind)))
        day = rng.randint(18_000, 18_100)
        ref_day = day + rng.randint(5, 90) if kind == Kind.DOCUMENT_ISSUED else None
        found.append(
            (
                rng.choice(["KH", "SL", "LA"]),
                kind,
                rng.randint(0, 1),
                rng.randint(0, 1),
                day,
                day - rng.randint(-5, 400),
                rng.choice([None, rng.randint(0, 30)]),
                ref_day,
                rng.choice([None, 99]),
            )
        )
    return found


def _one_by_one(facts: list[tuple[Any, ...]], n: int) -> list[dict[Key, int]]:
    counted: list[defaultdict[Key, int]] = [defaultdict(int) for _ in range(4)]
    backlog, months, lags, lapses = counted
    for country, kind, party, virtual, day, order_day, lag, ref_day, used in facts:
        months[(country, kind, party, virtual, month_of(day))] += n
        if kind in BACKLOG_KINDS:
            backlog[(country, kind, party, backlog_day(kind, day, order_day))] += n
        if lag is not None and kind in LAG_KINDS:
            lags[(country, kind, party, month_of(day), lag)] += n
        if kind == Kind.DOCUMENT_ISSUED and ref_day is not None and used is None:
            lapses[(country, party, month_of(ref_day))] += n
    return [dict(c) for c in counted]


def test_counting_a_batch_gives_the_one_by_one_counts_and_taking_it_out_undoes_them() -> None:
    facts = _facts(random.Random(7), 2_000)
    deltas = Deltas()
    deltas.count_all(facts, range(len(COUNTED)))
    held = [dict(d) for d in (deltas.backlog, deltas.facts, deltas.lags, deltas.lapses)]
    assert held == _one_by_one(facts, 1)
    for fact in facts[:500]:
        deltas.count(fact, -1)
    deltas.count_all(facts[500:], range(len(COUNTED)), -1)
    for changes in (deltas.backlog, deltas.facts, deltas.lags, deltas.lapses):
        assert set(changes.values()) == {0}
