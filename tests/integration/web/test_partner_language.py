"""A partner liaison reads the portal in their language: Khmer, French or English."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from readmit.domain.cases import ALL_STATES, CASE_EVENTS
from readmit.services.context import App
from readmit.services.transparency import sign_tree_head
from readmit.web import i18n
from readmit.web.words import label

Client = Callable[[str | None], TestClient]
TEMPLATE = Path(i18n.__file__).parent / "templates" / "partner.html"


def test_a_cambodian_liaison_reads_the_portal_in_khmer_first(client_as: Client) -> None:
    page = client_as("liaison-kh").get("/partner").text
    assert '<html lang="km">' in page
    assert "សំណើដែលកំពុងរង់ចាំ" in page and "Pending requests" not in page
    assert re.search(
        r"\d{1,2} (មករា|កុម្ភៈ|មីនា|មេសា|ឧសភា|មិថុនា|កក្កដា|សីហា|កញ្ញា|តុលា|វិច្ឆិកា|ធ្នូ) \d{4}", page
    )


def test_the_liaison_chooses_french_and_the_portal_remembers_it(client_as: Client) -> None:
    liaison = client_as("liaison-kh")
    chosen = liaison.get("/partner", params={"lang": "fr"})
    assert "readmit_lang=fr" in chosen.headers["set-cookie"]
    again = liaison.get("/partner").text
    assert '<html lang="fr">' in again and "Demandes en attente" in again
    assert re.search(
        r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
        r"novembre|décembre) \d{4}",
        again,
    )


def test_english_is_one_choice_away_and_the_rest_of_the_dashboard_stays_english(
    client_as: Client,
) -> None:
    liaison = client_as("liaison-kh")
    english = liaison.get("/partner", params={"lang": "en"}).text
    assert '<html lang="en">' in english and "Pending requests" in english
    liaison.get("/partner", params={"lang": "km"})
    cases = liaison.get("/cases").text
    assert '<html lang="en">' in cases and "សំណើ" not in cases


def test_every_word_of_the_portal_has_a_french_and_a_khmer_translation() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    marked = set(re.findall(r'_\(\s*"([^"]+)"', text)) | set(re.findall(r"_\(\s*'([^']+)'", text))
    shown = {*ALL_STATES, *CASE_EVENTS, "case_opened"}
    marked |= {label(code) for code in shown} | {"acknowledged", "contested"}
    assert len(marked) > 20
    for language in ("fr", "km"):
        missing = sorted(m for m in marked if m not in i18n.catalogue(language))
        assert not missing, f"{language}.po lacks {missing}"


def test_the_partner_keeps_a_signed_head_and_checks_it_later(
    client_as: Client, seeded: App
) -> None:
    assert sign_tree_head(seeded, reason="test") is not None
    liaison = client_as("liaison-kh")
    page = liaison.get("/partner", params={"lang": "en"}).text
    assert "Check the record" in page and 'href="/partner/head.json"' in page
    kept = liaison.get("/partner/head.json")
    assert kept.status_code == 200 and "attachment" in kept.headers["content-disposition"]
    token = page.split('name="csrf_token" value="')[1].split('"')[0]

    def check(head: str) -> str:
        answer = liaison.post("/partner/heads/check", data={"head": head, "csrf_token": token})
        assert answer.status_code in (303, 400), answer.text
        return answer.text if answer.status_code == 400 else liaison.get("/partner").text

    assert "Consistent: today&#39;s log of" in check(kept.text)
    forged = {**kept.json(), "root_hash": "00" * 32}
    assert "NOT consistent" in check(json.dumps(forged))
    assert "paste the whole head you kept" in check("not json")
