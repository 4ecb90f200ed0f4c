"""The pack's related measures as the registry shows them: beside the sanctions, never among them.

A related measure (a proclamation under INA 212(f), a suspension whose legal basis is uncertain)
has no lifecycle and is not in the ledger: it is read from the pack (``related/*.yaml``), so a
country page lists it under its own heading, with its instrument, citation and sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from readmit.domain.countries import country_code
from readmit.domain.sanctions_related import RelatedMeasure
from readmit.services.context import App
from readmit.services.sanctions.pack import current_pack


@dataclass(frozen=True)
class RelatedView:
    """One related measure and its state on the day asked about."""

    measure: RelatedMeasure
    state: str  # in_force | uncertain | not_in_force
    validity: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.measure.to_dict(), "state": self.state}


def related_measures(app: App, country: str, on: date | None = None) -> list[RelatedView]:
    """Every related measure that ever targeted ``country``, with its state on ``on`` (today).

    Ordered by start, then id; an unknown country code raises ``UnknownCountry``.
    """
    code, day = country_code(country), on or date.today()
    found = sorted(
        current_pack(app).related_by_country.get(code, ()), key=lambda m: (m.valid_from, m.id)
    )
    return [RelatedView(m, m.state_on(day).value, m.validity_text()) for m in found]
