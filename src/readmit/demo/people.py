"""Synthetic people: every name starts with SYNTHETIC and every record says it is synthetic."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

SYNTHETIC = "SYNTHETIC"

_GIVEN = {
    "KH": ["Sokha", "Dara", "Vanna", "Sophal", "Rithy", "Chantha", "Bopha", "Visal", "Kosal"],
    "LA": ["Somsak", "Khamla", "Bounmy", "Phet", "Noy", "Vilay"],
    "MM": ["Aung", "Kyaw", "Thida", "Min", "Zaw", "Hla"],
    "PK": ["Imran", "Ayesha", "Bilal", "Sana", "Usman", "Hina"],
    "MX": ["Jose", "Maria", "Luis", "Ana", "Carlos", "Rosa"],
    "GT": ["Jose", "Maria", "Luis", "Ana", "Carlos", "Rosa"],
    "HN": ["Jose", "Maria", "Luis", "Ana", "Carlos", "Rosa"],
    "SV": ["Jose", "Maria", "Luis", "Ana", "Carlos", "Rosa"],
    "CO": ["Jose", "Maria", "Luis", "Ana", "Carlos", "Rosa"],
    "GY": ["Andrew", "Shondel", "Ravi", "Natasha", "Devon", "Kamla"],
}
_GIVEN_DEFAULT = ["Amadou", "Fatou", "Kwame", "Ama", "Musa", "Aminata", "Yonas", "Selam"]
_FAMILY = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T"]


def case_id(country: str, number: int) -> str:
    """Return a synthetic case id such as ``SYN-KH-000123``."""
    return f"SYN-{country}-{number:06d}"


def person(rng: random.Random, country: str, number: int, order_date: date) -> dict[str, Any]:
    """Return a synthetic personal record for a case ordered removed on ``order_date``."""
    # Born before 2000, so that no birth date can coincide with a date of the public registry.
    age_at_order = rng.randint(max(19, order_date.year - 1998), 58)
    born = order_date - timedelta(days=age_at_order * 365 + rng.randint(0, 364))
    given = rng.choice(_GIVEN.get(country, _GIVEN_DEFAULT))
    family = f"{rng.choice(_FAMILY)}{number:06d}"
    return {
        "given_name": f"{SYNTHETIC} {given}",
        "family_name": f"{SYNTHETIC}-{country}-{family}",
        "date_of_birth": born.isoformat(),
        "spouse_in_country": rng.random() < 0.35,
        "children_in_country": rng.choice([0, 0, 0, 1, 1, 2, 3]),
        "synthetic": True,
    }
