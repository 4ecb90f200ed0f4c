"""Bodies of the assessment endpoints: an assessment and a trend."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from readmit.api.schemas.common import CountryCode, Day, Strict


class AssessmentIn(Strict):
    country: CountryCode
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")
    as_of: Day | None = None
    view: Literal["ours", "partner", "both"] = "ours"
    standard_version: Annotated[str, StringConstraints(max_length=64)] | None = None
    recorded_on: Day | None = Field(None, description="Date of the record (default: today)")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AssessmentOut(BaseModel):
    """An assessment: the rating, a reason per criterion, the metrics, and what it read."""

    model_config = ConfigDict(extra="allow")

    assessment_id: str
    country: str
    rating: str
    reasons: list[dict[str, Any]]
    metrics: dict[str, Any]
    standard: dict[str, Any]
    ledger_position: dict[str, Any]


class TrendOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    country: str
    by: str
    periods: list[dict[str, Any]]
    ledger_position: dict[str, Any]


class RegimeAssessmentOut(BaseModel):
    """A regime's own assessment: its indicators (the ledger's value, the published series'
    figure or that none is published, the statements with their sources) and its factors (the
    finding, with its evidence)."""

    model_config = ConfigDict(extra="allow")

    country: str
    regime: str
    title: str
    ledger_position: dict[str, Any]
    ledger_source: str
    indicators: list[dict[str, Any]]
    finding: dict[str, Any] | None
    factors: list[dict[str, Any]]
