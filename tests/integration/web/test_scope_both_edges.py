"""The dashboard and the API enforce one scope: every route × every role, on both edges.

One seeded store for the module (two partner countries, KH and SL, each with its liaison; two
consular officers; one user per role), each user signed in on the dashboard and holding an API
token. Each probe asks both edges for the same resource, in scope, out of scope and missing:
both edges must give the same answer, and out of scope must read exactly as missing (404, the
same body but for the identifier asked).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from web_seed import ADMIN, OFFICER, PASSWORD, USERS

from readmit.api.security import operations
from readmit.domain.permissions import Role, permissions_of
from readmit.services.access import users
from readmit.services.assessment import assess, recorded
from readmit.services.cases.flights import NewFlight, schedule_flight
from readmit.services.context import Actor, App
from readmit.services.screening import jobs, single
from readmit.services.screening.engine import ScreeningRequest
from readmit.web.views import site

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

# The seed's users, an administrator and a second consular officer; None is the public.
ALL_USERS: dict[str | None, tuple[str, str | None]] = {
    **USERS,
    "root": ("admin", None),
    "consul-2": ("consular_officer", None),
    None: ("public", None),
}
WINDOW = "from=2020-01-01&to=2021-12-31"
DG = {
    "application_id": "A-DG",
    "nationality": "KH",
    "visa_class": "B1",
    "post_country": "KH",
    "employer": "KH-MFA",
    "rank": "director_general",
    "relationship": "self",
    "decision_date": "2021-06-01",
}
BATCH = (
    b"application_id,nationality,visa_class,decision_date,post_country,employer,rank\n"
    b"B1,KH,B1,2021-06-01,KH,KH-MFA,director_general\n"
)
MISSING = {
    "case": "NO-SUCH-CASE",
    "flight": "NO-SUCH-FLIGHT",
    "decision": "d-00000000000000000000",
    "row": "b-0000000000000000:1",
    "job": "j-0000000000000000",
    "event": "0" * 32,
    "assessment": "0" * 64,
}


@dataclass
class World:
    """The seeded application, both edges' clients per user, and the ids the probes ask for."""

    app: App
    web: dict[str | None, TestClient]
    api: dict[str | None, dict[str, str]]
    csrf: dict[str | None, str]
    ids: dict[str, str]


