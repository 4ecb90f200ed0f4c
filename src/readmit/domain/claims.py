"""Claims, agreements and partner measures: the record outside the ledger, each with its source.

A *claim* is a figure someone asserted (the US embassy, an NGO, a government): what it counts,
the date or period it refers to, who asserts it, and the article it comes from. Claims may
conflict; they are kept side by side and shown beside the ledger's own figure for the same
quantity. An *agreement* is a bilateral readmission arrangement whose deadlines feed the
on-time metrics. A *partner measure* is a step a partner took in return (a timeline entry).
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


class Claim(_Strict):
    """A figure asserted outside the ledger."""

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
        return self

    def content_hash(self) -> str:
        """Return a digest of the claim's content (changes when the pack corrects it)."""
        body = canonical_json(self.model_dump(mode="json"))
        return hashlib.sha256(body.encode()).hexdigest()

    def period_text(self) -> str:
        """Return the date or period the claim refers to, as text."""
        if self.refers_from:
            return f"{self.refers_from.isoformat()} – {self.refers_to.isoformat()}"
        return self.refers_to.isoformat()


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


class Agreement(_Strict):
    """A readmission agreement as the public record reports it."""

    id: str
    title: str
    partner: str
    removing_state: str
    signed_year: int
    signed_year_disputed_by: list[str] = Field(default_factory=list)
    covers: Literal["nationals_only", "nationals_and_third_country_nationals"]
    response_deadline_days: int
    document_validity_days: int
    itinerary_notice_days: int
    reported_by: Literal["text", "primary", "secondary"]
    sources: list[Source]
    note: str | None = None

    @field_validator("partner", "removing_state")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)

    def summary(self) -> dict[str, Any]:
        """Return the terms an assessment shows, with how they are known."""
        return {
            "id": self.id,
            "title": self.title,
            "covers": self.covers,
            "response_deadline_days": self.response_deadline_days,
            "document_validity_days": self.document_validity_days,
            "itinerary_notice_days": self.itinerary_notice_days,
            "reported_by": self.reported_by,
            "sources": [s.title for s in self.sources],
        }


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


class AgreementsFile(_Strict):
    """``agreements.yaml``."""

    agreements: list[Agreement]
