"""``POST /api/v1/whatif/...``: analysts and administrators run forecasts and scenarios."""

from __future__ import annotations

from api_support import Api

FRAME = {"from": "2020-01-01", "to": "2020-12-31", "runs": 100, "horizon": 24}


def test_an_analyst_forecasts_a_backlog_with_its_answer_in_words(api: Api) -> None:
    response = api.post("analyst", "/api/v1/whatif/forecast", json={"country": "KH", **FRAME})
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["backlog"] == 1 and found["months_to_clear"] is None
    assert found["answer"].startswith("not cleared within the horizon of 24 months")


def test_an_analyst_runs_a_scenario_given_as_json(api: Api) -> None:
    scenario = {"id": "family", "country": "KH", "agreement": {"no_family_separation": True}}
    response = api.post("analyst", "/api/v1/whatif/run", json={"scenario": scenario, **FRAME})
    assert response.status_code == 200, response.text
    (part,) = response.json()["countries"]
    assert part["scenario"]["not_removable"] == 1  # KH-1 has a spouse and children here
    assert response.json()["recorded"].startswith("nothing")


def test_a_bad_scenario_is_a_422_naming_the_place(api: Api) -> None:
    scenario = {"id": "bad", "process": {"removals_per_month": -1}}
    response = api.post("admin", "/api/v1/whatif/run", json={"scenario": scenario, **FRAME})
    assert response.status_code == 422
    assert "scenario: process.removals_per_month" in response.text


def test_a_consular_officer_may_not_run_a_scenario(api: Api) -> None:
    response = api.post(
        "consular_officer", "/api/v1/whatif/forecast", json={"country": "KH", **FRAME}
    )
    assert response.status_code == 403
