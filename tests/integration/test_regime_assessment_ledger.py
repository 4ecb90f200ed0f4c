"""A regime's indicators computed from the ledger: final orders issued in the window, returns
as a share of them, requests answered, documents on time, charters accepted; as of a date and
at a position (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from coop_builder import Ledger
from readmit.domain.errors import InvalidInput
from readmit.services.assessment.assess import Window, assess
from readmit.services.assessment.regime_assessment import assess_regime, assess_regimes
from readmit.services.context import App

D = date
EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"
YEAR_2022 = Window(D(2022, 1, 1), D(2022, 12, 31))


def build(app: App) -> None:
    """Gambian cases: A ordered before 2022 and removed in it on an accepted charter; B and C
    ordered in 2022 (B presented and disputed); D ordered in 2023. One Senegalese case."""
    ledger = Ledger(app)

    def ev(
        type_: str, case: str, on: date, recorded: date | None = None, **payload: object
    ) -> None:
        ledger.add(type_, case, on, recorded or on, **payload)

    ledger.flight("F1", "GM", D(2022, 5, 1))
    ledger.add("charter_proposed", "F1", D(2022, 4, 1), D(2022, 4, 1), subject_type="flight")
    ledger.add("charter_accepted", "F1", D(2022, 4, 5), D(2022, 4, 5), subject_type="flight")
    ledger.case("A", "GM", D(2021, 11, 15))
    ev("presented", "A", D(2022, 2, 1))
    ev("nationality_confirmed", "A", D(2022, 2, 10))
    ev("document_issued", "A", D(2022, 2, 20), document_expires_on="2022-06-30")
    ev("manifested", "A", D(2022, 4, 20), flight_id="F1")
    ev("removed", "A", D(2022, 5, 1))
    ledger.case("B", "GM", D(2022, 3, 1))
    ev("presented", "B", D(2022, 3, 10))
    ev("nationality_disputed", "B", D(2022, 4, 1), D(2022, 9, 1))  # recorded late
    ledger.case("C", "GM", D(2022, 6, 1))
    ledger.case("D", "GM", D(2023, 1, 15))
    ledger.case("S", "SN", D(2022, 2, 1))
    ledger.commit()


@pytest.fixture
def gambia(db_app: App) -> App:
    build(db_app)
    return db_app


def ledger_of(result: dict[str, object]) -> dict[str, object]:
    rows = result["indicators"]
    assert isinstance(rows, list)
    return {r["indicator"]: r["ledger"] and r["ledger"]["value"] for r in rows}


def test_the_eu_indicators_are_computed_from_the_ledger(gambia: App) -> None:
    found = assess_regime(gambia, "GM", YEAR_2022, EU)
    assert ledger_of(found) == {
        "return_decisions": 2,  # B and C; A was ordered in 2021, D in 2023
        "return_rate": 0.5,  # A removed, per the two orders of 2022
        "readmission_accepted": 0.5,  # A confirmed, of A and B presented
        "issuance_rate": 0.5,
        "identification": 1.0,  # A confirmed, B disputed
        "timely_documents": 1.0,  # 19 days after the presentation
        "eu_travel_document": None,
        "return_flights": 1.0,
        "overall": None,
    }
    assert found["ledger_source"].startswith(
        f"the ledger at position {found['ledger_position']['seq']}"
    )
    assert found["ledger_source"].endswith("everything recorded, 2022-01-01 to 2022-12-31")


def test_as_of_a_date_the_ledger_counts_only_what_was_recorded_by_then(gambia: App) -> None:
    window = Window(D(2022, 1, 1), D(2022, 12, 31), as_of=D(2022, 6, 30))
    found = assess_regime(gambia, "GM", window, EU)
    values = ledger_of(found)
    assert values["identification"] == 0.5  # B's dispute was recorded in September
    assert values["return_decisions"] == 2
    assert "as of 2022-06-30" in found["ledger_source"]


def test_every_installed_regime_is_assessed_and_the_us_standard_is_unchanged(
    gambia: App,
) -> None:
    before = assess(gambia, "GM", YEAR_2022)
    gambia.settings.registry_packs = [EU, UK]
    every = assess_regimes(gambia, "GM", YEAR_2022)
    assert [a["regime"] for a in every] == [EU, UK]
    assert [a["pack_records_country"] for a in every] == [True, False]
    assert assess(gambia, "GM", YEAR_2022) == before
    assert before["standard"]["regime"] == US


def test_a_pack_with_a_standard_is_not_assessed_as_a_regime(gambia: App) -> None:
    with pytest.raises(InvalidInput, match="rates cooperation against its standard"):
        assess_regime(gambia, "GM", YEAR_2022, US)
