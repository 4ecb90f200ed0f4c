"""A page offers only what its viewer may do: the same permission table as the API."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from readmit.services.cases.caseload import PAGE_SIZE
from readmit.services.cases.commands import CaseEvent, NewCase, open_case, record_case_event
from readmit.services.context import Actor, App

Client = Callable[[str | None], TestClient]


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def _charter(client: TestClient, event: str) -> int:
    page = client.get("/flights/KH-2021-06").text
    form = {"event": event, "on": "2021-05-01", "csrf_token": _csrf(page)}
    answer = client.post("/flights/KH-2021-06/charter", data=form, headers={"referer": "/"})
    return int(answer.status_code)


def test_a_case_officer_is_not_offered_the_partners_answers(client_as: Client) -> None:
    page = client_as("officer").get("/cases/KH-PRESENTED").text
    assert "Acknowledge" not in page and "Contest" not in page


def test_the_partner_portal_is_offered_to_liaisons_only(client_as: Client) -> None:
    for user in ("officer", "analyst"):
        client = client_as(user)
        assert "Partner portal" not in client.get("/cases").text
        assert client.get("/partner").status_code == 403
    liaison = client_as("liaison-kh")
    assert "Partner portal" in liaison.get("/cases").text
    assert liaison.get("/partner").status_code == 200


def test_a_liaison_answers_a_charter_on_the_dashboard_as_through_the_api(
    client_as: Client,
) -> None:
    officer, liaison = client_as("officer"), client_as("liaison-kh")
    assert _charter(officer, "charter_proposed") == 303
    offered = liaison.get("/flights/KH-2021-06").text
    assert 'value="charter_accepted"' in offered and 'value="charter_proposed"' not in offered
    assert _charter(liaison, "charter_accepted") == 303
    assert "charter accepted" in liaison.get("/flights/KH-2021-06").text.lower()


def test_another_countrys_liaison_cannot_answer_it(client_as: Client) -> None:
    # Out of scope reads as "does not exist", for the page and for the answer posted by hand.
    other = client_as("liaison-sl")
    assert other.get("/flights/KH-2021-06").status_code == 404
    form = {
        "event": "charter_refused",
        "on": "2021-05-01",
        "csrf_token": _csrf(other.get("/flights").text),
    }
    answer = other.post("/flights/KH-2021-06/charter", data=form, headers={"referer": "/"})
    assert answer.status_code == 404


def test_the_partner_portal_pages_its_pending_requests(seeded: App, client_as: Client) -> None:
    officer = Actor("officer", "case_officer")
    for n in range(PAGE_SIZE + 5):  # more than one page of cases awaiting the partner
        case_id = f"KH-PAGE-{n:03d}"
        open_case(seeded, officer, new=NewCase(case_id, "KH", date(2019, 1, 1), True, "detained"))
        record_case_event(
            seeded, officer, CaseEvent(case_id=case_id, event="presented", on=date(2019, 2, 1))
        )
    liaison = client_as("liaison-kh")
    first = liaison.get("/partner", params={"lang": "en"}).text  # then remembered
    assert 'href="/partner?page=2">Next page' in first
    second = liaison.get("/partner", params={"page": 2}).text
    assert "Previous page" in second and second.count('href="/cases/KH-') >= 5
