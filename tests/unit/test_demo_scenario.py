"""The demo scenario is deterministic, synthetic throughout, and legal by the domain's rules."""

from __future__ import annotations

from collections import Counter

import pytest

from readmit.demo import events as scenario
from readmit.demo.profiles import CAMBODIA, WINDOW
from readmit.demo.scenario import country_plan


@pytest.fixture(scope="module")
def built() -> scenario.Scenario:
    return scenario.build(11)


def _content(s: scenario.Scenario) -> list[tuple[object, ...]]:
    return [
        (e.type, e.subject_id, e.occurred_on, e.recorded_at, e.payload, e.dedupe_key)
        for e in s.events
    ]


def test_the_same_seed_gives_the_same_events_and_people(built: scenario.Scenario) -> None:
    again = scenario.build(11)
    assert _content(again) == _content(built)
    assert again.persons == built.persons


def test_another_seed_gives_other_data() -> None:
    first, other = country_plan(11, CAMBODIA), country_plan(12, CAMBODIA)
    assert [s.order_date for s in first.stories] != [s.order_date for s in other.stories]


def test_every_person_is_labelled_synthetic(built: scenario.Scenario) -> None:
    for record in built.persons:
        assert record["case_id"].startswith("SYN-")
        assert record["data"]["synthetic"] is True
        assert record["data"]["given_name"].startswith("SYNTHETIC ")
        assert record["data"]["family_name"].startswith("SYNTHETIC-")
    opened = [e for e in built.events if e.type == "case_opened"]
    assert opened and all(e.payload["synthetic"] is True for e in opened)


def test_every_event_is_back_dated_and_in_recording_order(built: scenario.Scenario) -> None:
    stamps = [e.recorded_at for e in built.events]
    assert all(s is not None for s in stamps)
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    for event in built.events:
        assert event.recorded_at is not None
        assert event.recorded_at.date() >= event.occurred_on


def test_cambodias_window_holds_one_interview_and_two_removals(built: scenario.Scenario) -> None:
    start, end = WINDOW
    kh = Counter(
        e.type
        for e in built.events
        if e.subject_id.startswith("SYN-KH-") and start <= e.occurred_on <= end
    )
    assert kh["interview_held"] == 1
    assert kh["removed"] == 2
    assert kh["presented"] >= 400


def test_every_case_obeys_the_domain_rules_including_documents_and_seats(
    built: scenario.Scenario,
) -> None:
    steps = sum(len(story.steps) for plan in built.plans for story in plan.stories)
    assert scenario.check_rules(built) == steps > 0
