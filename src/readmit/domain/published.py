"""Published figures: aggregate counts that a government published, kept beside the ledger.

ICE's annual reports and the DHS Yearbook publish removals by country of citizenship and fiscal
year; ICE has also published, for one day, the people on its non-detained docket with final
orders of removal, by country. ``published_figures.yaml`` in the pack holds such figures for
every country ever under a 243(d) sanction, each with its publisher, the document and table it
is read from, and the table's address.

They are *published* figures, not the ledger's: counted by someone else, by other rules (ICE's
removals include returns; a fiscal year runs from 1 October), and never mixed with, added to or
compared as the ledger's own counts. Every figure keeps its source wherever it is shown.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from readmit.domain.countries import country_code
from readmit.domain.errors import UnknownCountry
from readmit.domain.sources import safe_url

PublishedMeasure = Literal["removals", "final_orders_pending"]
MEASURE_WORDS: dict[str, str] = {
    "removals": "Removals, by fiscal year",
    "final_orders_pending": "People on ICE's non-detained docket with a final order of removal",
}
_FISCAL_YEAR = re.compile(r"^FY(?P<year>[0-9]{4})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _address(value: str) -> str:
    if safe_url(value) is None:
        raise ValueError(f"not an http(s) address: {value!r}")
    return value


class PublishedSource(_Strict):
    """A published document the figures are read from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    publisher: str
    title: str
    url: str
    covers: str
    read_via: str | None = None
    secondary: bool = False

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _address(value)


class LookedFor(_Strict):
    """A figure or table that was looked for and not found, and how."""

    what: str
    tried: str


class PublishedFigure(_Strict):
    """One published count: a country, what is counted, the period, and where it is printed."""

    country: str
    measure: PublishedMeasure
    period: str
    value: int = Field(ge=0)
    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str
    secondary: bool
    note: str = ""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _address(value)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        try:
            return country_code(value)
        except UnknownCountry as error:
            raise ValueError(error.message) from None

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str) and not _FISCAL_YEAR.match(value):
            date.fromisoformat(value)  # a stock on one day: an ISO date
        return value

    def bounds(self) -> tuple[date, date]:
        """Return the first and last day the figure counts (a stock: the same day twice)."""
        fiscal = _FISCAL_YEAR.match(self.period)
        if fiscal:
            year = int(fiscal["year"])
            return date(year - 1, 10, 1), date(year, 9, 30)
        day = date.fromisoformat(self.period)
        return day, day

    def key(self) -> tuple[str, str, str, str]:
        """What makes a figure one: country, measure, period and the table it is read from."""
        return (self.country, self.measure, self.period, self.url)


class PublishedFiguresFile(_Strict):
    """``published_figures.yaml``: the documents, what was not found, and the figures."""

    sources: list[PublishedSource] = Field(min_length=1)
    looked_for_not_found: list[LookedFor] = []
    figures: list[PublishedFigure] = Field(min_length=1)

    @model_validator(mode="after")
    def _sourced(self) -> PublishedFiguresFile:
        ids = [s.id for s in self.sources]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"source ids listed twice: {', '.join(twice)}")
        by_url = {s.url: s for s in self.sources}
        seen: set[tuple[str, str, str, str]] = set()
        for i, figure in enumerate(self.figures):
            source = by_url.get(figure.url)
            if source is None:
                raise ValueError(f"figures[{i}]: its address is not one of the sources listed")
            if source.secondary != figure.secondary:
                raise ValueError(f"figures[{i}]: secondary differs from its source {source.id}")
            if figure.key() in seen:
                raise ValueError(f"figures[{i}]: listed twice ({', '.join(figure.key())})")
            seen.add(figure.key())
        return self

    def source_of(self, figure: PublishedFigure) -> PublishedSource:
        """Return the listed document a figure is read from."""
        return next(s for s in self.sources if s.url == figure.url)
