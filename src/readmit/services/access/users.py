"""Users and their credentials: argon2 passwords, API tokens, and server-side web sessions.

Tokens and session ids are random (256 bits), shown once, and stored only as SHA-256 digests.
Every change to a user or a token is recorded in the ledger (never the secret itself).
The API authenticates with ``authenticate_token``; web sessions are in ``sessions``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from readmit.domain import ids
from readmit.domain.countries import country_code
from readmit.domain.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
)
from readmit.domain.events import NewEvent, utc_now, utc_text
from readmit.domain.permissions import Role, check_binding, role_of
from readmit.services.access.tokens import recent_tokens
from readmit.services.context import Actor, App
from readmit.services.transparency import signs_a_head
from readmit.store.auth_schema import api_tokens, users, web_sessions
from readmit.store.uow import UnitOfWork

TOKEN_PREFIX = "rdm_"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 730
MIN_PASSWORD = 12
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal who exists.
DUMMY_HASH = _hasher.hash("readmit-no-such-user-" + secrets.token_hex(8))


@dataclass(frozen=True)
class User:
    name: str
    role: str
    country: str | None
    active: bool
    created_at: str
    has_password: bool = False

    @classmethod
    def from_row(cls, row: RowMapping) -> User:
        """Build a user from a row of the users table."""
        return cls(
            row["name"],
            row["role"],
            row["country"],
            bool(row["active"]),
            row["created_at"],
            row["password_hash"] is not None,
        )

    def actor(self) -> Actor:
        """Return this user as the actor of what they do."""
        return Actor(self.name, self.role, self.country)


@dataclass(frozen=True)
class TokenInfo:
    token_id: str
    user: str
    label: str
    created_at: str
    expires_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is shown this once and never stored."""

    info: TokenInfo
    secret: str


def digest(secret: str) -> str:
    """Return the SHA-256 hex digest under which a token or session id is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def user_row(conn: Connection, name: str) -> RowMapping:
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if row is None:
        raise NotFound(f"no user {name!r}", user=name)
    return row


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def user_event(kind: str, name: str, actor: Actor, **payload: Any) -> NewEvent:
    today = utc_now().date()
    return NewEvent(kind, "user", name, today, actor.name, actor.role, {"user": name, **payload})


def new_token(conn: Connection, user_id: int, name: str, days: int, label: str) -> IssuedToken:
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lives 1 to {MAX_TOKEN_DAYS} days, not {days}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    info = TokenInfo(
        ids.token_id(),
        name,
        label,
        utc_text(now),
        utc_text(now + timedelta(days=days)),
        None,
    )
    conn.execute(
        insert(api_tokens).values(
            token_id=info.token_id,
            user_id=user_id,
            digest=digest(secret),
            label=label,
            created_at=info.created_at,
            expires_at=info.expires_at,
        )
    )
    return IssuedToken(info, secret)


def checked_role(role: str, country: str | None) -> tuple[Role, str | None]:
    """Return a staff role and its country binding, or raise InvalidInput."""
    the_role = role_of(role)
    if the_role == Role.PUBLIC:
        raise InvalidInput("public is whoever calls without a token; it is not a user's role")
    code = country_code(country) if country else None
    check_binding(the_role, code)
    return the_role, code


def check_name(name: str) -> None:
    """Raise InvalidInput unless ``name`` may name a user."""
    if not _NAME.match(name):
        raise InvalidInput("a user name is 1-64 letters, digits, '.', '_', '@' or '-'", user=name)


def insert_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    role: str,
    country: str | None,
    password_hash: str | None = None,
    **approval: str,
) -> int:
    """Add the users row and its ``user_added`` event in ``uow``; return the row's id."""
    check_name(name)
    the_role, code = checked_role(role, country)
    if uow.conn.execute(select(users.c.id).where(users.c.name == name)).first():
        raise Conflict(f"user {name!r} already exists", user=name)
    inserted = uow.conn.execute(
        insert(users).values(
            name=name,
            role=the_role.value,
            country=code,
            password_hash=password_hash,
            active=True,
            created_at=utc_text(utc_now()),
        )
    ).inserted_primary_key
    assert inserted is not None
    uow.record(
        [user_event("user_added", name, actor, role=the_role.value, country=code, **approval)]
    )
    return int(inserted[0])


