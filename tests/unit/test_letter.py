"""The letter to the applicant, compared with a reviewed snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from applicants import KH_DIRECTOR_GENERAL
from readmit.domain.errors import InvalidInput
from readmit.domain.screening import decide
from readmit.domain.screening_compile import compile_program
from readmit.domain.screening_letter import Letter, compose_letter, issuer, render_letter
from readmit.packs import load_pack
from readmit.services.screening import letter_pdf

SNAPSHOTS = Path(__file__).parent / "snapshots"
PACK = load_pack()
MEASURES = {m.id: m for h in PACK.sanctions for m in h.sanction.measures.values()}
PROGRAM = compile_program(list(MEASURES.values()), PACK.policy)
KH = KH_DIRECTOR_GENERAL


def letter_for(inputs: dict[str, str]) -> str:
    decision = decide(PROGRAM, inputs, None, date(2026, 1, 1))
    text = render_letter(PACK.policy, decision, MEASURES, "d-snapshot")
    return text.replace(PACK.version, "<pack version>")


def composed(inputs: dict[str, str], *, synthetic: bool = False) -> Letter:
    decision = decide(PROGRAM, inputs, None, date(2026, 1, 1))
    return compose_letter(PACK.policy, decision, MEASURES, "d-snapshot", synthetic=synthetic)


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
    # One line a paragraph: the template's YAML wrapping does not reach the letter.
    assert (
        "Visa issuance has temporarily been discontinued under Section 243(d) of the "
        "Immigration and Nationality Act.\n" in text
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
    assert (
        "Measure KH-2017-1 (sanction KH-2017, in force from 2017-09-13): "
        "INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12" in text
    )
    # The regime's words on appeal and refund are said once, under what the applicant may do.
    assert text.count("There is no appeal of this decision.") == 1


def test_the_letter_opens_with_the_letterhead_the_date_and_the_references() -> None:
    letter = composed(KH)
    assert (letter.issuer, letter.post) == ("Embassy of the United States", "Cambodia")
    assert letter.dated == date(2022, 3, 1)
    assert (letter.reference, letter.decision_id) == ("KH-2022-0042", "d-snapshot")
    assert ("Visa class applied for", "B1/B2") in letter.facts
    assert not any(label in {"Application", "Decision"} for label, _ in letter.facts)
    assert letter_for(KH).startswith(
        "Embassy of the United States\nCambodia\n\nDate: 2022-03-01\n"
        "Reference: KH-2022-0042\nDecision: d-snapshot\n"
    )


def test_a_letter_from_the_demo_says_it_is_synthetic() -> None:
    assert "SYNTHETIC DEMO DATA" in composed(KH, synthetic=True).text()
    assert "synthetic" not in letter_for(KH).lower()


def test_the_pdf_letter_opens_and_carries_the_letterhead_references_and_citation() -> None:
    pdf = pdfium.PdfDocument(letter_pdf.render(composed(KH, synthetic=True)))
    # Lines as laid out on the page: a long citation may wrap, so spaces are compared as one.
    text = " ".join(" ".join(page.get_textpage().get_text_range() for page in pdf).split())
    assert len(pdf) == 1
    for part in (
        "Embassy of the United States",
        "Cambodia",
        "1 March 2022",
        "Reference: KH-2022-0042",
        "Decision: d-snapshot",
        "INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12",
        "There is no appeal of this decision.",
        "Synthetic demo data",
    ):
        assert part in text, part


def test_a_member_states_consulate_writes_where_the_regime_asks_which_state_decides() -> None:
    policy = load_pack("eu_visa_code_25a").policy
    assert issuer(policy.regime, {"member_state": "CZ"}) == "Consulate of Czechia"
    assert issuer(policy.regime, {"member_state": "NL"}) == "Consulate of the Netherlands"
    assert issuer(policy.regime, {}) == "Consulate of the deciding Member State"
    assert issuer(PACK.policy.regime, {"member_state": "CZ"}) == "Embassy of the United States"


def test_there_is_no_letter_for_an_application_that_is_not_affected() -> None:
    decision = decide(PROGRAM, {**KH, "rank": "director"}, None, date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="no letter for a decision of not_affected"):
        render_letter(PACK.policy, decision, MEASURES, "d-1")
