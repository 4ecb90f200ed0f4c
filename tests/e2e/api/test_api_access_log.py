"""The structured access log: one line per request, naming the route's template, not its
identifiers, for the API, the dashboard and the documentation alike."""

from __future__ import annotations

from api_support import ROOT, Api
from structlog.testing import capture_logs

from readmit.services.access import sessions, users


def _sign_in(api: Api, name: str, role: str) -> None:
    password = "a long enough passphrase"
    users.add_user(api.app, ROOT, name=name, role=role, password=password)
    session = sessions.login(api.app, name, password=password)
    api.client.cookies.set(sessions.SESSION_COOKIE, session.session_id)


def test_each_request_is_logged_under_its_route_template_without_identifiers(
    logged_api: Api,
) -> None:
    requests = [
        ("case_officer", "/api/v1/cases/KH-1"),
        ("public", "/api/v1/sanctions"),
        ("public", "/countries/KH"),
        ("analyst", "/cases/KH-1.json"),
        ("public", "/static/John-Doe.css"),
        ("public", "/"),
        ("public", "/api/v1/openapi.json"),
        ("public", "/no-such-page"),
    ]
    with capture_logs() as logged:
        statuses = [logged_api.get(role, path).status_code for role, path in requests]
        # The dashboard's signed-in user is named too.
        _sign_in(logged_api, "ana", "analyst")
        assert logged_api.client.get("/sanctions").status_code == 200
    *lines, dashboard = [entry for entry in logged if entry.get("event") == "request"]
    assert (dashboard["user"], dashboard["role"]) == ("ana", "analyst")
    assert [line["route"] for line in lines] == [
        "/api/v1/cases/{case_id}",
        "/api/v1/sanctions",
        "/countries/{code}",
        "/cases/{case_id}.json",
        "/static/{path}",
        "/",
        "/api/v1/openapi.json",
        "(unmatched)",
    ]
    assert [line["status"] for line in lines] == statuses
    assert lines[0]["role"] == "case_officer" and lines[2]["user"] is None
    rendered = repr(lines)
    assert "KH-1" not in rendered and "John" not in rendered, "nothing from a path is logged"


def _sign_in(api: Api, name: str, role: str) -> None:
    password = "a long enough passphrase"
    users.add_user(api.app, ROOT, name=name, role=role, password=password)
    session = sessions.login(api.app, name, password=password)
    api.client.cookies.set(sessions.SESSION_COOKIE, session.session_id)
