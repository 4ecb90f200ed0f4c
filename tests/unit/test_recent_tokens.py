"""The memory of checked tokens: when a token in use is checked again, and what is remembered."""

from __future__ import annotations

import pytest

from readmit.services.access import tokens
from readmit.services.context import Actor

FAR = "2999-01-01T00:00:00+00:00"
ACTOR = Actor("con", "consular_officer")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(tokens.time, "monotonic", lambda: now[0])
    return now


def test_a_token_in_use_is_due_for_a_check_after_half_its_time_and_told_to_one_caller(
    clock: list[float],
) -> None:
    recent = tokens.RecentTokens(1.0)
    recent.remember("d", ACTOR, FAR)
    clock[0] += 0.4
    assert not recent.due("d")
    clock[0] += 0.2
    assert recent.due("d") and not recent.due("d")  # one check at a time
    assert recent.get("d") == ACTOR  # still answered from memory meanwhile
    recent.remember("d", ACTOR, FAR)  # the check came back: trusted for a full time again
    clock[0] += 0.9
    assert recent.get("d") == ACTOR and recent.due("d")
    clock[0] += 0.2
    assert recent.get("d") is None  # never trusted past its time, checked again or not


def test_a_check_that_could_not_be_made_lets_the_next_caller_try(clock: list[float]) -> None:
    recent = tokens.RecentTokens(1.0)
    recent.remember("d", ACTOR, FAR)
    clock[0] += 0.6
    assert recent.due("d")
    recent.release("d")
    assert recent.due("d")
    recent.forget("d")
    assert recent.get("d") is None and not recent.due("d")


def test_a_check_begun_before_everything_was_forgotten_is_not_remembered() -> None:
    recent = tokens.RecentTokens(1.0)
    began = recent.generation
    recent.forget_all()  # a revocation here, while the check was reading the store
    recent.remember("d", ACTOR, FAR, began)
    assert recent.get("d") is None
    recent.remember("d", ACTOR, FAR, recent.generation)
    assert recent.get("d") == ACTOR
