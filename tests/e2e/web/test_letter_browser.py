"""The letter to the applicant in Chromium: a letter at 1280 px and on a phone, and on paper."""

from __future__ import annotations

from typing import Any

from applicants import KH_DIRECTOR_GENERAL
from readmit.services.context import Actor
from readmit.services.screening import single
from readmit.services.screening.engine import ScreeningRequest

DG = KH_DIRECTOR_GENERAL


def _letter_of(web_site: Any) -> str:
    result = single.screen_one(
        web_site.app, Actor("consul", "consular_officer"), ScreeningRequest(inputs=DG)
    )
    return f"/screening/decisions/{result.decision_id}/letter"


def test_the_letter_reads_as_a_letter_on_a_desk_a_phone_and_paper(
    page: Any, phone: Any, login: Any, shot: Any, web_site: Any
) -> None:
    path = _letter_of(web_site)
    for tab, width in ((page, "1280"), (phone, "390")):
        login(tab, "consul")
        tab.goto(path)
        letter = tab.locator("article.letter")
        assert letter.locator(".issuer").inner_text() == "Embassy of the United States"
        assert "1 March 2022" in letter.locator("dl.letter-ref").inner_text()
        assert "KH-2022-0042" in letter.locator("dl.letter-ref").inner_text()
        # Nothing wider than the screen: the letter fits the phone without sideways scrolling.
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert tab.get_by_role("link", name="Download as PDF").is_visible()
        shot(tab, f"letter-{width}")
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Download as PDF").is_visible()
    assert not page.locator("header.top").is_visible()
    shot(page, "letter-print")
