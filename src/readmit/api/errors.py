"""The one place where errors become HTTP responses: ``{code, message, details}`` and a status.

No stack trace ever reaches a client: an unexpected error is logged server-side and answered
with a 500 body that names only an incident id to quote.
"""

from __future__ import annotations

import secrets
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from readmit.domain.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    LedgerCorrupt,
    NotFound,
    PackError,
    PermissionDenied,
    RateLimited,
    ReadmitError,
    RuleViolation,
    SchemaMissing,
    SeparationOfDuties,
    StaleVersion,
)

log = structlog.get_logger("readmit.api")

# Most specific first. A rule the domain refuses in the current state is a 409 (the request is
# well formed, the state of the case or sanction conflicts with it).
STATUS: list[tuple[type[ReadmitError], int]] = [
    (StaleVersion, 412),
    (AuthenticationFailed, 401),
    (RateLimited, 429),
    (SeparationOfDuties, 403),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (RuleViolation, 409),
    (SchemaMissing, 503),
    (PackError, 503),
    (LedgerCorrupt, 503),
    (ReadmitError, 400),
]
HTTP_CODES = {
    400: "bad_request",
    401: "authentication_failed",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    500: "internal_error",
    503: "database_unavailable",
    411: "length_required",
    412: "stale_version",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "rate_limited",
}


class ErrorBody(BaseModel):
    """Every error the API returns has this shape."""

    code: str = Field(description="Stable machine-readable code, e.g. illegal_transition")
    message: str = Field(description="What went wrong and what to do, for a person")
    details: dict[str, Any] = Field(default_factory=dict, description="Structured context")


def status_of(error: ReadmitError) -> int:
    """Return the HTTP status for a domain error."""
    return next(status for kind, status in STATUS if isinstance(error, kind))


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build the JSON error response every edge of the API uses."""
    body = {"code": code, "message": message, "details": details or {}}
    return JSONResponse(body, status_code=status, headers=headers)


def _headers_for(error: ReadmitError) -> dict[str, str]:
    if isinstance(error, AuthenticationFailed):
        return {"WWW-Authenticate": 'Bearer realm="readmit"'}
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.details.get("retry_after", 60))}
    return {}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


async def _readmit_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ReadmitError)
    return error_response(
        status_of(error),
        error.code,
        error.message,
        _jsonable(error.details),
        _headers_for(error),
    )


def _field(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [
        {"field": _field(tuple(e.get("loc", ()))), "message": e.get("msg", ""), "type": e["type"]}
        for e in error.errors()
    ]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return error_response(
        422, "validation_error", f"invalid request: {summary}", {"errors": fields}
    )


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        # FastAPI's "error parsing the body" (not JSON, not UTF-8): a validation error like any.
        return error_response(422, "validation_error", f"unreadable request body: {error.detail}")
    code = HTTP_CODES.get(error.status_code, "http_error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    headers = dict(error.headers) if error.headers else None
    return error_response(error.status_code, code, message, headers=headers)


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    incident = secrets.token_hex(6)
    log.error("database_unavailable", incident=incident, error=type(error).__name__)
    return error_response(
        503,
        "database_unavailable",
        f"the database is busy or unreachable; retry shortly (incident {incident})",
        {"incident": incident},
        {"Retry-After": "1"},
    )


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    incident = secrets.token_hex(6)
    log.exception("unexpected_error", incident=incident, route=_route(request))
    return error_response(
        500,
        "internal_error",
        f"an unexpected error happened; quote incident {incident} to the administrator",
        {"incident": incident},
    )


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "?"))


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the stable JSON body, in this one place."""
    app.add_exception_handler(ReadmitError, _readmit_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(PoolTimeout, _database_error)
    app.add_exception_handler(Exception, _unexpected)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Return OpenAPI ``responses`` documenting these error statuses with ErrorBody."""
    return {
        status: {"model": ErrorBody, "description": HTTP_CODES.get(status, "error")}
        for status in statuses
    }
