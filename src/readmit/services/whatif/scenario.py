"""Scenarios as data: a YAML file of what to change, validated like a policy pack.

A scenario changes, for one country or all, any of: the agreement (voluntary returns only, a
training period before return, no removal that separates a family, nationals only), the
cooperation standard (thresholds, the assessment window), a sanction's measures (who and which
classes, from a date), and the rates of the removal process. What it does not name stays as the
ledger and the pack have it; an empty scenario changes nothing. docs/what-if.md describes the
format.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from readmit.domain.countries import country_code
from readmit.domain.errors import InvalidInput, PackError
from readmit.domain.events import canonical_json
from readmit.packs import read_yaml, validate


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgreementChange(_Strict):
    """Terms of the readmission agreement as the scenario amends them."""

    voluntary_only: bool = False  # removable only if the person agreed to return
    training_days: int = Field(default=0, ge=0, le=3650)  # job training before return
    no_family_separation: bool = False  # no removal of a person with a spouse or children here
    nationals_only: bool = False  # enforced: another nationality, or a disputed one, is out


class Thresholds(_Strict):
    at_risk: float | None = None
    uncooperative: float | None = None


class StandardChange(_Strict):
    """The cooperation standard as the scenario amends it."""

    version: str | None = None  # rate under this version of the pack's standard
    window_days: int | None = Field(default=None, ge=28, le=3650)  # the assessment window
    criteria: dict[str, Thresholds] = Field(default_factory=dict)
    min_events: int | None = Field(default=None, ge=0)
    min_applicable_criteria: int | None = Field(default=None, ge=0)


class WhoChange(_Strict):
    everyone: bool | None = None
    employers: list[str] | None = None
    min_rank: str | None = None  # "any": every rank
    family: list[str] | None = None


class MeasureChange(_Strict):
    """A sanction measure widened or narrowed from a date."""

    measure: str = Field(min_length=1)
    starting: date
    classes: list[str] | None = None  # replaces the measure's visa classes
    add_classes: list[str] = Field(default_factory=list)
    remove_classes: list[str] = Field(default_factory=list)
    who: WhoChange | None = None


class ProcessChange(_Strict):
    """Monthly rates of the removal process the scenario sets (unset: as observed)."""

    presentations_per_month: float | None = Field(default=None, ge=0)
    interviews_per_month: float | None = Field(default=None, ge=0)
    travel_documents_per_month: float | None = Field(default=None, ge=0)
    flights_per_month: float | None = Field(default=None, ge=0)
    seats_per_flight: float | None = Field(default=None, ge=0)
    removals_per_month: float | None = Field(default=None, ge=0)
    new_orders_per_month: float | None = Field(default=None, ge=0)

    def stages(self) -> dict[str, float]:
        """The stage rates set, by name (removals and new orders are not stages)."""
        skip = {"removals_per_month", "new_orders_per_month"}
        return {k: v for k, v in self.model_dump().items() if v is not None and k not in skip}


class Scenario(_Strict):
    """A what-if scenario: its name, the country it changes (or all), and the changes."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str = ""
    description: str = ""
    country: str | None = None  # None: every country
    sources: list[str] = Field(default_factory=list)
    agreement: AgreementChange | None = None
    standard: StandardChange | None = None
    process: ProcessChange | None = None
    sanctions: list[MeasureChange] = Field(default_factory=list)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value in (None, "all", "ALL"):
            return None
        try:
            return country_code(str(value))
        except InvalidInput as error:
            raise ValueError(error.message) from None

    def applies_to(self, country: str) -> bool:
        return self.country is None or self.country == country

    def is_empty(self) -> bool:
        """Tell whether the scenario changes nothing at all."""
        return (
            (self.agreement is None or self.agreement == AgreementChange())
            and (self.standard is None or self.standard == StandardChange())
            and (self.process is None or self.process == ProcessChange())
            and not self.sanctions
        )

    def digest(self) -> str:
        """The scenario's version: SHA-256 of its validated content (comments do not count)."""
        return hashlib.sha256(canonical_json(self.content()).encode()).hexdigest()

    def content(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; an error names the file and the path inside it."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such scenario file")
    try:
        data = read_yaml(path.resolve(), path.resolve().parent)
        return parse_scenario(data, path.name)
    except PackError as error:
        raise InvalidInput(error.message) from None


def parse_scenario(data: Any, name: str = "scenario") -> Scenario:
    """Validate parsed YAML (or a JSON body) as a scenario, errors naming ``name`` and the path."""
    try:
        return validate({} if data is None else data, Scenario, name)
    except PackError as error:
        raise InvalidInput(error.message) from None
