"""Related measures: restrictions beside 243(d), cited on their own, never among its sanctions.

Screening reports them beside the 243(d) decision without changing it; the pack holds them in
``related/`` with their own model and loader, outside the lifecycle and the ledger.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from readmit.domain.errors import PackError
from readmit.domain.sanctions import MeasureState
from readmit.domain.sanctions_related import RelatedFinding, beside_regime, related_findings
from readmit.domain.screening import Decision, decide
from readmit.domain.screening_compile import compile_program
from readmit.domain.screening_letter import render_letter
from readmit.packs import PACKS_DIR, load_pack

PACK = load_pack()
MEASURES = [m for h in PACK.sanctions for m in h.sanction.measures.values()]
PROGRAM = compile_program(MEASURES, PACK.policy)
TODAY = date(2026, 6, 1)
RANGOON = {"nationality": "MM", "post_country": "MM", "visa_class": "B2"}


def screened(inputs: dict[str, str], day: str) -> tuple[Decision, tuple[RelatedFinding, ...]]:
    decision = decide(PROGRAM, {**inputs, "decision_date": day}, None, TODAY)
    found = related_findings(
        PACK.related_by_country, PACK.policy, decision.inputs, decision.decision_on
    )
    return decision, found


def ids(found: tuple[RelatedFinding, ...]) -> list[tuple[str, str]]:
    return [(f.measure.id, f.status) for f in found]


def test_a_burmese_applicant_in_rangoon_in_july_2025_is_barred_beside_243d() -> None:
    decision, found = screened(RANGOON, "2025-07-15")
    assert decision.decision == "not_affected" and decision.measures == ()
    assert ids(found) == [("proclamation-10949-mm", "applies")]
    related = found[0].to_dict()
    assert related["instrument"] == "Proclamation 10949"
    assert related["citation"] == "INA 212(f); Proclamation 10949"
    assert related["effect"] == "full entry ban"
    assert related["from"] == date(2025, 6, 9)
    assert related["source"].startswith("https://")
    said = beside_regime("243(d)", decision.decision, decision.reasons, found)
    assert said.startswith(
        "not affected by 243(d); a separate entry restriction under INA 212(f) "
        "(Proclamation 10949) applies"
    )


def test_a_covered_official_is_discontinued_under_243d_and_barred_beside_it() -> None:
    official = {**RANGOON, "employer": "MM-MOHA", "rank": "director_general", "visa_class": "B1"}
    decision, found = screened(official, "2025-07-15")
    assert decision.decision == "discontinued" and decision.measures == ("MM-2018-1",)
    assert ids(found) == [("proclamation-10949-mm", "applies")]
    said = beside_regime("243(d)", decision.decision, decision.reasons, found)
    assert said.startswith("MM-2018-1: ") and " | beside 243(d): a separate entry" in said


@pytest.mark.parametrize(
    ("inputs", "day", "expected"),
    [
        (RANGOON, "2025-06-08", []),  # the day before it took effect
        ({**RANGOON, "visa_class": "A1"}, "2025-07-15", []),  # diplomatic visas are excepted
        (
            {**RANGOON, "visa_class": "IR1"},
            "2025-07-15",
            [("proclamation-10949-mm", "may_apply")],
        ),
        ({**RANGOON, "nationality": "TH"}, "2025-07-15", []),  # a Thai applying in Rangoon
        (
            {"nationality": "GB", "other_nationalities": "ER", "post_country": "GB"},
            "2025-07-15",
            [("proclamation-10949-er", "may_apply")],
        ),
        (
            {"nationality": "LA", "post_country": "LA"},
            "2025-07-15",
            [("proclamation-10949-la", "applies")],
        ),
        (
            {"nationality": "LA", "post_country": "LA"},
            "2026-02-01",
            [("proclamation-10998-la", "applies")],
        ),
        (
            {"nationality": "LA", "post_country": "LA", "visa_class": "H1B"},
            "2025-07-15",
            [("proclamation-10949-la-validity", "applies")],
        ),
        ({"nationality": "TM", "post_country": "TM"}, "2026-02-01", []),  # visitors' ban lifted
        (
            {"nationality": "TM", "post_country": "TM", "visa_class": "DV1"},
            "2026-02-01",
            [("proclamation-10949-tm-immigrant", "applies")],
        ),
        (
            {"nationality": "GM", "post_country": "GM"},
            "2026-02-01",
            [("proclamation-10998-gm", "applies")],
        ),
        (
            {"nationality": "SS", "post_country": "SS"},
            "2025-04-06",
            [("ss-2025-revocation-1", "applies")],
        ),
        (
            {"nationality": "SS", "post_country": "SS"},
            "2025-05-01",
            [("ss-2025-revocation-1", "may_apply")],
        ),
    ],
    ids=[
        "before",
        "diplomat",
        "immediate-relative",
        "other-nationality",
        "dual-national",
        "laos-partial",
        "laos-full",
        "laos-validity",
        "turkmen-visitor-2026",
        "turkmen-immigrant-2026",
        "gambia-2026",
        "south-sudan-verified",
        "south-sudan-after",
    ],
)
def test_the_proclamations_and_the_revocation_by_country_class_and_day(
    inputs: dict[str, str], day: str, expected: list[tuple[str, str]]
) -> None:
    _decision, found = screened({"visa_class": "B2", **inputs}, day)
    assert ids(found) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-26", []),
        ("2025-01-27", [("co-2025-bogota-1", "applies")]),
        ("2025-01-29", [("co-2025-bogota-1", "applies")]),
        ("2025-01-30", [("co-2025-bogota-1", "may_apply")]),  # resumed on the 30th or the 31st
        ("2025-01-31", []),
    ],
)
def test_colombia_binds_every_applicant_at_bogota_while_issuance_was_suspended(
    day: str, expected: list[tuple[str, str]]
) -> None:
    _decision, found = screened(
        {"nationality": "VE", "post_country": "CO", "visa_class": "B2"}, day
    )
    assert ids(found) == expected
    if found:
        assert "whose legal basis is uncertain" in found[0].sentence()


def test_cuba_2025_may_apply_to_officials_only_and_its_legal_basis_is_shown_uncertain() -> None:
    cuban = {"nationality": "CU", "post_country": "CU", "visa_class": "B2"}
    _d, private = screened(cuban, "2025-03-01")
    assert private == ()
    _d, official = screened({**cuban, "employer": "CU-GOV"}, "2025-03-01")
    assert ids(official) == [("cu-2025-official-visas-1", "may_apply")]
    finding = official[0]
    assert finding.to_dict()["legal_basis_certain"] is False
    assert finding.sentence() == (
        "a separate visa suspension whose legal basis is uncertain "
        "(Cuba 2025 official-visa suspension) may apply"
    )
    assert any("which visa classes" in doubt for doubt in finding.doubts)
    _d, ministry = screened({**cuban, "employer": "CU-MINREX"}, "2025-03-01")
    assert ids(ministry) == [("cu-2025-official-visas-1", "may_apply")]
    spouse = {**cuban, "relationship": "spouse", "principal_employer": "CU-GOV"}
    assert screened(spouse, "2025-03-01")[1] == ()  # the suspension names no family


def test_colombias_travel_sanctions_may_reach_an_officials_family_anywhere() -> None:
    child = {
        "nationality": "CO",
        "post_country": "MX",
        "visa_class": "B2",
        "relationship": "child",
        "principal_employer": "CO-GOV",
    }
    _d, found = screened(child, "2025-02-15")
    assert ids(found) == [("co-2025-bogota-2", "may_apply")]


def test_related_measures_are_never_243d_sanctions() -> None:
    sanction_ids = {m.id for m in MEASURES}
    assert PACK.related and not sanction_ids & {m.id for m in PACK.related}
    assert all("243(d)" not in (m.instrument.under or "") for m in PACK.related)
    for m in PACK.related:
        assert m.instrument.sources and all(s.startswith("http") for s in m.all_sources)
        if not m.instrument.legal_basis_certain:
            assert m.instrument.under is None and "uncertain" in m.instrument.citation


def test_their_state_on_a_day_follows_the_dated_sources() -> None:
    bogota = next(m for m in PACK.related if m.id == "co-2025-bogota-1")
    assert bogota.state_on(date(2025, 1, 29)) == MeasureState.IN_FORCE
    assert bogota.state_on(date(2025, 1, 30)) == MeasureState.UNCERTAIN
    assert bogota.state_on(date(2025, 1, 31)) == MeasureState.NOT_IN_FORCE


def test_the_legal_frame_holds_the_executive_order_and_the_memoranda() -> None:
    frame = {(i.title.split(",")[0], i.on) for i in PACK.policy.regime.related_instruments}
    assert frame == {
        ("Presidential Memorandum on Visa Sanctions", date(2020, 4, 10)),
        (
            "Presidential Memorandum on Extension of Memorandum on Visa Sanctions",
            date(2020, 12, 30),
        ),
        ("Executive Order 14159", date(2025, 1, 20)),
    }
    assert all(i.sources and i.says for i in PACK.policy.regime.related_instruments)


def test_the_letter_says_the_related_restriction_as_one_it_does_not_decide() -> None:
    official = {**RANGOON, "employer": "MM-MOHA", "rank": "director_general", "visa_class": "B1"}
    decision, found = screened(official, "2025-07-15")
    by_id = {m.id: m for m in MEASURES}
    text = render_letter(PACK.policy, decision, by_id, "d-1", related=found)
    assert "Not under 243(d), and not decided by this notice:" in text
    assert "a separate entry restriction under INA 212(f) (Proclamation 10949) applies" in text
    assert "Not under" not in render_letter(PACK.policy, decision, by_id, "d-1")


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACKS_DIR / "us_ina_243d", target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "legal_basis_certain: true\nunder:",
            "legal_basis_certain: false\nunder:",
            "uncertain legal basis names no",
        ),
        (
            "classes: [immigrant, nonimmigrant]",
            "classes: [immigrant, Z9]",
            "Z9 is neither a visa class",
        ),
        ("id: proclamation-10949\n", "id: proclamation-9999\n", "must match the file name"),
        (
            "    from: 2025-06-09\n",
            "    from: 2025-06-09\n    to: 2025-01-01\n    end: recorded\n",
            "is not after its start",
        ),
    ],
    ids=["basis", "class", "name", "dates"],
)
def test_a_malformed_related_file_says_where_and_what(
    pack_copy: Path, old: str, new: str, message: str
) -> None:
    path = pack_copy / "related" / "proclamation-10949.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(PackError, match=message) as raised:
        load_pack(pack_copy)
    assert "related/proclamation-10949.yaml" in str(raised.value)


def test_a_pack_without_related_measures_loads_with_none(pack_copy: Path) -> None:
    shutil.rmtree(pack_copy / "related")
    assert load_pack(pack_copy).related == ()
