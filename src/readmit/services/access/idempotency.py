"""Idempotency keys: the same POST sent twice with one key has one effect and one answer.

A key is scoped to the credential that sent it. Nothing is claimed before a request runs: the
request's unit of work writes the key's record in the transaction of its effect
(``store/idempotency``), so the effect and its record commit together, and a crash at any
moment leaves both or neither. When the response is ready it is stored on the record, and
every retry gets it back. A retry that finds the effect committed but its response never
stored (the server died in between) gets the effect itself rendered as the answer
(``effect_response``). A retry with a different body is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from readmit.domain.errors import InvalidInput
from readmit.domain.events import utc_now, utc_text
from readmit.services.access.access_log import writing
from readmit.services.context import App
from readmit.store.auth_schema import idempotency_keys
from readmit.store.idempotency import KeyedRequest, serving, where

__all__ = [
    "Effect",
    "KeyedRequest",
    "Stored",
    "effect_response",
    "look_up",
    "serving",
    "store_response",
]

# Responses are kept for a day: long enough for any client's retries.
KEEP = timedelta(hours=24)
# An effect whose response is missing for longer than this lost it (the server died).
ORPHANED = timedelta(seconds=30)
# A record without an answer from before this process started was left by one that died.
PROCESS_STARTED = utc_now()


@dataclass(frozen=True)
class Stored:
    """A finished request's response, replayed to retries."""

    status: int
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Effect:
    """The effect of a request with this key is committed; its response was never stored."""

    events: list[str]
    orphaned: bool


def look_up(app: App, request: KeyedRequest) -> Stored | Effect | None:
    """What an earlier request with this key left: its response, its bare effect, or nothing."""
    now = utc_now()
    with writing(app) as conn:
        conn.execute(
            delete(idempotency_keys).where(idempotency_keys.c.created_at < utc_text(now - KEEP))
        )
        found = (
            conn.execute(select(idempotency_keys).where(where(request.principal, request.key)))
            .mappings()
            .first()
        )
    if found is None:
        return None
    earlier = (found["method"], found["path"], found["body_digest"])
    if earlier != (request.method, request.path, request.body_digest):
        raise InvalidInput(
            "this Idempotency-Key was already used for a different request; "
            "use a new key for a new request",
            idempotency_key=request.key,
        )
    if found["status_code"] is not None:
        headers = json.loads(found["response_headers"] or "{}")
        return Stored(found["status_code"], found["response_body"].encode(), headers)
    created = datetime.fromisoformat(found["created_at"])
    orphaned = created < PROCESS_STARTED or created < now - ORPHANED
    return Effect(json.loads(found["effect"] or "[]"), orphaned)


def store_response(app: App, request: KeyedRequest, stored: Stored) -> None:
    """Keep the response of ``request`` for its retries.

    A request whose effect is recorded updates its record; one that had no effect (it was
    refused with a 4xx) writes a record holding only the answer, unless a request with the
    key got there first.
    """
    values = {
        "status_code": stored.status,
        "response_body": stored.body.decode("utf-8", "replace"),
        "response_headers": json.dumps(stored.headers),
    }
    with writing(app) as conn:
        if request.recorded:
            conn.execute(
                update(idempotency_keys)
                .where(where(request.principal, request.key))
                .values(**values)
            )
            return
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(idempotency_keys).values(
                        principal=request.principal,
                        key=request.key,
                        method=request.method,
                        path=request.path,
                        body_digest=request.body_digest,
                        created_at=utc_text(utc_now()),
                        **values,
                    )
                )
        except IntegrityError:
            pass  # another request with this key recorded its effect: its answer stands


def effect_response(effect: Effect) -> Stored:
    """The answer to a retry whose first request's effect committed but whose answer was lost."""
    body = {
        "code": "idempotent_effect_replayed",
        "message": (
            "this request was already carried out, once; its original answer was lost when the "
            "server stopped, so here are the events it recorded (read the resource for its "
            "current state)"
        ),
        "details": {"events": effect.events},
    }
    headers = {"content-type": "application/json", "idempotent-replayed": "effect"}
    return Stored(200, json.dumps(body).encode(), headers)
