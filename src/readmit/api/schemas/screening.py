"""Bodies of the screening endpoints: one application, its decision, replays, jobs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from readmit.api.schemas.common import Strict

Field64 = Annotated[str, StringConstraints(max_length=64)]


class ScreenIn(Strict):
    """One visa application; a field left out means empty (none declared)."""

    application_id: Annotated[str, StringConstraints(max_length=128)] = ""
    nationality: Field64 = Field("", description="ISO code")
    visa_class: Field64 = Field("", description="B1/B2, F1, A3…")
    decision_date: Field64 = Field("", description="Day of the issuance decision (default today)")
    post_country: Field64 = Field("", description="ISO code of the country of the post")
    employer: Field64 = Field("", description="Organisation code, e.g. KH-MFA")
    rank: Field64 = Field("", description="Rank on that government's ladder")
    relationship: Field64 = Field("", description="self, spouse, child, employee or other")
    principal_employer: Field64 = ""
    principal_rank: Field64 = ""
    date_of_birth: Field64 = Field("", description="Where a measure has an age limit")
    approved_exception: bool | Field64 = Field("", description="An approved exception")
    exception_reference: Field64 = ""
    application_date: Field64 = Field(
        "",
        description="Day the application was lodged: it governs under a pack whose "
        "governing_date is application_date (the EU, the UK); else it never changes the outcome",
    )
    residence: Field64 = ""
    other_nationalities: Annotated[str, StringConstraints(max_length=256)] = ""
    # Read only under a pack that declares them (regime.yaml ``inputs``).
    passport_type: Field64 = Field("", description="ordinary, diplomatic or service")
    family_of_eu_citizen: bool | Field64 = Field(
        "", description="A family member of an EU citizen (true, false)"
    )
    member_state: Field64 = Field("", description="ISO code of the consulate's state")
    pack: Field64 | None = Field(
        None,
        description="Screen under this regime: a pack of the registry (GET /api/v1/sanctions "
        "names each sanction's); default: the installation's pack",
    )


class RelatedOut(BaseModel):
    """A measure beside the regime (a proclamation, a suspension): it never changes ``decision``."""

    id: str
    instrument: str = Field(description="Proclamation 10949, …")
    kind: Literal["proclamation", "suspension", "revocation"]
    citation: str = Field(description="The measure's legal basis, in the words of the record")
    legal_basis: str
    legal_basis_certain: bool
    effect: str = Field(description="full entry ban, partial entry ban, …")
    summary: str
    from_: date = Field(alias="from")
    to: date | None
    validity: str = Field(description="Its dates in words, with what the record leaves open")
    status: Literal["applies", "may_apply"]
    reason: str
    doubts: list[str] = Field(description="What the record leaves open, when it only may apply")
    source: str
    sources: list[str]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class FeeOut(BaseModel):
    amount: int | float
    currency: str
    citation: str


class RestrictionOut(BaseModel):
    measure: str
    effect: str = Field(description="What changes: restrict, decision_time_extended, fee_increased")
    parameter: str
    value: bool | int | float | str
    unit: str = Field(description="days, EUR, GBP, months; empty for a yes/no")
    citation: str


class ScreeningOut(BaseModel):
    decision_id: str
    decision: Literal[
        "not_affected", "discontinued", "restricted", "excepted", "needs_review", "invalid"
    ]
    measures: list[str]
    reasons: str = Field(description="The regime's reasons; then any related measure, beside them")
    citations: list[str] = Field(description="The legal citations of the measures applied")
    restrictions: str
    related: list[RelatedOut] = Field(
        description="Restrictions outside the regime that apply or may apply (not in batch output)"
    )
    decision_date: date | None
    pack: str
    pack_version: str
    appeal: bool | None = Field(description="False: the regime gives this decision no appeal")
    fee_refunded: bool | None
    letter: str | None = Field(description="The letter to the applicant, when one is due")
    restriction_items: list[RestrictionOut] = Field(
        default_factory=list,
        description="Each restriction of a restricted decision as data, with its parameter's value",
    )
    governing_date: date | None = Field(
        default=None,
        description="The day the measures were read on: the decision's, or the application's",
    )
    fee: FeeOut | None = Field(
        default=None, description="The visa fee the applicant pays, where the pack records fees"
    )


class NeededOut(BaseModel):
    field: str
    why: str


class ReplayOut(BaseModel):
    decision_id: str
    kind: str
    unchanged: bool
    then: dict[str, Any]
    now: dict[str, Any]
    logged: dict[str, Any] | None
    pack_version_then: str
    pack_version_now: str
    notes: list[str]
    pack: str = Field("", description="The pack (regime) the decision was made under")


class LetterOut(BaseModel):
    decision_id: str
    letter: str


class JobOut(BaseModel):
    """A batch-screening job: its progress, and when done its summary and download."""

    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    input_name: str
    as_of: date | None
    pack: str | None = Field(None, description="The pack it screens under (null: the default)")
    rows_done: int
    fraction: float
    batch_id: str | None = Field(description="Row decision ids are <batch_id>:<row number>")
    summary: dict[str, Any] | None
    error: str | None
    created_at: str
    updated_at: str
    result: str | None = Field(description="Where to download the screened file, when done")
