"""The content of a country brief, independent of how it is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Brief:
    """Everything a country brief shows, gathered from the services (no rendering here)."""

    country: str
    name: str
    start: date
    end: date
    as_of: date | None
    ledger_position: dict[str, Any]
    synthetic: bool
    assessment: dict[str, Any]
    series: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    sanctions: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # The backlog projected at the window's pace (services/whatif), beside the record: None when
    # the ledger holds nothing to project from. Never a fact of the record.
    forecast: dict[str, Any] | None = None

    @property
    def title(self) -> str:
        """The brief's title."""
        return f"Country brief: {self.name} ({self.country})"

    def provenance(self) -> str:
        """Where the figures come from, in one line."""
        seq = self.ledger_position.get("seq")
        as_of = f", as recorded by {self.as_of}" if self.as_of else ""
        label = " SYNTHETIC DEMO DATA: every case is invented." if self.synthetic else ""
        return f"Figures from the readmit ledger at position {seq}{as_of}.{label}"
