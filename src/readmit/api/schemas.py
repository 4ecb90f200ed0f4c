"""Request and response bodies of the HTTP API (shared by its routers)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from readmit.domain.countries import country_code
from readmit.domain.permissions import Role


def _country(value: str) -> str:
    try:
        return country_code(value)
    except Exception as error:
        raise ValueError(str(error)) from None


CountryCode = Annotated[
    str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)
]
Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
]
Text = Annotated[str, StringConstraints(max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonalData(Strict):
    """Personal data of the person: kept outside the hash-chained log, masked by role."""

    given_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    family_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    date_of_birth: date | None = None
    spouse_in_country: bool | None = None
    children_in_country: Annotated[int, Field(ge=0, le=50)] | None = None


class CaseIn(Strict):
    """A final order of removal: creates the case in state ``ordered``."""

    case_id: Identifier
    nationality: CountryCode
    final_order_date: date
    criminal: bool
    custody: Literal["detained", "released"]
    country_of_birth: CountryCode | None = None
    entry_age: Annotated[int, Field(ge=0, le=130)] | None = None
    personal: PersonalData | None = None
    source: Text | None = None


class CaseEventIn(Strict):
    """One event on a case; only the fields that event needs are read."""

    occurred_on: date
    mode: Literal["in_person", "virtual"] | None = Field(None, description="interview_held")
    document_expires_on: date | None = Field(None, description="document_issued")
    flight_id: Identifier | None = Field(None, description="manifested")
    country: CountryCode | None = Field(None, description="presented (re-presented elsewhere)")
    service: (
        Literal["housing", "identity_documents", "job_training", "counselling", "other"] | None
    ) = Field(None, description="service_provided")
    organisation: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="received"
    )
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
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    occurred_on: date


class FlightIn(Strict):
    flight_id: Identifier
    departure_on: date
    kind: Literal["charter", "commercial"]
    destination: CountryCode
    capacity: Annotated[int, Field(ge=1, le=10_000)]


class FlightStepIn(Strict):
    occurred_on: date
    reason: Text | None = None


class FlightOut(BaseModel):
    flight_id: str
    departure_on: date
    kind: str
    destination: str
    capacity: int
    status: str
    version: int
    seats_taken: int


class FlightDetail(FlightOut):
    manifest: list[CaseSummary]


class FlightPage(BaseModel):
    items: list[FlightOut]
    total: int
    limit: int
    offset: int


class VerifyOut(BaseModel):
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str


class AccessEntryOut(BaseModel):
    at: str
    kind: str
    actor: str
    role: str
    case_id: str | None
    fields: list[str]
    client: str


UserName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=1024)]


class UserIn(Strict):
    name: UserName
    role: Role
    country: CountryCode | None = None
    password: Password | None = None
    token_days: Annotated[int, Field(ge=1, le=730)] = 90


class UserOut(BaseModel):
    name: str
    role: str
    country: str | None
    active: bool
    created_at: str
    has_password: bool


class TokenOut(BaseModel):
    token_id: str
    user: str
    label: str
    created_at: str
    expires_at: str
    revoked_at: str | None


class IssuedTokenOut(BaseModel):
    """A new token. ``token`` is shown once; a replayed request shows it as null."""

    token: str | None = Field(description="Send as 'Authorization: Bearer <token>'")
    token_info: TokenOut
    user: UserOut | None = None
    replayed_without_secret: bool = False


class TokenIn(Strict):
    days: Annotated[int, Field(ge=1, le=730)] = 90
    label: Annotated[str, StringConstraints(max_length=128)] = ""


class PasswordIn(Strict):
    password: Password


class LoginIn(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class MeOut(BaseModel):
    name: str
    role: str
    country: str | None
    permissions: list[str]


class SessionOut(BaseModel):
    user: MeOut
    csrf_token: str | None = Field(description="Send as X-CSRF-Token on unsafe calls")
    expires_at: str


class AssessmentIn(Strict):
    country: CountryCode
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    as_of: date | None = None
    view: Literal["ours", "partner", "both"] = "ours"
    standard_version: Annotated[str, StringConstraints(max_length=64)] | None = None
    recorded_on: date | None = Field(None, description="Date of the record (default: today)")

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


class ClaimsOut(BaseModel):
    """Figures asserted outside the ledger, each with who asserts it and the source."""

    model_config = ConfigDict(extra="allow")

    country: str
    country_name: str
    claims: list[dict[str, Any]]
    partner_measures: list[dict[str, Any]]


class CountryFigures(BaseModel):
    model_config = ConfigDict(extra="allow")

    country: str
    cases: int


class OverviewOut(BaseModel):
    """De-identified counts of cases per nationality and state, from the ledger."""

    source: str
    ledger_position: int
    countries: list[CountryFigures]


Sources = Annotated[list[Text], Field(max_length=50, description="Where the record shows it")]
SanctionId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class StepIn(Strict):
    """A lifecycle step: its date, a summary and the sources it rests on."""

    on: date = Field(description="The day of the step")
    summary: Text = ""
    sources: Sources = []


class DeterminationIn(StepIn):
    country: CountryCode
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    assessments: Annotated[
        list[Annotated[str, StringConstraints(max_length=64)]],
        Field(min_length=1, max_length=20, description="Ids of recorded assessments it rests on"),
    ]
    sanction_id: SanctionId | None = Field(None, description="Default: <country>-<year>")


class WhoIn(Strict):
    everyone: bool = False
    employers: Annotated[
        list[Annotated[str, StringConstraints(max_length=64)]], Field(max_length=50)
    ] = []
    min_rank: Annotated[str, StringConstraints(max_length=64)] | None = None
    family: list[Literal["spouse", "child"]] = []
    child_under: Annotated[int, Field(ge=1, le=120)] | None = None
    domestic_staff: bool = False


class MeasureIn(Strict):
    """A measure as in the policy pack's YAML (its id is assigned when left out)."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}-[0-9]{4}-[A-Za-z0-9-]+$")] | None = (
        None
    )
    effect: Literal["discontinue", "restrict"]
    summary: Annotated[str, StringConstraints(max_length=2000)]
    persons: list[Literal["nationals", "residents"]] = ["nationals", "residents"]
    classes: (
        Annotated[list[Annotated[str, StringConstraints(max_length=16)]], Field(max_length=100)]
        | Literal["unknown"]
    )
    uncertain_classes: Annotated[
        list[Annotated[str, StringConstraints(max_length=16)]], Field(max_length=100)
    ] = []
    exempt_classes: Annotated[
        list[Annotated[str, StringConstraints(max_length=16)]], Field(max_length=100)
    ] = []
    who: WhoIn | Literal["unknown"]
    restrictions: dict[Annotated[str, StringConstraints(max_length=64)], str | int] = {}
    exceptions_allowed: bool = True
    citation: Annotated[str, StringConstraints(max_length=500)]
    sources: Sources = []
    notes: Annotated[list[Text], Field(max_length=20)] = []


