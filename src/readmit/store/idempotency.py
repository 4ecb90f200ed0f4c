"""The idempotency record written by the unit of work, in the transaction of the effect.

An API request that carries an ``Idempotency-Key`` runs with its ``KeyedRequest`` in a context
variable. A writing unit of work first looks, under the ledger's write lock, for a record of
that key: if one exists another request with the key has already had its effect, and this one
must not have it again (``AlreadyCarriedOut``). When the unit of work commits, it writes the
record with the ids of the events it recorded, in the same transaction: the effect and the
proof that it happened commit together or not at all, so a crash at any moment leaves either
neither (a retry runs afresh) or both (a retry gets the stored answer).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection, and_, insert, select, update

from readmit.domain.errors import Conflict
from readmit.domain.events import utc_now, utc_text
from readmit.store.auth_schema import idempotency_keys


@dataclass
class KeyedRequest:
    """The request being served with an Idempotency-Key, and what its units of work did."""

    principal: str
    key: str
    method: str
    path: str
    body_digest: str
    # Set by the unit of work: this request's effect is committed, with these events.
    recorded: bool = False
    events: list[str] = field(default_factory=list)
    # Set by the unit of work: another request with this key had its effect first.
    lost: bool = False


class AlreadyCarriedOut(Conflict):
    """Another request with this Idempotency-Key has already had its effect."""

    code = "idempotent_request_done"


_current: ContextVar[KeyedRequest | None] = ContextVar("readmit_keyed_request", default=None)


def current() -> KeyedRequest | None:
    """The keyed request being served, if any."""
    return _current.get()


@contextmanager
def serving(request: KeyedRequest) -> Iterator[KeyedRequest]:
    """Run the code inside as serving ``request`` (its units of work record the key)."""
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)


def where(principal: str, key: str) -> ColumnElement[bool]:
    """The condition selecting one key's record."""
    return and_(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)


def refuse_if_done(conn: Connection, request: KeyedRequest) -> None:
    """Raise AlreadyCarriedOut when another request already recorded this key (under the lock)."""
    if request.recorded:
        return
    found = conn.execute(
        select(idempotency_keys.c.key).where(where(request.principal, request.key))
    ).first()
    if found is not None:
        request.lost = True
        raise AlreadyCarriedOut(
            "a request with this Idempotency-Key has already been carried out",
            idempotency_key=request.key,
        )


def record_effect(conn: Connection, request: KeyedRequest, event_ids: Sequence[str]) -> None:
    """Write the key's record with the effect's events, in the effect's own transaction."""
    events = [*request.events, *event_ids]
    if request.recorded:
        conn.execute(
            update(idempotency_keys)
            .where(where(request.principal, request.key))
            .values(effect=json.dumps(events))
        )
    else:
        conn.execute(
            insert(idempotency_keys).values(
                principal=request.principal,
                key=request.key,
                method=request.method,
                path=request.path,
                body_digest=request.body_digest,
                effect=json.dumps(events),
                created_at=utc_text(utc_now()),
            )
        )


def committed(request: KeyedRequest, event_ids: Sequence[str]) -> None:
    """Note, after the commit, that the request's effect (these events) is recorded."""
    request.events.extend(event_ids)
    request.recorded = True
