"""A sanction measure: an effect plus a scope, valid over a date range (docs/sanctions.md).

What the public record does not say stays unknown: a measure may have an unknown start (known
only from the day the record first shows it), an unknown end (with the day by which it had
ended at the latest), an unknown scope, or visa classes whose coverage the record leaves open.
Screening answers ``needs_review`` wherever such an unknown could change the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from readmit.domain.sanctions_params import Parameter

DISCONTINUE = "discontinue"
RESTRICT = "restrict"
EFFECTS = frozenset({DISCONTINUE, RESTRICT})
PERSONS = ("nationals", "residents")
STALE_AFTER = timedelta(days=365)


class MeasureState(StrEnum):
    IN_FORCE = "in_force"
    UNCERTAIN = "uncertain"  # the record does not tell whether it applied that day
    NOT_IN_FORCE = "not_in_force"


@dataclass(frozen=True)
class Who:
    """Which applicants a measure covers, beyond nationality, place and visa class."""

    everyone: bool = False
    employers: tuple[str, ...] = ()
    min_rank: str | None = None
    family: tuple[str, ...] = ()
    child_under: int | None = None
    domestic_staff: bool = False
    passport_types: tuple[str, ...] = ()  # empty: any passport

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "everyone": self.everyone,
            "employers": list(self.employers),
            "min_rank": self.min_rank,
            "family": list(self.family),
            "child_under": self.child_under,
            "domestic_staff": self.domestic_staff,
        }
        if self.passport_types:  # only when set: a measure recorded before it reads the same
            data["passport_types"] = list(self.passport_types)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Who:
        return cls(
            everyone=bool(data.get("everyone", False)),
            employers=tuple(data.get("employers") or ()),
            min_rank=data.get("min_rank"),
            family=tuple(data.get("family") or ()),
            child_under=data.get("child_under"),
            domestic_staff=bool(data.get("domestic_staff", False)),
            passport_types=tuple(data.get("passport_types") or ()),
        )


@dataclass(frozen=True)
class Measure:
    """One measure of a sanction. Dates: ``valid_from`` inclusive, ``valid_to`` exclusive."""

    id: str
    sanction_id: str
    country: str
    effect: str
    summary: str
    classes: tuple[str, ...] | None  # None: the record does not say which classes
    who: Who | None  # None: the record does not say which applicants
    persons: tuple[str, ...] = PERSONS
    uncertain_classes: tuple[str, ...] = ()
    exempt_classes: tuple[str, ...] = ()
    restrictions: Mapping[str, Any] = field(default_factory=dict)
    parameters: tuple[Parameter, ...] = ()
    exempt_under_age: int | None = None  # children under this age are exempt (on the day)
    exceptions_allowed: bool = True
    valid_from: date | None = None
    first_known_on: date | None = None
    valid_to: date | None = None
    end_unknown: bool = False
    ended_by: date | None = None
    citation: str = ""
    sources: tuple[str, ...] = ()
    last_verified_on: date | None = None
    notes: tuple[str, ...] = ()

    @property
    def starts(self) -> date | None:
        """The first day the measure can apply: its start, or the day the record first shows it."""
        return self.valid_from or self.first_known_on

    @property
    def scope_known(self) -> bool:
        return self.classes is not None and self.who is not None

    def certain_span(self) -> tuple[date, date | None] | None:
        """The days the record places within the measure's time: (first, day after the last).

        The second is None while no end is recorded. A measure is in force over one unbroken
        stretch of days, and a verification proves it in force on its day: so the days between
        a verification and a known edge are settled too (from the effective date to the last
        verification when the end is unknown; from the verification to the end, or onward, when
        the start is unknown). docs/policy-packs.md, "What a dated source proves".
        """
        start, verified = self.valid_from, self.last_verified_on
        if start is not None and not self.end_unknown:
            return start, self.valid_to
        if verified is None or (self.starts is not None and verified < self.starts):
            return None
        first = start if start is not None else verified
        last = verified + timedelta(days=1) if self.end_unknown else self.valid_to
        bound = self.valid_to or self.ended_by
        if last is not None and bound is not None:
            last = min(last, bound)
        if last is not None and last <= first:
            return None
        return first, last

    def time_known(self, day: date) -> bool:
        """Tell whether the record places ``day`` within the measure's time."""
        span = self.certain_span()
        return span is not None and span[0] <= day and (span[1] is None or day < span[1])

    def state_on(self, day: date) -> MeasureState:
        """Tell whether the measure was in force on ``day``, or whether the record cannot say."""
        start = self.starts
        if start is None or day < start:
            return MeasureState.NOT_IN_FORCE
        if self.valid_to is not None and day >= self.valid_to:
            return MeasureState.NOT_IN_FORCE
        if self.end_unknown and self.ended_by is not None and day >= self.ended_by:
            return MeasureState.NOT_IN_FORCE
        if not self.time_known(day) or not self.scope_known:
            return MeasureState.UNCERTAIN
        return MeasureState.IN_FORCE

    def ended(self, day: date) -> bool:
        """Tell whether the measure had certainly ended by ``day``."""
        if self.valid_to is not None and day >= self.valid_to:
            return True
        return self.end_unknown and self.ended_by is not None and day >= self.ended_by

    def stale(self, today: date) -> bool:
        """A measure not ended and not verified for over a year is stale: never silently trusted."""
        if self.ended(today):
            return False
        return self.last_verified_on is None or today - self.last_verified_on > STALE_AFTER

    def validity_text(self) -> str:
        """Describe the measure's dates in plain words."""
        if self.valid_from is not None:
            start = f"from {self.valid_from.isoformat()}"
        elif self.first_known_on is not None:
            start = f"from an unknown date (first reported {self.first_known_on.isoformat()})"
        else:
            start = "from an unknown date"
        if self.valid_to is not None:
            return f"{start} to {self.valid_to.isoformat()}"
        if self.end_unknown:
            bound = f", by {self.ended_by.isoformat()} at the latest" if self.ended_by else ""
            return f"{start}; ended, date unknown{bound}"
        return f"{start}, no end recorded"

    def to_dict(self) -> dict[str, Any]:
        """Serialise for the ledger and the projection."""
        return {
            "id": self.id,
            "sanction_id": self.sanction_id,
            "country": self.country,
            "effect": self.effect,
            "summary": self.summary,
            "classes": list(self.classes) if self.classes is not None else "unknown",
            "who": self.who.to_dict() if self.who is not None else "unknown",
            "persons": list(self.persons),
            "uncertain_classes": list(self.uncertain_classes),
            "exempt_classes": list(self.exempt_classes),
            "restrictions": dict(self.restrictions),
            "exceptions_allowed": self.exceptions_allowed,
            "valid_from": _iso(self.valid_from),
            "first_known_on": _iso(self.first_known_on),
            "valid_to": _iso(self.valid_to),
            "end_unknown": self.end_unknown,
            "ended_by": _iso(self.ended_by),
            "citation": self.citation,
            "sources": list(self.sources),
            "last_verified_on": _iso(self.last_verified_on),
            "notes": list(self.notes),
            # Only when set, so that a measure recorded before parameters existed reads the same.
            **({"parameters": [p.to_dict() for p in self.parameters]} if self.parameters else {}),
            **(
                {"exempt_under_age": self.exempt_under_age}
                if self.exempt_under_age is not None
                else {}
            ),
        }

    def restriction_items(self, day: date | None) -> list[dict[str, Any]]:
        """Each restriction on ``day`` as data: its measure, effect, parameter, value and unit."""
        items = [
            {
                "measure": self.id,
                "effect": RESTRICT,
                "parameter": key,
                "value": self.restrictions[key],
                "unit": "months" if key == "validity_months" else "",
                "citation": self.citation,
            }
            for key in sorted(self.restrictions)
        ]
        for p in self.parameters:
            items.append(
                {
                    "measure": self.id,
                    "effect": p.effect,
                    "parameter": p.parameter,
                    "value": p.value_on(day),
                    "unit": p.unit,
                    "citation": p.citation or self.citation,
                }
            )
        return items

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Measure:
        """Build a measure from its serialised form (already validated)."""
        classes = data.get("classes", "unknown")
        who = data.get("who", "unknown")
        return cls(
            id=data["id"],
            sanction_id=data["sanction_id"],
            country=data["country"],
            effect=data["effect"],
            summary=data.get("summary", ""),
            classes=None if classes == "unknown" else tuple(classes),
            who=None if who == "unknown" else Who.from_dict(who),
            persons=tuple(data.get("persons") or PERSONS),
            uncertain_classes=tuple(data.get("uncertain_classes") or ()),
            exempt_classes=tuple(data.get("exempt_classes") or ()),
            restrictions=dict(data.get("restrictions") or {}),
            parameters=tuple(Parameter.from_dict(p) for p in data.get("parameters") or ()),
            exempt_under_age=data.get("exempt_under_age"),
            exceptions_allowed=bool(data.get("exceptions_allowed", True)),
            valid_from=_date(data.get("valid_from")),
            first_known_on=_date(data.get("first_known_on")),
            valid_to=_date(data.get("valid_to")),
            end_unknown=bool(data.get("end_unknown", False)),
            ended_by=_date(data.get("ended_by")),
            citation=data.get("citation", ""),
            sources=tuple(data.get("sources") or ()),
            last_verified_on=_date(data.get("last_verified_on")),
            notes=tuple(data.get("notes") or ()),
        )


RESTRICTION_WORDS: dict[str, str] = {
    "validity_months": "valid for {} month(s)",
    "entries": "{} entry",
    "fee": "visa fee {}",
    "processing_days": "processing up to {} days",
    "multiple_entry": "multiple-entry visas: {}",
    "waiver": "document waiver: {}",
}


def restriction_text(
    restrictions: Mapping[str, Any], parameters: tuple[Parameter, ...] = (), day: date | None = None
) -> str:
    """Describe a measure's restrictions in plain words, in a stable order (values on ``day``)."""
    parts = []
    for key in sorted(restrictions):
        template = RESTRICTION_WORDS.get(key, key.replace("_", " ") + " {}")
        parts.append(template.format(restrictions[key]))
    parts += [p.text(p.value_on(day)) for p in parameters]
    return "; ".join(parts)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
