"""Users and API tokens (administrators, four-eyes for duty-bearing roles), enrolment, login
sessions and who am I (everyone)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from readmit.api.deps import Caller, Ctx, IdempotencyKey
from readmit.api.errors import error_responses
from readmit.api.schemas.users import (
    AccountChangeOut,
    AccountRequestOut,
    EnrolIn,
    EnrolmentOut,
    IssuedTokenOut,
    LoginIn,
    MeOut,
    RedeemIn,
    RoleIn,
    SessionOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
)
from readmit.api.security import PolicyRoute, client_of, policy
from readmit.domain.permissions import Permission as P
from readmit.domain.permissions import permissions_of
from readmit.services.access import accounts, enrolment, sessions
from readmit.services.access import users as user_service
from readmit.services.context import Actor

router = APIRouter(tags=["users"], route_class=PolicyRoute)
UserName = Annotated[str, Path(min_length=1, max_length=64)]
ADMIN_ERRORS = error_responses(401, 403, 404, 409, 422)
# A change to a duty-bearing account is only requested: 202 until a second admin approves it.
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ADMIN_ERRORS,
    202: {"model": AccountChangeOut, "description": "Requested: a second administrator approves"},
}
RequestId = Annotated[str, Path(min_length=1, max_length=64)]


def _me(actor: Actor) -> MeOut:
    perms = sorted(p.value for p in permissions_of(actor.role))
    return MeOut(name=actor.name, role=actor.role, country=actor.country, permissions=perms)


def _outcome(outcome: accounts.Outcome, response: Response | None) -> AccountChangeOut:
    if outcome.pending and response is not None:
        response.status_code = 202
    return AccountChangeOut(
        status="pending" if outcome.pending else "done",
        secret=outcome.secret,
        user=UserOut(**outcome.user.__dict__) if outcome.user else None,
        request=AccountRequestOut(**outcome.request.__dict__) if outcome.request else None,
        enrolment=EnrolmentOut(**outcome.enrolment.__dict__) if outcome.enrolment else None,
    )


def _issued(issued: user_service.IssuedToken, user: user_service.User | None) -> IssuedTokenOut:
    return IssuedTokenOut(
        token=issued.secret,
        token_info=TokenOut(**issued.info.__dict__),
        user=UserOut(**user.__dict__) if user else None,
    )


@router.get("/me", response_model=MeOut, responses=error_responses(401))
@policy(P.SELF)
def me(actor: Caller) -> Any:
    """Who you are, and what your role may do."""
    return _me(actor)


@router.post("/auth/login", response_model=SessionOut, responses=error_responses(401, 422, 429))
@policy()
def login(body: LoginIn, app: Ctx, request: Request, response: Response) -> Any:
    """Log in with a user name and password: sets the session cookie (rate limited)."""
    session = sessions.login(app, body.username, password=body.password, client=client_of(request))
    response.set_cookie(
        sessions.SESSION_COOKIE,
        session.session_id,
        max_age=sessions.SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=app.settings.secure_cookies,
        path="/",
    )
    return SessionOut(
        user=_me(session.user.actor()), csrf_token=session.csrf_token, expires_at=session.expires_at
    )


@router.post("/auth/logout", status_code=204, responses=error_responses(401, 403))
@policy(P.SELF)
def logout(app: Ctx, request: Request, response: Response) -> None:
    """End your web session (a bearer token is not affected)."""
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    if cookie:
        sessions.logout(app, cookie)
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")


@router.post(
    "/auth/enrol",
    status_code=201,
    response_model=IssuedTokenOut,
    responses=error_responses(401, 422, 429),
)
@policy()
def redeem(body: RedeemIn, app: Ctx, request: Request) -> Any:
    """Redeem your enrolment code once: set your password (if sent) and get your API token."""
    command = enrolment.Redeem(body.code, body.second_code, body.password, client_of(request))
    issued = enrolment.redeem(app, command).token
    assert issued is not None  # asked for
    return _issued(issued, None)


@router.post(
    "/me/tokens",
    status_code=201,
    response_model=IssuedTokenOut,
    responses=error_responses(401, 422),
)
@policy(P.SELF)
def issue_own_token(
    body: TokenIn, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Give yourself another API token (shown this once); nobody else can."""
    issued = user_service.issue_token(app, actor, name=actor.name, days=body.days, label=body.label)
    return _issued(issued, None)