def _signed_in(web: FastAPI, user: str | None) -> tuple[TestClient, str]:
    client = TestClient(web, base_url="http://testserver", follow_redirects=False)
    token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    if user is None:
        return client, token
    response = client.post(
        "/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text[:300]
    page = client.get("/sanctions").text
    return client, page.split('name="csrf_token" value="')[1].split('"')[0]


def _event_of(app: App, case_id: str) -> str:
    with app.uow(write=False) as uow:
        return uow.ledger.for_subject("case", case_id)[-1].id


@pytest.fixture(scope="module")
def world(seeded: App, web: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    seeded.settings.data_dir = tmp_path_factory.mktemp("data")
    users.add_user(seeded, ADMIN, name="root", role="admin", password=PASSWORD)
    users.add_user(seeded, ADMIN, name="consul-2", role="consular_officer", password=PASSWORD)
    schedule_flight(seeded, NewFlight("SL-NEXT", date(2021, 9, 1), "charter", "SL", 20), OFFICER)
    consul = Actor("consul", "consular_officer")
    made = single.screen_one(seeded, consul, ScreeningRequest(inputs=DG))
    second = Actor("consul-2", "consular_officer")
    other = single.screen_one(seeded, second, ScreeningRequest(inputs=DG))
    bad = single.screen_one(
        seeded, consul, ScreeningRequest(inputs={**DG, "decision_date": "2021-02-31"})
    )
    job = jobs.create_job(seeded, consul, filename="apps.csv", upload=io.BytesIO(BATCH))
    done = jobs.run_job(seeded, job.job_id)
    assert done.status == "done", done.error
    kh = assess.assess(seeded, "KH", assess.Window(date(2021, 1, 1), date(2021, 12, 31)))
    assessment = recorded.record_assessment(
        seeded, Actor("analyst", "analyst"), assessment=kh, on=date(2022, 1, 1)
    )
    ids = {
        "assessment": assessment,
        "decision": made.decision_id,
        "other_decision": other.decision_id,
        "bad_date": bad.decision_id,
        "job": job.job_id,
        "row": f"{done.batch_id}:1",
        "kh_event": _event_of(seeded, "KH-PRESENTED"),
        "sl_event": _event_of(seeded, "SL-PRESENTED"),
    }
    clients, csrf, tokens = {}, {}, {}
    for user in ALL_USERS:
        clients[user], csrf[user] = _signed_in(web, user)
        tokens[user] = (
            {}
            if user is None
            else {"Authorization": f"Bearer {users.issue_token(seeded, ADMIN, name=user).secret}"}
        )
    yield World(seeded, clients, tokens, csrf, ids)
    for client in clients.values():
        client.close()


def _same_but_id(first: str, second: str, first_id: str, second_id: str) -> bool:
    """Tell whether two answers are the same once each one's asked identifier is blanked."""
    return first.replace(first_id, "<id>") == second.replace(second_id, "<id>")


# (what, dashboard path, API path): the same resource on both edges; {id} is filled in.
READS = [
    ("case", "/cases/{id}.json", "/api/v1/cases/{id}"),
    ("case", "/cases/{id}", "/api/v1/cases/{id}/history"),
    ("case", "/cases/{id}.json", "/api/v1/cases/{id}/next-events"),
    ("flight", "/flights/{id}.json", "/api/v1/flights/{id}"),
    ("decision", "/screening/decisions/{id}.json", "/api/v1/decisions/{id}/replay"),
    ("decision", "/screening/decisions/{id}/letter.json", "/api/v1/decisions/{id}/letter"),
    ("decision", "/screening/decisions/{id}/letter.pdf", "/api/v1/decisions/{id}/letter.pdf"),
    ("row", "/screening/decisions/{id}", "/api/v1/decisions/{id}/replay"),
    ("job", "/screening/batch/{id}.json", "/api/v1/screen/batch/{id}"),
    ("job", "/screening/batch/{id}/download", "/api/v1/screen/batch/{id}/result"),
    ("assessment", None, "/api/v1/assessments/recorded/{id}"),
]
# Resources of each kind: (id, its country or owner), to ask for in scope and out of it.
RESOURCES = {
    "case": ["KH-PRESENTED", "KH-REMOVED", "SL-PRESENTED"],
    "flight": ["KH-NEXT", "SL-NEXT"],
    "decision": ["decision", "other_decision"],
    "row": ["row"],
    "job": ["job"],
    "assessment": ["assessment"],
}


def _refused(status: int) -> bool:
    return status in {401, 403, 303}  # 303: an anonymous visitor is sent to sign in


@pytest.mark.parametrize("user", list(ALL_USERS), ids=lambda u: u or "public")
@pytest.mark.parametrize(("kind", "page", "api_path"), READS, ids=lambda p: str(p))
def test_each_role_sees_the_same_resources_on_the_dashboard_and_through_the_api(
    world: World, user: str | None, kind: str, page: str | None, api_path: str
) -> None:
    headers = world.api[user]

    def on_dashboard(wanted: str) -> Any:
        # A route with no dashboard twin is asked twice of the API: the same rules, one edge.
        if page is None:
            return world.web[None].get(api_path.format(id=wanted), headers=headers)
        return world.web[user].get(page.format(id=wanted))

    missing = MISSING[kind]
    web_missing = on_dashboard(missing)
    api_missing = world.web[None].get(api_path.format(id=missing), headers=headers)
    for name in RESOURCES[kind]:
        wanted = world.ids.get(name, name)
        on_web = on_dashboard(wanted)
        on_api = world.web[None].get(api_path.format(id=wanted), headers=headers)
        shown = (user, page, wanted, on_web.status_code, on_api.status_code)
        assert on_web.status_code in {200, 303, 401, 403, 404}, (*shown, on_web.text[:300])
        assert _refused(on_web.status_code) == _refused(on_api.status_code), shown
        if _refused(on_web.status_code):
            continue
        assert on_web.status_code == on_api.status_code, (*shown, on_api.text[:300])
        if on_web.status_code == 404:  # out of scope reads exactly as missing, on each edge
            assert web_missing.status_code == api_missing.status_code == 404
            assert _same_but_id(on_web.text, web_missing.text, wanted, missing), shown
            assert _same_but_id(on_api.text, api_missing.text, wanted, missing), shown


SCOPE = {
    # user: what it must see of RESOURCES (anything else of them is 404 or refused)
    "liaison-kh": {"KH-PRESENTED", "KH-REMOVED", "KH-NEXT", "assessment"},
    "liaison-sl": {"SL-PRESENTED", "SL-NEXT"},
    "kvao": {"KH-REMOVED", "KH-NEXT"},
    "consul": {"decision", "row", "job"},
    "consul-2": {"other_decision"},
    "state": {"decision", "other_decision", "row", "assessment"},
    "analyst": {"KH-PRESENTED", "KH-REMOVED", "SL-PRESENTED", "KH-NEXT", "SL-NEXT", "assessment"},
}


@pytest.mark.parametrize("user", sorted(SCOPE))
def test_a_scoped_user_sees_exactly_its_own_resources_on_both_edges(
    world: World, user: str
) -> None:
    seen = set()
    for kind, page, api_path in READS:
        for name in RESOURCES[kind]:
            wanted = world.ids.get(name, name)
            on_api = world.web[None].get(api_path.format(id=wanted), headers=world.api[user])
            on_web = world.web[user].get(page.format(id=wanted)) if page else on_api
            if on_api.status_code == 200 and on_web.status_code == 200:
                seen.add(name)
    assert seen == SCOPE[user]


@pytest.mark.parametrize("user", ["liaison-kh", "liaison-sl", "kvao"])
def test_a_country_bound_user_sees_its_own_countrys_assessments_only_on_both_edges(
    world: World, user: str
) -> None:
    country = ALL_USERS[user][1]
    headers = world.api[user]
    allowed = ALL_USERS[user][0] == Role.PARTNER_LIAISON
    table = world.web[user].get("/analyst.json")
    listed = world.web[None].get(f"/api/v1/assessments?{WINDOW}", headers=headers)
    if not allowed:
        assert table.status_code == listed.status_code == 403
        return
    assert table.status_code == listed.status_code == 200
    assert {c["country"] for c in table.json()["countries"]} == {country}
    assert {c["country"] for c in listed.json()} == {country}
    for code in ("KH", "SL"):
        page = world.web[user].get(f"/analyst/countries/{code}.json?{WINDOW}")
        html = world.web[user].get(f"/analyst/countries/{code}?{WINDOW}")
        api = world.web[None].get(f"/api/v1/assessments/{code}?{WINDOW}", headers=headers)
        trend = world.web[None].get(f"/api/v1/assessments/{code}/trend?{WINDOW}", headers=headers)
        regimes = world.web[None].get(
            f"/api/v1/assessments/{code}/regimes?{WINDOW}", headers=headers
        )
        expected = 200 if code == country else 404
        statuses = {page.status_code, html.status_code, api.status_code, trend.status_code}
        statuses.add(regimes.status_code)
        assert statuses == {expected}, code


def test_an_analyst_sees_every_countrys_assessments_on_both_edges(world: World) -> None:
    table = world.web["analyst"].get("/analyst.json").json()["countries"]
    listed = world.web[None].get(f"/api/v1/assessments?{WINDOW}", headers=world.api["analyst"])
    assert {c["country"] for c in table} == {c["country"] for c in listed.json()} >= {"KH", "SL"}


def _respond_on_web(world: World, user: str, case_id: str, event_id: str) -> Any:
    form = {
        "csrf_token": world.csrf[user],
        "event_id": event_id,
        "stance": "acknowledged",
        "on": "2021-07-01",
    }
    return world.web[user].post(f"/cases/{case_id}/responses", data=form)


def _respond_on_api(world: World, user: str, case_id: str, event_id: str) -> Any:
    body = {"stance": "acknowledged", "on": "2021-07-01"}
    path = f"/api/v1/cases/{case_id}/events/{event_id}/response"
    return world.web[None].post(path, json=body, headers=world.api[user])


@pytest.mark.parametrize(
    ("user", "case_id", "foreign"),
    [("liaison-sl", "SL-PRESENTED", "kh_event"), ("liaison-kh", "KH-PRESENTED", "sl_event")],
)
def test_answering_another_countrys_event_reads_as_answering_an_event_that_does_not_exist(
    world: World, user: str, case_id: str, foreign: str
) -> None:
    event = world.ids[foreign]
    for respond in (_respond_on_web, _respond_on_api):
        probed = respond(world, user, case_id, event)
        missing = respond(world, user, case_id, MISSING["event"])
        assert probed.status_code == missing.status_code == 404, (respond, probed.text[:300])
        assert _same_but_id(probed.text, missing.text, event, MISSING["event"])
        other = "KH" if foreign == "kh_event" else "SL"
        assert f"national of {other}" not in probed.text


def test_a_decision_made_on_an_unreadable_date_says_so_on_every_edge(world: World) -> None:
    bad = world.ids["bad_date"]
    pages = [
        f"/screening/decisions/{bad}",
        f"/screening/decisions/{bad}.json",
        f"/screening/decisions/{bad}/letter",
        f"/screening/decisions/{bad}/letter.json",
    ]
    for path in pages:
        answer = world.web["consul"].get(path)
        assert answer.status_code == 400, (path, answer.status_code)
        assert "is not a date" in answer.text
    for path in (f"/api/v1/decisions/{bad}/replay", f"/api/v1/decisions/{bad}/letter"):
        answer = world.web[None].get(path, headers=world.api["consul"])
        assert answer.status_code == 422, (path, answer.status_code)
        assert answer.json()["code"] == "invalid_input"
        assert "2021-02-31" in answer.json()["message"]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "no-such-thing", path)


# Actions whose post with an empty form would end the session or act on the store as a whole.
NOT_POSTED = {"/login", "/logout"}


PAGES = {page.path for page in site.pages}


@pytest.mark.parametrize("user", list(ALL_USERS), ids=lambda u: u or "public")
def test_every_dashboard_route_answers_each_role_as_the_permission_table_says(
    world: World, user: str
) -> None:
    role = ALL_USERS[user][0]
    held = {p.value for p in permissions_of(role)}
    failures = []
    for (method, path), needs in site.route_permissions().items():
        if path in NOT_POSTED:
            continue
        wanted = {needs} if isinstance(needs, str) else set(needs)
        allowed = needs == "anyone" or bool(wanted & held)
        client = world.web[user]
        if method == "GET":
            answer = client.get(_concrete(path))
        else:
            answer = client.post(_concrete(path), data={"csrf_token": world.csrf[user]})
        status = answer.status_code
        if allowed and status in {401, 403}:
            failures.append(f"{user} {method} {path}: {status}, the table allows it")
        # An anonymous visitor is sent to sign in from a page; a twin, a raw route or a form
        # is refused outright.
        anonymous_page = user is None and method == "GET" and path in PAGES
        expected = {303} if anonymous_page else {403}
        if not allowed and status not in expected:
            failures.append(f"{user} {method} {path}: {status}, expected {expected}")
        if status >= 500:
            failures.append(f"{user} {method} {path}: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("user", "foreign"), [("liaison-sl", "KH-CONFIRMED"), ("kvao", "SL-PRESENTED")]
)
def test_recording_on_a_case_out_of_scope_reads_as_recording_on_a_case_that_does_not_exist(
    world: World, user: str, foreign: str
) -> None:
    missing = MISSING["case"]

    def on_web(case_id: str) -> Any:
        form = {
            "csrf_token": world.csrf[user],
            "event": "received",
            "occurred_on": "2021-07-01",
            "organisation": "IOM",
        }
        return world.web[user].post(f"/cases/{case_id}/events", data=form)

    def on_api(case_id: str) -> Any:
        path = f"/api/v1/cases/{case_id}/events/received"
        body = {"occurred_on": "2021-07-01", "organisation": "IOM"}
        return world.web[None].post(path, json=body, headers=world.api[user])

    for record in (on_web, on_api):
        probed, absent = record(foreign), record(missing)
        assert probed.status_code == absent.status_code == 404, probed.text[:300]
        assert _same_but_id(probed.text, absent.text, foreign, missing)


# (user, the id out of its scope, its kind, the dashboard's form, the API's call): posting about
# something out of scope must read exactly as posting about something missing, on each edge.
ON = "2021-07-01"
WRITES = [
    (
        "liaison-sl",
        "KH-CONFIRMED",
        "case",
        None,
        (
            "/api/v1/cases/{id}/assertions",
            {"event_type": "interview_held", "on": ON, "evidence_source": "n1"},
        ),
    ),
    (
        "liaison-sl",
        "KH-NEXT",
        "flight",
        ("/flights/{id}/charter", {"event": "charter_accepted", "on": ON}),
        ("/api/v1/flights/{id}/events/charter_accepted", {"occurred_on": ON}),
    ),
    (
        "officer",
        "kh_event",
        "event",
        None,
        ("/api/v1/cases/SL-PRESENTED/events/{id}/void", {"reason": "wrong", "occurred_on": ON}),
    ),
    (
        "officer",
        "kh_event",
        "event",
        ("/cases/SL-PRESENTED/responses", {"event_id": "{id}", "stance": "acknowledged", "on": ON}),
        ("/api/v1/cases/SL-PRESENTED/events/{id}/response", {"stance": "acknowledged", "on": ON}),
    ),
]


def _fill(template: dict[str, str], wanted: str) -> dict[str, str]:
    return {k: v.replace("{id}", wanted) for k, v in template.items()}


@pytest.mark.parametrize(("user", "foreign", "kind", "form", "call"), WRITES)
def test_posting_about_something_out_of_scope_reads_as_posting_about_something_missing(
    world: World,
    user: str,
    foreign: str,
    kind: str,
    form: tuple[str, dict[str, str]] | None,
    call: tuple[str, dict[str, str]],
) -> None:
    wanted, missing = world.ids.get(foreign, foreign), MISSING[kind]

    def on_api(target: str) -> Any:
        path, body = call
        return world.web[None].post(
            path.format(id=target), json=_fill(body, target), headers=world.api[user]
        )

    def on_web(target: str) -> Any:
        assert form is not None
        path, data = form
        data = {**_fill(data, target), "csrf_token": world.csrf[user]}
        return world.web[user].post(path.format(id=target), data=data)

    for post in (on_api, on_web) if form else (on_api,):
        probed, absent = post(wanted), post(missing)
        assert probed.status_code == absent.status_code == 404, (post, probed.text[:300])
        assert _same_but_id(probed.text, absent.text, wanted, missing)


def _api_paths(web: FastAPI) -> set[str]:
    return {op.path for op in operations(web) if isinstance(op.route, APIRoute) and "{" in op.path}


# Routes of a resource whose every reader may see all of it: the registry is public, users and
# tokens are the administrators', no country-bound role takes a sanction step, and recorded
# what-if analyses are the analysts' and administrators' (no country-bound role reads them).
UNSCOPED = re.compile(
    r"^/api/v1/(users|tokens|account-requests|whatif/analyses|"
    r"sanctions/\{sanction_id\}(/(?!resumed)|$))"
)
# Covered by the scope tests of this module or of the screening service (the resumed queue).
PROBED = {
    "/api/v1/cases/{case_id}/events/{event}",
    "/api/v1/cases/{case_id}/events/{event_id}/response",
    "/api/v1/cases/{case_id}/events/{event_id}/void",
    "/api/v1/cases/{case_id}/assertions",
    "/api/v1/cases/{case_id}/record",
    "/api/v1/flights/{flight_id}/events/{event}",
    "/api/v1/sanctions/{sanction_id}/resumed",
    "/api/v1/assessments/{country}",
    "/api/v1/assessments/{country}/trend",
    "/api/v1/assessments/{country}/regimes",
    *(path for _, _, path in READS),
}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{x}", path)


def test_every_api_route_of_a_scoped_resource_is_probed_here(web: FastAPI) -> None:
    probed = {_shape(p) for p in PROBED}
    unprobed = sorted(
        p for p in _api_paths(web) if not UNSCOPED.match(p) and _shape(p) not in probed
    )
    assert not unprobed, f"add these routes to the scope probes: {unprobed}"
