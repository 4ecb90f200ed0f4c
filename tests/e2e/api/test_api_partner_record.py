"""Both sides check the numbers over HTTP: a partner acknowledges, contests and asserts events
on its own nationals' cases; another country's case is not found."""

from __future__ import annotations

from api_support import Api

CASE = "/api/v1/cases"


def test_a_partner_contests_the_states_event_and_the_record_shows_both_stances(api: Api) -> None:
    presented = api.post(
        "case_officer", f"{CASE}/KH-1/events/presented", json={"occurred_on": "2020-02-01"}
    )
    assert presented.status_code == 200
    history = api.get("partner_liaison", f"{CASE}/KH-1/history").json()
    event_id = history[-1]["event_id"]
    unexplained = api.post(
        "partner_liaison",
        f"{CASE}/KH-1/events/{event_id}/response",
        json={"stance": "contested", "on": "2020-02-05"},
    )
    assert unexplained.status_code == 422
    contested = api.post(
        "partner_liaison",
        f"{CASE}/KH-1/events/{event_id}/response",
        json={
            "stance": "contested",
            "on": "2020-02-05",
            "reason": "no request received",
            "evidence_source": "MFA registry 2020/17",
        },
    )
    assert contested.status_code == 200 and contested.json()["by"] == "partner"
    record = api.get("partner_liaison", f"{CASE}/KH-1/record").json()
    entry = next(e for e in record if e["id"] == event_id)
    assert entry["partner_stance"] == "contested" and entry["state_stance"] is None


def test_a_partner_asserts_an_interview_and_the_state_acknowledges_it(api: Api) -> None:
    api.post("case_officer", f"{CASE}/KH-1/events/presented", json={"occurred_on": "2020-02-01"})
    asserted = api.post(
        "partner_liaison",
        f"{CASE}/KH-1/assertions",
        json={
            "event_type": "interview_held",
            "on": "2020-03-01",
            "mode": "virtual",
            "evidence_source": "video call log 44",
        },
    )
    assert asserted.status_code == 201 and asserted.json()["type"] == "partner_asserted"
    acknowledged = api.post(
        "case_officer",
        f"{CASE}/KH-1/events/{asserted.json()['event_id']}/response",
        json={"stance": "acknowledged", "on": "2020-03-02"},
    )
    assert acknowledged.status_code == 200 and acknowledged.json()["by"] == "state"
    pending = api.get("partner_liaison", "/api/v1/partner/cases").json()
    assert [c["case_id"] for c in pending] == ["KH-1"]


def test_another_countrys_case_is_not_found_for_every_partner_route(api: Api) -> None:
    api.post("case_officer", f"{CASE}/LA-1/events/presented", json={"occurred_on": "2020-02-01"})
    event_id = api.get("case_officer", f"{CASE}/LA-1/history").json()[-1]["event_id"]
    answers = [
        api.get("partner_liaison", f"{CASE}/LA-1/record"),
        api.post(
            "partner_liaison",
            f"{CASE}/LA-1/events/{event_id}/response",
            json={"stance": "acknowledged", "on": "2020-02-05"},
        ),
        api.post(
            "partner_liaison",
            f"{CASE}/LA-1/assertions",
            json={
                "event_type": "nationality_confirmed",
                "on": "2020-02-05",
                "evidence_source": "x",
            },
        ),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert (
        api.post(
            "case_officer",
            f"{CASE}/LA-1/assertions",
            json={
                "event_type": "nationality_confirmed",
                "on": "2020-02-05",
                "evidence_source": "x",
            },
        ).status_code
        == 403
    )
