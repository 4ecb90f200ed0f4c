"""The YAML schema of a policy pack's sanctions files, as pydantic models (docs/policy-packs.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InstrumentSpec(Strict):
    """An instrument of the regime's legal frame beside the statute (an order, a memorandum)."""

    title: str
    on: date = Field(alias="date")  # YAML 1.1 reads a bare `on` key as true
    says: str
    sources: list[str] = Field(min_length=1)
    notes: list[str] = []


class ActorSpec(Strict):
    """An actor of the regime: who it is in law, and the readmit role that acts for it."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    role: str  # a readmit role: determining_authority, visa_authority
    sources: list[str] = []


StepName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class LifecycleStepSpec(Strict):
    """One kind of step of the lifecycle and the rules around it (domain.sanctions_steps)."""

    step: StepName
    by: list[str] = Field(min_length=1)  # actor ids
    rule: str  # the rule in words, quoted when the step is refused
    after: list[str] = []  # needs one of these before it; "start": may open a sanction
    once: bool = False
    in_force: bool = False
    closes: list[str] = []
    adds: Literal["no", "optional", "required"] = "no"
    ends: Literal["no", "listed", "all_by_default"] = "no"
    verifies: bool = False
    starts_measures: bool = False
    status: str | None = None
    citation: str = ""


class ExemptionSpec(Strict):
    """Applicants the regime's measures never cover, read from one input field."""

    input: Literal["family_of_eu_citizen", "passport_type", "member_state"]
    values: list[str] = Field(min_length=1)
    says: str  # who is exempt, in words
    citation: str
    sources: list[str] = Field(min_length=1)


class FeeSpec(Strict):
    """The standard visa fee from a day on (a dated series: each entry until the next)."""

    on: date = Field(alias="from")
    adult: float
    child: float | None = None
    child_from: int | None = None  # the child fee applies from this age (younger: free)
    child_under: int | None = None
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    citation: str
    sources: list[str] = Field(min_length=1)


class RecordedUseSpec(Strict):
    """A recorded use of the regime's lever that is not a sanction of its lifecycle."""

    on: date = Field(alias="date")
    countries: list[str] = []
    event: str
    formal: bool = False  # true: a step of the statute; false: a threat, talks, an announcement
    uncertain: bool = False
    sources: list[str] = Field(min_length=1)
    notes: list[str] = []


class RegimeFile(Strict):
    id: str
    name: str
    short_name: str = ""  # the regime in a sentence: "243(d)"
    legal_text: str
    citation: str
    regulations: list[str] = []
    determining_role: str
    ordering_role: str
    determining_authority: str
    visa_authority: str
    appeal: bool
    fee_refunded: bool
    place_rule: Literal["issuance_in_country", "anywhere"]
    governing_date: Literal["decision_date", "application_date"] = "decision_date"
    governing_date_says: str = ""
    resumption_condition: str
    sources: list[str] = Field(min_length=1)
    related_instruments: list[InstrumentSpec] = []
    actors: list[ActorSpec] = []
    lifecycle: list[LifecycleStepSpec] = []
    inputs: list[Literal["passport_type", "family_of_eu_citizen", "member_state"]] = []
    exemptions: list[ExemptionSpec] = []
    fees: list[FeeSpec] = []
    fee_parameter: str = ""
    recorded_uses: list[RecordedUseSpec] = []
    notes: list[str] = []

    @model_validator(mode="after")
    def _lifecycle_with_actors(self) -> RegimeFile:
        if self.lifecycle and not self.actors:
            raise ValueError("a lifecycle names its actors: list them under actors")
        return self


class VisaClassSpec(Strict):
    code: str = Field(pattern=r"^[A-Z0-9/-]+$")
    category: Literal["immigrant", "nonimmigrant"]
    name: str


class VisaClassesFile(Strict):
    classes: list[VisaClassSpec] = Field(min_length=1)


class OrganisationSpec(Strict):
    code: str = Field(pattern=r"^[A-Z]{2}-[A-Z0-9-]+$")
    name: str
    parent: str | None = None
    sources: list[str] = []


class OrganisationsFile(Strict):
    organisations: list[OrganisationSpec]


class LadderSpec(Strict):
    id: str
    ranks: list[str] = Field(min_length=1)


class RanksFile(Strict):
    default: str = "standard"
    ladders: list[LadderSpec] = Field(min_length=1)
    countries: dict[str, str] = {}


class LetterSpec(Strict):
    decision: Literal["discontinued", "restricted"]
    title: str
    body: str


class LettersFile(Strict):
    letters: list[LetterSpec] = Field(min_length=1)


class WhoSpec(Strict):
    everyone: bool = False
    employers: list[str] = []
    min_rank: str | None = None
    family: list[Literal["spouse", "child"]] = []
    child_under: int | None = Field(default=None, ge=1, le=120)
    domestic_staff: bool = False
    passport_types: list[Literal["ordinary", "diplomatic", "service"]] = []

    @model_validator(mode="after")
    def _coherent(self) -> WhoSpec:
        if self.everyone and (self.employers or self.family or self.domestic_staff):
            raise ValueError("'everyone' cannot be combined with employers, family or staff")
        if not self.everyone and not self.employers:
            raise ValueError("name the employers covered, or set everyone: true")
        if self.child_under is not None and "child" not in self.family:
            raise ValueError("child_under needs 'child' in family")
        return self


Scalar = bool | int | float | str


class DatedValue(Strict):
    on: date = Field(alias="from")
    value: Scalar


