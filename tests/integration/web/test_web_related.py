"""The decision page and the methodology page show the related measures under their own heading,
and the registry's service lists them by country (for the country page)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from readmit.services.context import Actor, App
from readmit.services.sanctions.related import related_measures
from readmit.services.screening import single
from readmit.services.screening.engine import ScreeningRequest

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
CONSUL = Actor("consul", "consular_officer")


def test_the_decision_page_says_not_affected_by_243d_and_the_proclamation(
    seeded: App, client_as: Client
) -> None:
    inputs = {
        "nationality": "MM",
        "post_country": "MM",
        "visa_class": "B2",
        "decision_date": "2025-07-15",
    }
    result = single.screen_one(seeded, CONSUL, ScreeningRequest(inputs=inputs))
    client = client_as("consul")
    page = client.get(f"/screening/decisions/{result.decision_id}")
    assert page.status_code == 200
    assert (
        "not affected by 243(d); a separate entry restriction under INA 212(f) "
        "(Proclamation 10949) applies" in page.text
    )
    assert "Beside 243(d): other restrictions" in page.text
    twin = client.get(f"/screening/decisions/{result.decision_id}.json").json()
    assert twin["decision"] == "not_affected"
    assert [r["citation"] for r in twin["related"]] == ["INA 212(f); Proclamation 10949"]


def test_the_methodology_page_shows_the_legal_frame_and_the_instruments_beside_it(
    client_as: Client,
) -> None:
    page = client_as("analyst").get("/methodology")
    assert page.status_code == 200
    for words in (
        "Executive Order 14159",
        "Presidential Memorandum on Visa Sanctions",
        "Beside the regime: related restrictions",
        "INA 212(f); Proclamation 10949",
        "legal basis uncertain",
    ):
        assert words in page.text


def test_the_registry_lists_a_countrys_related_measures_with_their_state(seeded: App) -> None:
    burma = related_measures(seeded, "MM", date(2025, 7, 15))
    assert [(v.measure.id, v.state) for v in burma] == [("proclamation-10949-mm", "in_force")]
    laos = {v.measure.id: v.state for v in related_measures(seeded, "la", date(2026, 2, 1))}
    assert laos["proclamation-10949-la"] == "not_in_force"
    assert laos["proclamation-10998-la"] == "in_force"
    assert related_measures(seeded, "KH", date(2025, 7, 15)) == []
    shown = burma[0].to_dict()
    assert shown["state"] == "in_force" and shown["citation"] == "INA 212(f); Proclamation 10949"


def test_a_country_page_shows_its_related_restrictions_apart_from_its_sanctions(
    client_as: Client,
) -> None:
    client = client_as(None)
    page = client.get("/countries/MM", params={"to": "2025-07-31"}).text
    related_part = page.split('id="related"')[1]
    assert "Proclamation 10949" in related_part and "outside the sanctions registry" in page
    assert "Proclamation 10949" not in page.split('id="sanctions"')[1].split('id="related"')[0]
    twin = client.get("/countries/MM.json", params={"to": "2025-07-31"}).json()
    assert any("10949" in r["instrument"] for r in twin["related"])
    assert all("10949" not in s["title"] for s in twin["sanctions"])
