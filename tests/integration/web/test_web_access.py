"""Every route of the dashboard is covered by the permission rules, and enforced when typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from readmit.domain.permissions import Permission, roles_with
from readmit.web import site
from readmit.web.security import ANYONE

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
# The only routes anyone may use without a permission: signing in and out, enrolling.
OPEN_ROUTES = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/enrol"),
    ("POST", "/enrol"),
}


def test_every_web_route_is_covered_by_the_permission_rules(web: FastAPI) -> None:
    rules = site.route_permissions()
    served = {
        (method, str(context.path))
        for context in iter_route_contexts(web.routes)
        if getattr(context.endpoint, "__module__", "").startswith("readmit.web")
        for method in context.methods or ()
        if method != "HEAD"
    }
    assert served, "the dashboard serves no route"
    assert served == set(rules), f"routes without a rule: {sorted(served - set(rules))}"
    known = {p.value for p in Permission}
    for route, needs in rules.items():
        if needs == ANYONE:
            assert route in OPEN_ROUTES, f"{route} is open to anyone"
            continue
        for permission in (needs,) if isinstance(needs, str) else needs:
            assert permission in known, f"{route} needs an unknown permission {permission}"
            assert roles_with(Permission(permission)), f"no role may use {route}"


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("consul", "/cases"),
        ("consul", "/cases/KH-ORDERED"),
        ("liaison-kh", "/arrivals"),
        ("consul", "/analyst"),
        ("kvao", "/cases/KH-ORDERED.json"),
        ("state", "/cases.json"),
        ("analyst", "/arrivals"),
    ],
)
def test_a_page_hidden_from_a_role_is_refused_when_its_url_is_typed(
    client_as: Client, user: str, path: str
) -> None:
    response = client_as(user).get(path)
    assert response.status_code in {403, 404}, (user, path, response.status_code)
    assert "KH-ORDERED" not in response.text or response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_a_staff_page(client_as: Client) -> None:
    response = client_as(None).get("/cases")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/cases"
    assert client_as(None).get("/cases.json").status_code == 403


def test_a_partner_liaison_sees_only_its_own_countrys_cases(client_as: Client) -> None:
    client = client_as("liaison-sl")
    listing = client.get("/cases.json").json()
    assert {r["nationality"] for r in listing["listing"]["rows"]} == {"SL"}
    assert client.get("/cases/KH-ORDERED").status_code == 404


def test_a_form_posted_without_its_csrf_token_is_refused(client_as: Client) -> None:
    client = client_as("officer")
    response = client.post(
        "/cases/KH-ORDERED/events", data={"event": "released", "occurred_on": "2022-01-01"}
    )
    assert response.status_code == 403
    assert "security token" in response.text
    history = client.get("/cases/KH-ORDERED.json").json()["history"]
    assert [e["type"] for e in history] == ["case_opened"]


def test_a_form_posted_from_another_site_is_refused(client_as: Client) -> None:
    client = client_as("officer")
    page = client.get("/cases/KH-ORDERED").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/cases/KH-ORDERED/events",
        data={"event": "released", "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_a_sign_in_with_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client_as: Client,
) -> None:
    client = client_as(None)
    token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"username": "officer", "password": "wrong password!", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "unknown user name or wrong password" in response.text


def test_a_page_and_its_json_twin_carry_the_same_figures(client_as: Client) -> None:
    client = client_as("officer")
    twin = client.get("/cases.json?country=KH").json()
    page = client.get("/cases?country=KH").text
    assert f"{twin['listing']['total']} cases match" in page
    assert twin["source"].startswith("the ledger")


def test_signing_out_ends_the_session_on_the_server(client_as: Client) -> None:
    client = client_as("officer")
    token = client.get("/cases").text.split('name="csrf_token" value="')[1].split('"')[0]
    cookie = client.cookies.get("readmit_session")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = client_as(None)
    replay.cookies.set("readmit_session", cookie or "")
    assert replay.get("/cases").status_code == 303


def test_a_browser_typing_a_wrong_address_gets_a_page_and_a_program_gets_json(
    client_as: Client,
) -> None:
    visitor = client_as(None)
    page = visitor.get("/countries/KH/nothing-here", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "there is no page at /countries/KH/nothing-here" in page.text
    assert 'href="/sanctions"' in page.text  # the navigation is there to go on from
    program = visitor.get("/countries/KH/nothing-here", headers={"accept": "application/json"})
    assert program.status_code == 404
    assert program.json()["code"] == "not_found"
    api = visitor.get("/api/v1/nothing-here", headers={"accept": "text/html"})
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"


def test_a_country_pages_charts_are_drawn_from_its_own_figures(client_as: Client) -> None:
    visitor = client_as(None)
    twin = visitor.get("/countries/KH.json?from=2020-01-01&to=2021-12-31").json()
    assert len(twin["charts"]) >= 2
    for chart in twin["charts"]:
        drawn = visitor.get(chart["src"])
        assert drawn.status_code == 200
        assert drawn.headers["content-type"] == "image/svg+xml"
        assert drawn.text.startswith("<svg ")
        for row in chart["rows"]:  # the drawing is of the page's own figures
            assert row["quarter"] in drawn.text
    page = visitor.get("/countries/KH?from=2020-01-01&to=2021-12-31")
    assert twin["charts"][0]["src"].replace("&", "&amp;") in page.text
    missing = visitor.get("/countries/KH/charts/9.svg", headers={"accept": "text/html"})
    assert missing.status_code == 404
