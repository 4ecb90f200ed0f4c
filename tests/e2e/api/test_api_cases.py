"""Cases and flights over HTTP: scoping, masking, logged reads, ETags, idempotency, errors."""

from __future__ import annotations

from api_support import Api

from readmit.services.access.access_log import list_access

CASE = "/api/v1/cases"


def remove(api: Api, case_id: str) -> None:
    """Walk a case to ``removed`` as the case officer, through a charter flight."""
    officer = "case_officer"
    api.post(
        officer,
        "/api/v1/flights",
        json={
            "flight_id": "F1",
            "departure_on": "2020-06-01",
            "kind": "charter",
            "destination": "KH",
            "capacity": 10,
        },
    )
    steps = [
        ("presented", {}),
        ("nationality_confirmed", {"by": "documents"}),
        ("document_issued", {"document_expires_on": "2020-07-01"}),
        ("manifested", {"flight_id": "F1"}),
        ("removed", {}),
    ]
    for event, extra in steps:
        answer = api.post(
            officer, f"{CASE}/{case_id}/events/{event}", json={"occurred_on": "2020-05-01", **extra}
        )
        assert answer.status_code == 200, answer.json()


def test_a_partner_liaison_sees_its_own_nationals_and_another_countrys_case_is_not_found(
    api: Api,
) -> None:
    own = api.get("partner_liaison", f"{CASE}/KH-1")
    assert own.status_code == 200
    other = api.get("partner_liaison", f"{CASE}/LA-1")
    absent = api.get("partner_liaison", f"{CASE}/NOPE-1")
    assert other.status_code == absent.status_code == 404
    assert other.json()["message"].replace("LA-1", "X") == absent.json()["message"].replace(
        "NOPE-1", "X"
    )
    listed = api.get("partner_liaison", CASE).json()
    assert [c["case_id"] for c in listed["items"]] == ["KH-1"] and listed["total"] == 1
    assert api.get("partner_liaison", f"{CASE}/LA-1/history").status_code == 404


def test_personal_fields_are_masked_by_role_and_every_revealing_read_is_logged(api: Api) -> None:
    officer = api.get("case_officer", f"{CASE}/KH-1").json()["personal"]
    assert officer["family_name"] == "Chan" and officer["children_in_country"] == 2
    partner = api.get("partner_liaison", f"{CASE}/KH-1").json()["personal"]
    assert partner["family_name"] == "Chan" and partner["date_of_birth"] == "1980-05-01"
    assert partner["spouse_in_country"] == partner["children_in_country"] == "[masked]"
    for role in ("analyst", "determining_authority"):
        shown = api.get(role, f"{CASE}/KH-1").json()["personal"]
        assert set(shown.values()) == {"[masked]"}, role
    log = list_access(api.app, case_id="KH-1")
    readers = {(e.actor, e.role) for e in log if e.kind == "personal_read"}
    assert readers == {("u_case_officer", "case_officer"), ("u_partner_liaison", "partner_liaison")}
    partner_entry = next(e for e in log if e.role == "partner_liaison")
    assert partner_entry.fields == ["date_of_birth", "family_name", "given_name"]
    assert all("Chan" not in str(e) for e in log)


def test_the_access_log_is_readable_by_an_administrator_only(api: Api) -> None:
    api.get("case_officer", f"{CASE}/KH-1")
    entries = api.get("admin", "/api/v1/audit/access-log", params={"case_id": "KH-1"}).json()
    assert entries[0]["actor"] == "u_case_officer" and entries[0]["case_id"] == "KH-1"
    assert api.get("case_officer", "/api/v1/audit/access-log").status_code == 403


