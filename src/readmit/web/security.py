"""Who is signed in, what they may do, and the CSRF check on every form.

The session itself is the users service's (server-side, in the store); the browser holds only
its opaque id in an HttpOnly, SameSite=Lax cookie. A signed-in user's forms carry the session's
own CSRF token, kept on the server beside the session (the synchronizer-token pattern), so a
page on another origin cannot forge a post. Before sign-in (the login form) the token is an HMAC
keyed by a random cookie of the visitor's own (double submit). In both cases the Origin header,
when the browser sends one, must be this site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.datastructures import FormData

from readmit.domain.errors import PermissionDenied
from readmit.domain.permissions import Role, permissions_of
from readmit.services.access import sessions
from readmit.services.context import Actor, App

# Pages anyone may open, signed in or not, that need no permission at all (sign-in itself).
ANYONE = "anyone"
SESSION_COOKIE = sessions.SESSION_COOKIE
ANON_COOKIE = "readmit_csrf"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class WebUser:
    """The signed-in user as the web sees them."""

    name: str
    role: str
    country: str | None
    permissions: frozenset[str]
    token: str
    csrf: str

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.country)

    def may(self, permission: str) -> bool:
        """Tell whether this user holds ``permission``."""
        return permission == ANYONE or permission in self.permissions


def current_user(app: App, request: Request) -> WebUser | None:
    """Return the user of the request's session, or None (expired or absent)."""
    cached: WebUser | bool | None = getattr(request.state, "web_user", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    token = request.cookies.get(SESSION_COOKIE)
    user = None
    if token:
        found = sessions.session_user(app, token)
        if found is not None:
            user = WebUser(
                found.user.name,
                found.user.role,
                found.user.country,
                frozenset(str(p) for p in permissions_of(found.user.role)),
                token,
                found.csrf_token,
            )
    request.state.web_user = user
    return user


def public_permissions() -> frozenset[str]:
    """Return what anyone may do without signing in."""
    return frozenset(str(p) for p in permissions_of(Role.PUBLIC))


def may(user: WebUser | None, permission: str) -> bool:
    """Tell whether ``user`` (None: an anonymous visitor) holds ``permission``."""
    if permission == ANYONE or permission in public_permissions():
        return True
    return user is not None and user.may(permission)


def require(user: WebUser | None, permission: str) -> None:
    """Raise PermissionDenied unless ``user`` holds ``permission``."""
    if permission == ANYONE or permission in public_permissions():
        return
    if user is None:
        raise PermissionDenied("sign in to see this page")
    if not user.may(permission):
        raise PermissionDenied(
            f"your role ({user.role}) may not do this: it needs the {permission} permission",
            permission=permission,
        )


def _anon_token(key: str) -> str:
    return hmac.new(key.encode(), b"readmit-form", hashlib.sha256).hexdigest()


def csrf_token(request: Request, user: WebUser | None) -> str:
    """Return the CSRF token to embed in this visitor's forms."""
    if user is not None:
        return user.csrf
    key = request.cookies.get(ANON_COOKIE) or str(getattr(request.state, "anon_csrf", ""))
    if not key:
        key = secrets.token_urlsafe(32)
        request.state.anon_csrf = key
    return _anon_token(key)


def set_anon_cookie(request: Request, response: Response) -> None:
    """Give a visitor without a session the random cookie that keys their forms' tokens."""
    key = getattr(request.state, "anon_csrf", "")
    if key and not request.cookies.get(ANON_COOKIE):
        response.set_cookie(ANON_COOKIE, key, httponly=True, samesite="strict", path="/")


def check_csrf(request: Request, user: WebUser | None, form: FormData) -> None:
    """Refuse a form post whose token or origin is not this site's."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and _host_of(origin) != request.headers.get("host"):
        raise PermissionDenied("this form was posted from another site; it was refused")
    sent = str(form.get(CSRF_FIELD) or "")
    if user is not None:
        expected = user.csrf
    else:
        key = request.cookies.get(ANON_COOKIE, "")
        expected = _anon_token(key) if key else ""
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise PermissionDenied(
            "the form's security token is missing or out of date; reload the page and try again"
        )


def _host_of(origin: str) -> str:
    return origin.split("://", 1)[-1].rstrip("/")
