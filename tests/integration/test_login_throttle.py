"""Login throttling on SQLite and PostgreSQL: counted in the store before a password is checked."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from readmit.domain.errors import AuthenticationFailed, RateLimited
from readmit.services.access import sessions, throttle, users
from readmit.services.context import Actor, App

ADMIN = Actor("root", "admin")
PASSWORD = "a long enough passphrase"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Clock:
    """The throttle's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(throttle, "utc_now", found)
    return found


def _try(app: App, name: str, password: str, client: str) -> str:
    try:
        sessions.login(app, name, password=password, client=client)
    except AuthenticationFailed:
        return "checked"
    except RateLimited:
        return "refused"
    return "signed in"


def test_sixty_parallel_wrong_guesses_for_one_user_check_at_most_five_passwords(
    db_app: App, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    users.add_user(db_app, ADMIN, name="det", role="determining_authority", password=PASSWORD)
    checked: list[str] = []
    real = sessions.verify_password

    def counting(hashed: str | None, password: str) -> bool:
        checked.append(password)
        return real(hashed, password)

    monkeypatch.setattr(sessions, "verify_password", counting)
    with ThreadPoolExecutor(max_workers=60) as pool:
        answers = list(pool.map(lambda i: _try(db_app, "det", f"guess {i}", "10.9.9.9"), range(60)))
    assert len(checked) == throttle.PAIR_FREE
    assert answers.count("checked") == throttle.PAIR_FREE
    assert answers.count("refused") == 60 - throttle.PAIR_FREE


def test_a_strangers_guesses_never_lock_the_user_out_from_their_own_address(
    db_app: App, clock: Clock
) -> None:
    users.add_user(db_app, ADMIN, name="vis", role="visa_authority", password=PASSWORD)
    for attempt in range(12):
        _try(db_app, "vis", f"wrong {attempt}", "203.0.113.7")
        clock.now += timedelta(seconds=1)
    assert _try(db_app, "vis", PASSWORD, "203.0.113.7") == "refused"  # even the right password
    assert _try(db_app, "vis", PASSWORD, "198.51.100.2") == "signed in"


def test_the_wait_doubles_with_each_failure_and_a_right_password_clears_it(
    db_app: App, clock: Clock
) -> None:
    users.add_user(db_app, ADMIN, name="off", role="case_officer", password=PASSWORD)
    client = "10.0.0.1"
    for attempt in range(throttle.PAIR_FREE):
        assert _try(db_app, "off", f"wrong {attempt}", client) == "checked"
    waits = []
    for _ in range(3):
        with pytest.raises(RateLimited) as refused:
            sessions.login(db_app, "off", password="wrong", client=client)
        waits.append(refused.value.details["retry_after"])
        clock.now += timedelta(seconds=waits[-1])
        assert _try(db_app, "off", "wrong again", client) == "checked"
    assert waits == [2, 4, 8]
    clock.now += timedelta(seconds=16)
    assert _try(db_app, "off", PASSWORD, client) == "signed in"
    assert _try(db_app, "off", "a slip", client) == "checked"  # the count started again


def test_an_address_trying_many_names_is_slowed_whichever_it_tries(
    db_app: App, clock: Clock
) -> None:
    for attempt in range(throttle.CLIENT_FREE):
        assert _try(db_app, f"name{attempt}", "guess", "192.0.2.1") == "checked"
    assert _try(db_app, "yet-another", "guess", "192.0.2.1") == "refused"
    assert _try(db_app, "yet-another", "guess", "192.0.2.2") == "checked"


def test_failures_are_forgotten_an_hour_after_the_last(db_app: App, clock: Clock) -> None:
    users.add_user(db_app, ADMIN, name="an", role="analyst", password=PASSWORD)
    for attempt in range(8):
        _try(db_app, "an", f"wrong {attempt}", "10.0.0.5")
        clock.now += timedelta(seconds=60)
    clock.now += throttle.FORGET_AFTER
    for attempt in range(throttle.PAIR_FREE):
        assert _try(db_app, "an", f"wrong {attempt}", "10.0.0.5") == "checked"


def test_the_back_off_is_capped() -> None:
    assert throttle.delay_after(4, free=5) == timedelta(0)
    assert throttle.delay_after(5, free=5) == timedelta(seconds=2)
    assert throttle.delay_after(500, free=5) == throttle.MAX_DELAY