class ParameterSpec(Strict):
    """One parameter of a measure's effect: a value (or a dated series of values) and a unit."""

    effect: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]  # what changes, as a slug
    parameter: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    value: Scalar | None = None
    values: list[DatedValue] = []  # each from its day until the next one's
    unit: str = ""  # days, EUR, GBP; empty for a yes/no
    says: str = ""  # in words, with {value} and {unit}: "visa fee {value} {unit}"
    citation: str = ""

    @model_validator(mode="after")
    def _one_value(self) -> ParameterSpec:
        if (self.value is None) == (not self.values):
            raise ValueError("give a value, or a dated series of values (not both)")
        days = [v.on for v in self.values]
        if days != sorted(set(days)):
            raise ValueError("the dated values run in order, one per day")
        return self


class MeasureSpec(Strict):
    id: str = Field(pattern=r"^[A-Z]{2}-[0-9]{4}-[A-Za-z0-9-]+$")
    effect: Literal["discontinue", "restrict"]
    summary: str
    persons: list[Literal["nationals", "residents"]] = Field(
        default=["nationals", "residents"], min_length=1
    )
    classes: list[str] | Literal["unknown"]
    uncertain_classes: list[str] = []
    exempt_classes: list[str] = []
    who: WhoSpec | Literal["unknown"]
    restrictions: dict[str, str | int] = {}
    parameters: list[ParameterSpec] = []
    exempt_under_age: int | None = Field(default=None, ge=1, le=120)  # children exempt
    exceptions_allowed: bool = True
    citation: str
    sources: list[str] = []
    last_verified_on: date | None = None
    notes: list[str] = []

    @model_validator(mode="after")
    def _restrict_needs_restrictions(self) -> MeasureSpec:
        if self.effect == "restrict" and not (self.restrictions or self.parameters):
            raise ValueError("a 'restrict' measure says which restrictions apply")
        return self


class StepSpec(Strict):
    step: StepName  # a step of the regime's lifecycle (regime.yaml), checked by the loader
    on: date = Field(alias="date")  # YAML 1.1 reads a bare `on` key as true
    date_is_upper_bound: bool = False
    not_public: bool = False
    actor: str = ""
    summary: str = ""
    sources: list[str] = []
    effective: date | Literal["unknown"] | None = None
    first_known_on: date | None = None
    adds: list[MeasureSpec] = []
    ends: list[str] | Literal["all"] = []
    assessments: list[str] = []
    verified: list[str] = []

    @model_validator(mode="after")
    def _sourced(self) -> StepSpec:
        if self.not_public and self.sources:
            raise ValueError("a not_public step has no source: the record does not show it")
        if not self.not_public and not self.sources:
            raise ValueError("a step from the public record cites at least one source")
        if self.not_public and not self.date_is_upper_bound:
            raise ValueError("a not_public step's date is only an upper bound: say so")
        if self.effective == "unknown" and self.step == "order" and self.first_known_on is None:
            raise ValueError("an order with an unknown effective date gives first_known_on")
        return self


class SanctionSpec(Strict):
    id: str = Field(pattern=r"^[A-Z]{2}-[0-9]{4}$")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    title: str
    summary: str
    notes: list[str] = []
    steps: list[StepSpec] = Field(min_length=1)


# The related measures of ``related/*.yaml``: beside the regime's sanctions, never among them.
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class RelatedWhoSpec(Strict):
    everyone: bool = False
    employers: list[str] = []
    family: bool = False  # spouses and children of those employees
    text: str = ""  # whom it covers, in words

    @model_validator(mode="after")
    def _coherent(self) -> RelatedWhoSpec:
        if self.everyone == bool(self.employers):
            raise ValueError("set everyone: true, or name the employers covered (not both)")
        if self.employers and not self.text:
            raise ValueError("say in text whom the measure covers")
        return self


class RelatedMeasureSpec(Strict):
    id: Slug
    country: str = Field(pattern=r"^[A-Z]{2}$")
    effect: str  # in words: "full entry ban", "visa issuance suspended"
    summary: str
    persons: Literal["nationals", "applicants_at_post"] = "nationals"
    classes: list[str] | Literal["unknown"]
    exempt_classes: list[str] = []
    uncertain_classes: list[str] = []
    who: RelatedWhoSpec | Literal["unknown"] = RelatedWhoSpec(everyone=True)
    valid_from: date = Field(alias="from")
    valid_to: date | None = Field(default=None, alias="to")
    end: Literal["recorded", "none", "unknown"] = "none"
    ended_by: date | None = None
    last_verified_on: date | None = None
    sources: list[str] = []
    notes: list[str] = []

    @model_validator(mode="after")
    def _dates(self) -> RelatedMeasureSpec:
        if (self.end == "recorded") != (self.valid_to is not None):
            raise ValueError("`to` is given exactly when end is 'recorded'")
        if self.ended_by is not None and self.end != "unknown":
            raise ValueError("ended_by bounds an unknown end: set end: unknown")
        return self


class RelatedFile(Strict):
    """One instrument beside the regime (``related/<id>.yaml``) and its measures."""

    id: Slug
    instrument: str
    title: str
    kind: Literal["proclamation", "suspension", "revocation", "administrative"]
    signed_on: date | None = None
    legal_basis: str
    legal_basis_certain: bool
    under: str | None = None
    restriction: str
    citation: str
    grounds: str
    sources: list[str] = Field(min_length=1)
    notes: list[str] = []
    measures: list[RelatedMeasureSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _basis(self) -> RelatedFile:
        if self.legal_basis_certain and not self.under:
            raise ValueError("a certain legal basis says `under` which provision")
        if not self.legal_basis_certain and self.under:
            raise ValueError("an uncertain legal basis names no `under`: say so in legal_basis")
        return self
