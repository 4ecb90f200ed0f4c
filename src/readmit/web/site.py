"""The page/JSON-twin pattern: one function builds a page's context; two routes render it.

A ``Page`` is registered once and served twice: ``/path`` renders the template, ``/path.json``
returns the same context as JSON (docs/dashboard.md, "Every page has a JSON twin"): both are
built by the same function. An ``Action`` is a form post: it checks the CSRF token and the role's
permission, calls one service, and redirects (post/redirect/get) with a flash message.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from readmit.domain.dates import parse_date
from readmit.domain.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    ReadmitError,
    RuleViolation,
    SchemaMissing,
)
from readmit.services.context import Actor, App
from readmit.web import security
from readmit.web.render import FLASH_COOKIE, render_page
from readmit.web.security import ANYONE, WebUser

Builder = Callable[["View"], dict[str, Any]]
# What a route needs: one permission, or several of which any one suffices (as an API @policy).
Needs = str | tuple[str, ...]
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
    # What the page was read with, each date (and ledger position) made explicit: its permalink.
    pinned: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str = "") -> str:
        """Return a query parameter, stripped, or ``default``."""
        return (self.query.get(name) or default).strip()

    def date_arg(self, name: str, default: date) -> date:
        """Return a query parameter as a date, or raise InvalidInput naming the field."""
        found = parse_date(self.arg(name), name) or default
        if found not in (date.min, date.max):  # the sentinels of "not named" are not pinned
            self.pin(name, found.isoformat())
        return found

    def pin(self, name: str, value: str) -> None:
        """Name a value the page was read with (a date, a ledger position) in its permalink."""
        self.pinned[name] = value

    def permalink(self) -> str:
        """Return the page's address with every date it was read with made explicit."""
        query = {**{k: v for k, v in self.query.items() if v}, **self.pinned}
        path = self.request.url.path
        return f"{path}?{urlencode(sorted(query.items()))}" if query else path

    def actor(self) -> Actor:
        """Return the signed-in user as the services' Actor."""
        if self.user is None:
            raise PermissionDenied("sign in first")
        return self.user.actor


@dataclass(frozen=True)
class Table:
    """Which rows of a page's context are its table, and its columns: the page's CSV twin.

    ``columns`` maps each CSV heading to the path of its value in a row (``metrics.backlog``);
    the CSV is cut from the context the JSON twin returns, so it never holds a field the
    viewer's role may not see.
    """

    key: str
    columns: Mapping[str, str]
    # A page about one thing names its CSV after it ("countries-KH-….csv").
    name: Callable[[View], str] = lambda view: ""

    def rows(self, context: Mapping[str, Any]) -> list[list[Any]]:
        """Return the table's rows, each a list of values in the order of ``columns``."""
        return [
            [_at(row, path) for path in self.columns.values()] for row in _key(context, self.key)
        ]


def _walk(found: Any, path: str) -> Any:
    for part in path.split("."):
        found = found.get(part) if isinstance(found, Mapping) else None
    return found


def _key(context: Mapping[str, Any], path: str) -> list[Any]:
    found = _walk(context, path)
    return found if isinstance(found, list) else []


def _at(row: Any, path: str) -> Any:
    found = _walk(row, path)
    if isinstance(found, bool):  # as CSV readers expect, not Python's True/False
        return "true" if found else "false"
    return "" if found is None else found


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    permission: str
    build: Builder
    title: str
    nav: str | None = None
    twin: bool = True
    table: Table | None = None


@dataclass(frozen=True)
class Action:
    path: str
    permission: Needs
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
        table: Table | None = None,
    ) -> Callable[[Builder], Builder]:
        """Register a page builder (decorator); ``twin``: also serve it as JSON; ``table``:
        also serve that table of it as CSV."""

        def register(build: Builder) -> Builder:
            self.pages.append(Page(path, template, permission, build, title, nav, twin, table))
            return build

        return register

    def action(self, path: str, permission: Needs) -> Callable[[Handler], Handler]:
        """Register a form action (decorator); a tuple of permissions: any one suffices."""

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

    def route_permissions(self) -> dict[tuple[str, str], Needs]:
        """Return (method, path) -> permission(s) for every route this site serves."""
        table: dict[tuple[str, str], Needs] = {}
        for page in self.pages:
            table[("GET", page.path)] = page.permission
            if page.twin:
                table[("GET", json_path(page.path))] = page.permission
            if page.table is not None:
                table[("GET", csv_path(page.path))] = page.permission
        for action in self.actions:
            table[("POST", action.path)] = action.permission
        for raw in self.raws:
            table[("GET", raw.path)] = raw.permission
        return table


