"""The letter to the applicant, compared with a reviewed snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from readmit.domain.errors import InvalidInput
from readmit.domain.screening import decide
from readmit.domain.screening_compile import compile_program
from readmit.domain.screening_letter import render_letter
from readmit.packs import load_pack

SNAPSHOTS = Path(__file__).parent / "snapshots"
PACK = load_pack()
MEASURES = {m.id: m for h in PACK.sanctions for m in h.sanction.measures.values()}
PROGRAM = compile_program(list(MEASURES.values()), PACK.policy)
KH = {
    "application_id": "KH-2022-0042",
    "nationality": "KH",
    "visa_class": "B1/B2",
    "decision_date": "2022-03-01",
    "post_country": "KH",
    "employer": "KH-MFA",
    "rank": "director_general",
}


def letter_for(inputs: dict[str, str]) -> str:
    decision = decide(PROGRAM, inputs, None, date(2026, 1, 1))
    text = render_letter(PACK.policy, decision, MEASURES, "d-snapshot")
    return text.replace(PACK.version, "<pack version>")


@pytest.mark.parametrize("name", ["discontinued", "restricted"])
def test_the_letter_matches_its_snapshot(name: str) -> None:
    inputs = (
        KH
        if name == "discontinued"
        else {
            "application_id": "GH-2019-0007",
            "nationality": "GH",
            "visa_class": "B2",
            "decision_date": "2019-06-01",
            "post_country": "GH",
            "employer": "GH-LEG",
        }
    )
    assert letter_for(inputs) == (SNAPSHOTS / f"letter_{name}.txt").read_text()


def test_the_discontinuation_letter_says_what_the_articles_quote() -> None:
    text = letter_for(KH)
    assert (
        "Visa issuance has temporarily been discontinued under Section 243(d) of the "
        "Immigration\nand Nationality Act" in text
    )
    assert (
        "There is no appeal of this decision. The visa application fee will not be refunded."
        in text
    )
    assert "reconstructed from published wording" in text
    assert "Issuance resumes only when the Secretary of Homeland Security notifies" in text
    # The letter's own words on resumption (Phnom Penh Post, spring 2022), line breaks aside.
    assert (
        "resume only when the Secretary of Homeland Security notifies the Secretary of State "
        "that Cambodia has complied with US requests relating to acceptance of its national or "
        "nationals." in " ".join(text.split())
    )
    assert "Legal basis: INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12" in text


def test_there_is_no_letter_for_an_application_that_is_not_affected() -> None:
    decision = decide(PROGRAM, {**KH, "rank": "director"}, None, date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="no letter for a decision of not_affected"):
        render_letter(PACK.policy, decision, MEASURES, "d-1")
