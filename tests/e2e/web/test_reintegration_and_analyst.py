"""The reintegration caseworker records intake and services; the analyst compares countries."""

from __future__ import annotations

from typing import Any


def test_a_caseworker_records_the_intake_of_an_arrival_and_a_service(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "kvao")
    assert page.url.endswith("/arrivals")
    waiting = page.locator("table").first
    assert "KH-REMOVED" in waiting.inner_text()
    page.get_by_label("Organisation").first.fill("Khmer Vulnerability Aid Organisation")
    page.get_by_role("button", name="Record intake of KH-REMOVED").first.click()
    assert "Recorded: received on case KH-REMOVED" in page.inner_text("main")
    page.goto("/arrivals")
    received = page.locator("table").nth(1)
    received.locator("select[name=service]").first.select_option("housing")
    received.get_by_role("button", name="Record service for").first.click()
    assert "Recorded: service provided" in page.inner_text("main")
    # Intake sees no removal file: neither the final order nor family details.
    assert "Final order" not in page.inner_text("main")
    shot(page, "caseworker-case")


def test_an_analyst_sorts_and_filters_the_all_country_table(page: Any, login: Any) -> None:
    login(page, "analyst")
    page.goto("/analyst?to=2021-12-31")
    table = page.locator("#analyst-table")
    assert "Cambodia" in table.inner_text() and "Sierra Leone" in table.inner_text()
    page.get_by_label("Filter").fill("sierra")
    assert not page.locator("#analyst-table tr", has_text="Cambodia").is_visible()
    page.get_by_label("Filter").fill("")
    page.get_by_role("button", name="Removals").click()
    assert page.locator("#analyst-table th[aria-sort]").count() == 1