class OrderIn(StepIn):
    effective: date | None = Field(None, description="When the measures apply (default: on)")
    measures: Annotated[list[MeasureIn], Field(min_length=1, max_length=50)]


class AmendmentIn(StepIn):
    effective: date | None = None
    adds: Annotated[list[MeasureIn], Field(max_length=50)] = []
    ends: Annotated[list[SanctionId], Field(max_length=50)] = []


class LiftIn(StepIn):
    effective: date | None = None
    ends: Annotated[list[SanctionId], Field(max_length=50)] | None = Field(
        None, description="Measures to end (a partial lift); null ends them all"
    )


class VerificationIn(StepIn):
    measure_ids: Annotated[list[SanctionId], Field(min_length=1, max_length=50)]
    sources: Annotated[list[Text], Field(min_length=1, max_length=50)]


class MeasureOut(BaseModel):
    """A measure with its state on the date asked about, and whether it is stale."""

    model_config = ConfigDict(extra="allow")

    id: str
    sanction_id: str
    country: str
    effect: str
    summary: str
    state: str
    stale: bool
    validity: str
    citation: str


class SanctionOut(BaseModel):
    id: str
    country: str
    country_name: str
    title: str
    status: str
    as_of: date
    stale: bool
    not_public_steps: int
    measures: list[MeasureOut]


class SanctionStepOut(BaseModel):
    step: str
    on: date
    date_is_upper_bound: bool
    not_public: bool
    effective: date | None
    by: str
    role: str
    summary: str
    sources: list[str]
    event_id: str | None


class SanctionDetail(SanctionOut):
    summary: str
    allowed_next: list[str]
    steps: list[SanctionStepOut]


class HeldOut(BaseModel):
    decision_id: str
    application_id: str
    post_country: str
    visa_class: str
    decision_on: date
    measures: list[str]
    resumed_on: date | None


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
    application_date: Field64 = Field("", description="Filing date (never changes the outcome)")
    residence: Field64 = ""
    other_nationalities: Annotated[str, StringConstraints(max_length=256)] = ""


class ScreeningOut(BaseModel):
    decision_id: str
    decision: Literal[
        "not_affected", "discontinued", "restricted", "excepted", "needs_review", "invalid"
    ]
    measures: list[str]
    reasons: str
    citations: str
    restrictions: str
    decision_date: date | None
    pack: str
    pack_version: str
    appeal: bool | None = Field(description="False: 243(d) refusals have no appeal")
    fee_refunded: bool | None
    letter: str | None = Field(description="The letter to the applicant, when one is due")


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


class LetterOut(BaseModel):
    decision_id: str
    letter: str


class JobOut(BaseModel):
    """A batch-screening job: its progress, and when done its summary and download."""

    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    input_name: str
    as_of: date | None
    rows_done: int
    fraction: float
    batch_id: str | None = Field(description="Row decision ids are <batch_id>:<row number>")
    summary: dict[str, Any] | None
    error: str | None
    created_at: str
    updated_at: str
    result: str | None = Field(description="Where to download the screened file, when done")


class ResponseIn(Strict):
    """A stance on the other side's event: contesting needs a reason and a source."""

    stance: Literal["acknowledged", "contested"]
    on: date
    reason: Text = ""
    evidence_source: Text | None = None


class ResponseOut(BaseModel):
    event_id: str
    seq: int
    case_id: str
    target: str
    stance: str
    by: str


class AssertionIn(Strict):
    """An event the partner says happened; it stays partner-asserted until acknowledged."""

    event_type: Literal[
        "interview_held", "nationality_confirmed", "nationality_disputed", "document_issued"
    ]
    on: date
    evidence_source: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    mode: Literal["in_person", "virtual"] | None = None
    document_expires_on: date | None = None
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
