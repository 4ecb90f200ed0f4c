"""Small helpers every router uses: the caller, the application, ETags, pagination."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from readmit.api.security import current_actor
from readmit.domain.errors import InvalidInput
from readmit.services.context import Actor, App


async def get_app(request: Request) -> App:
    """Return the application context the server was built with."""
    # Async, though it does no I/O: FastAPI would run a plain function on a worker thread.
    app: App = request.app.state.readmit
    return app


Caller = Annotated[Actor, Depends(current_actor)]
Ctx = Annotated[App, Depends(get_app)]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Send the same key to retry safely: one effect, the same answer",
    ),
]


def etag(version: int) -> str:
    """Return the strong ETag of a versioned resource."""
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """Read the version an If-Match header expects (None: no precondition)."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput('If-Match must be the ETag you read, such as "3"', if_match=if_match)
    return int(value)
