"""A partner liaison answers for its own country: records interviews and contests events."""

from __future__ import annotations

from typing import Any


def test_a_partner_liaison_records_an_interview_on_its_pending_request(
    page: Any, login: Any
) -> None:
    login(page, "liaison-kh")
    assert page.url.endswith("/partner")
    pending = page.inner_text("#pending-table")
    assert "KH-INTERVIEW" in pending and "SL-PRESENTED" not in pending
    page.get_by_role("link", name="KH-INTERVIEW").first.click()
    page.get_by_text("Record: interview held").click()
    page.locator("details[open] select[name=mode]").select_option("virtual")
    page.get_by_role("button", name="Record interview held").click()
    assert "Recorded: interview held on case KH-INTERVIEW" in page.inner_text("main")
    assert "interviewed" in page.inner_text("p.lede")


def test_a_partner_liaison_contests_an_event_and_the_analyst_sees_it_contested(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "liaison-kh")
    page.goto("/cases/KH-REMOVED-2")
    removal = page.locator("ol.timeline li", has_text="removed").last
    removal.get_by_text("Answer this event").click()
    removal.get_by_label("Why you contest it").fill("This person was never received in Cambodia")
    removal.get_by_label("Your evidence").fill("Ministry of Interior arrivals register 2021/118")
    removal.get_by_role("button", name="Contest").click()
    assert "contested" in page.locator("ol.timeline li", has_text="removed").last.inner_text()
    shot(page, "partner-contested")

    login(page, "analyst")
    page.goto("/analyst/countries/KH?from=2021-01-01&to=2021-12-31")
    row = page.locator("#sides-table tr", has_text="removals").first
    assert "1 contested" in row.inner_text()
    shot(page, "analyst-country-KH")


def test_a_partner_liaison_cannot_open_another_countrys_case(page: Any, login: Any) -> None:
    login(page, "liaison-kh")
    response = page.goto("/cases/SL-PRESENTED")
    assert response is not None and response.status == 404
