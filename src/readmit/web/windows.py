"""The dates a figures page is read with, and what it says when its window holds nothing.

One meaning of the dates everywhere (as ``readmit assess --from/--to``): From–To is the window
the rating and every figure count; the charts are drawn over the quarters up to To, from their
own "Charts from" day; "As recorded by" reads only what was recorded by then; the ledger
position (``at``) pins the reading, so a permalink reads the same figures tomorrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from readmit.domain.countries import country_name
from readmit.domain.errors import InvalidInput
from readmit.services.assessment import figures
from readmit.services.assessment.cooperation_pack import load_cooperation_pack
from readmit.web import words
from readmit.web.site import View

YEAR = timedelta(days=364)  # To and the 364 days before it: twelve months, both ends counted


@dataclass(frozen=True)
class Dates:
    """What a page counts: From–To, read as of a day (None: everything) at a ledger position."""

    start: date
    end: date
    as_of: date | None
    at: int
    charts_from: date | None = None


def quarter_start(day: date) -> date:
    """Return the first day of ``day``'s calendar quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def default_end(view: View) -> date:
    """Where a window ends when the visitor names no day: the ledger's last recorded day
    (a record that ends in 2022 is read up to 2022, not to an empty today)."""
    today = date.today()
    last = figures.last_recorded_day(view.app)
    return min(today, last) if last is not None else today


def read_dates(view: View, *, charts: bool = False) -> Dates:
    """Return the page's dates from its query, each default from the data, each pinned."""
    as_of = view.date_arg("as_of", date.min)
    as_of_or_none = None if as_of == date.min else as_of
    # The ledger is asked for its last day only when the visitor names none.
    named = as_of_or_none or (None if view.arg("to") else default_end(view))
    end = view.date_arg("to", named or date.today())
    start = view.date_arg("from", end - YEAR)
    if start > end:
        raise InvalidInput(
            f"From ({words.day(start)}) is after To ({words.day(end)}): the window must "
            "start on or before the day it ends",
            field="from",
        )
    charts_from = None
    if charts:
        # Three years of quarters, but none before the standard the quarters are rated by.
        first = min(v.valid_from for v in load_cooperation_pack().standard.versions)
        default = max(first, quarter_start(date(end.year - 3, end.month, 1)))
        charts_from = view.date_arg("charts_from", min(default, end))
        if charts_from > end:
            raise InvalidInput(
                f"Charts from ({words.day(charts_from)}) is after To ({words.day(end)})",
                field="charts_from",
            )
    return Dates(start, end, as_of_or_none, _position(view), charts_from)


def _position(view: View) -> int:
    text = view.arg("at")
    if text and not text.isdigit():
        raise InvalidInput(f"at must be a ledger position (a whole number), not {text!r}")
    at = int(text) if text else figures.ledger_position(view.app)
    view.pin("at", str(at))
    return at


def query_of(dates: Dates, **changes: date) -> str:
    """Return the query string of ``dates`` (with ``changes``), for a link that keeps them."""
    values: dict[str, Any] = {"from": dates.start, "to": dates.end, "as_of": dates.as_of}
    values.update(changes)
    return urlencode({k: v.isoformat() for k, v in values.items() if v is not None})


def nothing_in(view: View, dates: Dates, country: str | None = None) -> dict[str, str] | None:
    """Say why a window holds no case event, and link (on the same page) to the window where
    the data is (None: the window holds some)."""
    span = figures.recorded_span(view.app, country)
    whose = f" for {country_name(country)}" if country else ""
    if span is None:
        return {"says": f"No case{whose} is recorded in the ledger yet.", "href": "", "link": ""}
    first, last = span
    if dates.end < first:
        to = min(last, first + YEAR)
        return {
            "says": f"No case event{whose} recorded before {words.day(first)}: the ledger's "
            f"first is on {words.day(first)}, its last on {words.day(last)}.",
            "href": f"?{query_of(dates, **{'from': first, 'to': to})}",
            "link": f"Show {words.day(first)} to {words.day(to)}",
        }
    if dates.start > last:
        start = last - YEAR
        return {
            "says": f"No case event{whose} recorded after {words.day(last)}: the ledger's "
            f"last is on {words.day(last)}, its first on {words.day(first)}.",
            "href": f"?{query_of(dates, **{'from': start, 'to': last})}",
            "link": f"Show the twelve months to {words.day(last)}",
        }
    return None
