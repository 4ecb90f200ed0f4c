"""What a dated source proves: a verification settles the days between it and a known edge.

A measure is in force over one unbroken stretch of days. With its effective date known and its
end unknown, every day from the effective date to its last verification is in force: a
decision there is never ``needs_review`` for the unknown end. With its start unknown, every day
from the verification to its end (or onward, while no end is recorded) is. Each scenario runs
through both engines (docs/policy-packs.md, "What a dated source proves").
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from readmit.batch.screening import build_engine, screen_frame
from readmit.batch.screening_polars import col
from readmit.domain.sanctions import Measure, MeasureState, Who
from readmit.domain.screening import decide
from readmit.packs import load_pack

PACK = load_pack()
TODAY = date(2026, 1, 1)


def measure(key: str, **dates: date | bool | None) -> Measure:
    return Measure(
        id=f"KH-2020-{key}",
        sanction_id="KH-2020",
        country="KH",
        effect="discontinue",
        summary="every B1 visa in Cambodia",
        classes=("B1",),
        who=Who(everyone=True),
        citation="INA 243(d)",
        **dates,  # type: ignore[arg-type]
    )


END_UNKNOWN = measure(
    "1",
    valid_from=date(2020, 1, 1),
    end_unknown=True,
    ended_by=date(2021, 1, 1),
    last_verified_on=date(2020, 6, 30),
)
NEVER_VERIFIED = measure(
    "2", valid_from=date(2020, 1, 1), end_unknown=True, ended_by=date(2021, 1, 1)
)
START_UNKNOWN = measure("3", first_known_on=date(2020, 1, 1), last_verified_on=date(2020, 6, 30))
START_UNKNOWN_ENDED = measure(
    "4",
    first_known_on=date(2020, 1, 1),
    valid_to=date(2021, 1, 1),
    last_verified_on=date(2020, 6, 30),
)
BOTH_UNKNOWN = measure(
    "5",
    first_known_on=date(2020, 1, 1),
    end_unknown=True,
    ended_by=date(2021, 1, 1),
    last_verified_on=date(2020, 6, 30),
)

# (measure, decision day, decision): before, on and after the verification and the bounds.
SCENARIOS = [
    (END_UNKNOWN, "2019-12-31", "not_affected"),
    (END_UNKNOWN, "2020-01-01", "discontinued"),
    (END_UNKNOWN, "2020-06-30", "discontinued"),
    (END_UNKNOWN, "2020-07-01", "needs_review"),
    (END_UNKNOWN, "2020-12-31", "needs_review"),
    (END_UNKNOWN, "2021-01-01", "not_affected"),
    (NEVER_VERIFIED, "2020-03-01", "needs_review"),
    (START_UNKNOWN, "2020-03-01", "needs_review"),
    (START_UNKNOWN, "2020-06-30", "discontinued"),
    (START_UNKNOWN, "2025-01-01", "discontinued"),
    (START_UNKNOWN_ENDED, "2020-12-31", "discontinued"),
    (START_UNKNOWN_ENDED, "2021-01-01", "not_affected"),
    (BOTH_UNKNOWN, "2020-06-29", "needs_review"),
    (BOTH_UNKNOWN, "2020-06-30", "discontinued"),
    (BOTH_UNKNOWN, "2020-07-01", "needs_review"),
]


def application(day: str) -> dict[str, str]:
    return {"nationality": "KH", "post_country": "KH", "visa_class": "B1", "decision_date": day}


@pytest.mark.parametrize(("m", "day", "expected"), SCENARIOS)
def test_both_engines_agree_on_what_a_verification_proves(
    m: Measure, day: str, expected: str
) -> None:
    engine = build_engine([m], PACK.policy)
    single = decide(engine.full, application(day), None, TODAY)
    frame = pl.DataFrame([application(day)])
    batch = screen_frame(frame, engine, None, TODAY).select(col("decision")).item()
    assert (single.decision, batch) == (expected, expected), single.reasons


@pytest.mark.parametrize(("m", "day", "expected"), SCENARIOS)
def test_the_registry_says_the_same_as_screening(m: Measure, day: str, expected: str) -> None:
    state = m.state_on(date.fromisoformat(day))
    wanted = {
        "discontinued": MeasureState.IN_FORCE,
        "needs_review": MeasureState.UNCERTAIN,
        "not_affected": MeasureState.NOT_IN_FORCE,
    }[expected]
    assert state == wanted


def test_the_reasons_say_the_rule() -> None:
    program = build_engine([END_UNKNOWN], PACK.policy).full
    proven = decide(program, application("2020-03-01"), None, TODAY).reasons
    assert "end date unknown; verified in force on 2020-06-30" in proven
    assert "so in force on every day up to then" in proven
    after = decide(program, application("2020-09-01"), None, TODAY).reasons
    assert "needs review: the record does not say whether this measure applied" in after
    assert "last verified in force on 2020-06-30, before that day" in after


def test_the_gambia_2016_is_discontinued_up_to_its_last_verification_then_needs_review() -> None:
    measures = [m for h in PACK.sanctions for m in h.sanction.measures.values()]
    gambia = next(m for m in measures if m.id == "GM-2016-1")
    assert gambia.end_unknown and gambia.valid_from and gambia.last_verified_on
    program = build_engine(measures, PACK.policy).full
    official = {"nationality": "GM", "post_country": "GM", "visa_class": "B2", "employer": "GM-GOV"}
    verified = gambia.last_verified_on.isoformat()
    decided = [
        decide(program, {**official, "decision_date": day}, None, TODAY).decision
        for day in (gambia.valid_from.isoformat(), verified)
    ]
    assert decided == ["discontinued", "discontinued"]
    after = gambia.last_verified_on + timedelta(days=1)
    if gambia.ended_by is None or after < gambia.ended_by:
        later = decide(program, {**official, "decision_date": after.isoformat()}, None, TODAY)
        assert later.decision == "needs_review"
