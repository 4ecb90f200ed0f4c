"""Choosing a regime over HTTP: the registry's ``regime`` filter, a screening's ``pack``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import Api, add_role_users, make_client

from readmit.services.context import App
from readmit.services.ops.maintenance import upgrade

EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"
GAMBIAN = {
    "nationality": "GM",
    "visa_class": "C",
    "post_country": "SN",
    "application_date": "2023-11-01",
    "decision_date": "2023-11-20",
}


@pytest.fixture
def api(sqlite_app: App, tmp_path: Path) -> Iterator[Api]:
    sqlite_app.settings.registry_packs = [EU, UK]
    sqlite_app.settings.data_dir = tmp_path / "data"
    upgrade(sqlite_app)
    tokens = add_role_users(sqlite_app)
    with make_client(sqlite_app) as client:
        yield Api(client, tokens, sqlite_app)


def test_the_registry_filters_by_regime(api: Api) -> None:
    every = api.get("public", "/api/v1/sanctions", params={"as_of": "2022-06-01", "country": "GM"})
    assert {(s["id"], s["regime"]) for s in every.json()} == {("GM-2016", US), ("GM-2021", EU)}
    eu = api.get("public", "/api/v1/sanctions", params={"as_of": "2025-01-01", "regime": EU})
    assert eu.status_code == 200 and {s["regime"] for s in eu.json()} == {EU}
    assert "ET-2023" in {s["id"] for s in eu.json()}
    refused = api.get("public", "/api/v1/sanctions", params={"regime": "eu"})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_input"
    assert "not in this registry" in refused.json()["message"]


def test_a_screening_names_its_pack_and_reads_that_regimes_measures(api: Api) -> None:
    eu = api.post("consular_officer", "/api/v1/screen", json={**GAMBIAN, "pack": EU}).json()
    assert (eu["decision"], eu["pack"]) == ("restricted", EU)
    assert "25a" in eu["letter"] and "243(d)" not in eu["letter"]
    family = {**GAMBIAN, "pack": EU, "family_of_eu_citizen": True}
    assert api.post("consular_officer", "/api/v1/screen", json=family).json()["decision"] == (
        "excepted"
    )
    replayed = api.get("consular_officer", f"/api/v1/decisions/{eu['decision_id']}/replay").json()
    assert (replayed["pack"], replayed["unchanged"]) == (EU, True)
    default = api.post("consular_officer", "/api/v1/screen", json=GAMBIAN).json()
    assert (default["decision"], default["pack"]) == ("invalid", US)  # C: no 243(d) class
    needed = api.get(
        "consular_officer",
        "/api/v1/screen/inputs-needed",
        params={"nationality": "ET", "post_country": "KE", "pack": EU},
    ).json()
    assert "family_of_eu_citizen" in {n["field"] for n in needed}


def test_a_pack_the_registry_does_not_hold_is_a_clear_422(api: Api) -> None:
    refused = api.post("consular_officer", "/api/v1/screen", json={**GAMBIAN, "pack": "eu"})
    assert refused.status_code == 422
    assert refused.json()["details"]["packs"] == [US, EU, UK]
