"""The web dashboard: server-rendered pages on the same services and permissions as the API.

``mount`` adds the dashboard to a FastAPI application (``readmit.api.create_app`` calls it):
the pages at ``/`` (the public sanctions registry at ``/sanctions``), each page's JSON twin at
the same path plus ``.json``, the vendored static assets at ``/static``.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from readmit.domain.errors import NotFound
from readmit.services.context import App
from readmit.web import charts, security
from readmit.web.site import build_router, error_page
from readmit.web.views import site

STATIC = Path(__file__).parent / "static"


def mount(fastapi_app: FastAPI, app_ctx: App) -> None:
    """Serve the dashboard from ``fastapi_app``, on the application ``app_ctx``."""
    fastapi_app.mount("/static", StaticFiles(directory=STATIC), name="static")
    fastapi_app.include_router(build_router(site, app_ctx))
    _pages_for_unknown_paths(fastapi_app, app_ctx)
    charts.warm_up()


def _pages_for_unknown_paths(fastapi_app: FastAPI, app_ctx: App) -> None:
    """Answer a browser that asks for a path no page has with the dashboard's "not found"
    page (with the navigation, and a way back); programs, and every path under /api, keep the
    API's JSON error body."""
    as_json = fastapi_app.exception_handlers[HTTPException]

    async def handler(request: Request, error: Exception) -> Response:
        wants_page = "text/html" in request.headers.get("accept", "")
        if (
            isinstance(error, HTTPException)
            and error.status_code == 404
            and wants_page
            and not request.url.path.startswith("/api/")
        ):
            missing = NotFound(f"there is no page at {request.url.path}; check the address")
            return await run_in_threadpool(_not_found_page, app_ctx, request, missing)
        answer = as_json(request, error)
        return await answer if inspect.isawaitable(answer) else answer

    fastapi_app.add_exception_handler(HTTPException, handler)


def _not_found_page(app_ctx: App, request: Request, missing: NotFound) -> Response:
    user = security.current_user(app_ctx, request)
    return error_page(site, app_ctx, request, user, missing, back="/")


__all__ = ["mount", "site"]
