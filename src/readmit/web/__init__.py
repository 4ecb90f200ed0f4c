"""The web dashboard: server-rendered pages on the same services and permissions as the API.

``mount`` adds the dashboard to a FastAPI application (``readmit.api.create_app`` calls it):
the pages at ``/`` (the public sanctions registry at ``/sanctions``), each page's JSON twin at
the same path plus ``.json``, the vendored static assets at ``/static``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from readmit.services.context import App
from readmit.web import charts
from readmit.web.site import build_router
from readmit.web.views import site

STATIC = Path(__file__).parent / "static"


def mount(fastapi_app: FastAPI, app_ctx: App) -> None:
    """Serve the dashboard from ``fastapi_app``, on the application ``app_ctx``."""
    fastapi_app.mount("/static", StaticFiles(directory=STATIC), name="static")
    fastapi_app.include_router(build_router(site, app_ctx))
    charts.warm_up()


__all__ = ["mount", "site"]
