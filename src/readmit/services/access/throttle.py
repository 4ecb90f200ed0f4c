"""Login throttling: every attempt is counted in the store before its password is checked.

Two counters answer each attempt, both taken in one write transaction by a single
``INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`` each, so parallel guesses cannot all pass
a check made before any of them is counted (no check-then-act):

- the pair (user name, client address): ``PAIR_FREE`` failures pass at once, then each further
  attempt must wait ``BASE_DELAY`` doubled for every failure past the free ones, up to
  ``MAX_DELAY``;
- the client address, whichever names it tries: ``CLIENT_FREE`` failures, then the same back-off.

There is deliberately no counter keyed by the user name alone: that is what lets a stranger lock
a known user out at will. A stranger's guesses slow only the stranger's own address; the user,
from theirs, logs in as usual. An attempt counts as a failure until its password is found
right: then the pair's counter is cleared and the client's given back. A counter is forgotten
``FORGET_AFTER`` its last failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from readmit.domain.errors import RateLimited
from readmit.domain.events import utc_now, utc_text
from readmit.services.access.access_log import writing
from readmit.services.context import App
from readmit.store.auth_schema import login_throttle

PAIR_FREE = 5
CLIENT_FREE = 20
BASE_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Attempt:
    """The counters one login attempt took: give them back with ``succeeded``."""

    pair: str
    client: str


def delay_after(failures: int, *, free: int) -> timedelta:
    """Return how long the next attempt must wait after ``failures`` failures in a row."""
    if failures < free:
        return timedelta(0)
    steps = failures - free
    if steps >= 20:
        return MAX_DELAY
    return min(BASE_DELAY * int(2**steps), MAX_DELAY)


def _next_allowed(count: ColumnElement[int], now: datetime, free: int) -> ColumnElement[str]:
    whens: list[tuple[ColumnElement[bool], str]] = [(count < free, utc_text(now))]
    failures = free
    while delay_after(failures, free=free) < MAX_DELAY:
        whens.append((count == failures, utc_text(now + delay_after(failures, free=free))))
        failures += 1
    return case(*whens, else_=utc_text(now + MAX_DELAY))


def _take(conn: Connection, key: str, *, free: int, now: datetime) -> bool:
    """Count one attempt against ``key`` unless it must still wait; tell whether it may go on."""
    t, now_text = login_throttle.c, utc_text(now)
    forgotten = t.last_failure_at < utc_text(now - FORGET_AFTER)
    count = case((forgotten, 1), else_=t.failures + 1)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(login_throttle).values(
        key=key, failures=1, next_allowed_at=now_text, last_failure_at=now_text
    )
    statement = statement.on_conflict_do_update(
        index_elements=[t.key],
        set_={
            "failures": count,
            "next_allowed_at": _next_allowed(count, now, free),
            "last_failure_at": now_text,
        },
        where=(t.next_allowed_at <= now_text) | forgotten,
    ).returning(t.failures)
    return conn.execute(statement).first() is not None


def _wait_for(conn: Connection, key: str, now: datetime) -> int:
    found = conn.execute(
        select(login_throttle.c.next_allowed_at).where(login_throttle.c.key == key)
    ).scalar()
    if found is None:
        return 1
    seconds = (datetime.fromisoformat(found) - now).total_seconds()
    return max(1, int(seconds + 0.999))


def _refuse(seconds: int) -> RateLimited:
    return RateLimited(
        f"too many failed attempts from here; wait {seconds} seconds, then try again",
        retry_after=seconds,
    )


def begin_attempt(app: App, *, name: str, client: str, free: int = PAIR_FREE) -> Attempt:
    """Count an attempt to sign in as ``name`` from ``client``, or raise RateLimited."""
    attempt = Attempt(f"u:{name[:128]}|{client[:64]}", f"c:{client[:64]}")
    now = utc_now()
    with writing(app) as conn:
        for key, allowed in ((attempt.pair, free), (attempt.client, CLIENT_FREE)):
            if not _take(conn, key, free=allowed, now=now):
                # Raised inside the transaction: neither counter moves for a refused attempt.
                raise _refuse(_wait_for(conn, key, now))
    return attempt


def succeeded(app: App, attempt: Attempt) -> None:
    """The password was right: clear the pair's failures and give the client's attempt back."""
    t = login_throttle.c
    with writing(app) as conn:
        conn.execute(delete(login_throttle).where(t.key == attempt.pair))
        conn.execute(
            update(login_throttle)
            .where(t.key == attempt.client, t.failures > 0)
            .values(failures=t.failures - 1)
        )
