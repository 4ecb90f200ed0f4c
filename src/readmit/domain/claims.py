"""Claims and partner measures: the record outside the ledger, each with its source.

A *claim* is a figure someone asserted (the US embassy, an NGO, a government): what it counts,
the date or period it refers to, who asserts it, and the article it comes from. Claims may
conflict; they are kept side by side and shown beside the ledger's own figure for the same
quantity. A *partner measure* is a step a partner took in return (a timeline entry).
Agreements and the partner's positions on them are in ``readmit.domain.agreements``.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from readmit.domain.cooperation import METRIC_NAMES
from readmit.domain.countries import country_code
from readmit.domain.events import canonical_json


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a claim or a term comes from."""

    title: str
    article: str | None = None
    url: str | None = None
    reliability: Literal["primary", "secondary", "reported"] = "reported"

    def text(self) -> str:
        """Return the source as one line: its title, then its article id or address."""
        if self.article:
            return f"{self.title} [{self.article}]"
        return f"{self.title} <{self.url}>" if self.url else self.title


class FiscalYears(_Strict):
    """US fiscal years a claim counts (FY2019 = 1 October 2018 to 30 September 2019)."""

    first: int = Field(ge=1900, le=2100)
    last: int | None = Field(default=None, ge=1900, le=2100)

    @model_validator(mode="after")
    def _order(self) -> FiscalYears:
        if self.last is not None and self.last < self.first:
            raise ValueError(f"last fiscal year {self.last} is before the first, {self.first}")
        return self

    @property
    def final(self) -> int:
        """The last fiscal year counted (the first when only one is)."""
        return self.last if self.last is not None else self.first

    def span(self) -> tuple[date, date]:
        """Return the first and last day the fiscal years cover."""
        return fiscal_year_span(self.first)[0], fiscal_year_span(self.final)[1]

    def label(self) -> str:
        """Return ``FY2019`` or ``FY2017–FY2018``."""
        if self.final == self.first:
            return f"FY{self.first}"
        return f"FY{self.first}–FY{self.final}"


def fiscal_year_span(year: int) -> tuple[date, date]:
    """Return the first and last day of a US fiscal year (FY2019: 2018-10-01 to 2019-09-30)."""
    return date(year - 1, 10, 1), date(year, 9, 30)


# What a claim may mark as uncertain in the record (shown as [U]).
Uncertain = Literal["figure", "refers_from", "refers_to", "fiscal_years"]
_UNCERTAIN_WORDS = {
    "figure": "the figure",
    "refers_from": "the start of the period",
    "refers_to": "the date or end of the period",
    "fiscal_years": "whether the years are fiscal years",
}


