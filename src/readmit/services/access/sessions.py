"""Web sessions: sign in with a password, the session a cookie names, sign out.

Session ids are random (256 bits), shown once as the cookie, stored only as SHA-256 digests.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select

from readmit.domain.errors import (
    AuthenticationFailed,
)
from readmit.domain.events import utc_now, utc_text
from readmit.services.access import throttle
from readmit.services.access.access_log import log_access, writing
from readmit.services.access.users import User, digest, verify_password
from readmit.services.context import Actor, App
from readmit.store.auth_schema import users, web_sessions

SESSION_COOKIE = "readmit_session"


SESSION_HOURS = 12


@dataclass(frozen=True)
class WebSession:
    """A logged-in browser: ``session_id`` goes in a cookie, ``csrf_token`` in every form."""

    session_id: str
    csrf_token: str
    user: User
    expires_at: str


def login(
    app: App,
    name: str,
    *,
    password: str,
    client: str = "",
) -> WebSession:
    """Check a user name and password and open a server-side session (throttled)."""
    attempt = throttle.begin_attempt(app, name=name, client=client)
    with app.uow(write=False) as uow:
        row = uow.conn.execute(select(users).where(users.c.name == name)).mappings().first()
    ok = verify_password(row["password_hash"] if row else None, password)
    if row is None or not ok or not row["active"]:
        log_access(app, Actor(name[:128], "unknown"), kind="login_failed", client=client)
        raise AuthenticationFailed("unknown user name or wrong password")
    throttle.succeeded(app, attempt)
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utc_now()
    expires = utc_text(now + timedelta(hours=SESSION_HOURS))
    with writing(app) as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= utc_text(now)))
        conn.execute(
            insert(web_sessions).values(
                digest=digest(session_id),
                user_id=row["id"],
                csrf_token=csrf,
                created_at=utc_text(now),
                expires_at=expires,
            )
        )
    user = User.from_row(row)
    log_access(app, user.actor(), kind="login", client=client)
    return WebSession(session_id, csrf, user, expires)


def session_user(app: App, session_id: str) -> WebSession | None:
    """Return the live session for a cookie value, or None (expired, logged out, revoked)."""
    if not session_id or len(session_id) > 200:
        return None
    with app.connect() as conn:
        row = (
            conn.execute(
                select(users, web_sessions.c.csrf_token, web_sessions.c.expires_at)
                .join(users, users.c.id == web_sessions.c.user_id)
                .where(web_sessions.c.digest == digest(session_id))
            )
            .mappings()
            .first()
        )
    if row is None or not row["active"] or row["expires_at"] <= utc_text(utc_now()):
        return None
    return WebSession(session_id, row["csrf_token"], User.from_row(row), row["expires_at"])


def logout(app: App, session_id: str) -> None:
    """End a session (no error if it had already ended)."""
    with writing(app) as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.digest == digest(session_id)))
