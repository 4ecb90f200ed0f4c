"""Synthetic visa applications to screen: a batch file, and a few telling single cases.

Every application id starts with ``SYN-APP-`` and every applicant name with ``SYNTHETIC``.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from readmit.demo.flights import random_day

COLUMNS = (
    "application_id",
    "applicant_name",
    "nationality",
    "visa_class",
    "decision_date",
    "post_country",
    "employer",
    "rank",
    "relationship",
    "principal_employer",
    "principal_rank",
    "date_of_birth",
    "approved_exception",
    "application_date",
    "synthetic",
)
Country = tuple[str, tuple[str, ...], int]
# (nationality, government employers, weight): the sanctioned countries, and others for contrast.
_COUNTRIES: tuple[Country, ...] = (
    ("KH", ("KH-MFA", "KH-MFA-CONS", "KH-MOI", "KH-MOI-IMM"), 5),
    ("ER", ("ER-GOV",), 2),
    ("GN", ("GN-GOV",), 2),
    ("SL", ("SL-MFA", "SL-IMM", "SL-GOV"), 2),
    ("MM", ("MM-MOHA", "MM-MOLIP", "MM-GOV"), 2),
    ("LA", ("LA-MPS", "LA-MFA", "LA-GOV"), 2),
    ("GH", ("GH-EXEC", "GH-MFA", "GH-LEG"), 2),
    ("BI", ("BI-GOV",), 1),
    ("GM", ("GM-GOV",), 1),
    ("MX", (), 2),
    ("CO", (), 1),
)
_CLASSES = ("B1/B2", "B1/B2", "B2", "B1", "F1", "J1", "A3", "G5", "IR1", "H1B")
_RANKS = (
    "minister",
    "secretary_of_state",
    "under_secretary_of_state",
    "director_general",
    "deputy_director_general",
    "director",
    "deputy_director",
    "staff",
)
_NAMES = ("Sokha", "Dara", "Amadou", "Fatou", "Aung", "Somsak", "Kwame", "Yonas", "Maria")


def application_rows(seed: int, count: int = 2000) -> list[dict[str, str]]:
    """Return ``count`` synthetic applications, the same for the same seed."""
    rng = random.Random(f"readmit-demo/{seed}/applications")
    weights = [w for _, _, w in _COUNTRIES]
    return [_row(rng, n, rng.choices(_COUNTRIES, weights)[0]) for n in range(1, count + 1)]


def _row(
    rng: random.Random, number: int, country: tuple[str, tuple[str, ...], int]
) -> dict[str, Any]:
    code, employers, _ = country
    decided = random_day(rng, date(2016, 1, 1), date(2022, 12, 31))
    row = dict.fromkeys(COLUMNS, "")
    row |= {
        "application_id": f"SYN-APP-{number:06d}",
        "applicant_name": f"SYNTHETIC {rng.choice(_NAMES)} {number:06d}",
        "nationality": code,
        "visa_class": rng.choice(_CLASSES),
        "decision_date": decided.isoformat(),
        # Most apply at home; some at a post elsewhere, where 243(d) measures do not reach.
        "post_country": code if rng.random() < 0.85 else rng.choice(["SN", "TH", "KE", "GB"]),
        "application_date": (decided - timedelta(days=rng.randint(5, 120))).isoformat(),
        "approved_exception": "true" if rng.random() < 0.01 else "false",
        "synthetic": "true",
    }
    if employers and rng.random() < 0.45:
        _official(rng, row, employers)
    return row


def _official(rng: random.Random, row: dict[str, Any], employers: tuple[str, ...]) -> None:
    employer, rank = rng.choice(employers), rng.choice(_RANKS)
    missing_rank = rng.random() < 0.03  # an incomplete form: the decision needs review
    relationship = rng.choice(["self", "self", "spouse", "child", "employee"])
    if relationship == "self":
        row |= {"employer": employer, "rank": "" if missing_rank else rank, "relationship": "self"}
        return
    row |= {"relationship": relationship, "principal_employer": employer, "principal_rank": rank}
    if relationship == "child":
        born = date.fromisoformat(row["decision_date"]) - timedelta(days=rng.randint(3, 30) * 365)
        row["date_of_birth"] = born.isoformat()
    if relationship == "employee":
        row["visa_class"] = rng.choice(["A3", "G5"])


def write_applications(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write applications as CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


# A few applications that show what screening decides and why (docs/sources.md, "The sanctions").
SHOWCASE: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Cambodian MFA Director General, B1/B2, decided 2022-03-01 in Phnom Penh",
        {
            "nationality": "KH",
            "visa_class": "B1/B2",
            "decision_date": "2022-03-01",
            "post_country": "KH",
            "employer": "KH-MFA",
            "rank": "director_general",
            "relationship": "self",
        },
    ),
    (
        "Spouse of a Cambodian MFA Director General, B2, 2022-03-01",
        {
            "nationality": "KH",
            "visa_class": "B2",
            "decision_date": "2022-03-01",
            "post_country": "KH",
            "relationship": "spouse",
            "principal_employer": "KH-MFA",
            "principal_rank": "director_general",
        },
    ),
    (
        "Cambodian MFA director (below Director General), B1/B2, 2022-03-01",
        {
            "nationality": "KH",
            "visa_class": "B1/B2",
            "decision_date": "2022-03-01",
            "post_country": "KH",
            "employer": "KH-MFA",
            "rank": "director",
            "relationship": "self",
        },
    ),
    (
        "Cambodian MFA employee with no rank given, B1, 2022-03-01",
        {
            "nationality": "KH",
            "visa_class": "B1",
            "decision_date": "2022-03-01",
            "post_country": "KH",
            "employer": "KH-MFA",
            "relationship": "self",
        },
    ),
    (
        "Guinean official applying in Dakar, B1, 2018-01-10",
        {
            "nationality": "GN",
            "visa_class": "B1",
            "decision_date": "2018-01-10",
            "post_country": "SN",
            "employer": "GN-GOV",
            "rank": "director",
            "relationship": "self",
        },
    ),
    (
        "Ghanaian executive-branch employee, B2, Accra, 2019-06-01",
        {
            "nationality": "GH",
            "visa_class": "B2",
            "decision_date": "2019-06-01",
            "post_country": "GH",
            "employer": "GH-EXEC",
            "rank": "staff",
            "relationship": "self",
        },
    ),
)

# One application under each other regime of the demo's registry: (label, pack, inputs).
REGIME_SHOWCASE: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "Gambian adult, Schengen short-stay visa (C) lodged in Dakar on 2023-11-01 "
        "(EU Visa Code Art. 25a)",
        "eu_visa_code_25a",
        {
            "nationality": "GM",
            "visa_class": "C",
            "post_country": "SN",
            "application_date": "2023-11-01",
            "decision_date": "2023-11-20",
        },
    ),
    (
        "Ethiopian family member of an EU citizen, C visa lodged in Addis Ababa on 2024-07-01 "
        "(EU Visa Code Art. 25a)",
        "eu_visa_code_25a",
        {
            "nationality": "ET",
            "visa_class": "C",
            "post_country": "ET",
            "application_date": "2024-07-01",
            "decision_date": "2024-07-10",
            "family_of_eu_citizen": "true",
        },
    ),
    (
        "Congolese (DR Congo) visitor, entry clearance applied for in Kinshasa on 2026-01-10 "
        "(UK Nationality and Borders Act 2022 s.72)",
        "uk_naba_2022_s72",
        {
            "nationality": "CD",
            "visa_class": "VISIT",
            "post_country": "CD",
            "application_date": "2026-01-10",
            "decision_date": "2026-01-20",
        },
    ),
)
