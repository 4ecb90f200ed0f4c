"""Sanctions and screening over HTTP: the public registry, separation of duties, screening
single and batch, the decision log."""

from __future__ import annotations

import time
from typing import Any

from api_support import Api
from sqlalchemy import func, select

from readmit.store.sanctions_schema import decisions

ORDER_MEASURE = {
    "effect": "discontinue",
    "summary": "Student visas for Foreign Ministry officials ranked Director General and above",
    "classes": ["F1"],
    "who": {"employers": ["KH-MFA"], "min_rank": "director_general"},
    "citation": "INA 243(d)",
}
DG_APPLICANT = {
    "nationality": "KH",
    "visa_class": "B1",
    "post_country": "KH",
    "employer": "KH-MFA",
    "rank": "director_general",
    "relationship": "self",
    "decision_date": "2021-06-01",
}


def step(api: Api, role: str, path: str, body: dict[str, Any]) -> Any:
    return api.post(role, f"/api/v1/sanctions{path}", json=body)


def test_the_public_sees_cambodias_measure_in_the_registry_as_of_march_2022(api: Api) -> None:
    answer = api.get("public", "/api/v1/sanctions", params={"as_of": "2022-03-01"})
    assert answer.status_code == 200
    cambodia = next(s for s in answer.json() if s["country"] == "KH")
    assert cambodia["status"] == "in_force"
    assert cambodia["measures"][0]["state"] == "in_force"
    shown = api.get("public", f"/api/v1/sanctions/{cambodia['id']}").json()
    assert [s["step"] for s in shown["steps"]][:2] == ["determination", "notification"]
    in_force = api.get("public", "/api/v1/measures", params={"on": "2022-03-01", "country": "KH"})
    assert [m["sanction_id"] for m in in_force.json()] == [cambodia["id"]]


def test_a_consular_officer_screens_but_may_not_order_a_sanction(api: Api) -> None:
    screened = api.post("consular_officer", "/api/v1/screen", json=DG_APPLICANT)
    assert screened.status_code == 200
    decision = screened.json()
    assert decision["decision"] == "discontinued" and decision["measures"] == ["KH-2017-1"]
    assert decision["appeal"] is False and decision["fee_refunded"] is False
    assert "243(d)" in decision["letter"]
    refused = step(api, "consular_officer", "/KH-2017/order", {})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    for role in ("case_officer", "partner_liaison", "reintegration_caseworker", "public"):
        assert api.post(role, "/api/v1/screen", json=DG_APPLICANT).status_code in {401, 403}


def test_a_field_left_out_means_empty_and_a_bad_value_is_an_invalid_decision(api: Api) -> None:
    private = api.post("analyst", "/api/v1/screen", json={**DG_APPLICANT, "employer": ""})
    assert private.json()["decision"] == "not_affected"
    unknown = api.post("analyst", "/api/v1/screen", json={"nationality": "QQ", "visa_class": "B1"})
    assert unknown.status_code == 200 and unknown.json()["decision"] == "invalid"


def test_the_lifecycle_runs_with_each_step_taken_only_by_its_authority(api: Api) -> None:
    assessment = api.post(
        "analyst",
        "/api/v1/assessments",
        json={"country": "KH", "from": "2025-01-01", "to": "2025-12-31"},
    ).json()["assessment_id"]
    determination = {
        "country": "KH",
        "on": "2026-01-10",
        "title": "Cambodia 2026",
        "assessments": [assessment],
        "sanction_id": "KH-2026",
    }
    assert step(api, "visa_authority", "", determination).status_code == 403
    assert step(api, "admin", "", determination).status_code == 403
    made = step(api, "determining_authority", "", determination)
    assert made.status_code == 201 and made.json()["allowed_next"] == ["notification"]
    early = step(
        api, "visa_authority", "/KH-2026/order", {"on": "2026-01-12", "measures": [ORDER_MEASURE]}
    )
    assert early.status_code == 409 and early.json()["code"] == "illegal_transition"
    assert (
        step(api, "visa_authority", "/KH-2026/notification", {"on": "2026-01-15"}).status_code
        == 403
    )
    assert (
        step(
            api, "determining_authority", "/KH-2026/notification", {"on": "2026-01-15"}
        ).status_code
        == 200
    )
    order = {"on": "2026-02-01", "effective": "2026-02-15", "measures": [ORDER_MEASURE]}
    assert step(api, "determining_authority", "/KH-2026/order", order).status_code == 403
    ordered = step(api, "visa_authority", "/KH-2026/order", order)
    assert ordered.status_code == 200 and ordered.json()["measures"][0]["id"] == "KH-2026-1"
    held = api.post(
        "consular_officer",
        "/api/v1/screen",
        json={**DG_APPLICANT, "visa_class": "F1", "decision_date": "2026-03-01"},
    )
    assert held.json()["measures"] == ["KH-2026-1"]
    lift = {"on": "2026-07-01"}
    assert step(api, "visa_authority", "/KH-2026/lift", lift).status_code == 409
    notice = {"on": "2026-06-01", "sources": ["a statement"]}
    assert (
        step(api, "visa_authority", "/KH-2026/compliance-notification", notice).status_code == 403
    )
    assert (
        step(api, "determining_authority", "/KH-2026/compliance-notification", notice).status_code
        == 200
    )
    assert step(api, "determining_authority", "/KH-2026/lift", lift).status_code == 403
    lifted = step(api, "visa_authority", "/KH-2026/lift", lift)
    assert lifted.status_code == 200
    steps = [(s["step"], s["role"]) for s in lifted.json()["steps"]]
    assert steps == [
        ("determination", "determining_authority"),
        ("notification", "determining_authority"),
        ("order", "visa_authority"),
        ("compliance_notification", "determining_authority"),
        ("lift", "visa_authority"),
    ]
    queue = api.get(
        "visa_authority", "/api/v1/sanctions/KH-2026/resumed", params={"as_of": "2026-08-01"}
    )
    assert [h["decision_id"] for h in queue.json()] == [held.json()["decision_id"]]