@signs_a_head("user added")
def add_user(
    app: App,
    actor: Actor,
    *,
    name: str,
    role: str,
    country: str | None = None,
    password: str | None = None,
    token_days: int = DEFAULT_TOKEN_DAYS,
) -> IssuedToken:
    """Create a user with a first API token (returned once) and, optionally, a password.

    The operator's bootstrap (the command line, the demo): it acts alone and hands the
    credentials to whoever runs it. Over the API an administrator goes through ``accounts``.
    """
    hashed = hash_password(password) if password is not None else None
    with app.uow() as uow:
        user_id = insert_user(
            uow, actor, name=name, role=role, country=country, password_hash=hashed
        )
        issued = new_token(uow.conn, user_id, name, token_days, "created with the user")
        uow.record([user_event("token_issued", name, actor, token_id=issued.info.token_id)])
        uow.commit()
    return issued


def set_role(
    uow: UnitOfWork, actor: Actor, *, name: str, role: str, country: str | None, **approval: str
) -> None:
    """Give an active user another role (and country binding), with its ``role_granted`` event."""
    the_role, code = checked_role(role, country)
    row = user_row(uow.conn, name)
    if not row["active"]:
        raise Conflict(f"user {name!r} is revoked; add a new user instead", user=name)
    if (row["role"], row["country"]) == (the_role.value, code):
        raise Conflict(f"user {name!r} already holds role {the_role.value}", user=name)
    uow.conn.execute(
        update(users).where(users.c.id == row["id"]).values(role=the_role.value, country=code)
    )
    # A session or token opened under the old role must not keep its permissions.
    uow.conn.execute(delete(web_sessions).where(web_sessions.c.user_id == row["id"]))
    previous = {"previous_role": row["role"], "previous_country": row["country"]}
    event = user_event(
        "role_granted", name, actor, role=the_role.value, country=code, **previous, **approval
    )
    uow.record([event])


def reset_credentials(uow: UnitOfWork, user_id: int) -> None:
    """End every token, session and the password of a user (in ``uow``; the caller records why)."""
    now = utc_text(utc_now())
    uow.conn.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    uow.conn.execute(update(users).where(users.c.id == user_id).values(password_hash=None))
    uow.conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


@signs_a_head("role changed")
def change_role(
    app: App, actor: Actor, *, name: str, role: str, country: str | None = None
) -> User:
    """Give a user another role, alone: the operator's bootstrap (the command line)."""
    with app.uow() as uow:
        set_role(uow, actor, name=name, role=role, country=country)
        user = User.from_row(user_row(uow.conn, name))
        uow.commit()
    recent_tokens(app).forget_all()
    return user


def list_users(app: App) -> list[User]:
    """Return every user, in name order."""
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(select(users).order_by(users.c.name)).mappings().all()
    return [User.from_row(r) for r in rows]


def get_user(app: App, name: str) -> User:
    """Return one user or raise NotFound."""
    with app.uow(write=False) as uow:
        return User.from_row(user_row(uow.conn, name))


