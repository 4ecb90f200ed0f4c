"""The page/JSON-twin pattern: one function builds a page's context; two routes render it.

A ``Page`` is registered once and served twice: ``/path`` renders the template, ``/path.json``
returns the same context as JSON (CONVENTIONS.md, "A dashboard page and its JSON twin are built
by the same function"). An ``Action`` is a form post: it checks the CSRF token and the role's
permission, calls one service, and redirects (post/redirect/get) with a flash message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from readmit.domain.errors import InvalidInput, NotFound, PermissionDenied, ReadmitError
from readmit.services.context import Actor, App
from readmit.web import security
from readmit.web.render import FLASH_COOKIE, render_page
from readmit.web.security import ANYONE, WebUser

Builder = Callable[["View"], dict[str, Any]]
Handler = Callable[["View", FormData], "str | Response"]
RawHandler = Callable[["View"], Response]


@dataclass
class View:
    """What a page builder or action sees: the app, the user, the path and query parameters."""

    app: App
    request: Request
    user: WebUser | None
    params: Mapping[str, str]
    query: Mapping[str, str]
    flash: str | None = None

    def arg(self, name: str, default: str = "") -> str:
        """Return a query parameter, stripped, or ``default``."""
        return (self.query.get(name) or default).strip()

    def date_arg(self, name: str, default: date) -> date:
        """Return a query parameter as a date, or raise InvalidInput naming the field."""
        text = self.arg(name)
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{name} must be a date as YYYY-MM-DD, not {text!r}") from None

    def actor(self) -> Actor:
        """Return the signed-in user as the services' Actor."""
        if self.user is None:
            raise PermissionDenied("sign in first")
        return self.user.actor


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    permission: str
    build: Builder
    title: str
    nav: str | None = None
    twin: bool = True


@dataclass(frozen=True)
class Action:
    path: str
    permission: str
    handle: Handler


@dataclass(frozen=True)
class Raw:
    """A GET route that answers with its own response (a download, a progress fragment)."""

    path: str
    permission: str
    serve: Callable[[View], Response]


@dataclass
class Site:
    """Every page and action of the dashboard, with the permission each needs."""

    pages: list[Page] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    raws: list[Raw] = field(default_factory=list)

    def page(
        self,
        path: str,
        template: str,
        permission: str,
        title: str,
        nav: str | None = None,
        twin: bool = True,
    ) -> Callable[[Builder], Builder]:
        """Register a page builder (decorator); ``twin``: also serve it as JSON."""

        def register(build: Builder) -> Builder:
            self.pages.append(Page(path, template, permission, build, title, nav, twin))
            return build

        return register

    def action(self, path: str, permission: str) -> Callable[[Handler], Handler]:
        """Register a form action (decorator)."""

        def register(handle: Handler) -> Handler:
            self.actions.append(Action(path, permission, handle))
            return handle

        return register

    def raw(self, path: str, permission: str) -> Callable[[RawHandler], RawHandler]:
        """Register a GET route that builds its own response (decorator)."""

        def register(serve: RawHandler) -> RawHandler:
            self.raws.append(Raw(path, permission, serve))
            return serve

        return register

    def route_permissions(self) -> dict[tuple[str, str], str]:
        """Return (method, path) -> permission for every route this site serves."""
        table: dict[tuple[str, str], str] = {}
        for page in self.pages:
            table[("GET", page.path)] = page.permission
            if page.twin:
                table[("GET", json_path(page.path))] = page.permission
        for action in self.actions:
            table[("POST", action.path)] = action.permission
        for raw in self.raws:
            table[("GET", raw.path)] = raw.permission
        return table


def json_path(path: str) -> str:
    """Return the JSON twin's path of a page path."""
    return "/index.json" if path == "/" else f"{path}.json"


def build_router(site: Site, app: App) -> APIRouter:
    """Turn the site into routes: JSON twins first, so ``/x/{id}`` never swallows ``.json``."""
    # Plain Starlette routes: the dashboard is not part of the API's OpenAPI description,
    # and its permissions are the site's own table (``Site.route_permissions``).
    router = APIRouter()
    for page in site.pages:
        if page.twin:
            router.add_route(
                json_path(page.path), _json_endpoint(page, app), ["GET"], include_in_schema=False
            )
    for raw in site.raws:
        router.add_route(raw.path, _raw_endpoint(site, raw, app), ["GET"], include_in_schema=False)
    for page in site.pages:
        router.add_route(
            page.path, _html_endpoint(site, page, app), ["GET"], include_in_schema=False
        )
    for action in site.actions:
        router.add_route(
            action.path, _action_endpoint(site, action, app), ["POST"], include_in_schema=False
        )
    return router


