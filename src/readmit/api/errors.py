"""The one place where errors become HTTP responses: ``{code, message, details}`` and a status.

No stack trace ever reaches a client: an unexpected error is logged server-side and answered
with a 500 body that names only an incident id to quote. ``error_codes`` lists every code the
API can answer, from the same mapping; docs/api.md's error table is generated from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from readmit.domain import errors, ids
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
    StoreFailed,
)

log = structlog.get_logger("readmit.api")

# Most specific first. A rule the domain refuses in the current state is a 409 (the request is
# well formed, the state of the case or sanction conflicts with it). What the server itself
# lacks (a schema, a pack, a sound ledger, a write the database took) is a 503, never a 4xx:
# the client's request was not at fault.
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
    (StoreFailed, 503),
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

# The store's message names the database (for the operator, who reads the CLI or the log); a
# client is told what is wrong and what to do, never where the data lives.
SCHEMA_MISSING_MESSAGE = (
    "the server's database has no readmit schema; an administrator must run "
    "`readmit db upgrade`, or point READMIT_DATABASE_URL at a migrated database"
)


@dataclass(frozen=True)
class EdgeAnswer:
    """An error the HTTP edge answers itself, not raised by the domain."""

    status: int
    code: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def respond(self, message: str, details: dict[str, Any] | None = None) -> JSONResponse:
        """Return this answer with ``message`` as the JSON error response."""
        return error_response(self.status, self.code, message, details, dict(self.headers))


VALIDATION_ERROR = EdgeAnswer(422, "validation_error")
METHOD_NOT_ALLOWED = EdgeAnswer(405, "method_not_allowed")  # Starlette's, through _http_error
PAYLOAD_TOO_LARGE = EdgeAnswer(413, "payload_too_large")  # middleware.BodyLimit's
INVALID_IDEMPOTENCY_KEY = EdgeAnswer(422, "invalid_idempotency_key")  # middleware's
# A busy or unreachable database clears by itself: the client may retry at once.
DATABASE_UNAVAILABLE = EdgeAnswer(503, "database_unavailable", {"Retry-After": "1"})
INTERNAL_ERROR = EdgeAnswer(500, "internal_error")
EDGE_ANSWERS = (
    VALIDATION_ERROR,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    INVALID_IDEMPOTENCY_KEY,
    DATABASE_UNAVAILABLE,
    INTERNAL_ERROR,
)

# What each code means and what to do about it: the last column of docs/api.md's error table.
# A code the API can answer without a line here fails the test that keeps that table current.
MEANINGS: dict[str, str] = {
    "error": "a refusal no more specific code names; the message says what to do",
    "authentication_failed": "no, unknown, revoked or expired credentials "
    "(`WWW-Authenticate: Bearer`); send a valid token or log in again",
    "permission_denied": "your role may not do this (or a session call lacks its "
    "`X-CSRF-Token`); ask someone whose role may",
    "separation_of_duties": "this sanction step is the other authority's (the regime's "
    "separation of duties); that authority records it",
    "not_found": "no such resource or path, or one outside your scope; check the identifier",
    "method_not_allowed": "the path does not take this method; see the OpenAPI description",
    "conflict": "the request clashes with what is recorded (or a job still runs); reload and "
    "decide again",
    "duplicate": "the same thing is recorded already; nothing new was written",
    "rule_violation": "the domain refuses the step in the current state; the message says why",
    "illegal_transition": "the case's state does not allow this event; `details.allowed` "
    "lists the events it does",
    "document_expired": "the travel document has expired by that day; record a valid one first",
    "flight_full": "the flight has no seat left; choose another flight",
    "nationality_disputed": "the partner disputes the person's nationality; settle it first",
    "wrong_destination": "the flight goes to another country than the case's; choose one that "
    "goes there",
    "stale_version": "`If-Match` is not the current version (`details` has it); reload and "
    "decide again",
    "payload_too_large": "the body is over the limit (1 MiB for JSON, 256 MiB for batch "
    "uploads: `READMIT_API_MAX_BODY_BYTES`, `READMIT_API_MAX_UPLOAD_BYTES`); send less",
    "validation_error": "the request does not fit the schema; `details.errors[]` has `field`, "
    "`message` and `type` for each field",
    "invalid_input": "a value is wrong (a date, an event name, the same `Idempotency-Key` with "
    "another body); the message names it",
    "invalid_setting": "a setting of the server cannot be read (it names which); the operator "
    "fixes or unsets it",
    "unknown_country": "the pack knows no such country; send an ISO 3166 alpha-2 code it has",
    "unreadable_file": "the upload is not a CSV or Parquet file readmit can read, or lacks a "
    "required column; fix the file and send it again",
    "invalid_idempotency_key": "an `Idempotency-Key` is 1-255 printable characters",
    "rate_limited": "too many failed logins for the user name or from the address; wait the "
    "`Retry-After` seconds",
    "internal_error": "a fault no rule foresaw; quote `details.incident` to the administrator",
    "database_unavailable": "the database is busy or unreachable; retry after `Retry-After` "
    "seconds",
    "schema_missing": "the server's database has no readmit schema: an administrator runs "
    "`readmit db upgrade` or points `READMIT_DATABASE_URL` at a migrated database (no "
    "`Retry-After`: retrying does not help until then)",
    "pack_error": "the server's policy pack failed to load; an administrator fixes the pack",
    "ledger_corrupt": "the ledger's hash chain does not verify; an administrator runs "
    "`readmit audit verify`",
    "store_failed": "the database refused or lost a write; tell the administrator if a retry "
    "fails too",
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


def readmit_error_response(error: ReadmitError) -> JSONResponse:
    """Answer a domain error: its status, its headers, and what a client may be told of it."""
    message, details = _public(error)
    return error_response(status_of(error), error.code, message, details, _headers_for(error))


def _public(error: ReadmitError) -> tuple[str, dict[str, Any]]:
    if isinstance(error, SchemaMissing):
        log.error("schema_missing", detail=error.message)  # the operator's message, with the URL
        return SCHEMA_MISSING_MESSAGE, {}
    return error.message, _jsonable(error.details)


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
    return readmit_error_response(error)


def _field(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [
        {"field": _field(tuple(e.get("loc", ()))), "message": e.get("msg", ""), "type": e["type"]}
        for e in error.errors()
    ]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return VALIDATION_ERROR.respond(f"invalid request: {summary}", {"errors": fields})


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        # FastAPI's "error parsing the body" (not JSON, not UTF-8): a validation error like any.
        return VALIDATION_ERROR.respond(f"unreadable request body: {error.detail}")
    code = HTTP_CODES.get(error.status_code, "http_error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    headers = dict(error.headers) if error.headers else None
    return error_response(error.status_code, code, message, headers=headers)


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    incident = ids.incident_id()
    log.error("database_unavailable", incident=incident, error=type(error).__name__)
    return DATABASE_UNAVAILABLE.respond(
        f"the database is busy or unreachable; retry shortly (incident {incident})",
        {"incident": incident},
    )


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    incident = ids.incident_id()
    log.exception("unexpected_error", incident=incident, route=_route(request))
    return INTERNAL_ERROR.respond(
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


@dataclass(frozen=True)
class ErrorCode:
    """One code the API can answer with: a row of docs/api.md's error table."""

    status: int
    code: str
    retry_after: bool
    meaning: str


def error_codes() -> list[ErrorCode]:
    """Return every code the API can answer, by status then code, with what it means."""
    found: dict[str, tuple[int, Mapping[str, str]]] = {
        error.code: (status_of(error), _headers_for(error)) for error in _one_of_each()
    }
    found |= {answer.code: (answer.status, answer.headers) for answer in EDGE_ANSWERS}
    rows = [
        ErrorCode(status, code, "Retry-After" in headers, _meaning(code))
        for code, (status, headers) in found.items()
    ]
    return sorted(rows, key=lambda row: (row.status, row.code))


def _one_of_each() -> Iterator[ReadmitError]:
    # Every class of the one hierarchy, asked through the same functions a response is built
    # with, so the table cannot say what the handler does not do.
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, ReadmitError):
            yield value("")


def _meaning(code: str) -> str:
    if code not in MEANINGS:
        raise LookupError(f"error code {code!r} has no meaning: add it to api/errors.py MEANINGS")
    return MEANINGS[code]
