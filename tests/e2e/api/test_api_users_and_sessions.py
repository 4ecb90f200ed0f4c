"""Users, tokens and web sessions over HTTP."""

from __future__ import annotations

from typing import Any

from api_support import Api
from sqlalchemy import update

from readmit.store.auth_schema import enrolments

PASSWORD = "a long enough passphrase"


def _redeem(api: Api, code: str, **extra: str) -> Any:
    return api.client.post("/api/v1/auth/enrol", json={"code": code, **extra})


def _enrol(api: Api, name: str, password: str = PASSWORD) -> str:
    """Have the administrator enrol a user anew and the user redeem it; return their token."""
    code = api.post("admin", f"/api/v1/users/{name}/enrolment", json={}).json()["secret"]
    redeemed = _redeem(api, code, password=password)
    assert redeemed.status_code == 201, redeemed.text
    return str(redeemed.json()["token"])


def test_an_administrator_adds_a_user_who_enrols_with_a_code_and_whose_token_works(
    api: Api,
) -> None:
    added = api.post(
        "admin",
        "/api/v1/users",
        json={"name": "liaison-la", "role": "partner_liaison", "country": "LA"},
    )
    assert added.status_code == 201 and added.json()["status"] == "done"
    assert "token" not in added.json()  # the administrator never holds the user's token
    code = added.json()["secret"]
    redeemed = _redeem(api, code, password=PASSWORD)
    assert redeemed.status_code == 201
    token = redeemed.json()["token"]
    assert _redeem(api, code).status_code == 401  # once only
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["role"], me["country"]) == ("partner_liaison", "LA")
    assert "case:read" in me["permissions"] and "case:create" not in me["permissions"]
    cases = api.client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).json()
    assert [c["case_id"] for c in cases["items"]] == ["LA-1"]
    assert api.post("admin", "/api/v1/users/liaison-la/revoke").json()["active"] is False
    after = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401


def test_an_administrator_may_not_set_a_password_or_issue_a_token_for_another_user(
    api: Api,
) -> None:
    for path, body in [
        ("/api/v1/users/u_analyst/password", {"password": PASSWORD}),
        ("/api/v1/users/u_analyst/tokens", {"days": 7}),
    ]:
        assert api.post("admin", path, json=body).status_code in {404, 405}
    with_password = {"name": "x-analyst", "role": "analyst", "password": PASSWORD}
    assert api.post("admin", "/api/v1/users", json=with_password).status_code == 422


def test_a_token_is_shown_once_and_an_idempotent_replay_withholds_it(api: Api) -> None:
    def issue() -> Any:
        return api.post(
            "analyst",
            "/api/v1/me/tokens",
            json={"days": 7, "label": "script"},
            headers={"Idempotency-Key": "tok-1"},
        )

    first, replay = issue(), issue()
    assert first.json()["token"].startswith("rdm_")
    assert replay.json()["token"] is None and replay.json()["replayed_without_secret"]
    assert first.json()["token_info"]["token_id"] == replay.json()["token_info"]["token_id"]
    listed = api.get("admin", "/api/v1/users/u_analyst/tokens").json()
    assert len(listed) == 2 and all("token" not in t for t in listed)


def test_an_enrolment_code_expires_and_a_replay_withholds_it(api: Api) -> None:
    def enrol() -> Any:
        return api.post(
            "admin",
            "/api/v1/users/u_analyst/enrolment",
            json={"token_days": 7},
            headers={"Idempotency-Key": "enrol-1"},
        )

    first, replay = enrol(), enrol()
    assert first.json()["secret"].startswith("enr_")
    assert replay.json()["secret"] is None and replay.json()["replayed_without_secret"]
    with api.app.engine.begin() as conn:
        conn.execute(update(enrolments).values(expires_at="2000-01-01T00:00:00.000000Z"))
    assert _redeem(api, first.json()["secret"]).status_code == 401


def test_a_browser_logs_in_gets_a_session_cookie_and_must_send_the_csrf_token(api: Api) -> None:
    _enrol(api, "u_case_officer")
    login = api.client.post(
        "/api/v1/auth/login", json={"username": "u_case_officer", "password": PASSWORD}
    )
    assert login.status_code == 200
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    csrf = login.json()["csrf_token"]
    assert api.client.get("/api/v1/me").json()["name"] == "u_case_officer"
    body = {"occurred_on": "2020-02-01"}
    no_csrf = api.client.post("/api/v1/cases/KH-1/events/presented", json=body)
    assert no_csrf.status_code == 403
    ok = api.client.post(
        "/api/v1/cases/KH-1/events/presented", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 200
    api.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    api.client.cookies.clear()
    assert api.client.get("/api/v1/me").status_code == 401


def test_repeated_failed_logins_are_answered_429_with_retry_after(api: Api) -> None:
    _enrol(api, "u_analyst")
    for _ in range(5):
        failed = api.client.post(
            "/api/v1/auth/login", json={"username": "u_analyst", "password": "wrong guess"}
        )
        assert failed.status_code == 401
    limited = api.client.post(
        "/api/v1/auth/login", json={"username": "u_analyst", "password": PASSWORD}
    )
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert limited.json()["code"] == "rate_limited"
