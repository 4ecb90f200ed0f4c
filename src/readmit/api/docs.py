"""Interactive API docs served from the vendored Swagger UI: no CDN, works offline."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>readmit API</title>
<link rel="stylesheet" href="{base}/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{base}/assets/swagger-ui-bundle.js"></script>
<script src="{base}/init.js"></script></body></html>
"""
INIT = """window.ui = SwaggerUIBundle({{
  url: "{spec}", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"
}});
"""


def install_docs(app: FastAPI, base: str, spec: str) -> None:
    """Serve Swagger UI at ``base`` reading the OpenAPI document at ``spec``."""
    assets = Path(swagger_ui_bundle.swagger_ui_path)

    async def page(_: Request) -> Response:
        return HTMLResponse(PAGE.format(base=base))

    async def init(_: Request) -> Response:
        return Response(INIT.format(spec=spec), media_type="application/javascript")

    app.add_route(base, page, include_in_schema=False)
    app.add_route(f"{base}/init.js", init, include_in_schema=False)
    app.mount(f"{base}/assets", StaticFiles(directory=assets), name="api-docs-assets")
