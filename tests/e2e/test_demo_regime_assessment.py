"""The demo's synthetic Gambian caseload gives the EU's Art. 25a(2) indicators figures from the
ledger, beside the Commission's statements; the UK's finding on the DR Congo needs no caseload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from demo_support import demo_app, demo_database

from readmit.services.assessment.assess import Window
from readmit.services.assessment.regime_assessment import assess_regimes
from readmit.services.context import App

pytestmark = pytest.mark.slow
EU, UK = "eu_visa_code_25a", "uk_naba_2022_s72"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    db = demo_database(tmp_path_factory)
    application = demo_app(db, tmp_path_factory.mktemp("keys"))
    yield application
    application.engine.dispose()


def test_the_gambias_eu_indicators_over_2022_come_from_the_synthetic_caseload(demo: App) -> None:
    eu, uk = assess_regimes(demo, "GM", Window(date(2022, 1, 1), date(2022, 12, 31)))
    assert (eu["regime"], uk["regime"]) == (EU, UK)
    rows = {r["indicator"]: r for r in eu["indicators"]}
    assert rows["return_decisions"]["ledger"]["value"] == 110
    assert rows["return_rate"]["ledger"]["text"] == (
        "45.5% (removals 50, final orders recorded in the window 110)"
    )
    assert rows["return_rate"]["published"][0]["text"] == "no published figure in the record"
    assert [s["day"] for s in rows["overall"]["statements"]][-1] == "2022-11-09"
    assert uk["pack_records_country"] is False


def test_the_dr_congos_uk_finding_stands_without_a_caseload(demo: App) -> None:
    (_, uk) = assess_regimes(demo, "CD", Window(date(2025, 1, 1), date(2026, 6, 30)))
    assert uk["finding"]["as_of"] == "2026-02-06"
    extent = next(f for f in uk["factors"] if f["factor"] == "extent")
    assert [q["value"] for q in extent["ledger"]] == [0, 0]
