"""Bodies of the partner endpoints: responses, assertions, the shared record."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from readmit.api.schemas.audit import ReceiptOut
from readmit.api.schemas.common import Day, PastDay, Strict, Text


class ResponseIn(Strict):
    """A stance on the other side's event: contesting needs a reason and a source."""

    stance: Literal["acknowledged", "contested"]
    on: PastDay
    reason: Text = ""
    evidence_source: Text | None = None


class ResponseOut(BaseModel):
    event_id: str
    seq: int
    case_id: str
    target: str
    stance: str
    by: str
    receipt: ReceiptOut | None = None  # the signed head covering the response, and its proof


class AssertionIn(Strict):
    """An event the partner says happened; it stays partner-asserted until acknowledged."""

    event_type: Literal[
        "interview_held", "nationality_confirmed", "nationality_disputed", "document_issued"
    ]
    on: PastDay
    evidence_source: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    mode: Literal["in_person", "virtual"] | None = None
    document_expires_on: Day | None = None
    statement: Text | None = None


class AssertionOut(BaseModel):
    event_id: str
    seq: int
    case_id: str
    type: str
    payload: dict[str, Any]


class RecordEntryOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    seq: int
    type: str
    occurred_on: str
    voided: bool
    partner_stance: str | None
    state_stance: str | None


class PartnerCaseOut(BaseModel):
    case_id: str
    state: str
    final_order_date: str
    allowed_next: list[str]