def json_path(path: str) -> str:
    """Return the JSON twin's path of a page path."""
    return "/index.json" if path == "/" else f"{path}.json"


def csv_path(path: str) -> str:
    """Return the CSV twin's path of a page path."""
    return "/index.csv" if path == "/" else f"{path}.csv"


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
        if page.table is not None:
            router.add_route(
                csv_path(page.path), _csv_endpoint(page, app), ["GET"], include_in_schema=False
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
        with answering(request, _json_error) as answer:
            user = security.current_user(app, request)
            security.require(user, page.permission)
            context = page.build(_view(app, request, user))
            answer.give(JSONResponse(jsonable_encoder(context)))
        return answer.response

    return endpoint


def _csv_endpoint(page: Page, app: App) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        with answering(request, _json_error) as answer:
            user = security.current_user(app, request)
            security.require(user, page.permission)
            view = _view(app, request, user)
            # Cut from the context as the JSON twin gives it (a page's rows may be dataclasses).
            context = jsonable_encoder(page.build(view))
            answer.give(csv_response(page, view, context))
        return answer.response

    return endpoint


def csv_response(page: Page, view: View, context: Mapping[str, Any]) -> Response:
    """The page's table as CSV: a header of column names, then its rows; the source and the
    page it was cut from travel in the headers, never inside the data."""
    assert page.table is not None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(page.table.columns))
    writer.writerows(page.table.rows(context))
    path = view.request.url.path
    page_path = "/" if path == "/index.csv" else path.removesuffix(".csv")
    html = page_path + view.permalink()[len(path) :]
    stem = "-".join(
        part
        for part in (_stem(page.path), page.table.name(view), view.pinned.get("to") or "")
        if part
    )
    headers = {
        "Link": f'<{quote(html, safe="/?=&:")}>; rel="alternate"; type="text/html"',
        "Content-Disposition": f'attachment; filename="{stem}.csv"',
        "Cache-Control": "no-store",
    }
    if context.get("source"):
        headers["Readmit-Source"] = _ascii(str(context["source"]))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _stem(path: str) -> str:
    words = [p for p in path.strip("/").split("/") if p and not p.startswith("{")]
    return "-".join(words) or "index"


def _ascii(text: str) -> str:
    """An HTTP header is Latin-1: a source's typography is spelled in ASCII."""
    for typographic, plain in (("…", "..."), ("–", "-"), ("—", "-"), ("’", "'")):
        text = text.replace(typographic, plain)
    return text.encode("ascii", "replace").decode("ascii")


def _json_error(error: ReadmitError) -> Response:
    return JSONResponse(error.to_dict(), status_code=status_of(error))


def _html_endpoint(site: Site, page: Page, app: App) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        # The user is found inside the guard (their session is read from the store), so the
        # error page shows them signed out when that read is what failed.
        user: security.WebUser | None = None
        with answering(request, lambda e: error_page(site, app, request, user, e)) as answer:
            user = security.current_user(app, request)
            if user is None and not security.may(None, page.permission):
                return RedirectResponse(f"/login?next={quote(str(request.url.path))}", 303)
            security.require(user, page.permission)
            view = _view(app, request, user)
            context = page.build(view)
            context = {**context, **take_away(page, view)}
            answer.give(render_page(site, app, request, user, page, context))
        return answer.response

    return endpoint


def take_away(page: Page, view: View) -> dict[str, str]:
    """A table page's permalink (its dates made explicit) and its CSV twin's address."""
    if page.table is None:
        return {}
    permalink = view.permalink()
    path = view.request.url.path
    return {"permalink": permalink, "csv_url": csv_path(path) + permalink[len(path) :]}


def _raw_endpoint(site: Site, raw: Raw, app: App) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        user: security.WebUser | None = None
        with answering(request, lambda e: error_page(site, app, request, user, e)) as answer:
            user = security.current_user(app, request)
            security.require(user, raw.permission)
            answer.give(raw.serve(_view(app, request, user)))
        return answer.response

    return endpoint


