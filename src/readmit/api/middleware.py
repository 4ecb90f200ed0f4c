"""ASGI middleware: security headers, request size limits, idempotency keys, the access log."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl

import structlog
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from readmit.api.errors import VALIDATION_ERROR, error_response, readmit_error_response
from readmit.domain import validation
from readmit.domain.errors import ReadmitError
from readmit.services.access import idempotency
from readmit.services.context import App

access_log = structlog.get_logger("readmit.access")

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
        "form-action 'self'"
    ),
}
# The dashboard's upload form has the API's upload limit (``api_max_upload_bytes``).
UPLOAD_PATHS = ("/api/v1/screen/batch", "/screening/batch")
# Fields whose values are secrets shown once: never kept for an idempotent replay.
SECRET_FIELDS = frozenset({"token", "secret", "session_id", "csrf_token"})
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
REPLAYED_HEADERS = ("content-type", "etag", "location")


class SecurityHeaders:
    """Add the security headers to every response (a page may set a stricter CSP itself)."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app, self.https = app, https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = {k: v for k, v in SECURITY_HEADERS.items() if k.encode() not in present}
                if api and b"cache-control" not in present:
                    extra["cache-control"] = "no-store"
                if self.https:
                    extra["strict-transport-security"] = "max-age=31536000"
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.encode(), v.encode()) for k, v in extra.items()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """A 413; on a dashboard path its detail is the plain message the error page shows."""

    def __init__(self, limit: int, page_message: str | None = None) -> None:
        super().__init__(413, page_message or f"the request body is larger than {limit} bytes")


def too_large_for_page(path: str, limit: int) -> str:
    """What the dashboard's error page says of a body over ``limit``: the limit and its setting."""
    upload = path.startswith(UPLOAD_PATHS)
    setting = "api_max_upload_bytes" if upload else "api_max_body_bytes"
    what = "file" if upload else "form"
    size = f"{limit:,} bytes"
    if limit >= 1 << 20:
        size = f"{limit / (1 << 20):,.0f} MiB ({size})"
    return (
        f"The {what} is too large: the dashboard accepts at most {size}, the setting {setting}. "
        f"{'Split the file into smaller ones' if upload else 'Send less'}, or ask an "
        f"administrator to raise {setting}."
    )


def _too_large(scope: Scope, limit: int) -> BodyTooLarge:
    path = str(scope.get("path", ""))
    return BodyTooLarge(
        limit, None if path.startswith("/api/") else too_large_for_page(path, limit)
    )


async def refuse_too_large(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, error: BodyTooLarge
) -> None:
    """Answer a body over its limit: the API's 413 JSON, or the dashboard's error page.

    A dashboard request goes on to its page, whose reading of the body raises the 413 that the
    dashboard renders in its layout (``web.site``).
    """
    if str(scope.get("path", "")).startswith("/api/"):
        await error_response(413, "payload_too_large", str(error.detail))(scope, receive, send)
        return

    async def refused() -> Message:
        raise error

    await app(scope, refused, send)


class BodyLimit:
    """Refuse request bodies over the limit (uploads have their own, larger limit)."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload if scope["path"].startswith(UPLOAD_PATHS) else self.max_body
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await refuse_too_large(self.app, scope, receive, send, _too_large(scope, limit))
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large(scope, limit)
            return message

        await self.app(scope, counting, send)


FORM_TYPES = ("application/json", "application/x-www-form-urlencoded")
NUL_MESSAGE = "must not contain a NUL character"


class NulGuard:
    """Refuse a NUL character in a path, a query or a JSON or form body: a 422 naming the field.

    PostgreSQL cannot store one, and no field of readmit's may hold one (``domain/validation``),
    so the API and the dashboard refuse it here, before any route reads it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        field = _nul_in_path(scope) or _nul_in_query(scope)
        content_type = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
        body: bytes | None = None
        if field is None and content_type in FORM_TYPES:
            try:
                body = await _read_body(receive)
            except BodyTooLarge as error:
                await refuse_too_large(self.app, scope, receive, send, error)
                return
            field = _nul_in_body(body, content_type)
        if field is not None:
            await _nul_refused(scope, field)(scope, receive, send)
            return
        await self.app(scope, receive if body is None else _replay_receive(body), send)


