"""``readmit serve``: the HTTP API under /api/v1 and the dashboard at /, with uvicorn."""

from __future__ import annotations

from typing import Any

import typer
import uvicorn

from readmit.cli.base import app, err, get_app
from readmit.settings import Settings

# An import string, not an object: each worker process builds its own app from the settings.
APP_FACTORY = "readmit.api:app_from_env"


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's forwarded-header options: believe X-Forwarded-* only from the named proxies."""
    # uvicorn believes them from 127.0.0.1 by default, so anyone on the machine (or a proxy
    # that passes the header through) could choose the address the throttle and the log see.
    trusted = [str(proxy) for proxy in settings.trusted_proxies]
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or ""}


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
) -> None:
    """Serve the HTTP API (/api/v1, docs at /api/v1/docs) and the dashboard (/)."""
    application = get_app()
    with application.uow(write=False):
        pass  # refuse to start on a database without the schema (exit 3, with what to do)
    err.print(f"readmit serving on http://{host}:{port}/ (API docs: /api/v1/docs)")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        server_header=False,
        **proxy_options(application.settings),
        # A worker imports the whole CLI (its main module) before it answers: allow for a busy
        # machine rather than kill and respawn workers that are merely slow to start.
        timeout_worker_healthcheck=180,
    )
