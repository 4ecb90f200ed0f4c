"""What a value given at any edge must be: one set of rules for the API, the dashboard, the
command line and the importer, each refusal an ``InvalidInput`` naming the field.

- an identifier (a case, a flight) is 1-128 characters: letters, digits and ``. _ : / -``,
  beginning with a letter or a digit;
- a name (a person's, an organisation's) is at most 200 characters, a free text (a reason, a
  source) at most 2,000; no text holds a NUL character (PostgreSQL cannot store one);
- the day an event happened, a final order was made or a person was born is not after today
  (a flight's departure or a document's expiry may be).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from readmit.domain.dates import parse_date
from readmit.domain.errors import InvalidInput

MAX_IDENTIFIER = 128
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"
MAX_NAME = 200
MAX_TEXT = 2000
NUL = "\x00"
# A position in the ledger (an event's sequence number, a tree's size): the events table keeps
# it in a 32-bit integer column, so a larger one names nothing and must not reach the database.
MAX_LEDGER_POSITION = 2**31 - 1
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
# The text fields of a case event's payload and how long each may be.
PAYLOAD_LIMITS: dict[str, int] = {
    "flight_id": MAX_IDENTIFIER,
    "organisation": MAX_NAME,
    "document_number": MAX_NAME,
    "reason": MAX_TEXT,
    "note": MAX_TEXT,
}
PERSONAL_LIMITS: dict[str, int] = {"given_name": MAX_NAME, "family_name": MAX_NAME}
# No text of at most this many characters, without a NUL, breaks any limit above.
SHORTEST_LIMIT = min(MAX_IDENTIFIER, MAX_NAME, MAX_TEXT, *PAYLOAD_LIMITS.values())


def why_not_text(value: str, limit: int) -> str | None:
    """Say what is wrong with a text for a field of at most ``limit`` characters (None: fine)."""
    if NUL in value:
        return "must not contain a NUL character"
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are allowed"
    return None


def text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    """Return ``value``, or raise InvalidInput naming ``field`` when it is too long or holds NUL."""
    problem = why_not_text(value, limit)
    if problem:
        raise InvalidInput(f"{field} {problem}", field=field)
    return value


def identifier(value: str, field: str) -> str:
    """Return ``value`` if it is an identifier, or raise InvalidInput naming ``field``."""
    text(value, field, MAX_IDENTIFIER)
    if not _IDENTIFIER.match(value):
        raise InvalidInput(
            f"{field} {value!r} is not an identifier: use letters, digits and . _ : / -, "
            "beginning with a letter or a digit",
            field=field,
        )
    return value


def not_in_future(day: date, field: str, today: date) -> date:
    """Return ``day``, or raise InvalidInput naming ``field`` when it is after ``today``."""
    if day > today:
        raise InvalidInput(
            f"{field} {day.isoformat()} is in the future (today is {today.isoformat()})",
            field=field,
        )
    return day


def event_day(text: str | None, field: str, today: date) -> date:
    """Read the day something happened as typed (today when empty); refuse one after today."""
    return not_in_future(parse_date(text, field) or today, field, today)


def check_new_case(
    *,
    case_id: str,
    final_order_date: date,
    personal: Mapping[str, Any] | None,
    today: date,
) -> None:
    """Refuse a new case whose identifier, dates or personal data break the rules above."""
    identifier(case_id, "case_id")
    not_in_future(final_order_date, "final_order_date", today)
    for name, value in (personal or {}).items():
        if name in PERSONAL_LIMITS and isinstance(value, str):
            text(value, name, PERSONAL_LIMITS[name])
    born = (personal or {}).get("date_of_birth")
    if isinstance(born, str):
        born = parse_date(born, "date_of_birth")
    if isinstance(born, date):
        not_in_future(born, "date_of_birth", today)


def check_case_event(*, on: date, payload: Mapping[str, Any], today: date) -> None:
    """Refuse a case event dated after today, or whose payload's texts break the limits."""
    not_in_future(on, "occurred_on", today)
    for name, value in payload.items():
        if isinstance(value, str):
            text(value, name, PAYLOAD_LIMITS.get(name, MAX_TEXT))
