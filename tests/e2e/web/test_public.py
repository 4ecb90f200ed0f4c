"""The public: the sanctions registry and the country pages, with no account."""

from __future__ import annotations

from typing import Any


def test_the_public_registry_renders_without_login_with_scopes_in_plain_words(
    page: Any, shot: Any
) -> None:
    page.goto("/sanctions")
    assert page.get_by_role("link", name="Sign in").is_visible()
    text = page.inner_text("main")
    assert (
        "B1, B2 and B1/B2 visas for Ministry of Foreign Affairs and International Cooperation "
        "staff of Director General rank and above, and their families, applying in Cambodia"
    ) in text
    assert "ended, date unknown" in text  # Guyana 2001: never shown as in force
    assert "stale" in text
    shot(page, "public-registry")


def test_the_registry_shows_what_was_in_force_on_a_chosen_date(page: Any) -> None:
    page.goto("/sanctions")
    page.get_by_label("Status on").fill("2017-06-01")
    page.get_by_label("Show").select_option("in_force")
    page.get_by_role("button", name="Show").click()
    text = page.inner_text("main")
    assert "The Gambia" in text
    assert "Cambodia" not in text  # ordered in September 2017


def test_a_sanction_page_shows_its_lifecycle_with_sources_and_the_steps_the_record_lacks(
    page: Any,
) -> None:
    page.goto("/sanctions")
    page.get_by_role("link", name="Cambodia 2017-").first.click()
    timeline = page.inner_text("ol.timeline")
    assert "Determination of non-cooperation" in timeline and "not public" in timeline
    assert "Order to consular posts" in timeline and "freshnewsasia" in timeline
    assert "Your next step" not in page.inner_text("main")  # nobody signed in


def test_the_registry_works_at_phone_width_and_from_the_keyboard(phone: Any, shot: Any) -> None:
    phone.goto("/sanctions")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to content"
    phone.keyboard.press("Enter")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
    shot(phone, "public-registry-phone")


def test_a_country_page_shows_figures_over_time_with_their_source(page: Any, shot: Any) -> None:
    page.goto("/countries/KH?from=2020-01-01&to=2021-12-31")
    assert page.locator("figure.chart img").count() >= 2
    # Every chart is drawn: each image loaded, from an SVG the server drew with Vega.
    page.wait_for_function(
        "[...document.querySelectorAll('figure.chart img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    text = page.inner_text("main")
    assert "Rating history" in text and "Claims beside the ledger" in text
    assert "Source: the ledger at position" in text
    assert "Measures the partner took in return" in text
    shot(page, "public-country-KH")


def test_the_methodology_page_gives_the_standard_its_thresholds_and_citations(page: Any) -> None:
    page.goto("/methodology")
    text = page.inner_text("main")
    assert "Version 2019.1" in text and "Uncooperative" in text
    assert "ice-visa-sanctions" in text
    assert "8 U.S.C. 1253(d)" in text
