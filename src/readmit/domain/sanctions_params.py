"""A measure's parameters: what its effect changes, by how much, in which unit, from which day.

A parameter is a dated series (docs/policy-packs.md, "Parameters"): the EU's increased visa fee
is EUR 120 until 10 June 2024 and EUR 135 from 11 June 2024; a decision time of 45 days has one
value. Screening reads the value that holds on the day the regime's governing date names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Parameter:
    """One parameter of a measure's effect: a value, or values from dated days, and a unit.

    ``values`` is a dated series: each value holds from its day until the next one's (the first
    from the measure's start). ``says`` words it, with ``{value}`` and ``{unit}`` in it.
    """

    effect: str
    parameter: str
    values: tuple[tuple[date | None, Any], ...]
    unit: str = ""
    says: str = ""
    citation: str = ""

    @property
    def dated(self) -> bool:
        return len(self.values) > 1 or self.values[0][0] is not None

    def value_on(self, day: date | None) -> Any:
        """The value that holds on ``day`` (the first one before the series starts)."""
        current = self.values[0][1]
        for start, value in self.values:
            if start is None or (day is not None and day >= start):
                current = value
        return current

    def text(self, value: Any) -> str:
        """The parameter with this value in words."""
        shown = _shown(value)
        if self.says:
            return self.says.format(value=shown, unit=self.unit).strip()
        words = self.parameter.replace("_", " ")
        return f"{words}: {shown}{' ' + self.unit if self.unit else ''}"

    def spans(self) -> list[tuple[date | None, date | None, Any]]:
        """The series as (first day, day after the last, value); None bounds are open."""
        out = []
        for index, (start, value) in enumerate(self.values):
            end = self.values[index + 1][0] if index + 1 < len(self.values) else None
            out.append((start, end, value))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "effect": self.effect,
            "parameter": self.parameter,
            "values": [[_iso(d), v] for d, v in self.values],
            "unit": self.unit,
            "says": self.says,
            "citation": self.citation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parameter:
        return cls(
            effect=data["effect"],
            parameter=data["parameter"],
            values=tuple((_date(d), v) for d, v in data["values"]),
            unit=data.get("unit", ""),
            says=data.get("says", ""),
            citation=data.get("citation", ""),
        )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
