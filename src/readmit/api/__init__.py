"""The HTTP API: ``create_app(app)`` builds the FastAPI application served by ``readmit serve``.

Routes live in ``routes/`` (thin: parse, call one service, render); who may call each is
declared on it with ``@policy`` and checked by ``PolicyRoute``; errors become responses in
``errors.py`` alone. The dashboard is mounted at ``/`` by ``readmit.web.mount`` when present.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi

from readmit import __version__
from readmit.api.docs import install_docs
from readmit.api.errors import error_responses, install_error_handlers
from readmit.api.lifespan import lifespan
from readmit.api.middleware import AccessLog, BodyLimit, Idempotency, NulGuard, SecurityHeaders
from readmit.api.routes import ROUTERS, health
from readmit.services.context import App, bootstrap
from readmit.services.transparency.seals import attest_commits

API_PREFIX = "/api/v1"
OPENAPI_URL = f"{API_PREFIX}/openapi.json"
DOCS_URL = f"{API_PREFIX}/docs"


def _configure_logging() -> None:
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            description=app.description,
            routes=app.routes,
        )
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "an API token"},
            "session": {"type": "apiKey", "in": "cookie", "name": "readmit_session"},
        }
        schema["security"] = [{"bearer": []}, {"session": []}, {}]
        app.openapi_schema = schema
    return app.openapi_schema


def _mount_web(api: FastAPI, app: App) -> None:
    # Found at run time: the API and the dashboard are sibling entry points and never import
    # each other; the server simply serves both when the dashboard is installed.
    try:
        web = importlib.import_module("readmit.web")
    except ModuleNotFoundError:
        return
    mount = getattr(web, "mount", None)
    if callable(mount):
        mount(api, app)


def create_app(app: App) -> FastAPI:
    """Build the HTTP API (and mount the dashboard) on an application context."""
    if app.settings.access_log:
        _configure_logging()
    api = FastAPI(
        title="readmit",
        version=__version__,
        description=(
            "Removal cases, cooperation assessments and the visa sanctions of the installed "
            "regimes' policy packs."
        ),
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan(app),
    )
    attest_commits(app)  # every write the server commits seals the tip of the chain it leaves
    api.state.readmit = app
    install_error_handlers(api)
    # Any call may meet these: a bad credential, a CSRF refusal, a body too large, a busy database.
    router = APIRouter(prefix=API_PREFIX, responses=error_responses(401, 403, 413, 422, 503))
    for child in ROUTERS:
        router.include_router(child)
    api.include_router(router)
    api.include_router(health.router)  # before the dashboard, which is mounted at /
    api.openapi = lambda: _openapi(api)  # type: ignore[method-assign]
    install_docs(api, DOCS_URL, OPENAPI_URL)
    if app.settings.cors_origins:
        api.add_middleware(
            CORSMiddleware,
            allow_origins=app.settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            expose_headers=["ETag", "Location"],
        )
    api.add_middleware(Idempotency, readmit=app)
    api.add_middleware(NulGuard)  # outside Idempotency: a refused body claims no key
    settings = app.settings
    api.add_middleware(
        BodyLimit, max_body=settings.api_max_body_bytes, max_upload=settings.api_max_upload_bytes
    )
    if settings.access_log:
        api.add_middleware(AccessLog)
    api.add_middleware(SecurityHeaders, https=settings.secure_cookies)
    _mount_web(api, app)
    return api


def app_from_env() -> FastAPI:
    """Build the API from the environment's settings: the factory ``readmit serve`` runs."""
    api = create_app(bootstrap())
    # What a server builds at start lives as long as it does: frozen, the cyclic collector's
    # full passes no longer stop every request to scan it (figures: bench/README.md).
    gc.collect()
    gc.freeze()
    return api


__all__ = ["API_PREFIX", "app_from_env", "create_app"]
