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
    resumption_condition: str
    sources: list[str] = Field(min_length=1)
    related_instruments: list[InstrumentSpec] = []


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

    @model_validator(mode="after")
    def _coherent(self) -> WhoSpec:
        if self.everyone and (self.employers or self.family or self.domestic_staff):
            raise ValueError("'everyone' cannot be combined with employers, family or staff")
        if not self.everyone and not self.employers:
            raise ValueError("name the employers covered, or set everyone: true")
        if self.child_under is not None and "child" not in self.family:
            raise ValueError("child_under needs 'child' in family")
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
    exceptions_allowed: bool = True
    citation: str
    sources: list[str] = []
    last_verified_on: date | None = None
    notes: list[str] = []

    @model_validator(mode="after")
    def _restrict_needs_restrictions(self) -> MeasureSpec:
        if self.effect == "restrict" and not self.restrictions:
            raise ValueError("a 'restrict' measure says which restrictions apply")
        return self


StepKind = Literal[
    "determination",
    "notification",
    "order",
    "amendment",
    "compliance_notification",
    "lift",
    "verification",
]


class StepSpec(Strict):
    step: StepKind
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
    kind: Literal["proclamation", "suspension", "revocation"]
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
