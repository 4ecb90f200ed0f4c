"""The API's documentation: interactive docs from the vendored Swagger UI (no CDN, works
offline), and the error table of docs/api.md, generated from the API's status mapping.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from readmit.api.errors import error_codes

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


# docs/api.md keeps its error table between these lines; the rest of the file is written by hand.
TABLE_START = (
    "<!-- error table: generated from api/errors.py by `uv run python scripts/api_error_table.py`;"
    " a test checks it is current -->"
)
TABLE_END = "<!-- end of the generated error table -->"


def render_error_table() -> str:
    """Return the Markdown table of every error code the API answers (status, code, meaning)."""
    lines = ["| status | code | `Retry-After` | what it means, what to do |", "|---|---|---|---|"]
    for row in error_codes():
        retry = "yes" if row.retry_after else "no"
        lines.append(f"| {row.status} | `{row.code}` | {retry} | {row.meaning} |")
    return "\n".join(lines) + "\n"


def with_error_table(document: str) -> str:
    """Return ``document`` (docs/api.md) with the table between its markers regenerated."""
    head, start, rest = document.partition(TABLE_START + "\n")
    _, end, tail = rest.partition(TABLE_END)
    if not start or not end:
        raise ValueError(
            f"the document lacks the error table's markers:\n{TABLE_START}\n{TABLE_END}"
        )
    return f"{head}{start}{render_error_table()}{end}{tail}"