def _view(app: App, request: Request, user: WebUser | None) -> View:
    params = {k: str(v) for k, v in request.path_params.items()}
    return View(app, request, user, params, dict(request.query_params))


def _json_endpoint(page: Page, app: App) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        user = security.current_user(app, request)
        try:
            security.require(user, page.permission)
            context = page.build(_view(app, request, user))
        except ReadmitError as error:
            return JSONResponse(error.to_dict(), status_code=status_of(error))
        except Exception as error:  # never a traceback to a user; the log keeps it
            unexpected(request, error)
            return JSONResponse(INTERNAL.to_dict(), status_code=500)
        return JSONResponse(jsonable_encoder(context))

    return endpoint


def _html_endpoint(site: Site, page: Page, app: App) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        user = security.current_user(app, request)
        if user is None and not security.may(None, page.permission):
            return RedirectResponse(f"/login?next={quote(str(request.url.path))}", 303)
        try:
            security.require(user, page.permission)
            context = page.build(_view(app, request, user))
            return render_page(site, app, request, user, page, context)
        except ReadmitError as error:
            return error_page(site, app, request, user, error)
        except Exception as error:  # never a traceback to a user; the log keeps it
            unexpected(request, error)
            return error_page(site, app, request, user, INTERNAL)

    return endpoint


def _raw_endpoint(site: Site, raw: Raw, app: App) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        user = security.current_user(app, request)
        try:
            security.require(user, raw.permission)
            return raw.serve(_view(app, request, user))
        except ReadmitError as error:
            return error_page(site, app, request, user, error)
        except Exception as error:  # never a traceback to a user; the log keeps it
            unexpected(request, error)
            return error_page(site, app, request, user, INTERNAL)

    return endpoint


def _action_endpoint(site: Site, action: Action, app: App) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        form = await request.form()
        user = security.current_user(app, request)
        try:
            security.check_csrf(request, user, form)
            security.require(user, action.permission)
            view = _view(app, request, user)
            target = action.handle(view, form)
        except ReadmitError as error:
            return error_page(site, app, request, user, error, back=request.headers.get("referer"))
        except Exception as error:  # never a traceback to a user; the log keeps it
            unexpected(request, error)
            return error_page(site, app, request, user, INTERNAL)
        if isinstance(target, Response):
            return target
        response = RedirectResponse(target, status_code=303)
        if view.flash:
            response.set_cookie(FLASH_COOKIE, quote(view.flash), path="/", samesite="lax")
        return response

    return endpoint


INTERNAL = ReadmitError("an unexpected error occurred; it has been logged")
log = logging.getLogger("readmit.web")


def unexpected(request: Request, error: Exception) -> None:
    """Log an error no rule foresaw, with the request it broke."""
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)


def status_of(error: ReadmitError) -> int:
    """Return the HTTP status of a readmit error (the web's one mapping)."""
    from readmit.domain.errors import (
        AuthenticationFailed,
        Conflict,
        RateLimited,
        RuleViolation,
        SchemaMissing,
    )

    for kind, status in (
        (AuthenticationFailed, 401),
        (RateLimited, 429),
        (PermissionDenied, 403),
        (NotFound, 404),
        (Conflict, 409),
        (RuleViolation, 422),
        (InvalidInput, 400),
        (SchemaMissing, 503),
    ):
        if isinstance(error, kind):
            return status
    return 500


def error_page(
    site: Site,
    app: App,
    request: Request,
    user: WebUser | None,
    error: ReadmitError,
    back: str | None = None,
) -> HTMLResponse:
    """Render a readmit error as a page with its message (never a traceback)."""
    page = Page(request.url.path, "error.html", ANYONE, lambda v: {}, "Something went wrong")
    context = {"error": error.to_dict(), "back": back}
    response = render_page(site, app, request, user, page, context)
    response.status_code = status_of(error)
    return response