@signs_a_head("user revoked")
def revoke_user(app: App, name: str, actor: Actor) -> User:
    """Deactivate a user: every token and session of theirs stops working at once."""
    now = utc_text(utc_now())
    with app.uow() as uow:
        row = user_row(uow.conn, name)
        uow.conn.execute(update(users).where(users.c.id == row["id"]).values(active=False))
        uow.conn.execute(
            update(api_tokens)
            .where(api_tokens.c.user_id == row["id"], api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        uow.conn.execute(delete(web_sessions).where(web_sessions.c.user_id == row["id"]))
        uow.record([user_event("user_revoked", name, actor)])
        user = User.from_row(user_row(uow.conn, name))
        uow.commit()
    recent_tokens(app).forget_all()
    return user


@signs_a_head("password reset")
def reset_password(
    app: App,
    actor: Actor,
    *,
    name: str,
    password: str,
) -> User:
    """Set a user's password (an administrator's reset); their web sessions end."""
    hashed = hash_password(password)
    with app.uow() as uow:
        row = user_row(uow.conn, name)
        uow.conn.execute(update(users).where(users.c.id == row["id"]).values(password_hash=hashed))
        uow.conn.execute(delete(web_sessions).where(web_sessions.c.user_id == row["id"]))
        uow.record([user_event("password_reset", name, actor)])
        user = User.from_row(user_row(uow.conn, name))
        uow.commit()
    return user


@signs_a_head("token issued")
def issue_token(
    app: App,
    actor: Actor,
    *,
    name: str,
    days: int = DEFAULT_TOKEN_DAYS,
    label: str = "",
) -> IssuedToken:
    """Give an active user a new API token (returned once)."""
    with app.uow() as uow:
        row = user_row(uow.conn, name)
        if not row["active"]:
            raise Conflict(f"user {name!r} is revoked; add a new user instead", user=name)
        issued = new_token(uow.conn, row["id"], name, days, label[:128])
        uow.record([user_event("token_issued", name, actor, token_id=issued.info.token_id)])
        uow.commit()
    return issued


def _token_info(row: RowMapping) -> TokenInfo:
    return TokenInfo(
        row["token_id"],
        row["name"],
        row["label"],
        row["created_at"],
        row["expires_at"],
        row["revoked_at"],
    )


def list_tokens(app: App, name: str) -> list[TokenInfo]:
    """Return a user's tokens (never their secrets), newest first."""
    with app.uow(write=False) as uow:
        user_id = user_row(uow.conn, name)["id"]
        rows = uow.conn.execute(
            select(api_tokens, users.c.name)
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.user_id == user_id)
            .order_by(api_tokens.c.created_at.desc())
        )
        return [_token_info(r) for r in rows.mappings()]


@signs_a_head("token revoked")
def revoke_token(app: App, token_id: str, actor: Actor) -> TokenInfo:
    """Revoke one API token; it stops working at once."""
    with app.uow() as uow:
        query = select(api_tokens, users.c.name).join(users, users.c.id == api_tokens.c.user_id)
        row = uow.conn.execute(query.where(api_tokens.c.token_id == token_id)).mappings().first()
        if row is None:
            raise NotFound(f"no token {token_id!r}", token_id=token_id)
        if row["revoked_at"] is None:
            uow.conn.execute(
                update(api_tokens)
                .where(api_tokens.c.token_id == token_id)
                .values(revoked_at=utc_text(utc_now()))
            )
            uow.record([user_event("token_revoked", row["name"], actor, token_id=token_id)])
        info = _token_info(
            uow.conn.execute(query.where(api_tokens.c.token_id == token_id)).mappings().one()
        )
        uow.commit()
    recent_tokens(app).forget_all()
    return info


def recently_checked(app: App, secret: str) -> Actor | None:
    """Return who holds this token if it was checked in the last moment (no query), else None."""
    return recent_tokens(app).get(digest(secret))


def due_for_check(app: App, secret: str) -> bool:
    """Tell whether a token just answered from memory should be checked again now; the caller
    told so must call ``check_again`` (``tokens.RecentTokens.due``)."""
    return recent_tokens(app).due(digest(secret))


def check_again(app: App, secret: str) -> None:
    """Check a remembered token against the store for its next callers, forgetting it if it was
    revoked or has expired. Any other failure leaves it to be forgotten in its time."""
    recent = recent_tokens(app)
    try:
        authenticate_token(app, secret, fresh=True)
    except AuthenticationFailed:
        recent.forget(digest(secret))
    except Exception:  # the store's errors reach the next caller that has to wait for it
        recent.release(digest(secret))


def authenticate_token(app: App, secret: str, *, fresh: bool = False) -> Actor:
    """Return who holds this bearer token, or raise AuthenticationFailed (``fresh``: ask the
    store even if it was checked a moment ago)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise AuthenticationFailed("the token is not a readmit API token")
    key, now, recent = digest(secret), utc_text(utc_now()), recent_tokens(app)
    known = None if fresh else recent.get(key)
    if known is not None:
        return known
    generation = recent.generation
    with app.connect() as conn:
        row = (
            conn.execute(
                select(users.c.name, users.c.role, users.c.country, users.c.active)
                .add_columns(api_tokens.c.expires_at, api_tokens.c.revoked_at)
                .join(users, users.c.id == api_tokens.c.user_id)
                .where(api_tokens.c.digest == key)
            )
            .mappings()
            .first()
        )
    if row is None or row["revoked_at"] is not None or not row["active"]:
        raise AuthenticationFailed("the token is unknown or revoked")
    if row["expires_at"] <= now:
        raise AuthenticationFailed("the token has expired; ask an administrator for a new one")
    actor = Actor(row["name"], row["role"], row["country"])
    recent.remember(key, actor, row["expires_at"], generation)
    return actor


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
