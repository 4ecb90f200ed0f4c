"""Applicants the tests share: the same application read by the letter, page and API tests."""

from __future__ import annotations

# A Cambodian Director General of the Foreign Ministry applying for a B1/B2 in Phnom Penh in
# March 2022: discontinued under KH-2017-1, so a letter is due.
KH_DIRECTOR_GENERAL = {
    "application_id": "KH-2022-0042",
    "nationality": "KH",
    "visa_class": "B1/B2",
    "decision_date": "2022-03-01",
    "post_country": "KH",
    "employer": "KH-MFA",
    "rank": "director_general",
}


def check_command(applicant: dict[str, str]) -> tuple[str, ...]:
    """``readmit check`` of ``applicant`` with its letter: each field as its option."""
    options = [part for k, v in applicant.items() for part in (f"--{k.replace('_', '-')}", v)]
    return ("check", *options, "--letter")