def _nul_in_path(scope: Scope) -> str | None:
    path = str(scope.get("path", ""))
    if validation.NUL not in path:
        return None
    for template in _path_templates(scope.get("app")):
        regex, _, _ = compile_path(template)
        found = regex.match(path)
        if found:
            for name, value in found.groupdict().items():
                if validation.NUL in value:
                    return f"path.{name}"
    return "path"


def _path_templates(app: Any) -> list[str]:
    """The API's path templates (``/api/v1/sanctions/{sanction_id}``), from its OpenAPI."""
    openapi = getattr(app, "openapi", None)
    return list(openapi().get("paths", {})) if callable(openapi) else []


def _nul_in_query(scope: Scope) -> str | None:
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    if "%00" not in query and validation.NUL not in query:
        return None
    for name, value in parse_qsl(query, keep_blank_values=True):
        if validation.NUL in name or validation.NUL in value:
            return f"query.{name.replace(validation.NUL, '')}"
    return None


def _nul_in_body(body: bytes, content_type: str) -> str | None:
    if content_type == "application/json":
        if b"\\u0000" not in body and b"\x00" not in body:
            return None
        try:
            return _nul_in_json(json.loads(body), "body")
        except ValueError:
            return None  # not JSON: the route's own parsing answers it
    text = body.decode("utf-8", "replace")
    for name, value in parse_qsl(text, keep_blank_values=True):
        if validation.NUL in name or validation.NUL in value:
            return name.replace(validation.NUL, "") or "form"
    return None


