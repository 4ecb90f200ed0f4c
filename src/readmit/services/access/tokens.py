"""Tokens a server has just checked, trusted for ``READMIT_TOKEN_CACHE_SECONDS`` without a query.

Revoking a token or a user in this process forgets every remembered token at once; a revocation
made by another process (the command line, another worker) takes effect within that time. A
token is never trusted past its own expiry.

A token in use is checked again in the background once half that time has passed (``due``), so
its callers do not all wait for a query the moment it would be forgotten: at hundreds of calls a
second, every call arriving while that query ran waited for it (docs/api.md). The time a check is
trusted is unchanged: an answer is never older than ``seconds``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from readmit.services.context import Actor, App

# Bounded: a flood of distinct valid tokens cannot grow the memory without limit.
MAX_REMEMBERED = 4096


@dataclass(frozen=True)
class _Checked:
    actor: Actor
    expires: float  # the token's own expiry, seconds since the epoch
    until: float


class RecentTokens:
    """Token digests checked less than ``seconds`` ago, with who holds them."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._checked: dict[str, _Checked] = {}
        # Bumped by forget_all: a check that began before a revocation here is not remembered.
        self.generation = 0
        self._claimed: set[str] = set()  # tokens being checked again in the background

    def get(self, digest: str) -> Actor | None:
        """Return the holder of a recently checked, unexpired token, or None."""
        found = self._checked.get(digest)
        if found is None or found.until < time.monotonic() or found.expires <= time.time():
            return None
        actor = found.actor
        return Actor(actor.name, actor.role, actor.country)  # a copy: callers may change theirs

    def due(self, digest: str) -> bool:
        """Tell whether a remembered token should be checked again now, and claim that check:
        one caller is told so, until the check ends (``remember``, ``forget`` or ``release``)."""
        found = self._checked.get(digest)
        if found is None or digest in self._claimed:
            return False
        if found.until - self.seconds / 2 > time.monotonic():
            return False
        self._claimed.add(digest)
        return True

    def release(self, digest: str) -> None:
        """End a claimed check that could not be made: the token is forgotten in its time."""
        self._claimed.discard(digest)

    def remember(
        self, digest: str, actor: Actor, expires_at: str, generation: int | None = None
    ) -> None:
        """Trust this token for the next ``seconds`` (not if ``generation``, the one its check
        began in, has passed: everything was forgotten meanwhile)."""
        self._claimed.discard(digest)
        if self.seconds <= 0 or generation not in (None, self.generation):
            return
        if len(self._checked) >= MAX_REMEMBERED:
            self._checked.clear()
        expires = datetime.fromisoformat(expires_at).timestamp()
        self._checked[digest] = _Checked(actor, expires, time.monotonic() + self.seconds)

    def forget(self, digest: str) -> None:
        """Stop trusting one token (its check again refused it)."""
        self._checked.pop(digest, None)
        self._claimed.discard(digest)

    def forget_all(self) -> None:
        """Check every token again (a token or a user was just revoked)."""
        self.generation += 1
        self._checked.clear()


def recent_tokens(app: App) -> RecentTokens:
    """Return this process's memory of recently checked tokens."""
    found = app.memo.get("recent_tokens")
    if not isinstance(found, RecentTokens):
        found = app.memo["recent_tokens"] = RecentTokens(app.settings.token_cache_seconds)
    return found
