"""Users, tokens and web sessions over HTTP."""

from __future__ import annotations

from api_support import Api

PASSWORD = "a long enough passphrase"


def test_an_administrator_adds_a_user_whose_token_works_until_revoked(api: Api) -> None:
    added = api.post(
        "admin",
        "/api/v1/users",
        json={"name": "liaison-la", "role": "partner_liaison", "country": "LA"},
    )
    assert added.status_code == 201
    token = added.json()["token"]
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["role"], me["country"]) == ("partner_liaison", "LA")
    assert "case:read" in me["permissions"] and "case:create" not in me["permissions"]
    cases = api.client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).json()
    assert [c["case_id"] for c in cases["items"]] == ["LA-1"]
    assert api.post("admin", "/api/v1/users/liaison-la/revoke").json()["active"] is False
    after = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401


def test_a_token_is_shown_once_and_an_idempotent_replay_withholds_it(api: Api) -> None:
    def issue() -> object:
        return api.post(
            "admin",
            "/api/v1/users/u_analyst/tokens",
            json={"days": 7, "label": "script"},
            headers={"Idempotency-Key": "tok-1"},
        )

    first, replay = issue(), issue()
    assert first.json()["token"].startswith("rdm_")  # type: ignore[attr-defined]
    assert replay.json()["token"] is None and replay.json()["replayed_without_secret"]  # type: ignore[attr-defined]
    same = first.json()["token_info"]["token_id"] == replay.json()["token_info"]["token_id"]  # type: ignore[attr-defined]
    assert same
    listed = api.get("admin", "/api/v1/users/u_analyst/tokens").json()
    assert len(listed) == 2 and all("token" not in t for t in listed)


def test_a_browser_logs_in_gets_a_session_cookie_and_must_send_the_csrf_token(api: Api) -> None:
    api.post("admin", "/api/v1/users/u_case_officer/password", json={"password": PASSWORD})
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
    api.post("admin", "/api/v1/users/u_analyst/password", json={"password": PASSWORD})
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
