"""The EU and UK regimes as packs: validation, screening under each, lifecycle rules from data."""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readmit.batch.screening import build_engine, screen_frame
from readmit.batch.screening_polars import col
from readmit.domain.errors import IllegalTransition, PackError, SeparationOfDuties
from readmit.domain.sanctions_lifecycle import Step, check_step
from readmit.domain.sanctions_steps import CLASSIC
from readmit.domain.screening import decide, inputs_needed
from readmit.domain.screening_fees import fee_due
from readmit.domain.screening_letter import render_letter
from readmit.packs import PACKS_DIR, LoadedPack, load_pack

TODAY = date(2026, 6, 1)
EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"


def measures(pack: LoadedPack) -> list[Any]:
    return [m for h in pack.sanctions for m in h.sanction.measures.values()]


def both(pack: LoadedPack, rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """Screen rows with the scalar and the vectorised engine; assert they agree; return them."""
    engine = build_engine(measures(pack), pack.policy)
    scalar = []
    for row in rows:
        d = decide(engine.full, row, None, TODAY)
        scalar.append((d.decision, ";".join(d.measures), d.restrictions))
    frame = pl.DataFrame(rows).with_columns(pl.all().fill_null(""))
    screened = screen_frame(frame, engine, None, TODAY)
    batch = screened.select(col("decision"), col("measures"), col("restrictions")).rows()
    assert [tuple(r) for r in batch] == scalar
    return scalar


def gambian(**fields: str) -> dict[str, str]:
    row = {
        "nationality": "GM",
        "visa_class": "C",
        "post_country": "SN",
        "application_date": "2023-11-01",
        "decision_date": "2023-11-20",
        "date_of_birth": "",
        "passport_type": "",
        "family_of_eu_citizen": "",
        "member_state": "DE",
    }
    return {**row, **fields}


SUSPENSIONS = "GM-2021-1;GM-2021-3;GM-2021-4"


def test_the_eu_and_uk_packs_load_with_their_own_actors_dates_and_lifecycles() -> None:
    eu, uk = load_pack(EU), load_pack(UK)
    assert {a.name for a in eu.policy.regime.actors} >= {
        "European Commission",
        "Council of the European Union",
    }
    assert eu.policy.regime.governing_date == "application_date"
    assert eu.policy.regime.place_rule == "anywhere"
    assert {h.id for h in eu.sanctions} == {
        "GM-2021", "ET-2023", "BD-2021", "IQ-2021", "SN-2022", "SO-2024", "GN-2025",
    }  # fmt: skip
    statuses = {h.id: h.sanction.status_on(date(2025, 1, 1)) for h in eu.sanctions}
    assert statuses["BD-2021"] == "proposed" and statuses["ET-2023"] == "in_force"
    assert not uk.sanctions  # no country specified under s.72 [U]
    assert [m.country for m in uk.related] == ["CD", "CD"]
    assert {c for u in uk.policy.regime.recorded_uses for c in u.countries} == {"AO", "NA", "CD"}


def test_the_us_pack_declares_the_classic_lifecycle_as_data() -> None:
    def rules(lifecycle: Any) -> list[tuple[Any, ...]]:
        return [dataclasses.astuple(replace(s, actor="", citation="")) for s in lifecycle.steps]

    assert rules(load_pack(US).policy.regime.lifecycle) == rules(CLASSIC)


def test_the_gambian_fee_applies_from_the_fee_decision_with_its_amount_in_euro() -> None:
    pack = load_pack(EU)
    engine = build_engine(measures(pack), pack.policy)
    decision = decide(engine.full, gambian(), None, TODAY)
    assert decision.decision == "restricted"
    assert decision.measures == ("GM-2021-1", "GM-2021-3", "GM-2021-4", "GM-2021-5")
    items = decision.restriction_items({m.id: m for m in measures(pack)})
    fee = next(i for i in items if i["parameter"] == "visa_fee")
    assert (fee["value"], fee["unit"], fee["effect"]) == (120, "EUR", "fee_increased")
    assert "2022/2459" in fee["citation"]
    days = next(i for i in items if i["parameter"] == "decision_days")
    assert (days["value"], days["unit"]) == (45, "days")
    assert "visa fee 120 EUR" in decision.restrictions


def test_gambian_applications_by_lodging_date_and_wherever_lodged() -> None:
    rows = [
        gambian(application_date="2021-10-20", decision_date="2021-11-10"),  # lodged before
        gambian(application_date="2021-11-01", decision_date="2021-11-10"),
        gambian(application_date="2022-06-01", post_country="GM"),  # in Banjul
        gambian(application_date="2022-06-01", post_country="SN"),  # in Dakar
        gambian(application_date="2022-12-20"),  # the fee's first days: start not recorded
        gambian(application_date="2024-05-01", decision_date="2024-05-10"),  # after the repeal
    ]
    got = [(d, m) for d, m, _r in both(load_pack(EU), rows)]
    assert got == [
        ("not_affected", ""),
        ("restricted", SUSPENSIONS),
        ("restricted", SUSPENSIONS),
        ("restricted", SUSPENSIONS),
        ("needs_review", SUSPENSIONS + ";GM-2021-5"),
        ("restricted", SUSPENSIONS),
    ]


def test_an_ethiopian_lodging_before_1_june_2024_is_not_affected_and_after_is() -> None:
    rows = [
        gambian(nationality="ET", application_date="2024-05-31", decision_date="2024-06-10"),
        gambian(nationality="ET", application_date="2024-06-01", decision_date="2024-06-10"),
    ]
    got = both(load_pack(EU), rows)
    assert got[0][0] == "not_affected"
    assert got[1][:2] == ("restricted", "ET-2023-1;ET-2023-3;ET-2023-4")


def test_a_child_under_12_is_exempt_from_the_increased_fee_only() -> None:
    pack = load_pack(EU)
    engine = build_engine(measures(pack), pack.policy)
    decision = decide(engine.full, gambian(date_of_birth="2015-03-01"), None, TODAY)
    assert decision.decision == "restricted"
    assert "GM-2021-5" not in decision.restricting
    assert "children under 12 are exempt" in decision.reasons
    items = decision.restriction_items({m.id: m for m in measures(pack)})
    assert "visa_fee" not in {i["parameter"] for i in items}
    adult = decide(engine.full, gambian(date_of_birth="2000-03-01"), None, TODAY)
    assert "GM-2021-5" in adult.restricting
    both(pack, [gambian(date_of_birth="2015-03-01"), gambian(date_of_birth="2000-03-01")])


def test_a_family_member_of_an_eu_citizen_is_exempt_and_a_diplomat_pays_the_fee() -> None:
    rows = [
        gambian(family_of_eu_citizen="true"),
        gambian(passport_type="diplomatic", application_date="2022-06-01"),
        gambian(passport_type="ordinary", application_date="2022-06-01"),
        gambian(family_of_eu_citizen="maybe"),
    ]
    got = both(load_pack(EU), rows)
    assert got[0][0] == "excepted"
    assert got[1][:2] == ("restricted", "GM-2021-1;GM-2021-2;GM-2021-3;GM-2021-4")
    assert got[2][:2] == ("restricted", SUSPENSIONS)
    assert got[3][0] == "invalid"


def test_the_eu_asks_for_the_inputs_it_reads() -> None:
    pack = load_pack(EU)
    needed = {n.field for n in inputs_needed(measures(pack), pack.policy, "GM", "SN", TODAY)}
    assert {"application_date", "family_of_eu_citizen", "passport_type", "date_of_birth"} <= needed


def _uk_with_a_specification(tmp_path: Path) -> Path:
    root = tmp_path / "uk"
    shutil.copytree(PACKS_DIR / UK, root)
    (root / "sanctions").mkdir(exist_ok=True)
    (root / "sanctions" / "CD-2030.yaml").write_text(
        """id: CD-2030
country: CD
title: "A hypothetical specification (test only)"
summary: "Not the record: a test of the s.70 penalties as data."
steps:
  - {step: opinion, date: 2030-01-10, summary: "s.72 opinion", sources: ["https://example.org/a"]}
  - {step: notice_to_government, date: 2030-02-01, sources: ["https://example.org/b"]}
  - step: specification
    date: 2030-03-01
    effective: 2030-04-01
    sources: ["https://example.org/c"]
    adds:
      - id: CD-2030-1
        effect: restrict
        summary: "An extra payment of GBP 190 (s.70(2)(d))"
        persons: [nationals]
        classes: [VISIT, STUDY, WORK]
        exempt_classes: [FAMILY]
        who: {everyone: true}
        parameters:
          - {effect: surcharge, parameter: surcharge, value: 190, unit: GBP,
             citation: "Nationality and Borders Act 2022, s.70(2)(d)"}
        citation: "Nationality and Borders Act 2022, s.70(2)(d)"
      - id: CD-2030-2
        effect: restrict
        summary: "No grant before 30 days (s.70(2)(a))"
        persons: [nationals]
        classes: [STUDY]
        who: {everyone: true}
        parameters:
          - {effect: min_delay_before_grant, parameter: min_days_before_grant, value: 30,
             unit: days, citation: "Nationality and Borders Act 2022, s.70(2)(a)"}
        citation: "Nationality and Borders Act 2022, s.70(2)(a)"
      - id: CD-2030-3
        effect: discontinue
        summary: "The power to grant entry clearance is suspended (s.70(2)(b))"
        persons: [nationals]
        classes: [WORK]
        who: {everyone: true}
        citation: "Nationality and Borders Act 2022, s.70(2)(b)"
"""
    )
    return root


def test_a_uk_application_made_before_commencement_is_unaffected(tmp_path: Path) -> None:
    pack = load_pack(_uk_with_a_specification(tmp_path))
    congolese = {"nationality": "CD", "visa_class": "VISIT", "post_country": "KE"}
    rows = [
        {**congolese, "application_date": "2030-03-31", "decision_date": "2030-04-15"},
        {**congolese, "application_date": "2030-04-01", "decision_date": "2030-04-15"},
        {**congolese, "visa_class": "FAMILY", "application_date": "2030-05-01"},
        {**congolese, "visa_class": "STUDY", "application_date": "2030-05-01"},
        {**congolese, "visa_class": "WORK", "application_date": "2030-05-01"},
    ]
    got = both(pack, rows)
    assert got[0][0] == "not_affected"
    assert got[1] == ("restricted", "CD-2030-1", "CD-2030-1: surcharge: 190 GBP")
    assert got[2][0] == "excepted"
    assert got[3] == (
        "restricted",
        "CD-2030-1;CD-2030-2",
        ("CD-2030-1: surcharge: 190 GBP | CD-2030-2: min days before grant: 30 days"),
    )
    assert got[4][:2] == ("discontinued", "CD-2030-1;CD-2030-3")


def test_a_step_out_of_order_is_refused_naming_the_regimes_rule(tmp_path: Path) -> None:
    root = tmp_path / "eu"
    shutil.copytree(PACKS_DIR / EU, root)
    path = root / "sanctions" / "ET-2023.yaml"
    text = path.read_text()
    start = text.index("  - step: proposal")
    end = text.index("  - step: adoption")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(PackError) as raised:
        load_pack(root)
    assert raised.value.message == (
        "sanctions/ET-2023.yaml: steps[0]: adoption refused for sanction ET-2023: a Council "
        "implementing decision needs a Commission proposal not yet decided (Art. 25a(5)); "
        "allowed next: member_state_notification, proposal"
    )


def test_the_council_alone_adopts_and_the_commission_alone_proposes() -> None:
    eu = load_pack(EU)
    bangladesh = next(h.sanction for h in eu.sanctions if h.id == "BD-2021")
    with pytest.raises(SeparationOfDuties, match="visa_authority's alone"):
        check_step(bangladesh, Step("adoption", date(2026, 1, 5), "determining_authority"))
    with pytest.raises(IllegalTransition, match="waits for the Council's decision"):
        check_step(bangladesh, Step("proposal", date(2026, 1, 5), "determining_authority"))
    with pytest.raises(IllegalTransition, match=r"unknown step 'order' \(this regime's steps"):
        check_step(bangladesh, Step("order", date(2026, 1, 5), "visa_authority"))


def test_a_pack_whose_lifecycle_names_an_unknown_actor_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "eu"
    shutil.copytree(PACKS_DIR / EU, root)
    regime = root / "regime.yaml"
    regime.write_text(regime.read_text().replace("by: [council]\n", "by: [parliament]\n", 1))
    with pytest.raises(PackError, match=r"lifecycle\[3\]\.by\[0\]: parliament is not an actor"):
        load_pack(root)


ROW_DATES = st.one_of(
    st.just(""),
    st.dates(date(2021, 6, 1), date(2025, 6, 30)).map(date.isoformat),
    st.sampled_from(["2021-11-01", "2024-04-12", "2024-06-01", "2024-06-11", "2023-02-30"]),
)
ROWS = st.fixed_dictionaries(
    {
        "nationality": st.sampled_from(["GM", "ET", "SN", "CD"]),
        "visa_class": st.sampled_from(["A", "C", "D", "VISIT", "FAMILY"]),
        "post_country": st.sampled_from(["GM", "SN", "ET", "KE"]),
        "application_date": ROW_DATES,
        "decision_date": ROW_DATES,
        "date_of_birth": st.one_of(
            st.just(""), st.dates(date(2008, 1, 1), date(2020, 1, 1)).map(date.isoformat)
        ),
        "passport_type": st.sampled_from(["", "ordinary", "diplomatic", "service", "x"]),
        "family_of_eu_citizen": st.sampled_from(["", "true", "false"]),
        "approved_exception": st.sampled_from(["", "true"]),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROWS, min_size=1, max_size=12), st.sampled_from([EU, UK]))
def test_both_engines_agree_under_the_eu_and_uk_packs(
    rows: list[dict[str, str]], name: str
) -> None:
    both(load_pack(name), rows)


def test_the_eu_notice_says_the_lodging_day_and_each_restriction_with_its_value() -> None:
    pack = load_pack(EU)
    by_id = {m.id: m for m in measures(pack)}
    engine = build_engine(list(by_id.values()), pack.policy)
    decision = decide(engine.full, gambian(), None, TODAY)
    letter = render_letter(pack.policy, decision, by_id, "d-1")
    assert "Application lodged on: 2023-11-01" in letter
    assert "decision within 45 calendar days (not 15)" in letter
    assert "visa fee 120 EUR (increased fee)" in letter
    assert "not a refusal" in letter


@pytest.mark.parametrize(
    ("fields", "fee"),
    [
        ({}, (120, "EUR")),  # the increased fee, lodged 2023-11-01
        ({"date_of_birth": "2015-03-01"}, (40, "EUR")),  # 8: exempt, the child fee
        ({"date_of_birth": "2020-03-01"}, (0, "EUR")),  # 3: no fee
        ({"application_date": "2024-05-01", "decision_date": "2024-05-10"}, (80, "EUR")),
        ({"application_date": "2024-07-01", "decision_date": "2024-07-10"}, (90, "EUR")),
    ],
)
def test_the_fee_the_applicant_pays(fields: dict[str, str], fee: tuple[int, str]) -> None:
    pack = load_pack(EU)
    by_id = {m.id: m for m in measures(pack)}
    engine = build_engine(list(by_id.values()), pack.policy)
    decision = decide(engine.full, gambian(**fields), None, TODAY)
    due = fee_due(pack.policy.regime, decision, by_id)
    assert due is not None and (due["amount"], due["currency"]) == fee
