"""The pure parts of the cooperation assessment: medians, quarters, criteria, ratings, claims."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from readmit.domain.claims import claim_matches
from readmit.domain.cooperation import METRIC_NAMES, median_of, quarters
from readmit.domain.cooperation_standard import Criterion, judge, rate
from readmit.services.assessment.cooperation_pack import load_cooperation_pack


def metrics(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {name: 0 for name in METRIC_NAMES}
    for name in METRIC_NAMES:
        if name.startswith("median") or name.endswith(("ratio", "share")):
            base[name] = None
    return {**base, **values}


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [({}, None), ({5: 1}, 5.0), ({1: 1, 3: 1}, 2.0), ({1: 2, 9: 1}, 1.0), ({4: 3, 10: 3}, 7.0)],
)
def test_the_median_of_a_histogram_is_the_middle_value(
    histogram: dict[int, int], expected: float | None
) -> None:
    assert median_of(histogram) == expected


def test_a_window_splits_into_calendar_quarters_with_partial_ends() -> None:
    assert quarters(date(2020, 10, 15), date(2021, 4, 2)) == [
        (date(2020, 10, 15), date(2020, 12, 31)),
        (date(2021, 1, 1), date(2021, 3, 31)),
        (date(2021, 4, 1), date(2021, 4, 2)),
    ]


CHARTERS = Criterion(
    id="charters",
    label="Charters accepted per proposed",
    numerator=["charters_accepted"],
    denominator=["charters_proposed"],
    direction="higher_is_better",
    at_risk=0.9,
    uncooperative=0.5,
)


@pytest.mark.parametrize(
    ("accepted", "proposed", "status"),
    [(0, 0, "not_applicable"), (1, 4, "uncooperative"), (3, 4, "at_risk"), (4, 4, "met")],
)
def test_a_criterion_is_met_crossed_or_not_applicable(
    accepted: int, proposed: int, status: str
) -> None:
    found = judge(CHARTERS, metrics(charters_accepted=accepted, charters_proposed=proposed))
    assert found["status"] == status
    assert f"charters proposed {proposed}" in found["text"]


def test_a_criterion_naming_an_unknown_metric_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown metric"):
        Criterion(
            id="x",
            label="x",
            numerator=["removal_count"],
            direction="higher_is_better",
            at_risk=1,
            uncooperative=0,
        )


def test_thresholds_in_the_wrong_order_are_refused() -> None:
    with pytest.raises(ValidationError, match="worse than at_risk"):
        Criterion(
            id="x",
            label="x",
            numerator=["removals"],
            direction="higher_is_better",
            at_risk=0.1,
            uncooperative=0.5,
        )


def test_the_pack_standard_is_versioned_and_picks_the_version_in_force() -> None:
    standard = load_cooperation_pack().standard
    assert standard.version_for(date(2019, 6, 1)).version == "2019.1"
    assert standard.version_for(date(2022, 5, 16)).version == "2021.1"
    assert standard.version_for(date(2022, 5, 16), "2019.1").version == "2019.1"


def test_zero_denominators_alone_do_not_decide_and_too_little_is_insufficient() -> None:
    version = load_cooperation_pack().standard.version_for(date(2022, 1, 1))
    quiet = rate(version, metrics(presentations=2))
    assert quiet["rating"] == "insufficient_data"
    assert any("needs at least" in m for m in quiet["missing"])
    good = metrics(
        presentations=10,
        nationality_confirmed=9,
        removals=9,
        backlog=3,
        documents_on_time_share=1.0,
        median_days_order_to_removal=40.0,
    )
    result = rate(version, good)
    assert result["rating"] == "cooperative"
    statuses = {r["criterion"]: r["status"] for r in result["reasons"]}
    assert statuses["charters_accepted"] == "not_applicable"


@pytest.mark.parametrize(
    ("refers_from", "refers_to", "matches"),
    [
        (None, date(2022, 5, 16), True),
        (None, date(2022, 5, 1), True),
        (None, date(2021, 5, 16), False),
        (date(2020, 10, 1), date(2022, 5, 16), True),
        (date(2002, 1, 1), date(2022, 3, 31), False),
    ],
)
def test_a_claim_matches_a_window_about_the_same_dates(
    refers_from: date | None, refers_to: date, matches: bool
) -> None:
    window = (date(2020, 10, 1), date(2022, 5, 16))
    assert claim_matches("backlog", refers_from, refers_to, *window) is matches
    assert claim_matches(None, refers_from, refers_to, *window) is False
