"""Sign in, enrol with a one-time code, and sign out, on the server-side sessions."""

from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from readmit.domain.errors import InvalidInput
from readmit.services.access import enrolment, sessions
from readmit.web.security import ANON_COOKIE, ANYONE, SESSION_COOKIE
from readmit.web.site import View
from readmit.web.views import site

HOME_BY_ROLE = {
    "admin": "/analyst",
    "analyst": "/analyst",
    "case_officer": "/cases",
    "consular_officer": "/screening",
    "partner_liaison": "/partner",
    "determining_authority": "/authority/determinations",
    "visa_authority": "/authority/orders",
    "reintegration_caseworker": "/arrivals",
}


def safe_next(target: str) -> str:
    """Return ``target`` if it is a path on this site, else the home page (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@site.page("/login", "login.html", ANYONE, "Sign in", twin=False)
def login_page(view: View) -> dict[str, Any]:
    """The sign-in form."""
    return {"next": safe_next(view.arg("next", "/"))}


@site.action("/login", ANYONE)
def login(view: View, form: FormData) -> str | Response:
    """Check the credentials, open a server-side session and set its cookie."""
    client = view.request.client.host if view.request.client else ""
    session = sessions.login(
        view.app,
        str(form.get("username") or ""),
        password=str(form.get("password") or ""),
        client=client,
    )
    return _signed_in(view, session, safe_next(str(form.get("next") or "")))


@site.page("/enrol", "enrol.html", ANYONE, "Enrol", twin=False)
def enrol_page(view: View) -> dict[str, Any]:
    """The form where a user redeems the enrolment code an administrator handed them."""
    return {}


@site.action("/enrol", ANYONE)
def enrol(view: View, form: FormData) -> str | Response:
    """Redeem the code once, set the user's own password, and sign them in."""
    client = view.request.client.host if view.request.client else ""
    password = str(form.get("password") or "")
    if not password:
        raise InvalidInput("choose a password of at least 12 characters", field="password")
    second = str(form.get("second_code") or "").strip() or None
    command = enrolment.Redeem(
        str(form.get("code") or "").strip(), second, password, client, want_token=False
    )
    redeemed = enrolment.redeem(view.app, command)
    session = sessions.login(view.app, redeemed.user, password=password, client=client)
    return _signed_in(view, session, "/")


def _signed_in(view: View, session: sessions.WebSession, target: str) -> Response:
    if target in {"/", "/login", "/enrol"}:
        target = HOME_BY_ROLE.get(session.user.role, "/")
    response = RedirectResponse(target, status_code=303)
    secure = view.app.settings.secure_cookies
    response.set_cookie(
        SESSION_COOKIE, session.session_id, httponly=True, samesite="lax", secure=secure, path="/"
    )
    response.delete_cookie(ANON_COOKIE, path="/")
    return response


@site.action("/logout", ANYONE)
def logout(view: View, form: FormData) -> str | Response:
    """End the session on the server, then forget its cookie."""
    if view.user is not None:
        sessions.logout(view.app, view.user.token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
