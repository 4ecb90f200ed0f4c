"""The analyst's what-if page in Chromium: levers, the chart with its band, both sides."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser
QUERY = "/analyst/whatif?country=KH&from=2021-01-01&to=2021-12-31"


def test_an_analyst_sets_levers_and_sees_baseline_and_scenario_side_by_side(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "analyst")
    page.goto(QUERY)
    assert page.locator("figure.chart svg").count() == 1
    page.get_by_label("No family separation").check()
    page.get_by_label("Removals", exact=True).fill("5")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert "no_family_separation=1" in page.url
    text = page.locator("main").inner_text()
    assert "Baseline (the ledger)" in text and "Scenario" in text
    assert "removals set to 5 a month" in text and "no family separation:" in text
    assert "nothing here is recorded" in text
    svg = page.locator("figure.chart svg").inner_html()
    assert "scenario" in svg and "baseline" in svg
    shot(page, "whatif-1280")


def test_the_what_if_page_fits_a_phone(phone: Any, login: Any, shot: Any) -> None:
    login(phone, "analyst")
    phone.goto(QUERY + "&removals_per_month=3")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    shot(phone, "whatif-390")


def test_a_bad_lever_is_said_plainly_and_the_page_is_for_analysts(page: Any, login: Any) -> None:
    login(page, "analyst")
    page.goto(QUERY + "&training_days=soon")
    assert "training days must be a number, not 'soon'" in page.locator("body").inner_text()
    login(page, "consul")
    response = page.goto(QUERY)
    assert response.status == 403
