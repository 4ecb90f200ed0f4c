"""Account changes made by administrators, with four-eyes for the duty-bearing roles.

Separation of duties (INA 243(d)) means nothing unless one administrator cannot become the
determining and the visa authority at once. So creating a user with a duty-bearing role
(``DUTY_ROLES``), granting one, or enrolling such a user anew (a new password and token) is a
*request* that a second, different administrator approves; the request, the approval and the
grant are ledger events naming both. No administrator ever receives a password or a token of
another user: they receive an enrolment code to hand over (``enrolment``), and for a
duty-bearing user each of the two administrators holds one half of it.

Other changes (a user of another role, revoking a user or a token) an administrator makes alone:
they give nobody the power to act as an authority. The server's command line acts alone too
(``users.add_user``): it is the operator's bootstrap (docs/security.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import RowMapping, Select, select, update

from readmit.domain.errors import Conflict, NotFound, PermissionDenied
from readmit.domain.events import NewEvent, utc_now, utc_text
from readmit.domain.permissions import Role
from readmit.services.access import enrolment
from readmit.services.access.tokens import recent_tokens
from readmit.services.access.users import (
    DEFAULT_TOKEN_DAYS,
    User,
    check_name,
    checked_role,
    digest,
    insert_user,
    reset_credentials,
    set_role,
    user_row,
)
from readmit.services.context import Actor, App
from readmit.services.transparency import signs_a_head
from readmit.store.auth_schema import account_requests
from readmit.store.uow import UnitOfWork

DUTY_ROLES = frozenset(
    {Role.DETERMINING_AUTHORITY.value, Role.VISA_AUTHORITY.value, Role.ADMIN.value}
)
# A request not approved within a week lapses: the change must be asked for again.
REQUEST_DAYS = 7
Change = Literal["add_user", "grant_role", "enrol"]


@dataclass(frozen=True)
class AccountChange:
    """One change an administrator asks for: add a user, grant a role, or enrol a user anew."""

    change: Change
    user: str
    role: str | None = None
    country: str | None = None
    token_days: int = DEFAULT_TOKEN_DAYS


@dataclass(frozen=True)
class AccountRequest:
    """A change waiting for (or decided by) a second administrator."""

    request_id: str
    change: str
    user: str
    role: str | None
    country: str | None
    requested_by: str
    requested_at: str
    expires_at: str
    status: str
    decided_by: str | None

    @classmethod
    def from_row(cls, row: RowMapping) -> AccountRequest:
        """Build a request from its row."""
        return cls(
            row["request_id"],
            row["change"],
            row["user_name"],
            row["role"],
            row["country"],
            row["requested_by"],
            row["requested_at"],
            row["expires_at"],
            row["status"],
            row["decided_by"],
        )


@dataclass(frozen=True)
class Outcome:
    """What a change did: ``secret`` is a code (or its half) to hand over, shown this once."""

    user: User | None = None
    request: AccountRequest | None = None
    enrolment: enrolment.Enrolment | None = None
    secret: str | None = None

    @property
    def pending(self) -> bool:
        return self.request is not None and self.request.status == "pending"


def _admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("only an administrator changes accounts")


def needs_second_admin(uow: UnitOfWork, command: AccountChange) -> bool:
    """Tell whether the change touches a duty-bearing role (and so needs four-eyes)."""
    if command.change == "enrol":
        return str(user_row(uow.conn, command.user)["role"]) in DUTY_ROLES
    return (command.role or "") in DUTY_ROLES


@signs_a_head("account change")
def change_account(app: App, actor: Actor, command: AccountChange) -> Outcome:
    """Make the change, or (for a duty-bearing role) record the request a second admin approves."""
    _admin(actor)
    _validate(command)
    with app.uow() as uow:
        if needs_second_admin(uow, command):
            outcome = _request(uow, actor, command, app.settings.enrolment_hours)
        else:
            outcome = _apply(uow, actor, command, hours=app.settings.enrolment_hours)
        uow.commit()
    recent_tokens(app).forget_all()
    return outcome


def _validate(command: AccountChange) -> None:
    check_name(command.user)
    if command.change != "enrol":
        checked_role(command.role or "", command.country)
    enrolment.check_token_days(command.token_days)


def _request(uow: UnitOfWork, actor: Actor, command: AccountChange, hours: int) -> Outcome:
    _precheck(uow, command)
    now, request_id = utc_now(), "req_" + secrets.token_hex(8)
    half = enrolment.new_code()
    row = {
        "request_id": request_id,
        "change": command.change,
        "user_name": command.user,
        "role": command.role,
        "country": command.country.upper() if command.country else None,
        "token_days": command.token_days,
        "first_digest": digest(half) if half else None,
        "requested_by": actor.name,
        "requested_at": utc_text(now),
        "expires_at": utc_text(now + timedelta(days=REQUEST_DAYS)),
        "status": "pending",
    }
    uow.conn.execute(account_requests.insert().values(**row))
    request = AccountRequest.from_row(uow.conn.execute(_by_id(request_id)).mappings().one())
    uow.record([_request_event("account_change_requested", actor, request)])
    return Outcome(request=request, secret=half)


def _precheck(uow: UnitOfWork, command: AccountChange) -> None:
    """Refuse at once what the grant would refuse later (an existing name, a revoked user)."""
    exists = _exists(uow, command.user)
    if command.change == "add_user" and exists:
        raise Conflict(f"user {command.user!r} already exists", user=command.user)
    if command.change != "add_user":
        row = user_row(uow.conn, command.user)
        if not row["active"]:
            raise Conflict(
                f"user {command.user!r} is revoked; add a new user instead", user=command.user
            )


def _exists(uow: UnitOfWork, name: str) -> bool:
    try:
        user_row(uow.conn, name)
    except NotFound:
        return False
    return True


def _request_event(kind: str, actor: Actor, request: AccountRequest, **extra: str) -> NewEvent:
    payload = {
        "request_id": request.request_id,
        "change": request.change,
        "user": request.user,
        "role": request.role,
        "country": request.country,
        "requested_by": request.requested_by,
        **extra,
    }
    return NewEvent(
        kind,
        "account_request",
        request.request_id,
        utc_now().date(),
        actor.name,
        actor.role,
        payload,
    )


def _apply(
    uow: UnitOfWork,
    actor: Actor,
    command: AccountChange,
    *,
    hours: int,
    request: AccountRequest | None = None,
    first_digest: str | None = None,
) -> Outcome:
    approval = {"requested_by": request.requested_by, "approved_by": actor.name} if request else {}
    if command.change == "add_user":
        insert_user(
            uow,
            actor,
            name=command.user,
            role=command.role or "",
            country=command.country,
            **approval,
        )
    elif command.change == "grant_role":
        if request is not None:
            # Credentials issued while the user held no duty (perhaps by one admin alone) must
            # not carry a duty-bearing role: they end, and the user enrols under four-eyes.
            approval["credentials_reset"] = "yes"
            reset_credentials(uow, user_row(uow.conn, command.user)["id"])
        set_role(
            uow,
            actor,
            name=command.user,
            role=command.role or "",
            country=command.country,
            **approval,
        )
    found = user_row(uow.conn, command.user)
    if command.change == "grant_role" and request is None:
        return Outcome(user=User.from_row(found), request=request)
    opened, code = enrolment.issue(
        uow,
        actor,
        user=found,
        token_days=command.token_days,
        hours=hours,
        first_digest=first_digest,
        requested_by=request.requested_by if request else None,
    )
    return Outcome(user=User.from_row(found), request=request, enrolment=opened, secret=code)


def _by_id(request_id: str) -> Select[Any]:
    return select(account_requests).where(account_requests.c.request_id == request_id)


def _pending(uow: UnitOfWork, request_id: str) -> RowMapping:
    row = uow.conn.execute(_by_id(request_id[:64])).mappings().first()
    if row is None:
        raise NotFound(f"no account request {request_id!r}", request_id=request_id)
    if row["status"] != "pending":
        raise Conflict(f"request {request_id} is already {row['status']}", request_id=request_id)
    if row["expires_at"] <= utc_text(utc_now()):
        raise Conflict(
            f"request {request_id} has lapsed; ask for the change again", request_id=request_id
        )
    return row


@signs_a_head("account request approved")
def approve(app: App, actor: Actor, request_id: str) -> Outcome:
    """A second administrator approves a request: the change is made, both are named."""
    _admin(actor)
    with app.uow() as uow:
        row = _pending(uow, request_id)
        if row["requested_by"] == actor.name:
            raise PermissionDenied(
                "a request needs a second administrator: you asked for this change yourself",
                request_id=request_id,
            )
        _decide(uow, request_id, "approved", actor)
        request = AccountRequest.from_row(uow.conn.execute(_by_id(request_id)).mappings().one())
        uow.record(
            [_request_event("account_change_approved", actor, request, approved_by=actor.name)]
        )
        command = AccountChange(
            row["change"], row["user_name"], row["role"], row["country"], row["token_days"]
        )
        outcome = _apply(
            uow,
            actor,
            command,
            hours=app.settings.enrolment_hours,
            request=request,
            first_digest=row["first_digest"],
        )
        uow.commit()
    recent_tokens(app).forget_all()
    return outcome


@signs_a_head("account request refused")
def refuse(app: App, actor: Actor, request_id: str) -> AccountRequest:
    """Refuse a request (or withdraw one's own): nothing changes but the record of it."""
    _admin(actor)
    with app.uow() as uow:
        _pending(uow, request_id)
        _decide(uow, request_id, "refused", actor)
        request = AccountRequest.from_row(uow.conn.execute(_by_id(request_id)).mappings().one())
        uow.record(
            [_request_event("account_change_refused", actor, request, refused_by=actor.name)]
        )
        uow.commit()
    return request


def _decide(uow: UnitOfWork, request_id: str, status: str, actor: Actor) -> None:
    uow.conn.execute(
        update(account_requests)
        .where(account_requests.c.request_id == request_id)
        .values(status=status, decided_by=actor.name, decided_at=utc_text(utc_now()))
    )


def list_requests(app: App, *, status: str | None = "pending") -> list[AccountRequest]:
    """Return account requests, newest first (by default those still waiting)."""
    query = select(account_requests).order_by(account_requests.c.requested_at.desc())
    if status:
        query = query.where(account_requests.c.status == status)
    with app.uow(write=False) as uow:
        return [AccountRequest.from_row(r) for r in uow.conn.execute(query).mappings()]