def _nul_in_json(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        return where if validation.NUL in value else None
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        if validation.NUL in str(key):
            return where
        found = _nul_in_json(item, f"{where}.{key}")
        if found:
            return found
    return None


def _nul_refused(scope: Scope, field: str) -> Any:
    if str(scope.get("path", "")).startswith("/api/"):
        return VALIDATION_ERROR.respond(
            f"invalid request: {field}: {NUL_MESSAGE}",
            {"errors": [{"field": field, "message": NUL_MESSAGE, "type": "string_nul"}]},
        )
    return PlainTextResponse(
        f"The field {field!r} holds a NUL character (an invisible control character), which "
        "readmit cannot keep. Remove it and send the form again.",
        status_code=422,
    )


def _route_path(scope: Scope) -> str:
    """The path's template: the path with each path parameter's value replaced by its name.

    Built from what routing put in the scope (its endpoint, its parameters), so it is the same
    for API routes and dashboard pages (``/cases/{case_id}.json`` too); a mounted app (static
    files, the docs' assets) is its mount point and ``{path}``. Never an identifier.
    """
    if scope.get("endpoint") is None:
        return "(unmatched)"
    root = str(scope.get("root_path", ""))
    if root != str(scope.get("app_root_path", root)):  # inside a mounted app
        return root[len(str(scope["app_root_path"])) :] + "/{path}"
    segments = str(scope["path"]).split("/")
    # Longest first, so that one value within another (``K`` in ``KH-1``) is not replaced inside it.
    params = sorted((scope.get("path_params") or {}).items(), key=lambda kv: -len(str(kv[1])))
    for name, value in params:
        text = str(value)
        if text:
            segments = [_named(segment, text, name) for segment in segments]
    return "/".join(segments)


def _named(segment: str, value: str, name: str) -> str:
    """``{name}`` for a segment that is the value, or the value and a suffix (``KH-1.json``)."""
    if segment == value or segment.startswith(value + "."):
        return "{" + name + "}" + segment[len(value) :]
    return segment


class AccessLog:
    """One structured line per request: route template (never the identifiers in the path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watching)
        finally:
            state = scope.get("state", {})
            # The API's caller, or the dashboard's signed-in user.
            actor = state.get("actor") or state.get("web_user")
            access_log.info(
                "request",
                method=scope["method"],
                route=_route_path(scope),
                status=status or 500,
                ms=round((time.perf_counter() - started) * 1000, 2),
                user=getattr(actor, "name", None),
                role=getattr(actor, "role", None),
            )


def _principal(headers: Headers) -> str:
    credential = headers.get("authorization") or headers.get("cookie") or "anonymous"
    return hashlib.sha256(credential.encode()).hexdigest()[:40]


def _redacted(body: bytes, content_type: str) -> bytes:
    if not content_type.startswith("application/json"):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if isinstance(data, dict) and SECRET_FIELDS & data.keys():
        data = {k: (None if k in SECRET_FIELDS else v) for k, v in data.items()}
        data["replayed_without_secret"] = True
        return json.dumps(data).encode()
    return body


class Idempotency:
    """Honour an ``Idempotency-Key`` on POST: one effect, the same answer to every retry.

    The request runs as a ``KeyedRequest``: its unit of work writes the key's record in the
    transaction of its effect (``store/idempotency``); the answer is stored on it afterwards.
    """

    def __init__(self, app: ASGIApp, readmit: App, wait_seconds: float = 30.0) -> None:
        self.app, self.readmit, self.wait_seconds = app, readmit, wait_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if scope["path"].endswith("/auth/login"):
            await self.app(scope, receive, send)
            return
        if not KEY_PATTERN.match(key):
            await error_response(
                422, "invalid_idempotency_key", "an Idempotency-Key is 1-255 printable characters"
            )(scope, receive, send)
            return
        try:
            body = await _read_body(receive)
        except BodyTooLarge as error:
            await error_response(413, "payload_too_large", str(error.detail))(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        request = idempotency.KeyedRequest(
            principal=_principal(headers),
            key=key,
            method=scope["method"],
            path=scope["path"],
            body_digest=hashlib.sha256(query + b"\n" + body).hexdigest(),
        )
        await self._handle(scope, send, request, body)

    async def _handle(
        self, scope: Scope, send: Send, request: idempotency.KeyedRequest, body: bytes
    ) -> None:
        try:
            earlier = await self._earlier(request)
        except ReadmitError as error:
            await _error(error)(scope, _replay_receive(body), send)
            return
        if earlier is not None:
            await _send_stored(earlier, send)
            return
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], message["headers"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            if not request.lost:  # the answer is the first request's, sent below
                await send(message)

        with idempotency.serving(request):
            await self.app(scope, _replay_receive(body), capture)
        if request.lost:
            try:
                answer = await self._earlier(request) or _lost_answer(request)
            except ReadmitError as error:
                answer = _stored_error(error)
            await _send_stored(answer, send)
            return
        await self._settle(request, captured)

    async def _earlier(self, request: idempotency.KeyedRequest) -> idempotency.Stored | None:
        """The stored answer for this key, waiting a while for one whose effect is committed."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            found = await run_in_threadpool(idempotency.look_up, self.readmit, request)
            if not isinstance(found, idempotency.Effect):
                return found
            if found.orphaned or time.monotonic() > deadline:
                return idempotency.effect_response(found)
            await asyncio.sleep(0.05)

    async def _settle(self, request: idempotency.KeyedRequest, captured: dict[str, Any]) -> None:
        status = captured["status"]
        if status >= 500 or (status in {401, 403, 413, 429} and not request.recorded):
            # Refused before it ran, or failed: a retry may run it (an effect stays recorded).
            return
        headers = {
            k.decode().lower(): v.decode()
            for k, v in captured["headers"]
            if k.decode().lower() in REPLAYED_HEADERS
        }
        body = _redacted(captured["body"], headers.get("content-type", ""))
        stored = idempotency.Stored(status, body, headers)
        await run_in_threadpool(idempotency.store_response, self.readmit, request, stored)


def _lost_answer(request: idempotency.KeyedRequest) -> idempotency.Stored:
    """The answer when the record vanished between losing the race and reading it (expired)."""
    return idempotency.effect_response(idempotency.Effect(request.events, orphaned=True))


def _stored_error(error: ReadmitError) -> idempotency.Stored:
    response = readmit_error_response(error)
    return idempotency.Stored(
        response.status_code, bytes(response.body), {"content-type": "application/json"}
    )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_receive(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _error(error: ReadmitError) -> Any:
    return readmit_error_response(error)


async def _send_stored(stored: idempotency.Stored, send: Send) -> None:
    headers = [(k.encode(), v.encode()) for k, v in stored.headers.items()]
    if "idempotent-replayed" not in stored.headers:
        headers.append((b"idempotent-replayed", b"true"))
    headers.append((b"content-length", str(len(stored.body)).encode()))
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})
