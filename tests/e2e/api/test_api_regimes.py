"""Choosing a regime over HTTP: the registry's ``regime`` filter, a screening's ``pack``."""

from __future__ import annotations

import time
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


PROPOSAL = {
    "step": "proposal",
    "pack": EU,
    "country": "PK",
    "title": "Visa measures for Pakistan (a test's, not the record's)",
    "on": "2026-01-12",
    "sources": ["a proposal of the Commission (test)"],
}
LONGER_DECISIONS = {
    "effect": "restrict",
    "summary": "Decisions take up to 45 days instead of 15 (Art. 23(1)).",
    "persons": ["nationals"],
    "classes": ["C"],
    "who": {"everyone": True},
    "parameters": [
        {
            "effect": "decision_time_extended",
            "parameter": "decision_days",
            "value": 45,
            "unit": "days",
            "says": "a decision within {value} {unit}",
            "citation": "Visa Code Art. 23(1)",
        }
    ],
    "citation": "Visa Code Art. 25a(5)(a) (test)",
}
PAKISTANI = {
    **GAMBIAN,
    "nationality": "PK",
    "post_country": "PK",
    "application_date": "2026-03-10",
    "decision_date": "2026-03-20",
}


def _step(api: Api, role: str, body: dict[str, object]) -> object:
    return api.post(role, "/api/v1/sanctions/steps", json=body)


def test_a_regimes_own_steps_are_recorded_live_under_its_lifecycle(api: Api) -> None:
    """An EU installation records a Commission proposal and a Council adoption as they happen:
    the pack's lifecycle orders the steps and says which authority takes each."""
    opened = _step(api, "determining_authority", PROPOSAL)
    assert opened.status_code == 201, opened.text  # type: ignore[attr-defined]
    sanction = opened.json()  # type: ignore[attr-defined]
    assert (sanction["id"], sanction["regime"], sanction["status"]) == ("PK-2026", EU, "proposed")
    assert "adoption" in sanction["allowed_next"]

    adoption = {
        "step": "adoption",
        "sanction_id": "PK-2026",
        "on": "2026-02-02",
        "effective": "2026-03-01",
        "adds": [LONGER_DECISIONS],
        "sources": ["a Council implementing decision (test)"],
    }
    by_commission = _step(api, "determining_authority", adoption)
    assert by_commission.status_code == 403  # type: ignore[attr-defined]
    assert "visa_authority" in by_commission.json()["message"]  # type: ignore[attr-defined]
    adopted = _step(api, "visa_authority", adoption)
    assert adopted.status_code == 201, adopted.text  # type: ignore[attr-defined]
    assert adopted.json()["status"] == "in_force"  # type: ignore[attr-defined]

    decided = api.post("consular_officer", "/api/v1/screen", json={**PAKISTANI, "pack": EU}).json()
    assert decided["decision"] == "restricted", decided
    assert decided["restriction_items"] == [
        {
            "measure": "PK-2026-1",
            "effect": "decision_time_extended",
            "parameter": "decision_days",
            "value": 45,
            "unit": "days",
            "citation": "Visa Code Art. 23(1)",
        }
    ]
    before = {**PAKISTANI, "pack": EU, "application_date": "2026-02-20"}
    assert api.post("consular_officer", "/api/v1/screen", json=before).json()["decision"] == (
        "not_affected"
    )

    repeal = {"step": "repeal", "sanction_id": "PK-2026", "on": "2026-04-01"}
    refused = _step(api, "visa_authority", repeal)  # a repeal answers a new proposal
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "proposal" in refused.json()["message"]  # type: ignore[attr-defined]


def test_a_step_the_regime_does_not_have_or_a_missing_country_is_refused_clearly(
    api: Api,
) -> None:
    unknown = _step(api, "visa_authority", {**PROPOSAL, "step": "order"})
    assert unknown.status_code in (403, 409)  # type: ignore[attr-defined]
    assert "this regime's steps" in unknown.json()["message"]  # type: ignore[attr-defined]
    nowhere = {k: v for k, v in PROPOSAL.items() if k != "country"}
    missing = _step(api, "determining_authority", nowhere)
    assert missing.status_code == 422  # type: ignore[attr-defined]
    assert "country" in missing.json()["message"]  # type: ignore[attr-defined]
    foreign = _step(api, "determining_authority", {**PROPOSAL, "pack": "eu"})
    assert foreign.status_code == 422  # type: ignore[attr-defined]
    assert "not in this registry" in foreign.json()["message"]  # type: ignore[attr-defined]
    listed = api.get("public", "/api/v1/sanctions", params={"country": "PK", "regime": EU})
    assert listed.json() == []  # nothing half-written


def test_a_batch_job_screens_under_the_pack_it_names(api: Api) -> None:
    """The same file read under the EU's regime: a Gambian's C visa in Dakar is restricted."""
    header = "application_id,nationality,visa_class,post_country,decision_date,application_date"
    rows = f"{header}\nA1,GM,C,SN,2023-11-20,2023-11-01\nA2,FR,C,SN,2023-11-20,2023-11-01\n"
    files = {"file": ("visas.csv", rows.encode(), "text/csv")}
    submitted = api.post("consular_officer", "/api/v1/screen/batch", files=files, data={"pack": EU})
    assert submitted.status_code == 202, submitted.text
    job = submitted.json()
    assert job["pack"] == EU
    for _ in range(240):
        job = api.get("consular_officer", f"/api/v1/screen/batch/{job['job_id']}").json()
        if job["status"] in {"done", "failed"}:
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["summary"]["by_decision"] == {"restricted": 1, "not_affected": 1}
    screened = api.get("consular_officer", job["result"])
    assert "GM-2021" in screened.text and "Visa Code" in screened.text
    unknown = api.post("consular_officer", "/api/v1/screen/batch", files=files, data={"pack": "eu"})
    assert unknown.status_code == 422 and "not in this registry" in unknown.json()["message"]
