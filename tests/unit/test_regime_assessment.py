"""Each regime's own assessment as pack data: the EU's Art. 25a(2) indicators beside the
published record (no figure invented), the UK's s.72 factors as a finding with its evidence,
and a clear refusal for a pack that has none."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from readmit.domain.cooperation import METRIC_NAMES
from readmit.domain.errors import InvalidInput
from readmit.domain.regime_indicators import (
    FINAL_ORDERS_ISSUED,
    NO_PUBLISHED_FIGURE,
    RegimeAssessment,
)
from readmit.services.assessment import regime_assessment
from readmit.services.assessment.assess import Window
from readmit.services.assessment.regime_assessment import (
    assessment_kind,
    build,
    load_regime_assessment,
)

EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"
POSITION = {"seq": 7, "hash": "ab" * 32}
EMPTY = {**dict.fromkeys(METRIC_NAMES, 0), FINAL_ORDERS_ISSUED: 0}
SRC = Path(regime_assessment.__file__).parents[2]


def assessed(pack: str, country: str, end: date, **quantities: Any) -> dict[str, Any]:
    window = Window(date(end.year, 1, 1), end)
    return build(load_regime_assessment(pack), country, window, POSITION, {**EMPTY, **quantities})


def by_id(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def test_the_eu_indicators_are_those_of_article_25a_2() -> None:
    rows = assessed(EU, "GM", date(2022, 12, 31))["indicators"]
    assert [r["indicator"] for r in rows] == [
        "return_decisions",
        "return_rate",
        "readmission_accepted",
        "issuance_rate",
        "identification",
        "timely_documents",
        "eu_travel_document",
        "return_flights",
        "overall",
    ]
    practical = {r["indicator"] for r in rows if r["group"] == "practical cooperation"}
    assert practical == {
        "identification",
        "timely_documents",
        "eu_travel_document",
        "return_flights",
    }
    eu_document = by_id(rows, "indicator")["eu_travel_document"]
    assert eu_document["ledger"] is None and eu_document["uncertain"] is True


def test_eurostat_gives_no_figure_for_the_gambia_or_ethiopia_so_none_is_shown() -> None:
    for country in ("GM", "ET"):
        rows = by_id(assessed(EU, country, date(2025, 12, 31))["indicators"], "indicator")
        for indicator, series in (
            ("return_decisions", "migr_eiord"),
            ("return_rate", "migr_eirtn"),
        ):
            (published,) = rows[indicator]["published"]
            assert published["series"] == series
            assert published["figures"] == [] and published["text"] == NO_PUBLISHED_FIGURE
            assert (
                published["url"]
                == "https://ec.europa.eu/eurostat/cache/metadata/en/migr_eil_esms.htm"
            )


def test_the_gambias_record_by_date_each_statement_with_its_source() -> None:
    at_2022 = by_id(assessed(EU, "GM", date(2022, 12, 31))["indicators"], "indicator")
    overall = [(s["day"], s["asserted_by"]) for s in at_2022["overall"]["statements"]]
    assert overall == [
        ("2021-05-07", "European Commission"),
        ("2021-07-15", "European Commission"),
        ("2022-11-09", "European Commission"),
    ]
    assert at_2022["return_flights"]["statements"] == []  # the improvement came in 2023
    at_2024 = by_id(assessed(EU, "GM", date(2024, 12, 31))["indicators"], "indicator")
    (flights,) = at_2024["return_flights"]["statements"]
    assert flights["day"] == "2023-09-27" and "sustained improvement" in flights["says"]
    assert "COM(2023)569" in flights["source"] and flights["url"].startswith("https://")
    repeal = at_2024["overall"]["statements"][-1]
    assert repeal["day"] == "2024-04-12" and "stay in force" in repeal["says"]
    assert "2024/1231" in repeal["says"]


def test_ethiopias_practical_cooperation_is_named_but_uncertain_without_a_figure() -> None:
    rows = by_id(assessed(EU, "ET", date(2024, 12, 31))["indicators"], "indicator")
    for indicator in ("identification", "timely_documents", "return_flights"):
        (said,) = rows[indicator]["statements"]
        assert said["uncertain"] is True and said["figure"] is None
        assert said["day"] == "2024-04-29" and "2024/1341" in said["source"]
    assert [s["day"] for s in rows["overall"]["statements"]] == ["2023-09-27", "2024-04-29"]
    before = by_id(assessed(EU, "ET", date(2023, 6, 30))["indicators"], "indicator")
    assert all(not r["statements"] for r in before.values())


def test_ledger_indicators_are_computed_and_say_their_source() -> None:
    found = assessed(
        EU, "GM", date(2022, 12, 31), final_orders_issued=40, removals=10, presentations=0
    )
    rows = by_id(found["indicators"], "indicator")
    rate = rows["return_rate"]["ledger"]
    assert (rate["value"], rate["status"]) == (0.25, "computed")
    assert rate["text"] == "25.0% (removals 10, final orders recorded in the window 40)"
    assert rate["source"].startswith("the ledger at position 7 (hash abababababab…)")
    decisions = rows["return_decisions"]["ledger"]
    assert (decisions["value"], decisions["text"]) == (
        40,
        "40 (final orders recorded in the window)",
    )
    accepted = rows["readmission_accepted"]["ledger"]
    assert accepted["value"] is None and accepted["status"] == "no_facts"


def test_the_uk_finding_on_the_dr_congo_lists_every_factor_with_its_evidence() -> None:
    found = assessed(UK, "CD", date(2026, 6, 30))
    assert found["indicators"] == []
    assert found["finding"]["as_of"] == "2026-02-06" and found["finding"]["uncertain"]
    assert "No country specified under s.72 [U]" in found["finding"]["outcome"]
    factors = by_id(found["factors"], "factor")
    assert [(f["factor"], f["provision"]) for f in found["factors"]] == [
        ("arrangements", "s.72(2)(a)"),
        ("steps", "s.72(2)(b)"),
        ("length", "s.72(3)(a)"),
        ("extent", "s.72(3)(b)"),
        ("reasons", "s.72(3)(c)"),
        ("other_matters", "s.72(2)(c), (3)(d)"),
    ]
    assert all(f["finding"] for f in found["factors"])
    steps = [(e["day"], e["asserted_by"]) for e in factors["steps"]["evidence"]]
    assert steps == [("2025-11-17", "Home Office"), ("2025-12-27", "Home Office")]
    assert "81 days" in factors["length"]["finding"]
    assert factors["reasons"]["finding"] == "No reason for the non-cooperation is published."
    (figure,) = [e for e in factors["extent"]["evidence"] if e["figure"] is not None]
    assert (figure["figure"], figure["uncertain"]) == (3000, True)
    assert [q["quantity"] for q in factors["extent"]["ledger"]] == ["backlog", "removals"]
    assert [e["day"] for e in factors["other_matters"]["evidence"]] == ["2022-03-08", "2025-12-28"]
    assert all(e["url"].startswith("http") for f in found["factors"] for e in f["evidence"])


def test_the_uk_finding_is_read_as_of_its_date() -> None:
    december = assessed(UK, "CD", date(2026, 1, 31))
    assert december["finding"]["as_of"] == "2025-12-28"
    assert "not cooperating" in december["finding"]["outcome"]
    assert assessed(UK, "CD", date(2025, 10, 31))["finding"] is None
    assert assessed(UK, "AO", date(2026, 6, 30))["finding"]["outcome"] == (
        "Cooperating; no visa measure taken."
    )


def test_which_assessment_a_pack_has_follows_from_its_files() -> None:
    assert (assessment_kind(US), assessment_kind(EU), assessment_kind(UK)) == (
        "standard",
        "regime",
        "regime",
    )


@pytest.mark.parametrize("name", ["nope", "../us_ina_243d", "EU"])
def test_an_unknown_pack_is_refused_naming_the_packs_with_an_assessment(name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        assessment_kind(name)
    assert raised.value.message == (
        f"no policy pack {name!r}; packs with an assessment: {EU}, {UK}, {US}"
    )


def test_a_statement_about_no_indicator_is_refused() -> None:
    data = load_regime_assessment(EU).model_dump(mode="json", by_alias=True)
    data["statements"][0]["about"] = "charm"
    with pytest.raises(ValidationError, match="'charm' is not an indicator or factor"):
        RegimeAssessment.model_validate(data)


def test_the_core_of_the_regime_assessment_names_no_regime() -> None:
    pattern = re.compile(
        r"eu_visa|uk_naba|us_ina|243\(d\)|Visa Code|25a|s\.72|Gambia|Ethiopia|Congo|Commission"
        r"|Home Office|Eurostat|regime ==",
    )
    core = [
        SRC / "domain" / "regime_indicators.py",
        SRC / "services" / "assessment" / "regime_assessment.py",
        SRC / "web" / "templates" / "regime_assessments.html",
    ]
    for path in core:
        assert not pattern.search(path.read_text()), path
