"""A single decision runs only its post's program, and decides exactly as the full program."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_screening_agreement import DAYS, POLICY, TEXT, TODAY, applications, covered, measures

from readmit.batch.screening import build_engine
from readmit.domain.screening import decide
from readmit.services.screening.single import program_for


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    count=st.integers(0, 4),
    rows=st.lists(applications(), min_size=1, max_size=20),
    as_of=st.none() | st.sampled_from([d for d in DAYS if d]),
)
def test_the_posts_program_decides_as_the_full_program(
    data: st.DataObject, count: int, rows: list[dict[str, Any]], as_of: date | None
) -> None:
    generated = [data.draw(measures(i)) for i in range(count)]
    rng = data.draw(st.randoms(use_true_random=False))
    for measure in generated:
        for _ in range(6):
            row = covered(measure, rng)
            for name in rng.sample(sorted(TEXT), rng.choice([0, 1, 2])):
                row[name] = rng.choice(TEXT[name])
            rows.append(row)
    engine = build_engine(generated, POLICY)
    for row in rows:
        assert decide(program_for(engine, row), row, as_of, TODAY) == decide(
            engine.full, row, as_of, TODAY
        ), f"row {row}"
