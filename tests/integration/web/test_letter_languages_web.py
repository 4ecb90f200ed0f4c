"""The letter in the applicant's language on the dashboard and through the API: ``?lang=``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pytest
from web_seed import ADMIN

from applicants import KH_DIRECTOR_GENERAL
from readmit.services.access import users
from readmit.services.context import Actor, App
from readmit.services.screening import letter_pdf, single
from readmit.services.screening.engine import ScreeningRequest

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
CONSUL = Actor("consul", "consular_officer")
DG = KH_DIRECTOR_GENERAL


def _decided(app: App) -> str:
    return single.screen_one(app, CONSUL, ScreeningRequest(inputs=DG)).decision_id


def test_the_letter_page_in_french_translates_its_words_and_dates(
    seeded: App, client_as: Client
) -> None:
    decision_id = _decided(seeded)
    client = client_as("consul")
    html = client.get(f"/screening/decisions/{decision_id}/letter", params={"lang": "fr"}).text
    assert (
        '<article class="letter letter-page" aria-label="Letter to the applicant" lang="fr">'
        in html
    )
    assert '<time datetime="2022-03-01">1 mars 2022</time>' in html
    assert "<dt>Référence</dt><dd>KH-2022-0042</dd>" in html
    assert '<h2 id="basis-h">Base juridique</h2>' in html
    assert '<h2 id="next-h">Ce que vous pouvez faire ensuite</h2>' in html
    assert "en vigueur depuis le 13 septembre 2017" in html
    # The record's words are quoted, marked as English, and the letter says so.
    assert (
        '<p lang="en">Visa issuance has temporarily been discontinued under Section 243(d)' in html
    )
    assert "INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12" in html
    assert "la base juridique telle qu&#39;enregistrée (en anglais)" in html
    # The PDF link keeps the language; the page offers the others.
    assert f'href="/screening/decisions/{decision_id}/letter.pdf?lang=fr" download' in html
    assert f'<a href="/screening/decisions/{decision_id}/letter?lang=km" lang="km"' in html
    assert '<strong aria-current="true" lang="fr">Français</strong>' in html
    twin = client.get(f"/screening/decisions/{decision_id}/letter.json?lang=fr").json()
    assert twin["letter"]["language"] == "fr" and twin["letter"]["dated_words"] == "1 mars 2022"


def test_the_letter_page_in_khmer_translates_its_words_and_dates(
    seeded: App, client_as: Client
) -> None:
    decision_id = _decided(seeded)
    html = (
        client_as("consul")
        .get(f"/screening/decisions/{decision_id}/letter", params={"lang": "km"})
        .text
    )
    assert 'lang="km"' in html
    assert '<time datetime="2022-03-01">1 មីនា 2022</time>' in html
    assert "<dt>លេខយោង</dt><dd>KH-2022-0042</dd>" in html
    assert '<h2 id="basis-h">មូលដ្ឋានច្បាប់</h2>' in html
    assert "Legal basis" not in html and "What you may do next" not in html


def test_the_english_letter_is_the_default(seeded: App, client_as: Client) -> None:
    decision_id = _decided(seeded)
    html = client_as("consul").get(f"/screening/decisions/{decision_id}/letter").text
    assert '<h2 id="basis-h">Legal basis</h2>' in html and 'lang="en">' in html
    assert f'href="/screening/decisions/{decision_id}/letter.pdf" download' in html


def test_an_unknown_language_gets_a_message_naming_the_languages(
    seeded: App, client_as: Client
) -> None:
    decision_id = _decided(seeded)
    client = client_as("consul")
    for path in (
        f"/screening/decisions/{decision_id}/letter",
        f"/screening/decisions/{decision_id}/letter.pdf",
    ):
        answer = client.get(path, params={"lang": "de"})
        assert answer.status_code == 400, path
        assert "no letter in the language" in answer.text and "km (ខ្មែរ)" in answer.text
        assert "application/pdf" not in answer.headers["content-type"]


@pytest.mark.skipif(letter_pdf.khmer_font() is None, reason="no Khmer font (fonts-khmeros)")
def test_the_pdf_in_khmer_from_the_dashboard_and_the_api(seeded: App, client_as: Client) -> None:
    decision_id = _decided(seeded)
    page = client_as("consul").get(
        f"/screening/decisions/{decision_id}/letter.pdf", params={"lang": "km"}
    )
    assert page.status_code == 200 and page.headers["content-type"] == "application/pdf"
    assert f'filename="letter-{decision_id}-km.pdf"' in page.headers["content-disposition"]
    assert b"/FontFile2" in page.content
    text = "".join(pdfium.PdfDocument(page.content)[0].get_textpage().get_text_range().split())
    assert "មូលដ្ឋានច្បាប់" in "".join(c for c in text if "\u1780" <= c <= "\u17ff")
    bearer = {"Authorization": f"Bearer {users.issue_token(seeded, ADMIN, name='consul').secret}"}
    api = client_as(None)
    pdf = api.get(f"/api/v1/decisions/{decision_id}/letter.pdf?lang=km", headers=bearer)
    assert pdf.status_code == 200 and b"/FontFile2" in pdf.content
    as_text = api.get(f"/api/v1/decisions/{decision_id}/letter?lang=fr", headers=bearer).json()
    assert "Base juridique" in as_text["letter"] and "Date: 1 mars 2022" in as_text["letter"]
    refused = api.get(f"/api/v1/decisions/{decision_id}/letter?lang=xx", headers=bearer)
    assert refused.status_code == 422 and "fr (Français)" in refused.json()["message"]


def test_a_khmer_pdf_without_the_font_is_a_message_not_a_crash(
    seeded: App, client_as: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    decision_id = _decided(seeded)
    monkeypatch.setattr(letter_pdf, "khmer_font", lambda: None)
    answer = client_as("consul").get(
        f"/screening/decisions/{decision_id}/letter.pdf", params={"lang": "km"}
    )
    assert answer.status_code == 400
    assert "fonts-khmeros" in answer.text and "Traceback" not in answer.text
