"""Dates as users type them: one reading, one message, for every form, flag, query and file."""

from __future__ import annotations

import re
from datetime import date

from readmit.domain.errors import InvalidInput

_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def why_not_a_date(text: str) -> str:
    """Say what is wrong with a text that is not a date: its form, or the day (2020-02-30)."""
    if _SHAPE.match(text.strip()):
        return "is not a real day"
    return "is not a date as YYYY-MM-DD"


def parse_date(text: str | None, field: str) -> date | None:
    """Read a YYYY-MM-DD date given for ``field`` (None when empty); a bad one names the field."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} {text!r} {why_not_a_date(text)}") from None
