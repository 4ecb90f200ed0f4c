"""A user redeems the enrolment code an administrator handed them in the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from readmit.services.access import accounts
from readmit.services.context import Actor, App

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
ADMIN = Actor("web-admin", "admin")
CHOSEN = "my very own passphrase"


def _post(client: TestClient, **fields: str) -> object:
    token = client.get("/enrol").text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/enrol", data={**fields, "csrf_token": token})


def test_a_new_user_enrols_with_the_code_chooses_a_password_and_is_signed_in(
    seeded: App, client_as: Client
) -> None:
    change = accounts.AccountChange("add_user", "new-analyst", "analyst")
    code = accounts.change_account(seeded, ADMIN, change).secret
    assert code is not None
    client = client_as(None)
    done = _post(client, code=code, password=CHOSEN)
    assert done.status_code == 303 and done.headers["location"] == "/analyst"  # type: ignore[attr-defined]
    assert client.get("/analyst").status_code == 200
    again = _post(client_as(None), code=code, password=CHOSEN)
    assert again.status_code == 401 and "already used" in again.text  # type: ignore[attr-defined]


def test_an_authoritys_code_needs_both_halves(seeded: App, client_as: Client) -> None:
    change = accounts.AccountChange("add_user", "new-visa", "visa_authority")
    asked = accounts.change_account(seeded, ADMIN, change)
    assert asked.request is not None and asked.secret is not None
    approved = accounts.approve(seeded, Actor("web-admin-2", "admin"), asked.request.request_id)
    assert approved.secret is not None
    half = _post(client_as(None), code=asked.secret, password=CHOSEN)
    assert half.status_code == 400 and "both halves" in half.text  # type: ignore[attr-defined]
    both = _post(client_as(None), code=asked.secret, second_code=approved.secret, password=CHOSEN)
    assert both.status_code == 303  # type: ignore[attr-defined]
