"""A case officer works through the case list and records the next step on a case."""

from __future__ import annotations

from datetime import date
from typing import Any

from web_seed import DOCUMENT_LAPSES_ON


def test_a_case_officer_filters_cases_and_records_a_presentation(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "officer")
    page.goto("/cases?country=KH&state=ordered")
    assert "KH-ORDERED" in page.inner_text("#case-table")
    assert "KH-REMOVED" not in page.inner_text("#case-table")
    page.get_by_role("link", name="KH-ORDERED").click()
    page.get_by_text("Record: presented to the partner").click()
    page.get_by_role("button", name="Record presented to the partner").click()
    page.wait_for_url("**/cases/KH-ORDERED")
    assert "Recorded: presented on case KH-ORDERED" in page.inner_text("main")
    assert "presented to the partner" in page.inner_text("ol.timeline")
    shot(page, "case-officer-case-page")


def test_the_case_page_warns_of_a_travel_document_about_to_lapse(page: Any, login: Any) -> None:
    login(page, "officer")
    page.goto("/cases/KH-DOCUMENT")
    warning = page.get_by_role("alert").inner_text()
    days_left = (DOCUMENT_LAPSES_ON - date.today()).days
    assert f"expires in {days_left} days ({DOCUMENT_LAPSES_ON.isoformat()})" in warning
    page.goto("/cases?expiring=1")
    assert "KH-DOCUMENT" in page.inner_text("#case-table")


def test_a_case_officer_sees_a_flight_and_its_manifest(page: Any, login: Any) -> None:
    login(page, "officer")
    page.goto("/flights")
    page.get_by_role("link", name="KH-2021-06").click()
    manifest = page.inner_text("main")
    assert "KH-REMOVED" in manifest and "2 of 40 seats" in manifest


def test_a_case_officer_schedules_a_charter_and_records_its_proposal(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "officer")
    page.goto("/flights")
    page.get_by_text("Schedule a flight").click()
    page.get_by_label("Flight identifier").fill("KH-CHARTER-E2E")
    page.get_by_label("Departs on").fill("2030-01-15")
    page.get_by_label("Destination").fill("KH")
    page.get_by_label("Seats for returnees").fill("36")
    page.get_by_role("button", name="Schedule the flight").click()
    assert "Scheduled: flight KH-CHARTER-E2E" in page.inner_text("main")
    page.get_by_text("Record the charter's proposal").click()
    page.get_by_role("button", name="Record").click()
    assert "Partner's answer: proposed" in page.inner_text("main")
    shot(page, "case-officer-flight")
