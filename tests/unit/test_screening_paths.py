"""Every path to needs_review and invalid, and the fields a form must ask for."""

from __future__ import annotations

from datetime import date

import pytest

from readmit.domain.screening import decide, inputs_needed
from readmit.domain.screening_compile import compile_program
from readmit.domain.screening_rules import Program
from readmit.packs import load_pack

PACK = load_pack()
MEASURES = [m for h in PACK.sanctions for m in h.sanction.measures.values()]
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def program() -> Program:
    return compile_program(MEASURES, PACK.policy)


KH = {"nationality": "KH", "post_country": "KH", "visa_class": "B2", "decision_date": "2022-03-01"}
GH = {"nationality": "GH", "post_country": "GH", "visa_class": "B2", "decision_date": "2019-06-01"}


@pytest.mark.parametrize(
    ("inputs", "reason"),
    [
        ({**KH, "employer": "KH-MFA"}, "the rank of the KH-MFA employee is not given"),
        (
            {**KH, "employer": "KH-MOFA", "rank": "minister"},
            "organisation code KH-MOFA is not in the pack's KH organisation tree",
        ),
        (
            {**KH, "relationship": "spouse", "principal_employer": "KH-MFA"},
            "the rank of the spouse's principal (KH-MFA employee) is not given",
        ),
        (
            {
                **KH,
                "relationship": "child",
                "principal_employer": "KH-FOO",
                "principal_rank": "minister",
            },
            "organisation code KH-FOO is not in the pack's KH organisation tree",
        ),
        (
            {**GH, "relationship": "child", "principal_employer": "GH-LEG"},
            "the child's date of birth is not given (the measure covers children under 21)",
        ),
        (
            {
                "nationality": "MM",
                "post_country": "MM",
                "visa_class": "B1/B2",
                "decision_date": "2019-01-01",
                "employer": "MM-MOHA",
                "rank": "minister",
            },
            "the record does not say whether B1/B2 is covered",
        ),
        (
            {
                "nationality": "GM",
                "post_country": "GM",
                "visa_class": "B1",
                "decision_date": "2017-10-01",
                "employer": "GM-GOV",
            },
            "the record does not say whether this measure applied on that day",
        ),
        (
            {
                "nationality": "PK",
                "post_country": "PK",
                "visa_class": "B1",
                "decision_date": "2020-01-01",
            },
            "the scope of this measure was never published",
        ),
    ],
    ids=[
        "rank-missing",
        "unknown-org",
        "principal-rank-missing",
        "unknown-principal-org",
        "child-age-unknown",
        "class-not-named",
        "end-date-unknown",
        "scope-unknown",
    ],
)
def test_needs_review_says_which_declared_field_or_record_gap_decides(
    program: Program, inputs: dict[str, str], reason: str
) -> None:
    decision = decide(program, inputs, None, TODAY)
    assert decision.decision == "needs_review"
    assert reason in decision.reasons


def test_a_field_that_cannot_change_the_outcome_is_not_asked_for(program: Program) -> None:
    decision = decide(
        program,
        {"nationality": "TH", "post_country": "TH", "visa_class": "B2", "employer": "TH-WHATEVER"},
        None,
        TODAY,
    )
    assert decision.decision == "not_affected"
    assert inputs_needed(MEASURES, PACK.policy, "TH", "TH", TODAY) == []


def test_a_private_applicant_declares_nothing_and_passes(program: Program) -> None:
    assert decide(program, KH, None, TODAY).decision == "not_affected"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nationality", "", "nationality is required"),
        ("nationality", "XX", "nationality 'XX' is not an ISO 3166-1 country code"),
        ("post_country", "Cambodia", "post_country 'CAMBODIA' is not an ISO 3166-1 country code"),
        ("visa_class", "", "visa_class is required"),
        ("visa_class", "B9", "visa_class 'B9' is not in the pack's visa class table"),
        ("decision_date", "2022-02-30", "decision_date '2022-02-30' is not a real date"),
        ("decision_date", "1/3/2022", "decision_date '1/3/2022' is not a real date"),
        ("application_date", "yesterday", "application_date 'yesterday' is not a real date"),
        ("date_of_birth", "2001-13-01", "date_of_birth '2001-13-01' is not a real date"),
        ("rank", "boss", "rank 'boss' is not a rank on the pack's rank ladders"),
        ("principal_rank", "chief", "principal_rank 'chief' is not a rank"),
        (
            "relationship",
            "cousin",
            "relationship 'cousin' is not one of self, spouse, child, employee, other",
        ),
        ("approved_exception", "maybe", "approved_exception 'maybe' is not true or false"),
        ("residence", "QQ", "residence 'QQ' is not an ISO 3166-1 country code"),
        ("other_nationalities", "ER;QQ", "other_nationalities 'ER;QQ' holds a code that is not"),
    ],
)
def test_what_cannot_be_read_is_invalid_with_the_reason(
    program: Program, field: str, value: str, message: str
) -> None:
    decision = decide(program, {**KH, field: value}, None, TODAY)
    assert decision.decision == "invalid"
    assert message in decision.reasons
    assert decision.measures == () and decision.citations == ""


def test_an_empty_decision_date_is_decided_as_of_today(program: Program) -> None:
    inputs = {**KH, "decision_date": "", "employer": "KH-MFA", "rank": "minister"}
    assert decide(program, inputs, None, date(2017, 9, 12)).decision == "not_affected"
    assert decide(program, inputs, None, date(2017, 9, 13)).decision == "discontinued"


def test_as_of_overrides_the_decision_date_whatever_the_filing_date(program: Program) -> None:
    inputs = {
        **KH,
        "employer": "KH-MFA",
        "rank": "minister",
        "application_date": "2017-01-01",
        "decision_date": "2016-01-01",
    }
    assert decide(program, inputs, None, TODAY).decision == "not_affected"
    assert decide(program, inputs, date(2020, 1, 1), TODAY).decision == "discontinued"


def test_the_inputs_a_form_needs_for_cambodia_in_2022() -> None:
    needed = [n.field for n in inputs_needed(MEASURES, PACK.policy, "KH", "KH", date(2022, 3, 1))]
    assert needed == [
        "visa_class",
        "employer",
        "rank",
        "relationship",
        "principal_employer",
        "principal_rank",
        "approved_exception",
        "exception_reference",
    ]


def test_the_inputs_a_form_needs_for_ghana_in_2019_include_the_date_of_birth() -> None:
    needed = [n.field for n in inputs_needed(MEASURES, PACK.policy, "GH", "GH", date(2019, 6, 1))]
    assert "date_of_birth" in needed and "rank" not in needed


def test_a_foreign_national_in_eritrea_is_asked_for_residence_and_other_nationalities() -> None:
    needed = [n.field for n in inputs_needed(MEASURES, PACK.policy, "ET", "ER", date(2020, 1, 1))]
    assert needed[:3] == ["visa_class", "residence", "other_nationalities"] or {
        "residence",
        "other_nationalities",
    } <= set(needed)
