"""Idempotency keys: the same POST sent twice with one key has one effect and one answer.

A key is scoped to the credential that sent it. The first request claims the key (a pending
row); when it finishes, its response is stored and every retry gets that response back. A retry
with a different body is refused; a retry while the first is still running waits for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from readmit.domain.errors import Conflict, InvalidInput
from readmit.domain.events import utc_now, utc_text
from readmit.services.access.access_log import writing
from readmit.services.context import App
from readmit.store.auth_schema import idempotency_keys

# Responses are kept for a day: long enough for any client's retries.
KEEP = timedelta(hours=24)
# A claim older than this whose request never finished (a crashed worker) may be taken over.
STALE_CLAIM = timedelta(minutes=2)


@dataclass(frozen=True)
class Stored:
    """A finished request's response, replayed to retries."""

    status: int
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Pending:
    """Another request with this key is still running."""


def claim(
    app: App,
    principal: str,
    *,
    key: str,
    method: str,
    path: str,
    body_digest: str,
) -> Stored | Pending | None:
    """Claim ``key`` for a new request (None), or return what an earlier one left."""
    now = utc_now()
    row = {
        "principal": principal,
        "key": key,
        "method": method,
        "path": path,
        "body_digest": body_digest,
        "created_at": utc_text(now),
    }
    where = and_(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
    with writing(app) as conn:
        conn.execute(
            delete(idempotency_keys).where(idempotency_keys.c.created_at < utc_text(now - KEEP))
        )
        found = conn.execute(select(idempotency_keys).where(where)).mappings().first()
        if found is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(idempotency_keys).values(**row))
                return None
            except IntegrityError:
                found = conn.execute(select(idempotency_keys).where(where)).mappings().one()
        if (found["method"], found["path"], found["body_digest"]) != (method, path, body_digest):
            raise InvalidInput(
                "this Idempotency-Key was already used for a different request; "
                "use a new key for a new request",
                idempotency_key=key,
            )
        if found["status_code"] is not None:
            headers = json.loads(found["response_headers"] or "{}")
            return Stored(found["status_code"], found["response_body"].encode(), headers)
        if found["created_at"] < utc_text(now - STALE_CLAIM):
            conn.execute(update(idempotency_keys).where(where).values(created_at=row["created_at"]))
            return None
    return Pending()


def finish(
    app: App,
    principal: str,
    *,
    key: str,
    stored: Stored,
) -> None:
    """Store the response of the request that claimed ``key``."""
    where = and_(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
    with writing(app) as conn:
        conn.execute(
            update(idempotency_keys)
            .where(where)
            .values(
                status_code=stored.status,
                response_body=stored.body.decode("utf-8", "replace"),
                response_headers=json.dumps(stored.headers),
            )
        )


def release(app: App, principal: str, key: str) -> None:
    """Give up a claim (the request was refused before it ran), so a retry may run."""
    where = and_(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
    with writing(app) as conn:
        conn.execute(
            delete(idempotency_keys).where(where, idempotency_keys.c.status_code.is_(None))
        )


def in_progress(key: str) -> Conflict:
    """The error for a retry that waited too long for the first request."""
    return Conflict(
        "a request with this Idempotency-Key is still being processed; retry shortly",
        idempotency_key=key,
    )
