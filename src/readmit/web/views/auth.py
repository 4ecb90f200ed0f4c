"""Sign in and sign out, on the users service's server-side sessions."""

from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from readmit.services.access import sessions
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
    target = safe_next(str(form.get("next") or ""))
    if target in {"/", "/login"}:
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
