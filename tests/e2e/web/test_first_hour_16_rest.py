"""In Chromium: the letter in Khmer and French, the desk's decision date from the data, and the
CSV downloads of the case and partner pages, at 1280 px and on a phone."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from applicants import KH_DIRECTOR_GENERAL
from readmit.services.assessment import figures
from readmit.services.context import Actor
from readmit.services.screening import single
from readmit.services.screening.engine import ScreeningRequest

DG = KH_DIRECTOR_GENERAL
# Where a reviewer wants this test's screenshots as well (they are always under screenshots/).
ALSO = os.environ.get("READMIT_SHOTS_16")


def _shoot(shot: Any, tab: Any, name: str) -> None:
    path: Path = shot(tab, name)
    if ALSO:
        Path(ALSO).mkdir(parents=True, exist_ok=True)
        (Path(ALSO) / path.name).write_bytes(path.read_bytes())


def test_the_letter_in_khmer_and_french_on_a_desk_and_a_phone(
    page: Any, phone: Any, login: Any, shot: Any, web_site: Any
) -> None:
    result = single.screen_one(
        web_site.app, Actor("consul", "consular_officer"), ScreeningRequest(inputs=DG)
    )
    path = f"/screening/decisions/{result.decision_id}/letter"
    for tab, width in ((page, "1280"), (phone, "390")):
        login(tab, "consul")
        tab.goto(path + "?lang=km")
        letter = tab.locator("article.letter")
        assert letter.get_attribute("lang") == "km"
        assert "មូលដ្ឋានច្បាប់" in letter.locator("#basis-h").inner_text()
        assert "1 មីនា 2022" in letter.locator("dl.letter-ref").inner_text()
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _shoot(shot, tab, f"letter-km-{width}")
        tab.get_by_role("link", name="Français").click()
        assert "Base juridique" in tab.locator("#basis-h").inner_text()
        pdf = tab.get_by_role("link", name="Download as PDF").get_attribute("href")
        assert pdf.endswith("letter.pdf?lang=fr")
        _shoot(shot, tab, f"letter-fr-{width}")


def test_the_desk_offers_the_ledger_s_last_day(
    page: Any, phone: Any, login: Any, shot: Any, web_site: Any
) -> None:
    # The seed's last event, or a later one another test of this session recorded.
    last = figures.last_recorded_day(web_site.app)
    assert last is not None
    for tab, width in ((page, "1280"), (phone, "390")):
        login(tab, "consul")
        tab.goto("/screening")
        field = tab.locator('input[name="decision_date"]')
        assert field.input_value() == min(last, date.today()).isoformat()
        assert "the ledger's last recorded day" in tab.locator("#decision-date-from").inner_text()
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _shoot(shot, tab, f"desk-{width}")


def test_the_case_list_and_the_portal_offer_their_csv(
    page: Any, phone: Any, login: Any, shot: Any
) -> None:
    login(page, "officer")
    page.goto("/cases")
    link = page.get_by_role("link", name="Download this page of cases as CSV")
    assert link.get_attribute("href") == "/cases.csv"
    _shoot(shot, page, "cases-csv-1280")
    login(phone, "liaison-kh")
    phone.goto("/partner?lang=km")
    assert phone.locator('a[href^="/partner.csv"]').is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shoot(shot, phone, "partner-csv-390")
