"""Users and API tokens (administrators), login sessions and who am I (everyone)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from readmit.api.deps import Caller, Ctx, IdempotencyKey
from readmit.api.errors import error_responses
from readmit.api.schemas import (
    IssuedTokenOut,
    LoginIn,
    MeOut,
    PasswordIn,
    SessionOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
)
from readmit.api.security import PolicyRoute, client_of, policy
from readmit.domain.permissions import Permission as P
from readmit.domain.permissions import permissions_of
from readmit.services.access import sessions
from readmit.services.access import users as user_service
from readmit.services.context import Actor

router = APIRouter(tags=["users"], route_class=PolicyRoute)
UserName = Annotated[str, Path(min_length=1, max_length=64)]
ADMIN_ERRORS = error_responses(401, 403, 404, 409, 422)


def _me(actor: Actor) -> MeOut:
    perms = sorted(p.value for p in permissions_of(actor.role))
    return MeOut(name=actor.name, role=actor.role, country=actor.country, permissions=perms)


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


@router.get("/users", response_model=list[UserOut], responses=error_responses(401, 403))
@policy(P.USER_MANAGE)
def list_users(app: Ctx) -> Any:
    """Every user, with role and country."""
    return [u.__dict__ for u in user_service.list_users(app)]


@router.post("/users", status_code=201, response_model=IssuedTokenOut, responses=ADMIN_ERRORS)
@policy(P.USER_MANAGE)
def add_user(body: UserIn, app: Ctx, actor: Caller, idempotency_key: IdempotencyKey = None) -> Any:
    """Add a user; the answer holds their first API token, shown this once."""
    issued = user_service.add_user(
        app,
        actor,
        name=body.name,
        role=body.role.value,
        country=body.country,
        password=body.password,
        token_days=body.token_days,
    )
    return _issued(issued, user_service.get_user(app, body.name))


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


@router.post("/users/{name}/password", response_model=UserOut, responses=ADMIN_ERRORS)
@policy(P.USER_MANAGE)
def reset_password(
    name: UserName,
    body: PasswordIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Set a user's password (their web sessions end)."""
    return user_service.reset_password(app, actor, name=name, password=body.password).__dict__


@router.get("/users/{name}/tokens", response_model=list[TokenOut], responses=ADMIN_ERRORS)
@policy(P.USER_MANAGE)
def list_tokens(name: UserName, app: Ctx) -> Any:
    """A user's tokens: ids and expiry, never the secrets."""
    return [t.__dict__ for t in user_service.list_tokens(app, name)]


@router.post(
    "/users/{name}/tokens", status_code=201, response_model=IssuedTokenOut, responses=ADMIN_ERRORS
)
@policy(P.USER_MANAGE)
def issue_token(
    name: UserName,
    body: TokenIn,
    app: Ctx,
    actor: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Give a user a new API token, shown this once."""
    return _issued(
        user_service.issue_token(app, actor, name=name, days=body.days, label=body.label), None
    )


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
