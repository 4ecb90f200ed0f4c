"""Each regime's assessment over HTTP: ``GET /assessments/{country}/regimes`` (``pack`` to pick
one), every figure with its source, and a clear 422 for a pack without such an assessment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import Api, add_role_users, make_client

from readmit.services.context import App

EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"
WINDOW = {"from": "2025-01-01", "to": "2026-06-30"}


@pytest.fixture
def api(sqlite_app: App, tmp_path: Path) -> Iterator[Api]:
    sqlite_app.settings.registry_packs = [EU, UK]
    sqlite_app.settings.data_dir = tmp_path / "data"
    tokens = add_role_users(sqlite_app)
    with make_client(sqlite_app) as client:
        yield Api(client, tokens, sqlite_app)


def test_every_installed_regime_assesses_the_country(api: Api) -> None:
    found = api.get("analyst", "/api/v1/assessments/CD/regimes", params=WINDOW)
    assert found.status_code == 200, found.text
    assert [a["regime"] for a in found.json()] == [EU, UK]
    uk = found.json()[1]
    assert uk["finding"]["as_of"] == "2026-02-06"
    assert {f["factor"] for f in uk["factors"]} >= {"arrangements", "steps", "length", "reasons"}
    assert all(e["source"] for f in uk["factors"] for e in f["evidence"])


def test_one_pack_gives_the_eu_indicators_with_their_sources(api: Api) -> None:
    params = {**WINDOW, "from": "2024-01-01", "pack": EU}
    (eu,) = api.get("analyst", "/api/v1/assessments/ET/regimes", params=params).json()
    rows = {r["indicator"]: r for r in eu["indicators"]}
    assert rows["return_decisions"]["published"][0]["text"] == "no published figure in the record"
    assert rows["return_decisions"]["ledger"]["source"].startswith("the ledger at position")
    assert rows["identification"]["statements"][0]["uncertain"] is True


@pytest.mark.parametrize(
    ("pack", "says"),
    [
        ("nope", f"no policy pack 'nope'; packs with an assessment: {EU}, {UK}, {US}"),
        (US, f"pack '{US}' rates cooperation against its standard"),
    ],
)
def test_a_pack_without_such_an_assessment_is_refused_by_name(
    api: Api, pack: str, says: str
) -> None:
    refused = api.get("analyst", "/api/v1/assessments/GM/regimes", params={**WINDOW, "pack": pack})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_input"
    assert refused.json()["message"].startswith(says)
