"""Tokens a server has just checked, trusted for ``READMIT_TOKEN_CACHE_SECONDS`` without a query.

Revoking a token or a user in this process forgets every remembered token at once; a revocation
made by another process (the command line, another worker) takes effect within that time. A
token is never trusted past its own expiry.
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

    def get(self, digest: str) -> Actor | None:
        """Return the holder of a recently checked, unexpired token, or None."""
        found = self._checked.get(digest)
        if found is None or found.until < time.monotonic() or found.expires <= time.time():
            return None
        actor = found.actor
        return Actor(actor.name, actor.role, actor.country)  # a copy: callers may change theirs

    def remember(self, digest: str, actor: Actor, expires_at: str) -> None:
        """Trust this token for the next ``seconds``."""
        if self.seconds <= 0:
            return
        if len(self._checked) >= MAX_REMEMBERED:
            self._checked.clear()
        expires = datetime.fromisoformat(expires_at).timestamp()
        self._checked[digest] = _Checked(actor, expires, time.monotonic() + self.seconds)

    def forget_all(self) -> None:
        """Check every token again (a token or a user was just revoked)."""
        self._checked.clear()


def recent_tokens(app: App) -> RecentTokens:
    """Return this process's memory of recently checked tokens."""
    found = app.memo.get("recent_tokens")
    if not isinstance(found, RecentTokens):
        found = app.memo["recent_tokens"] = RecentTokens(app.settings.token_cache_seconds)
    return found
