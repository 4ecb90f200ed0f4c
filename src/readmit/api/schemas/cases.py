"""Bodies of the case endpoints: a case, its events, its history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from readmit.api.schemas.common import CountryCode, Day, Identifier, Name, PastDay, Strict, Text
from readmit.domain.validation import MAX_TEXT


class PersonalData(Strict):
    """Personal data of the person: kept outside the hash-chained log, masked by role."""

    given_name: Name | None = None
    family_name: Name | None = None
    date_of_birth: PastDay | None = None
    spouse_in_country: bool | None = None
    children_in_country: Annotated[int, Field(ge=0, le=50)] | None = None


class CaseIn(Strict):
    """A final order of removal: creates the case in state ``ordered``."""

    case_id: Identifier
    nationality: CountryCode
    final_order_date: PastDay
    criminal: bool
    custody: Literal["detained", "released"]
    country_of_birth: CountryCode | None = None
    entry_age: Annotated[int, Field(ge=0, le=130)] | None = None
    personal: PersonalData | None = None
    source: Text | None = None


class CaseEventIn(Strict):
    """One event on a case; only the fields that event needs are read."""

    occurred_on: PastDay
    mode: Literal["in_person", "virtual"] | None = Field(None, description="interview_held")
    document_expires_on: Day | None = Field(None, description="document_issued")
    flight_id: Identifier | None = Field(None, description="manifested")
    country: CountryCode | None = Field(None, description="presented (re-presented elsewhere)")
    service: (
        Literal["housing", "identity_documents", "job_training", "counselling", "other"] | None
    ) = Field(None, description="service_provided")
    organisation: Name | None = Field(None, description="received")
    by: Literal["interview", "documents"] | None = Field(None, description="nationality_confirmed")
    reason: Text | None = Field(None, description="closed, nationality_disputed, stayed")
    source: Text | None = None

    def payload(self) -> dict[str, Any]:
        """Return the event's payload as the ledger stores it."""
        data = self.model_dump(mode="json", exclude={"occurred_on", "source"}, exclude_none=True)
        return data


class CaseOut(BaseModel):
    case_id: str
    nationality: str | None
    destination: str | None
    final_order_date: date | None
    criminal: bool | None
    custody: str | None
    country_of_birth: str | None
    entry_age: int | None
    state: str
    prior_state: str | None
    document_expires_on: date | None
    flight_id: str | None
    version: int
    allowed_events: list[str] = Field(
        default_factory=list, description="Events the case allows next that you may record"
    )
    personal: dict[str, Any] | None = Field(
        None, description="Personal data; values you may not see read [masked]"
    )


class CaseSummary(BaseModel):
    case_id: str
    nationality: str | None
    destination: str | None
    state: str
    flight_id: str | None
    version: int


class CasePage(BaseModel):
    items: list[CaseSummary]
    total: int
    limit: int
    offset: int


class HistoryOut(BaseModel):
    seq: int
    event_id: str
    type: str
    occurred_on: date
    recorded_at: str
    actor: str
    role: str
    payload: dict[str, Any]
    voided: bool


class NextEventsOut(BaseModel):
    case_id: str
    state: str
    version: int
    allowed: list[str]
    you_may_record: list[str]


class VoidIn(Strict):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
    occurred_on: PastDay
