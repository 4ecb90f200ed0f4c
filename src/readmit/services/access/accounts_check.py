"""Check the tables that the chain vouches for: users against their events, persons against
the salted digests in their cases' events.

Who holds which role is part of the record: ``user_added``, ``role_granted``, ``user_revoked``
and ``user_activated`` events say it, and the ``users`` table is their projection (its password
hashes stay out of the chain). A row changed straight in the database no longer matches the
events folded here, and each check names it. Neither check writes anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from readmit.domain.events import canonical_json
from readmit.store.auth_schema import users
from readmit.store.schema import events, persons

# The event types that change who holds which role, and how each changes the account.
ACCOUNT_EVENTS = frozenset({"user_added", "role_granted", "user_revoked", "user_activated"})


@dataclass(frozen=True)
class Problem:
    """One row that differs from what the chain says: ``subject`` names it."""

    check: str  # "accounts" or "persons"
    subject: str  # "user NAME" or "case CASE_ID"
    message: str


@dataclass(frozen=True)
class Account:
    """A user as the chain says they are."""

    role: str
    country: str | None
    active: bool


def _payloads(conn: Connection, *where: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    query = select(events.c.type, events.c.subject_id, events.c.payload).where(*where)
    for kind, subject, payload in conn.execute(query.order_by(events.c.seq)):
        try:
            found = json.loads(payload)
        except ValueError:
            found = None
        yield kind, subject, found if isinstance(found, dict) else {}


def accounts_from_events(conn: Connection) -> dict[str, Account]:
    """Fold the account events of the chain into each user's role, country and status."""
    folded: dict[str, Account] = {}
    in_chain = events.c.subject_type == "user", events.c.type.in_(ACCOUNT_EVENTS)
    for kind, name, payload in _payloads(conn, *in_chain):
        known = folded.get(name)
        if kind in {"user_added", "role_granted"}:
            folded[name] = Account(
                str(payload.get("role")), payload.get("country"), known.active if known else True
            )
        elif known is not None:
            folded[name] = Account(known.role, known.country, kind == "user_activated")
    return folded


def check_accounts(conn: Connection) -> list[Problem]:
    """Return a Problem for every users row that differs from its events (or has none)."""
    expected = accounts_from_events(conn)
    problems = []
    rows = conn.execute(select(users.c.name, users.c.role, users.c.country, users.c.active))
    seen = set()
    for name, role, country, active in rows:
        seen.add(name)
        problems.extend(_differences(name, Account(role, country, bool(active)), expected))
    for name in sorted(expected.keys() - seen):
        problems.append(Problem("accounts", f"user {name}", "in the chain but not in users"))
    return problems


def _differences(name: str, row: Account, expected: dict[str, Account]) -> list[Problem]:
    want = expected.get(name)
    if want is None:
        return [Problem("accounts", f"user {name}", "in users but no event records the user")]
    found = []
    for field in ("role", "country", "active"):
        held, said = getattr(row, field), getattr(want, field)
        if held != said:
            text = f"users.{field} is {held!r} but the chain says {said!r}"
            found.append(Problem("accounts", f"user {name}", text))
    return found


def personal_digest(salt: str, data: Any) -> str:
    """Return the salted digest of a personal record, as its case's event holds it."""
    return hashlib.sha256((salt + canonical_json(data)).encode()).hexdigest()


def check_persons(conn: Connection) -> list[Problem]:
    """Return a Problem for every persons row whose salted digest differs from its case's event.

    Also a digest in the chain whose personal record is gone with no ``personal_data_erased``
    event, and a persons row whose case's events hold no digest at all.
    """
    digests: dict[str, str] = {}
    erased: set[str] = set()
    kinds = events.c.type.in_(["case_opened", "personal_data_erased"])
    for kind, case_id, payload in _payloads(conn, events.c.subject_type == "case", kinds):
        if kind == "personal_data_erased":
            erased.add(case_id)
        elif isinstance(payload.get("personal_digest"), str):
            digests[case_id] = payload["personal_digest"]
            erased.discard(case_id)
    problems = []
    held = set()
    for case_id, salt, data in conn.execute(
        select(persons.c.case_id, persons.c.salt, persons.c.data)
    ):
        held.add(case_id)
        want = digests.get(case_id)
        if want is None:
            problems.append(Problem("persons", f"case {case_id}", "no event holds its digest"))
        elif personal_digest(salt, _loaded(data)) != want:
            text = "the personal record no longer matches the digest in the chain"
            problems.append(Problem("persons", f"case {case_id}", text))
    for case_id in sorted(digests.keys() - held - erased):
        text = "the personal record is gone but no erasure is recorded"
        problems.append(Problem("persons", f"case {case_id}", text))
    return problems


def _loaded(data: Any) -> Any:
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data
