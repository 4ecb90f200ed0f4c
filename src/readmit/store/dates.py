"""Stored dates as ``date``, whichever database and however they were read.

A query built from the tables (``select(cases)``) already returns ``date`` for a DATE column on
both databases: SQLAlchemy's Date type converts SQLite's text. What bypasses the types (plain
SQL through ``store/bulk.select_in``, ``exec_driver_sql``, an untyped ``text()``) gets what the
driver gives: ``date`` from PostgreSQL's, the stored ISO text from SQLite's. ``as_date`` is the
one conversion for those; anything built from typed rows needs none.
"""

from __future__ import annotations

from datetime import date
from typing import overload


@overload
def as_date(value: date | str) -> date: ...
@overload
def as_date(value: None) -> None: ...
def as_date(value: date | str | None) -> date | None:
    """A DATE column's value as ``date`` (None stays None)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
