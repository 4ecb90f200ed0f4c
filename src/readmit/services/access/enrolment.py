"""One-time enrolment codes: how a first password or token reaches the user, not the admin.

An administrator hands the user a code; the user redeems it once, before it expires, to set
their password and receive their API token. A duty-bearing user's code has two halves, one
from the administrator who asked and one from the administrator who approved (four-eyes):
neither holds a working code alone. Codes are stored as SHA-256 digests, never in the chain;
their issue and redemption are ledger events.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import RowMapping, delete, select, update

from readmit.domain.errors import AuthenticationFailed, InvalidInput
from readmit.domain.events import utc_now, utc_text
from readmit.services.access import throttle
from readmit.services.access.tokens import recent_tokens
from readmit.services.access.users import (
    MAX_TOKEN_DAYS,
    IssuedToken,
    digest,
    hash_password,
    new_token,
    user_event,
)
from readmit.services.context import Actor, App
from readmit.services.transparency import signs_a_head
from readmit.store.auth_schema import enrolments, users, web_sessions
from readmit.store.uow import UnitOfWork

CODE_PREFIX = "enr_"
# Redemption is throttled per client like a login (the codes are 256-bit: this only slows noise).
REDEEM_FREE = 10


@dataclass(frozen=True)
class Enrolment:
    """An enrolment as shown to administrators (never its code)."""

    enrolment_id: str
    user: str
    expires_at: str
    issued_by: str
    approved_by: str | None
    two_halves: bool


def check_token_days(days: int) -> None:
    """Raise InvalidInput unless a token may live ``days`` days."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lives 1 to {MAX_TOKEN_DAYS} days, not {days}")


def new_code() -> str:
    """Return a fresh code (or half of one): shown once, stored only as its digest."""
    return CODE_PREFIX + secrets.token_urlsafe(32)


def issue(
    uow: UnitOfWork,
    actor: Actor,
    *,
    user: RowMapping,
    token_days: int,
    hours: int,
    first_digest: str | None = None,
    requested_by: str | None = None,
) -> tuple[Enrolment, str]:
    """Open an enrolment for ``user`` in ``uow``; return it and the code to hand over.

    With ``first_digest`` (the half the requesting administrator holds), the code returned is
    the second half, and the user needs both.
    """
    code, now = new_code(), utc_now()
    two = first_digest is not None
    approved_by = actor.name if two else None
    enrolment = Enrolment(
        "enrl_" + secrets.token_hex(8),
        user["name"],
        utc_text(now + timedelta(hours=hours)),
        requested_by or actor.name,
        approved_by,
        two,
    )
    # A new code replaces any the user has not redeemed yet.
    pending = (enrolments.c.user_id == user["id"]) & enrolments.c.redeemed_at.is_(None)
    uow.conn.execute(delete(enrolments).where(pending))
    uow.conn.execute(
        enrolments.insert().values(
            enrolment_id=enrolment.enrolment_id,
            user_id=user["id"],
            digest=first_digest or digest(code),
            second_digest=digest(code) if two else None,
            token_days=token_days,
            issued_by=enrolment.issued_by,
            approved_by=approved_by,
            created_at=utc_text(now),
            expires_at=enrolment.expires_at,
        )
    )
    extra = {"requested_by": requested_by, "approved_by": approved_by} if two else {}
    event = user_event(
        "enrolment_issued",
        user["name"],
        actor,
        enrolment_id=enrolment.enrolment_id,
        expires_at=enrolment.expires_at,
        **extra,
    )
    uow.record([event])
    return enrolment, code


@dataclass(frozen=True)
class Redeem:
    """What the user sends: the code (both halves for a duty-bearing role), a new password."""

    code: str
    second_code: str | None = None
    password: str | None = None
    client: str = ""
    want_token: bool = True  # the dashboard sets a password and signs in; it shows no token


WRONG = "the enrolment code is unknown, already used or expired; ask an administrator for a new one"


@dataclass(frozen=True)
class Redeemed:
    """Whose enrolment it was, and their new token (None when none was asked for)."""

    user: str
    token: IssuedToken | None


@signs_a_head("enrolment redeemed")
def redeem(app: App, command: Redeem) -> Redeemed:
    """Redeem an enrolment code once: set the user's password (if sent) and issue their token."""
    attempt = throttle.begin_attempt(
        app, name="(enrolment)", client=command.client, free=REDEEM_FREE
    )
    hashed = hash_password(command.password) if command.password is not None else None
    with app.uow() as uow:
        found = _claim(uow, command)
        user_id = found["user_id"]
        if hashed is not None:
            uow.conn.execute(
                update(users).where(users.c.id == user_id).values(password_hash=hashed)
            )
            uow.conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
        issued = None
        if command.want_token:
            issued = new_token(uow.conn, user_id, found["name"], found["token_days"], "enrolment")
        event = user_event(
            "enrolment_redeemed",
            found["name"],
            Actor(found["name"], found["role"]),
            enrolment_id=found["enrolment_id"],
            token_id=issued.info.token_id if issued else None,
            password_set=hashed is not None,
        )
        uow.record([event])
        uow.commit()
    throttle.succeeded(app, attempt)
    recent_tokens(app).forget_all()
    return Redeemed(found["name"], issued)


def _claim(uow: UnitOfWork, command: Redeem) -> RowMapping:
    """Find the open enrolment the code names and mark it redeemed, or raise."""
    now = utc_text(utc_now())
    found = (
        uow.conn.execute(
            select(enrolments, users.c.name, users.c.role, users.c.active)
            .join(users, users.c.id == enrolments.c.user_id)
            .where(enrolments.c.digest == digest(command.code[:200]))
        )
        .mappings()
        .first()
    )
    if found is None or found["redeemed_at"] is not None or found["expires_at"] <= now:
        raise AuthenticationFailed(WRONG)
    _check_second(found, command.second_code)
    if not found["active"]:
        raise AuthenticationFailed(WRONG)
    open_one = (
        enrolments.c.enrolment_id == found["enrolment_id"],
        enrolments.c.redeemed_at.is_(None),
    )
    claimed = uow.conn.execute(update(enrolments).where(*open_one).values(redeemed_at=now))
    if claimed.rowcount != 1:
        raise AuthenticationFailed(WRONG)
    return found


def _check_second(found: RowMapping, second: str | None) -> None:
    want = found["second_digest"]
    if want is None:
        if second:
            raise InvalidInput("this enrolment code has one part; send it alone")
        return
    if not second:
        raise InvalidInput(
            "this enrolment needs both halves of the code: one from each administrator",
            field="second_code",
        )
    if not hmac.compare_digest(digest(second[:200]), want):
        raise AuthenticationFailed(WRONG)


def list_enrolments(app: App, name: str) -> list[Enrolment]:
    """Return a user's open (unredeemed, unexpired) enrolments, never their codes."""
    now = utc_text(utc_now())
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(
            select(enrolments, users.c.name)
            .join(users, users.c.id == enrolments.c.user_id)
            .where(
                users.c.name == name,
                enrolments.c.redeemed_at.is_(None),
                enrolments.c.expires_at > now,
            )
        ).mappings()
        return [
            Enrolment(
                r["enrolment_id"],
                r["name"],
                r["expires_at"],
                r["issued_by"],
                r["approved_by"],
                r["second_digest"] is not None,
            )
            for r in rows
        ]