class Claim(_Strict):
    """A figure asserted outside the ledger.

    ``fiscal_years`` says that the period is a run of US fiscal years (ICE and DHS count so);
    ``uncertain`` lists what the record leaves uncertain (the figure, an end of the period,
    whether the years are fiscal ones).
    """

    id: str = Field(max_length=64)
    country: str
    metric: str | None = None
    counts: str
    figure: float | None = None
    figure_text: str
    refers_from: date | None = None
    refers_to: date
    asserted_by: str
    source: Source
    note: str | None = None
    fiscal_years: FiscalYears | None = None
    uncertain: list[Uncertain] = Field(default_factory=list)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)

    @model_validator(mode="after")
    def _check(self) -> Claim:
        if self.metric is not None and self.metric not in METRIC_NAMES:
            raise ValueError(f"claim {self.id}: unknown metric {self.metric!r}")
        if self.refers_from and self.refers_from > self.refers_to:
            raise ValueError(f"claim {self.id}: refers_from is after refers_to")
        if self.fiscal_years is not None:
            first, last = self.fiscal_years.span()
            if (self.refers_from, self.refers_to) != (first, last):
                raise ValueError(
                    f"claim {self.id}: {self.fiscal_years.label()} runs from {first} to {last}; "
                    "refers_from and refers_to must say so"
                )
        if "fiscal_years" in self.uncertain and self.fiscal_years is None:
            raise ValueError(f"claim {self.id}: fiscal_years is uncertain but not given")
        if "refers_from" in self.uncertain and self.refers_from is None:
            raise ValueError(f"claim {self.id}: refers_from is uncertain but not given")
        return self

    def content_hash(self) -> str:
        """Return a digest of the claim's content (changes when the pack corrects it)."""
        body = canonical_json(self.model_dump(mode="json"))
        return hashlib.sha256(body.encode()).hexdigest()

    def period_text(self) -> str:
        """Return the date or period the claim refers to, as text, fiscal years named as such
        (``FY2019 (2018-10-01 – 2019-09-30) [U]``) and an uncertain end marked ``[U]``."""

        def mark(name: Uncertain) -> str:
            return " [U]" if name in self.uncertain else ""

        to = f"{self.refers_to.isoformat()}{mark('refers_to')}"
        text = (
            f"{self.refers_from.isoformat()}{mark('refers_from')} – {to}"
            if self.refers_from
            else to
        )
        if self.fiscal_years is not None:
            text = f"{self.fiscal_years.label()} ({text}){mark('fiscal_years')}"
        return text

    def qualified_note(self) -> str | None:
        """Return the note, led by what the record leaves uncertain and by the fiscal years."""
        lead = []
        if self.fiscal_years is not None:
            years = f"US fiscal year{'s' if self.fiscal_years.last else ''}"
            certainty = (
                " (uncertain: the source does not say so)"
                if ("fiscal_years" in self.uncertain)
                else ""
            )
            lead.append(f"{self.fiscal_years.label()}: {years}{certainty}.")
        others = [_UNCERTAIN_WORDS[u] for u in self.uncertain if u != "fiscal_years"]
        if others:
            lead.append(f"Uncertain in the record: {', '.join(others)}.")
        text = " ".join([*lead, self.note or ""]).strip()
        return text or None


class PartnerMeasure(_Strict):
    """A measure a partner took in return, as a timeline entry with its source."""

    id: str = Field(max_length=64)
    country: str
    occurred_on: date
    date_precision: Literal["day", "month", "year"] = "day"
    measure: str
    context: str | None = None
    asserted_by: str
    source: Source

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)


CLAIM_DATE_TOLERANCE_DAYS = 31


def claim_matches(
    metric: str | None,
    refers_from: date | None,
    refers_to: date,
    start: date,
    end: date,
) -> bool:
    """Tell whether a claim is about the same quantity and dates as a metric of a window.

    A claim about a date (a stock, like the backlog) matches when that date is within a month
    of the window's end; a claim about a period (a flow, like removals) matches when both ends
    of its period are within a month of the window's ends.
    """
    if metric is None:
        return False
    near = CLAIM_DATE_TOLERANCE_DAYS
    if abs((refers_to - end).days) > near:
        return False
    return refers_from is None or abs((refers_from - start).days) <= near


def beside(ledger_value: Any, claim: dict[str, Any]) -> dict[str, Any]:
    """Put a claim beside the ledger's figure for the same quantity, with the difference."""
    figure = claim.get("figure")
    difference = None
    if isinstance(ledger_value, int | float) and isinstance(figure, int | float):
        difference = round(ledger_value - figure, 4)
    return {**claim, "ledger_value": ledger_value, "ledger_minus_claim": difference}


def same_dates(claim: dict[str, Any], start: date, end: date) -> bool:
    """Tell whether a claim refers to exactly the window's dates (else only to nearby ones)."""
    refers_from = claim.get("refers_from")
    return claim.get("refers_to") == end.isoformat() and refers_from in (None, start.isoformat())


class ClaimsFile(_Strict):
    """``claims.yaml``: the claims, and anchors for shared sources (``_sources``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sources: dict[str, Source] = Field(default_factory=dict, alias="_sources")
    claims: list[Claim]


class MeasuresFile(_Strict):
    """``partner_measures.yaml``."""

    measures: list[PartnerMeasure]
