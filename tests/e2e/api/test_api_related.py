"""Over HTTP, a single decision carries the related measures beside its 243(d) decision."""

from __future__ import annotations

from api_support import Api

from readmit.store.decision_log import get_decision

BURMESE_IN_RANGOON = {
    "nationality": "MM",
    "visa_class": "B2",
    "post_country": "MM",
    "decision_date": "2025-07-15",
}


def test_a_burmese_applicant_in_rangoon_in_july_2025_hears_both_243d_and_the_proclamation(
    api: Api,
) -> None:
    answer = api.post("consular_officer", "/api/v1/screen", json=BURMESE_IN_RANGOON)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["decision"] == "not_affected" and body["measures"] == []
    assert body["reasons"].startswith(
        "not affected by 243(d); a separate entry restriction under INA 212(f) "
        "(Proclamation 10949) applies"
    )
    [related] = body["related"]
    assert related["instrument"] == "Proclamation 10949"
    assert related["citation"] == "INA 212(f); Proclamation 10949"
    assert related["effect"] == "full entry ban"
    assert related["from"] == "2025-06-09" and related["to"] is None
    assert related["status"] == "applies" and related["legal_basis_certain"] is True
    assert related["source"].startswith("https://")
    assert body["letter"] is None  # not_affected under 243(d): no 243(d) letter
    with api.app.engine.connect() as conn:
        entry = get_decision(conn, body["decision_id"])
    assert entry is not None
    logged = entry["outcome"]
    assert logged["decision"] == "not_affected" and logged["related"] == ["proclamation-10949-mm"]


def test_a_covered_official_gets_the_243d_letter_with_the_proclamation_beside_it(
    api: Api,
) -> None:
    official = {
        **BURMESE_IN_RANGOON,
        "visa_class": "B1",
        "employer": "MM-MOHA",
        "rank": "director_general",
    }
    body = api.post("consular_officer", "/api/v1/screen", json=official).json()
    assert body["decision"] == "discontinued" and body["measures"] == ["MM-2018-1"]
    assert [r["id"] for r in body["related"]] == ["proclamation-10949-mm"]
    assert " | beside 243(d): a separate entry restriction under INA 212(f)" in body["reasons"]
    assert "Not under 243(d), and not decided by this notice:" in body["letter"]
    logged = api.get("consular_officer", f"/api/v1/decisions/{body['decision_id']}/letter")
    assert "(Proclamation 10949) applies" in logged.json()["letter"]


def test_an_application_no_related_measure_reaches_carries_an_empty_list(api: Api) -> None:
    body = api.post(
        "consular_officer",
        "/api/v1/screen",
        json={**BURMESE_IN_RANGOON, "decision_date": "2024-07-15"},
    ).json()
    assert body["decision"] == "not_affected" and body["related"] == [] and body["reasons"] == ""
