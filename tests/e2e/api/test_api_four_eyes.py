"""Separation of duties against one administrator: duty-bearing accounts need a second one."""

from __future__ import annotations

import json
from typing import Any

from api_support import ROOT, Api
from sqlalchemy import select

from readmit.services.access import users
from readmit.store.schema import events

PASSWORD = "a long enough passphrase"


def _second_admin(api: Api) -> dict[str, str]:
    token = users.add_user(api.app, ROOT, name="admin-two", role="admin").secret
    return {"Authorization": f"Bearer {token}"}


def _events(api: Api, *kinds: str) -> list[dict[str, Any]]:
    with api.app.engine.connect() as conn:
        rows = conn.execute(
            select(events.c.type, events.c.actor, events.c.payload)
            .where(events.c.type.in_(kinds))
            .order_by(events.c.seq)
        ).all()
    return [{"type": t, "actor": a, **json.loads(p)} for t, a, p in rows]


def test_one_administrator_cannot_create_a_determining_authority_alone(api: Api) -> None:
    body = {"name": "det-two", "role": "determining_authority"}
    asked = api.post("admin", "/api/v1/users", json=body)
    assert asked.status_code == 202 and asked.json()["status"] == "pending"
    first_half, request_id = asked.json()["secret"], asked.json()["request"]["request_id"]
    assert api.get("admin", "/api/v1/users/det-two").status_code == 404
    own = api.post("admin", f"/api/v1/account-requests/{request_id}/approve")
    assert own.status_code == 403 and "second administrator" in own.json()["message"]
    assert _redeem(api, first_half).status_code == 401  # no enrolment until approved
    listed = api.get("admin", "/api/v1/account-requests").json()
    assert [r["request_id"] for r in listed] == [request_id]

    approved = api.client.post(
        f"/api/v1/account-requests/{request_id}/approve", headers=_second_admin(api)
    )
    assert approved.status_code == 201, approved.text
    second_half = approved.json()["secret"]
    assert approved.json()["user"]["role"] == "determining_authority"
    alone = _redeem(api, first_half, password=PASSWORD)
    assert alone.status_code == 422 and "both halves" in alone.json()["message"]
    assert _redeem(api, second_half, second_code=first_half).status_code == 401
    redeemed = _redeem(api, first_half, second_code=second_half, password=PASSWORD)
    assert redeemed.status_code == 201
    token = redeemed.json()["token"]
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["name"], me["role"]) == ("det-two", "determining_authority")

    kinds = "account_change_requested", "account_change_approved", "user_added"
    recorded = [e for e in _events(api, *kinds) if e["user"] == "det-two"]
    assert [(e["type"], e["actor"]) for e in recorded] == [
        ("account_change_requested", "u_admin"),
        ("account_change_approved", "admin-two"),
        ("user_added", "admin-two"),
    ]
    assert recorded[1]["requested_by"] == "u_admin" and recorded[1]["approved_by"] == "admin-two"
    assert (recorded[2]["requested_by"], recorded[2]["approved_by"]) == ("u_admin", "admin-two")


def test_one_administrator_cannot_reenrol_an_authority_or_grant_a_duty_role(api: Api) -> None:
    for role in ("determining_authority", "visa_authority"):
        asked = api.post("admin", f"/api/v1/users/u_{role}/enrolment", json={})
        assert asked.status_code == 202 and asked.json()["status"] == "pending"
    granted = api.post("admin", "/api/v1/users/u_analyst/role", json={"role": "visa_authority"})
    assert granted.status_code == 202
    assert api.get("admin", "/api/v1/users/u_analyst").json()["role"] == "analyst"
    request_id = granted.json()["request"]["request_id"]
    refused = api.post("admin", f"/api/v1/account-requests/{request_id}/refuse")
    assert refused.json()["status"] == "refused"
    again = api.client.post(
        f"/api/v1/account-requests/{request_id}/approve", headers=_second_admin(api)
    )
    assert again.status_code == 409
    assert api.get("admin", "/api/v1/users/u_analyst").json()["role"] == "analyst"


def test_a_role_without_duties_is_granted_by_one_administrator_and_recorded(api: Api) -> None:
    granted = api.post(
        "admin", "/api/v1/users/u_analyst/role", json={"role": "partner_liaison", "country": "LA"}
    )
    assert granted.status_code == 200 and granted.json()["status"] == "done"
    assert (granted.json()["user"]["role"], granted.json()["user"]["country"]) == (
        "partner_liaison",
        "LA",
    )
    [event] = [e for e in _events(api, "role_granted") if e["user"] == "u_analyst"]
    assert (event["role"], event["country"], event["previous_role"]) == (
        "partner_liaison",
        "LA",
        "analyst",
    )


def test_an_approved_grant_names_both_administrators(api: Api) -> None:
    granted = api.post("admin", "/api/v1/users/u_analyst/role", json={"role": "visa_authority"})
    request_id = granted.json()["request"]["request_id"]
    approved = api.client.post(
        f"/api/v1/account-requests/{request_id}/approve", headers=_second_admin(api)
    )
    assert approved.status_code == 201 and approved.json()["secret"].startswith("enr_")
    assert api.get("admin", "/api/v1/users/u_analyst").json()["role"] == "visa_authority"
    # Credentials issued before the duty (perhaps by one admin alone) end with the grant.
    assert api.get("analyst", "/api/v1/me").status_code == 401
    halves = {"code": granted.json()["secret"], "second_code": approved.json()["secret"]}
    redeemed = api.client.post("/api/v1/auth/enrol", json=halves)
    assert redeemed.status_code == 201
    [event] = [e for e in _events(api, "role_granted") if e["user"] == "u_analyst"]
    assert (event["requested_by"], event["approved_by"]) == ("u_admin", "admin-two")
    assert event["credentials_reset"] == "yes"


def _redeem(api: Api, code: str, **extra: str) -> Any:
    return api.client.post("/api/v1/auth/enrol", json={"code": code, **extra})
