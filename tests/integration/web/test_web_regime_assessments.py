"""The country page lists each regime's own assessment: the EU's indicators with the source of
every figure, the UK's factors with their evidence, and a line where a pack records nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from readmit.services.context import App

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
EU, UK = "eu_visa_code_25a", "uk_naba_2022_s72"


@pytest.fixture(autouse=True)
def three_regimes(seeded: App) -> None:
    seeded.settings.registry_packs = [EU, UK]


def test_the_gambias_page_shows_the_eu_indicators_each_with_its_source(
    client_as: Client,
) -> None:
    page = client_as(None).get("/countries/GM", params={"from": "2024-01-01", "to": "2024-12-31"})
    assert page.status_code == 200
    text = page.text
    assert '<h2 id="regime-1">Readmission cooperation under Visa Code Article 25a(2)</h2>' in text
    assert "Returns enforced as a share of return decisions (return rate)" in text
    assert "(migr_eiord)</a>: <em>no published figure in the record</em>" in text
    assert "sustained improvement in" in text  # COM(2023)569, on return flights
    assert (
        'href="https://www.eumonitor.eu/9353000/1/j4nvhdfdk3hydzq_j9vvik7m1c3gyxp/vm6uoiyoduzw"'
        in text
    )
    assert "ledger figures from the ledger at position" in text
    assert "This regime's pack records nothing about The Gambia" in text  # the UK's


def test_the_dr_congos_page_shows_the_uk_finding_with_its_evidence(client_as: Client) -> None:
    page = client_as(None).get("/countries/CD", params={"from": "2025-01-01", "to": "2026-06-30"})
    assert page.status_code == 200
    text = page.text
    assert "Returns cooperation under section 72 of the Nationality and Borders Act 2022" in text
    assert "Finding as of 6 February 2026" in text
    for factor in (
        "Returns arrangements",
        "Steps taken, and their promptness",
        "How long the non-cooperation has lasted",
        "The extent of the non-cooperation",
        "The reasons for the non-cooperation",
    ):
        assert f"<strong>{factor}</strong>" in text
    assert (
        'href="https://www.myjoyonline.com/uk-restricts-dr-congo-visas-over-migrant-return-policy"'
        in text
    )
    assert "pack_records_country" not in text and "ledger_source" not in text