def _action_endpoint(site: Site, action: Action, app: App) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        user: security.WebUser | None = None
        back = request.headers.get("referer")
        try:
            # Closed on the way out: an uploaded file's spool is released whatever it did.
            async with request.form() as form:
                with answering(
                    request, lambda e: error_page(site, app, request, user, e, back=back)
                ) as answer:
                    user = security.current_user(app, request)
                    security.check_csrf(request, user, form)
                    require_any(user, action.permission)
                    view = _view(app, request, user)
                    answer.give(_after_action(view, action.handle(view, form)))
        except HTTPException as error:  # only reading the body raises one: the size limit's 413
            if error.status_code != 413:
                raise
            return too_large_page(site, app, request, str(error.detail), back)
        return answer.response

    return endpoint


class BodyTooLarge(InvalidInput):
    """A body over the server's limit, as the error page names it (the API's code for it)."""

    code = "payload_too_large"


def too_large_page(
    site: Site, app: App, request: Request, message: str, back: str | None
) -> HTMLResponse:
    """The error page of a body over the limit (its message names the limit and the setting)."""
    user = security.current_user(app, request)
    response = error_page(site, app, request, user, BodyTooLarge(message), back=back)
    response.status_code = 413
    return response


def require_any(user: WebUser | None, needs: Needs) -> None:
    """Raise PermissionDenied unless ``user`` holds one of ``needs`` (the API's @policy rule)."""
    if isinstance(needs, str):
        security.require(user, needs)
        return
    if any(security.may(user, permission) for permission in needs):
        return
    if user is None:
        raise PermissionDenied("sign in to see this page")
    raise PermissionDenied(
        f"your role ({user.role}) may not do this: it needs one of the permissions "
        f"{', '.join(needs)}",
        permission=list(needs),
    )


def _after_action(view: View, target: str | Response) -> Response:
    """Post/redirect/get: send the browser to ``target``, carrying the view's flash message."""
    if isinstance(target, Response):
        return target
    response = RedirectResponse(target, status_code=303)
    if view.flash:
        response.set_cookie(FLASH_COOKIE, quote(view.flash), path="/", samesite="lax")
    return response


INTERNAL = ReadmitError("an unexpected error occurred; it has been logged")
# The store's message names the database, for the operator (the CLI, the log); a visitor is told
# what is wrong and what to do, never where the data lives.
SCHEMA_MISSING = SchemaMissing(
    "the dashboard's database has no readmit schema; an administrator must run "
    "`readmit db upgrade`, or point READMIT_DATABASE_URL at a migrated database"
)
log = logging.getLogger("readmit.web")


@dataclass
class Answer:
    """The response of an ``answering`` block: the one it gave, or its error's."""

    given: Response | None = None

    def give(self, response: Response) -> None:
        """Answer with ``response`` (the block ran to its end)."""
        self.given = response

    @property
    def response(self) -> Response:
        """The response to send; only a block that neither gave one nor raised has none."""
        if self.given is None:
            raise RuntimeError("an answering block ended without giving a response")
        return self.given


@contextmanager
def answering(request: Request, render: Callable[[ReadmitError], Response]) -> Iterator[Answer]:
    """Answer any error the block raises with ``render``: the dashboard's one error mapping.

    As httpx maps transport errors in one place, every page, twin, raw route and action runs
    in this block: a readmit error is rendered as what a user may be told of it, anything else
    is logged and rendered as ``INTERNAL`` (never a traceback to a user).
    """
    answer = Answer()
    try:
        yield answer
    except ReadmitError as error:
        answer.give(render(shown(error)))
    except Exception as error:
        unexpected(request, error)
        answer.give(render(INTERNAL))


def shown(error: ReadmitError) -> ReadmitError:
    """Return the error as a visitor may see it (a missing schema without the database's URL)."""
    if isinstance(error, SchemaMissing):
        log.error("%s", error.message)  # the operator's message, with the URL, stays in the log
        return SCHEMA_MISSING
    return error


def unexpected(request: Request, error: Exception) -> None:
    """Log an error no rule foresaw, with the request it broke."""
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)


def status_of(error: ReadmitError) -> int:
    """Return the HTTP status of a readmit error (the web's one mapping)."""
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