def test_a_logged_decision_replays_unchanged(api: Api) -> None:
    made = api.post("consular_officer", "/api/v1/screen", json=DG_APPLICANT).json()
    # The visa authority oversees every officer's decisions (decision:read_all).
    path = f"/api/v1/decisions/{made['decision_id']}/replay"
    replayed = api.get("visa_authority", path).json()
    assert replayed["unchanged"] is True and replayed["then"]["decision"] == "discontinued"
    assert api.get("consular_officer", path).json() == replayed
    letter = api.get("consular_officer", f"/api/v1/decisions/{made['decision_id']}/letter")
    assert letter.status_code == 200 and made["decision_id"] in letter.json()["letter"]
    assert api.get("visa_authority", "/api/v1/decisions/d-nothing/replay").status_code == 404


def test_a_screening_retried_with_its_idempotency_key_is_one_logged_decision(api: Api) -> None:
    key = {"Idempotency-Key": "screen-once"}
    first = api.post("consular_officer", "/api/v1/screen", json=DG_APPLICANT, headers=key)
    again = api.post("consular_officer", "/api/v1/screen", json=DG_APPLICANT, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["decision_id"] == first.json()["decision_id"]
    with api.app.uow(write=False) as uow:
        logged = uow.conn.execute(select(func.count()).select_from(decisions)).scalar_one()
    assert logged == 1
    other = api.post(
        "consular_officer", "/api/v1/screen", json={**DG_APPLICANT, "visa_class": "F1"}, headers=key
    )
    assert other.status_code == 422 and other.json()["code"] == "invalid_input"


def test_a_batch_upload_becomes_a_job_with_progress_and_a_download(api: Api) -> None:
    header = ",".join(["application_id", *DG_APPLICANT])
    rows = [",".join(["A1", *DG_APPLICANT.values()]), "A2,FR,B1,FR,,,,2021-06-01"]
    upload = ("\n".join([header, *rows]) + "\n").encode()
    submitted = api.post(
        "consular_officer", "/api/v1/screen/batch", files={"file": ("apps.csv", upload, "text/csv")}
    )
    assert submitted.status_code == 202
    job = submitted.json()
    assert submitted.headers["location"] == f"/api/v1/screen/batch/{job['job_id']}"
    for _ in range(120):
        job = api.get("consular_officer", f"/api/v1/screen/batch/{job['job_id']}").json()
        if job["status"] in {"done", "failed"}:
            break
        time.sleep(0.25)
    assert job["status"] == "done", job
    assert job["summary"]["rows"] == 2 and job["fraction"] == 1.0
    assert job["summary"]["by_decision"]["discontinued"] == 1
    result = api.get("consular_officer", job["result"])
    assert result.status_code == 200 and result.headers["content-type"].startswith("text/csv")
    assert "discontinued" in result.text and result.text.count("\n") == 3
    row = f"/api/v1/decisions/{job['batch_id']}:1/replay"
    replay = api.get("consular_officer", row)
    assert replay.status_code == 200 and replay.json()["unchanged"] is True
    assert api.get("visa_authority", row).json() == replay.json()  # decision:read_all
    # Another officer's job, its rows and their replay do not exist for an analyst.
    assert api.get("analyst", row).status_code == 404
    assert api.get("analyst", f"/api/v1/screen/batch/{job['job_id']}").status_code == 404
    wrong = api.post(
        "consular_officer",
        "/api/v1/screen/batch",
        files={"file": ("apps.xlsx", b"x", "text/plain")},
    )
    assert wrong.status_code == 422


def test_a_decision_the_log_cannot_take_is_a_503_to_retry_not_an_answer(api: Api) -> None:
    with api.app.engine.begin() as conn:  # the decision log's table gone from under the server
        conn.exec_driver_sql("ALTER TABLE decisions RENAME TO decisions_elsewhere")
    refused = api.post("consular_officer", "/api/v1/screen", json=DG_APPLICANT)
    assert refused.status_code == 503 and refused.json()["code"] == "database_unavailable"
    assert refused.headers["retry-after"] == "1" and "decision_id" not in refused.json()