def test_a_reintegration_caseworker_sees_only_arrivals_with_the_fields_intake_needs(
    api: Api,
) -> None:
    worker = "reintegration_caseworker"
    assert api.get(worker, f"{CASE}/KH-1").status_code == 404
    remove(api, "KH-1")
    arrival = api.get(worker, f"{CASE}/KH-1").json()
    assert arrival["state"] == "removed" and arrival["flight_id"] == "F1"
    assert arrival["criminal"] is None and arrival["final_order_date"] is None
    assert arrival["personal"]["given_name"] == "Sok"
    assert arrival["personal"]["spouse_in_country"] == "[masked]"
    assert arrival["allowed_events"] == ["received"]
    history = api.get(worker, f"{CASE}/KH-1/history").json()
    assert [h["type"] for h in history] == ["removed"]
    received = api.post(worker, f"{CASE}/KH-1/events/received", json={"occurred_on": "2020-06-02"})
    assert received.status_code == 200 and received.json()["state"] == "received"
    refused = api.post(worker, f"{CASE}/KH-1/events/closed", json={"occurred_on": "2020-06-02"})
    assert refused.status_code == 403


def test_a_partner_records_its_answers_but_not_the_removing_states_steps(api: Api) -> None:
    partner = "partner_liaison"
    refused = api.post(partner, f"{CASE}/KH-1/events/presented", json={"occurred_on": "2020-02-01"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    api.post("case_officer", f"{CASE}/KH-1/events/presented", json={"occurred_on": "2020-02-01"})
    allowed = api.get(partner, f"{CASE}/KH-1/next-events").json()
    assert "nationality_confirmed" in allowed["you_may_record"]
    assert "closed" in allowed["allowed"] and "closed" not in allowed["you_may_record"]
    answer = api.post(
        partner,
        f"{CASE}/KH-1/events/nationality_confirmed",
        json={"occurred_on": "2020-03-01", "by": "interview"},
    )
    assert answer.status_code == 200 and answer.json()["state"] == "nationality_confirmed"
    history = api.get("case_officer", f"{CASE}/KH-1/history").json()
    assert history[-1]["actor"] == "u_partner_liaison" and history[-1]["role"] == partner


def test_if_match_with_a_stale_etag_is_412_and_the_fresh_one_wins(api: Api) -> None:
    read = api.get("case_officer", f"{CASE}/KH-1")
    assert read.headers["etag"] == '"1"'
    body = {"occurred_on": "2020-02-01"}
    first = api.post(
        "case_officer", f"{CASE}/KH-1/events/released", json=body, headers={"If-Match": '"1"'}
    )
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    stale = api.post(
        "case_officer", f"{CASE}/KH-1/events/released", json=body, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert stale.json()["details"]["current_version"] == 2
    bad = api.post(
        "case_officer", f"{CASE}/KH-1/events/released", json=body, headers={"If-Match": "v1"}
    )
    assert bad.status_code == 422


def test_an_idempotency_key_gives_one_event_and_the_same_answer(api: Api) -> None:
    def send(body: dict[str, str]) -> object:
        return api.post(
            "case_officer",
            f"{CASE}/KH-1/events/presented",
            json=body,
            headers={"Idempotency-Key": "present-KH-1"},
        )

    first, again = send({"occurred_on": "2020-02-01"}), send({"occurred_on": "2020-02-01"})
    assert first.status_code == again.status_code == 200  # type: ignore[attr-defined]
    assert first.json() == again.json()  # type: ignore[attr-defined]
    assert again.headers["idempotent-replayed"] == "true"  # type: ignore[attr-defined]
    history = api.get("case_officer", f"{CASE}/KH-1/history").json()
    assert [h["type"] for h in history] == ["case_opened", "presented"]
    other = send({"occurred_on": "2020-02-02"})
    assert other.status_code == 422 and "different request" in other.json()["message"]  # type: ignore[attr-defined]


def test_a_refused_call_does_not_use_up_its_idempotency_key(api: Api) -> None:
    key = {"Idempotency-Key": "k-403"}
    body = {"occurred_on": "2020-02-01"}
    refused = api.post("analyst", f"{CASE}/KH-1/events/presented", json=body, headers=key)
    assert refused.status_code == 403
    # Another credential's key space is separate; the analyst's refusal left nothing behind.
    again = api.post("analyst", f"{CASE}/KH-1/events/presented", json=body, headers=key)
    assert again.status_code == 403 and "idempotent-replayed" not in again.headers


def test_validation_errors_name_each_field(api: Api) -> None:
    answer = api.post(
        "case_officer",
        CASE,
        json={"case_id": "X 1", "nationality": "ZZ", "final_order_date": "2020-13-01"},
    )
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["details"]["errors"]}
    assert {"body.case_id", "body.nationality", "body.final_order_date", "body.custody"} <= fields
    broken = api.post(
        "case_officer", CASE, content=b"{", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422 and broken.json()["code"] == "validation_error"


def test_domain_errors_map_to_stable_codes_and_statuses(api: Api) -> None:
    duplicate = api.post(
        "case_officer",
        CASE,
        json={
            "case_id": "KH-1",
            "nationality": "KH",
            "final_order_date": "2020-01-01",
            "criminal": False,
            "custody": "released",
        },
    )
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "conflict"
    illegal = api.post(
        "case_officer", f"{CASE}/KH-1/events/removed", json={"occurred_on": "2020-02-01"}
    )
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"
    assert "presented" in illegal.json()["details"]["allowed"]
    unknown = api.post(
        "case_officer", f"{CASE}/KH-1/events/teleported", json={"occurred_on": "2020-02-01"}
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "invalid_input"
    missing = api.get("case_officer", f"{CASE}/NOPE")
    assert missing.status_code == 404 and set(missing.json()) == {"code", "message", "details"}


def test_unknown_routes_and_methods_answer_in_the_same_error_shape(api: Api) -> None:
    nowhere = api.get("admin", "/api/v1/nowhere")
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "not_found"
    wrong = api.client.delete(f"{CASE}/KH-1", headers=api.headers("admin"))
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


def test_bodies_over_the_limit_are_refused_with_413(api: Api) -> None:
    huge = b'{"case_id": "' + b"x" * 1_100_000 + b'"}'
    answer = api.post(
        "case_officer", CASE, content=huge, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413 and answer.json()["code"] == "payload_too_large"


def test_every_response_carries_the_security_headers_and_cors_stays_closed(api: Api) -> None:
    answer = api.get("public", "/api/v1/cases")
    for header in ("x-content-type-options", "x-frame-options", "content-security-policy"):
        assert header in answer.headers
    assert answer.headers["cache-control"] == "no-store"
    preflight = api.client.options(
        CASE,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_flights_list_with_seats_taken_and_show_their_manifest_in_scope(api: Api) -> None:
    remove(api, "KH-1")
    flight = api.get("case_officer", "/api/v1/flights/F1").json()
    assert flight["seats_taken"] == 1 and [c["case_id"] for c in flight["manifest"]] == ["KH-1"]
    assert api.get("partner_liaison", "/api/v1/flights").json()["total"] == 1
    proposed = api.post(
        "case_officer",
        "/api/v1/flights/F1/events/charter_proposed",
        json={"occurred_on": "2020-05-01"},
    )
    assert proposed.json()["status"] == "proposed"
    accepted = api.post(
        "partner_liaison",
        "/api/v1/flights/F1/events/charter_accepted",
        json={"occurred_on": "2020-05-02"},
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    refused = api.post(
        "partner_liaison",
        "/api/v1/flights/F1/events/charter_proposed",
        json={"occurred_on": "2020-05-02"},
    )
    assert refused.status_code == 403


def test_the_openapi_document_is_3_1_and_the_docs_work_offline(api: Api) -> None:
    spec = api.get("public", "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/cases/{case_id}/events/{event}" in spec["paths"]
    page = api.get("public", "/api/v1/docs").text
    assert "http" not in page.replace("http-equiv", "")
    assert api.get("public", "/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