@router.get("/users", response_model=list[UserOut], responses=error_responses(401, 403))
@policy(P.USER_MANAGE)
def list_users(app: Ctx) -> Any:
    """Every user, with role and country."""
    return [u.__dict__ for u in user_service.list_users(app)]


@router.post("/users", status_code=201, response_model=AccountChangeOut, responses=CHANGE_ERRORS)
@policy(P.USER_MANAGE)
def add_user(
    body: UserIn,
    app: Ctx,
    actor: Caller,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Add a user; the answer holds the enrolment code to hand them (shown this once).

    A duty-bearing role (admin, determining or visa authority) is only requested: 202, and a
    second administrator approves it at /account-requests/{id}/approve.
    """
    change = accounts.AccountChange(
        "add_user", body.name, body.role.value, body.country, body.token_days
    )
    return _outcome(accounts.change_account(app, actor, change), response)


@router.get("/users/{name}", response_model=UserOut, responses=ADMIN_ERRORS)
@policy(P.USER_MANAGE)
def get_user(name: UserName, app: Ctx) -> Any:
    """One user."""
    return user_service.get_user(app, name).__dict__


@router.post("/users/{name}/revoke", response_model=UserOut, responses=ADMIN_ERRORS)
@policy(P.USER_MANAGE)
def revoke_user(
    name: UserName, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Deactivate a user: their tokens and sessions stop working at once."""
    return user_service.revoke_user(app, name, actor).__dict__


@router.post("/users/{name}/role", response_model=AccountChangeOut, responses=CHANGE_ERRORS)
@policy(P.USER_MANAGE)
def grant_role(
    name: UserName,
    body: RoleIn,
    app: Ctx,
    actor: Caller,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Give a user another role (a duty-bearing one is requested: 202, four-eyes)."""
    change = accounts.AccountChange("grant_role", name, body.role.value, body.country)
    return _outcome(accounts.change_account(app, actor, change), response)


@router.post(
    "/users/{name}/enrolment",
    status_code=201,
    response_model=AccountChangeOut,
    responses=CHANGE_ERRORS,
)
@policy(P.USER_MANAGE)
def enrol(
    name: UserName,
    body: EnrolIn,
    app: Ctx,
    actor: Caller,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """A new enrolment code: the user redeems it to set a new password and get a new token.

    For a duty-bearing user this is requested (202); each administrator holds half the code.
    """
    change = accounts.AccountChange("enrol", name, token_days=body.token_days)
    return _outcome(accounts.change_account(app, actor, change), response)


@router.get(
    "/account-requests",
    response_model=list[AccountRequestOut],
    responses=error_responses(401, 403, 422),
)
@policy(P.USER_MANAGE)
def list_requests(
    app: Ctx,
    status: Annotated[
        Literal["pending", "approved", "refused"] | None, Query(description="default: pending")
    ] = "pending",
) -> Any:
    """Account changes waiting for a second administrator (or decided, by status)."""
    return [r.__dict__ for r in accounts.list_requests(app, status=status)]


@router.post(
    "/account-requests/{request_id}/approve",
    status_code=201,
    response_model=AccountChangeOut,
    responses=ADMIN_ERRORS,
)
@policy(P.USER_MANAGE)
def approve_request(
    request_id: RequestId, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Approve another administrator's request: the change is made; the answer holds the
    second half of the enrolment code (the requester holds the first)."""
    return _outcome(accounts.approve(app, actor, request_id), None)


@router.post(
    "/account-requests/{request_id}/refuse",
    response_model=AccountRequestOut,
    responses=ADMIN_ERRORS,
)
@policy(P.USER_MANAGE)
def refuse_request(
    request_id: RequestId, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None
) -> Any:
    """Refuse a request (or withdraw your own): nothing changes."""
    return accounts.refuse(app, actor, request_id).__dict__


@router.get("/users/{name}/tokens", response_model=list[TokenOut], responses=ADMIN_ERRORS)
@policy(P.USER_MANAGE)
def list_tokens(name: UserName, app: Ctx) -> Any:
    """A user's tokens: ids and expiry, never the secrets."""
    return [t.__dict__ for t in user_service.list_tokens(app, name)]


@router.post("/tokens/{token_id}/revoke", response_model=TokenOut, responses=ADMIN_ERRORS)
@policy(P.USER_MANAGE)
def revoke_token(
    token_id: Annotated[str, Path(min_length=1, max_length=64)],
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Revoke one API token."""
    return user_service.revoke_token(app, token_id, actor).__dict__
