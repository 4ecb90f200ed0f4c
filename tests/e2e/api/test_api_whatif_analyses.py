"""``/api/v1/whatif/analyses``: an analyst records a forecast or a scenario run as an analysis
to cite by id, beside the ledger and never in it; the same result twice is one analysis."""

from __future__ import annotations

from typing import Any

from api_support import Api
from sqlalchemy import func, select, text

from readmit.store.schema import metadata
from readmit.store.whatif_schema import whatif_analyses

FRAME = {"from": "2020-01-01", "to": "2020-12-31", "runs": 100, "horizon": 24}
FORECAST = {"kind": "forecast", "country": "KH", **FRAME}
FAMILY = {"id": "family", "country": "KH", "agreement": {"no_family_separation": True}}
PATH = "/api/v1/whatif/analyses"


def state(api: Api) -> dict[str, Any]:
    """The ledger's head and the row count of every table but the analyses' own."""
    with api.app.uow(write=False) as uow:
        found: dict[str, Any] = {
            "head": tuple(uow.conn.execute(text("SELECT seq, hash FROM ledger_head")).all())
        }
        for table in metadata.sorted_tables:
            if table is not whatif_analyses:
                count = select(func.count()).select_from(table)
                found[table.name] = uow.conn.execute(count).scalar()
    return found


def test_recording_a_forecast_keeps_it_beside_the_ledger_and_cites_it_by_id(api: Api) -> None:
    before = state(api)
    response = api.post("analyst", PATH, json=FORECAST)
    assert response.status_code == 201, response.text
    kept = response.json()
    assert kept["created"] is True and len(kept["analysis_id"]) == 64
    assert (kept["kind"], kept["country"], kept["actor"]) == ("forecast", "KH", "u_analyst")
    assert kept["result"]["answer"].startswith("not cleared within the horizon of 24 months")
    assert kept["ledger_seq"] == kept["result"]["ledger_position"]["seq"]
    # The ledger head, its events and every projection are as they were (the access log and
    # the sessions are tables too: an API call must leave their counts alone here).
    after = state(api)
    assert after["head"] == before["head"] and after["events"] == before["events"]
    assert {k: v for k, v in after.items() if k != "access_log"} == {
        k: v for k, v in before.items() if k != "access_log"
    }
    shown = api.get("admin", f"{PATH}/{kept['analysis_id']}")
    assert shown.status_code == 200, shown.text
    assert shown.json()["result"] == kept["result"]


def test_the_same_request_twice_is_one_analysis_answered_200_the_second_time(api: Api) -> None:
    first = api.post("analyst", PATH, json=FORECAST)
    again = api.post("admin", PATH, json=FORECAST)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["created"] is False
    assert again.json()["analysis_id"] == first.json()["analysis_id"]
    # As first recorded: by the analyst, at the first moment.
    assert again.json()["actor"] == "u_analyst"
    assert again.json()["recorded_at"] == first.json()["recorded_at"]
    listed = api.get("analyst", PATH).json()
    assert [a["analysis_id"] for a in listed] == [first.json()["analysis_id"]]


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(api: Api) -> None:
    headers = {"Idempotency-Key": "whatif-1"}
    first = api.post("analyst", PATH, json=FORECAST, headers=headers)
    retry = api.post("analyst", PATH, json=FORECAST, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    other = api.post("analyst", PATH, json={**FORECAST, "seed": 7}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.text


def test_a_recorded_scenario_names_its_scenario_and_the_list_filters_by_it(api: Api) -> None:
    forecast = api.post("analyst", PATH, json=FORECAST).json()
    response = api.post("analyst", PATH, json={"kind": "scenario", "scenario": FAMILY, **FRAME})
    assert response.status_code == 201, response.text
    kept = response.json()
    assert kept["scenario_id"] == "family"
    assert kept["scenario_digest"] == kept["result"]["scenario"]["digest"]
    (part,) = kept["result"]["countries"]
    assert part["scenario"]["not_removable"] == 1
    listed = api.get("analyst", PATH, params={"scenario": "family"}).json()
    assert [a["analysis_id"] for a in listed] == [kept["analysis_id"]]
    assert "result" not in listed[0]
    by_country = {
        a["analysis_id"] for a in api.get("analyst", PATH, params={"country": "KH"}).json()
    }
    assert by_country == {kept["analysis_id"], forecast["analysis_id"]}
    assert api.get("analyst", PATH, params={"country": "LA"}).json() == []


def test_an_unknown_id_is_a_404_and_a_malformed_one_a_422(api: Api) -> None:
    missing = api.get("analyst", f"{PATH}/{'0' * 64}")
    assert missing.status_code == 404
    assert "no recorded what-if analysis" in missing.json()["message"]
    assert api.get("analyst", f"{PATH}/not-an-id").status_code == 422


def test_a_bad_body_names_what_is_wrong_and_records_nothing(api: Api) -> None:
    bad = api.post("analyst", PATH, json={"kind": "scenario", "scenario": {"id": "Bad Id"}})
    assert bad.status_code == 422 and "scenario: id" in bad.text
    unknown = api.post("analyst", PATH, json={"kind": "guess", "country": "KH"})
    assert unknown.status_code == 422
    assert api.get("analyst", PATH).json() == []


def test_only_analysts_and_administrators_record_or_read_analyses(api: Api) -> None:
    for role in ("case_officer", "consular_officer", "partner_liaison"):
        assert api.post(role, PATH, json=FORECAST).status_code == 403
        assert api.get(role, PATH).status_code == 403
    assert api.get("public", PATH).status_code == 401
