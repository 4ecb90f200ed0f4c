"""Who is calling, and may they call this route at all: checked before the body is read.

Every route declares a policy (the permissions of which any one suffices) with ``@policy``.
``PolicyRoute`` refuses to build a route without one, and checks it before FastAPI parses or
validates the request, so a role that may never take an action gets 403 whatever it sends,
and learns nothing about the resource.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute

from readmit.domain.errors import AuthenticationFailed, PermissionDenied
from readmit.domain.permissions import Permission, Role, permissions_of
from readmit.services.access import sessions
from readmit.services.access import users as user_service
from readmit.services.context import Actor, App

POLICY_ATTR = "__readmit_policy__"
PUBLIC = Actor("public", Role.PUBLIC.value)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Policy:
    """Any one of ``permissions`` lets a caller in; no permissions means anyone may call."""

    permissions: frozenset[Permission]

    def allows(self, role: str) -> bool:
        """Tell whether ``role`` passes this policy."""
        return not self.permissions or bool(self.permissions & permissions_of(role))

    def check(self, actor: Actor) -> None:
        """Raise 401 for an anonymous caller, 403 for a role that may never do this."""
        if self.allows(actor.role):
            return
        if actor.role == Role.PUBLIC:
            raise AuthenticationFailed(
                "this needs an API token (Authorization: Bearer …) or a login session"
            )
        needed = ", ".join(sorted(p.value for p in self.permissions))
        raise PermissionDenied(f"a {actor.role} may not do this (needs {needed})", needs=needed)


def policy(*permissions: Permission) -> Callable[[F], F]:
    """Declare who may call a route: any of ``permissions`` (none: open to everyone)."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, POLICY_ATTR, Policy(frozenset(permissions)))
        return endpoint

    return mark


def policy_of(route: APIRoute) -> Policy | None:
    """Return the policy declared on a route's endpoint, or None."""
    found = getattr(route.endpoint, POLICY_ATTR, None)
    return found if isinstance(found, Policy) else None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthenticationFailed("send the token as 'Authorization: Bearer <token>'")
    return value.strip()


def _authenticate(app: App, request: Request) -> Actor:
    token = _bearer(request)
    if token is not None:
        return user_service.authenticate_token(app, token)
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    if not cookie:
        return PUBLIC
    session = sessions.session_user(app, cookie)
    if session is None:
        raise AuthenticationFailed("the session has ended; log in again")
    if request.method not in SAFE_METHODS:
        # A cookie is sent by the browser on its own: unsafe calls must prove they come from us.
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise PermissionDenied(f"a call made with a session cookie needs the {CSRF_HEADER}")
    return session.user.actor()


async def current_actor(request: Request) -> Actor:
    """Return (and remember for this request) who is calling."""
    actor = getattr(request.state, "actor", None)
    if isinstance(actor, Actor):
        return actor
    app: App = request.app.state.readmit
    token = _bearer(request)
    # A token checked a moment ago needs no query, so no hop to a worker thread either.
    found = user_service.recently_checked(app, token) if token is not None else None
    if found is None:
        found = await run_in_threadpool(_authenticate, app, request)
    elif token is not None and user_service.due_for_check(app, token):
        _check_in_background(app, token)
    request.state.actor = found
    return found


# Background checks in flight: the loop keeps only weak references to its tasks.
_CHECKS: set[asyncio.Task[None]] = set()


def _check_in_background(app: App, token: str) -> None:
    task = asyncio.get_running_loop().create_task(
        run_in_threadpool(user_service.check_again, app, token)
    )
    _CHECKS.add(task)
    task.add_done_callback(_CHECKS.discard)


def client_of(request: Request) -> str:
    """Return the caller's address, for the access log and the login rate limit."""
    return request.client.host if request.client else ""


class PolicyRoute(APIRoute):
    """An API route that authenticates and checks its policy before anything else."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not isinstance(getattr(endpoint, POLICY_ATTR, None), Policy):
            raise TypeError(f"route {path} has no @policy: every route must say who may call it")
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        route_policy = getattr(self.endpoint, POLICY_ATTR)

        async def checked(request: Request) -> Response:
            route_policy.check(await current_actor(request))
            return await handler(request)

        return checked


@dataclass(frozen=True)
class Operation:
    """One route of the API as served: its full path, methods and declared policy."""

    path: str
    methods: frozenset[str]
    route: BaseRoute
    policy: Policy | None


def operations(app: Starlette) -> list[Operation]:
    """Return every route the application serves, with the policy declared on it (if any)."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        endpoint = context.endpoint or getattr(route, "endpoint", None)
        declared = getattr(endpoint, POLICY_ATTR, None)
        found.append(
            Operation(
                str(context.path or getattr(route, "path", "")),
                frozenset(context.methods or ()),
                route,
                declared if isinstance(declared, Policy) else None,
            )
        )
    return found
