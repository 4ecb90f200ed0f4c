"""Readmission agreements as the public record reports them, and the partner's positions on them.

An *agreement* is a bilateral readmission arrangement: its deadlines feed the on-time metrics,
the words that define its scope are kept as a sourced quotation, and ``covers`` states the rule
drawn from them (``nationals_only``: a person of another nationality removed to the partner is
outside it). A *partner position* is what the partner asked of the agreement or of a sanction
(an amendment, a lift) or said about them (a statement, an offer, an assurance, talks, an
objection): who, to whom, when, what, and the source.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from readmit.domain.claims import Source
from readmit.domain.countries import country_code


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quote(_Strict):
    """Words of a text (an agreement, a letter) as a source quotes or reports them."""

    text: str = Field(min_length=1)
    quoted: bool = True  # false: the source paraphrases the text
    source: Source
    note: str | None = None


class PartnerPosition(_Strict):
    """What a partner asked of an agreement or a sanction, or said about them: who, to whom,
    when, what, and the source.

    A request (``amendment``: change the agreement; ``lift``: end a sanction) or a statement
    (``statement``, ``offer``, ``assurance``, ``talks``, ``objection``). ``occurred_on`` is the
    day, or with ``date_precision`` month/year a day in that month/year;
    ``date_is_upper_bound``: it happened on or before ``occurred_on`` (the source reports it
    then as already done).
    """

    id: str = Field(max_length=64)
    occurred_on: date
    date_precision: Literal["day", "month", "year"] = "day"
    date_is_upper_bound: bool = False
    kind: str
    by: str
    to: str | None = None
    what: str
    quote: str | None = None
    outcome: str | None = None
    sanction: str | None = Field(default=None, pattern=r"^[A-Z]{2}-[0-9]{4}$")
    sources: list[Source] = Field(min_length=1)
    note: str | None = None

    def when(self) -> str:
        """Return the date as the record knows it: ``2017-09-14``, ``2020-10``, ``on or before``…"""
        text = {
            "day": self.occurred_on.isoformat(),
            "month": f"{self.occurred_on:%Y-%m}",
            "year": str(self.occurred_on.year),
        }[self.date_precision]
        return f"on or before {text}" if self.date_is_upper_bound else text


class PartnerRequest(PartnerPosition):
    """A request: change the agreement (``amendment``) or end a sanction (``lift``)."""

    kind: Literal["amendment", "lift"]


class PartnerStatement(PartnerPosition):
    """A statement, an offer, an assurance, talks or an objection."""

    kind: Literal["statement", "offer", "assurance", "talks", "objection"]


class Agreement(_Strict):
    """A readmission agreement as the public record reports it.

    ``scope`` holds the words that say whom it covers; ``covers`` is the rule drawn from them
    (``nationals_only``: a person of another nationality removed to the partner is outside it).
    ``partner_requests`` are amendment and lift requests, ``partner_statements`` the partner's
    statements, offers, assurances, talks and objections, each dated and sourced.
    """

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
    scope: Quote | None = None
    partner_requests: list[PartnerRequest] = Field(default_factory=list)
    partner_statements: list[PartnerStatement] = Field(default_factory=list)

    @field_validator("partner", "removing_state")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)

    def positions(self) -> list[PartnerPosition]:
        """Return the partner's requests and statements, by date."""
        both = [*self.partner_requests, *self.partner_statements]
        return sorted(both, key=lambda p: (p.occurred_on, p.id))

    def covers_person(self, nationality: str) -> bool:
        """Tell whether the agreement covers a person of this nationality removed to the partner."""
        return self.covers != "nationals_only" or country_code(nationality) == self.partner

    def summary(self) -> dict[str, Any]:
        """Return the terms an assessment shows, with how they are known."""
        return {
            "id": self.id,
            "title": self.title,
            "covers": self.covers,
            "scope": self.scope.text if self.scope else None,
            "response_deadline_days": self.response_deadline_days,
            "document_validity_days": self.document_validity_days,
            "itinerary_notice_days": self.itinerary_notice_days,
            "reported_by": self.reported_by,
            "sources": [s.title for s in self.sources],
        }


class AgreementsFile(_Strict):
    """``agreements.yaml``."""

    agreements: list[Agreement]
