"""Dates as users type them: one reading, one message, for every form, flag and query."""

from __future__ import annotations

from datetime import date

from readmit.domain.errors import InvalidInput


def parse_date(text: str | None, field: str) -> date | None:
    """Read a YYYY-MM-DD date given for ``field`` (None when empty); a bad one names the field."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} must be a date as YYYY-MM-DD, not {text!r}") from None
