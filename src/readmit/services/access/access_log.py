"""The access log: who read whose personal data, and every login, failed or not.

It is kept beside the ledger rather than in it: reads must not serialise behind the ledger's
write lock, and a read changes no state. It holds names of *users*, case identifiers and the
names of the fields read, never the personal values themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from readmit.domain.events import utc_now, utc_text
from readmit.services.context import Actor, App
from readmit.store.auth_schema import access_log


@dataclass(frozen=True)
class AccessEntry:
    at: str
    kind: str
    actor: str
    role: str
    case_id: str | None
    fields: list[str]
    client: str


@contextmanager
def writing(app: App) -> Iterator[Connection]:
    """A short write transaction outside the ledger, committed on success."""
    conn = app.connect(write=True)
    with conn, conn.begin():
        yield conn


def log_access(
    app: App,
    actor: Actor,
    *,
    kind: str,
    case_ids: Iterable[str | None] = (None,),
    fields: Iterable[str] = (),
    client: str = "",
) -> None:
    """Record that ``actor`` did ``kind`` (a personal-data read, a login) and on which cases."""
    now, names = utc_text(utc_now()), json.dumps(sorted(set(fields)))
    rows = [
        {
            "at": now,
            "kind": kind,
            "actor": actor.name,
            "role": actor.role,
            "case_id": case_id,
            "fields": names,
            "client": client[:64],
        }
        for case_id in case_ids
    ]
    if rows:
        with writing(app) as conn:
            conn.execute(insert(access_log), rows)


def list_access(
    app: App,
    actor: str | None = None,
    *,
    case_id: str | None = None,
    limit: int = 100,
) -> list[AccessEntry]:
    """Return the newest access-log entries, optionally for one case or one user."""
    query = select(access_log).order_by(access_log.c.id.desc()).limit(limit)
    if case_id:
        query = query.where(access_log.c.case_id == case_id)
    if actor:
        query = query.where(access_log.c.actor == actor)
    with app.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        AccessEntry(
            r["at"],
            r["kind"],
            r["actor"],
            r["role"],
            r["case_id"],
            json.loads(r["fields"]),
            r["client"],
        )
        for r in rows
    ]
