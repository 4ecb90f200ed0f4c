"""The determining and visa authorities take a sanction through its lifecycle, each only its
own steps, each confirmed."""

from __future__ import annotations

from typing import Any


def test_an_assessment_leads_to_a_determination_a_notification_and_an_order(
    page: Any, login: Any, shot: Any
) -> None:
    login(page, "analyst")
    page.goto("/analyst/countries/SL?from=2020-01-01&to=2021-12-31")
    page.get_by_role("button", name="Record this assessment in the ledger").click()
    assert "recorded; a determination can now cite it" in page.inner_text("main")

    login(page, "dhs")
    page.goto("/authority/determinations")
    form = page.locator("form", has=page.get_by_role("button", name="Record the determination"))
    form.get_by_label("Country").fill("SL")
    form.get_by_label("Title").fill("Sierra Leone 2021: officials of the interior ministry")
    form.locator("input[name=assessments]").first.check()
    form.get_by_role("button", name="Record the determination").click()
    # Not confirmed: the browser refuses to submit until the box is ticked.
    assert "/authority/determinations" in page.url
    form.locator("input[name=confirm]").check()
    form.get_by_role("button", name="Record the determination").click()
    assert "Recorded: determination" in page.inner_text("main")
    sanction_url = page.url
    assert "Record: order" not in page.inner_text("main")  # not the determining authority's
    page.get_by_text("Record: notification").click()
    page.locator("details[open] input[name=confirm]").check()
    page.locator("details[open]").get_by_role("button", name="Record the notification").click()
    assert "Recorded: notification" in page.inner_text("main")

    login(page, "state")
    page.goto("/authority/orders")
    assert "Sierra Leone 2021" in page.inner_text("main")
    page.goto(sanction_url)
    assert "Record: notification" not in page.inner_text("main")
    page.get_by_text("Record: order").click()
    order = page.locator("details[open]")
    order.get_by_label("Visa classes").fill("B1, B2, B1/B2")
    order.get_by_label("Employers").fill("SL-MFA")
    order.locator("input[name=confirm]").check()
    order.get_by_role("button", name="Record the order").click()
    assert "Recorded: order" in page.inner_text("main")
    assert "in force today" in page.inner_text("main")
    shot(page, "visa-authority-ordered")


def test_a_step_of_the_other_authority_is_refused_when_posted_by_hand(
    page: Any, login: Any
) -> None:
    login(page, "state")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(
        "/authority/determinations",
        form={"csrf_token": token or "", "country": "KH", "title": "x", "confirm": "yes"},
    )
    assert response.status == 403
