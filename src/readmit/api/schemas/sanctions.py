"""Bodies of the sanction endpoints: the lifecycle steps, measures, the registry."""

# Pydantic copies mutable defaults per model; ruff cannot see across modules that Strict is one.
# ruff: noqa: RUF012

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from readmit.api.schemas.common import CountryCode, Day, PastDay, Strict, Text

Sources = Annotated[list[Text], Field(max_length=50, description="Where the record shows it")]
SanctionId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class StepIn(Strict):
    """A lifecycle step: its date, a summary and the sources it rests on."""

    on: PastDay = Field(description="The day of the step (not after today)")
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
    passport_types: list[Literal["ordinary", "diplomatic", "service"]] = []


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Scalar = bool | int | float | Annotated[str, StringConstraints(max_length=200)]


class DatedValueIn(Strict):
    from_: Day = Field(alias="from")
    value: Scalar


class ParameterIn(Strict):
    """One parameter of a measure's effect (a fee, a decision time, a yes/no), as in a pack."""

    effect: Slug
    parameter: Slug
    value: Scalar | None = None
    values: Annotated[list[DatedValueIn], Field(max_length=20)] = []
    unit: Annotated[str, StringConstraints(max_length=16)] = ""
    says: Annotated[str, StringConstraints(max_length=500)] = ""
    citation: Annotated[str, StringConstraints(max_length=500)] = ""


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
    parameters: Annotated[list[ParameterIn], Field(max_length=20)] = []
    exempt_under_age: Annotated[int, Field(ge=1, le=120)] | None = None
    exceptions_allowed: bool = True
    citation: Annotated[str, StringConstraints(max_length=500)]
    sources: Sources = []
    notes: Annotated[list[Text], Field(max_length=20)] = []


class RegimeStepIn(StepIn):
    """Any step of a regime's lifecycle, by the name its pack gives it (see ``allowed_next``
    on a sanction). Opening a sanction needs ``country`` and ``title``."""

    step: Slug = Field(description="The step's name in the regime's lifecycle (e.g. adoption)")
    pack: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="A pack of the registry (default: the installation's)"
    )
    sanction_id: SanctionId | None = Field(None, description="On opening, default: CC-YYYY")
    country: CountryCode | None = None
    title: Annotated[str, StringConstraints(max_length=300)] = ""
    effective: Day | None = Field(None, description="When the measures apply (default: on)")
    adds: Annotated[list[MeasureIn], Field(max_length=50)] = []
    ends: Annotated[list[SanctionId], Field(max_length=50)] | None = Field(
        None, description="Measures this step ends (a step that ends all: leave out)"
    )
    measure_ids: Annotated[list[SanctionId], Field(max_length=50)] = Field(
        [], description="Measures a verifying step shows in force"
    )
    assessments: Annotated[list[SanctionId], Field(max_length=20)] = []


class OrderIn(StepIn):
    effective: Day | None = Field(None, description="When the measures apply (default: on)")
    measures: Annotated[list[MeasureIn], Field(min_length=1, max_length=50)]


class AmendmentIn(StepIn):
    effective: Day | None = None
    adds: Annotated[list[MeasureIn], Field(max_length=50)] = []
    ends: Annotated[list[SanctionId], Field(max_length=50)] = []


class LiftIn(StepIn):
    effective: Day | None = None
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
    regime: str = Field(default="", description="The policy pack (regime) it was made under")


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
    times_held: int = Field(
        1, description="How many screenings held it (the same file uploaded twice: 2)."
    )
