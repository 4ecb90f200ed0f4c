"""The letter to the applicant on the dashboard and through the API: its parts, its PDF, and
its scope (another officer's letter reads as one that does not exist)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
from web_seed import ADMIN, PASSWORD

from applicants import KH_DIRECTOR_GENERAL
from readmit.services.access import users
from readmit.services.context import Actor, App
from readmit.services.screening import single
from readmit.services.screening.engine import ScreeningRequest

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
CONSUL = Actor("consul", "consular_officer")
DG = KH_DIRECTOR_GENERAL
MISSING = "d-00000000000000000000"


def _decided(app: App) -> str:
    return single.screen_one(app, CONSUL, ScreeningRequest(inputs=DG)).decision_id


def _pdf_text(body: bytes) -> str:
    pdf = pdfium.PdfDocument(body)
    return " ".join(" ".join(page.get_textpage().get_text_range() for page in pdf).split())


def test_the_letter_page_is_a_letter_with_its_letterhead_date_references_and_pdf(
    seeded: App, client_as: Client
) -> None:
    decision_id = _decided(seeded)
    client = client_as("consul")
    page = client.get(f"/screening/decisions/{decision_id}/letter")
    assert page.status_code == 200
    html = page.text
    assert '<p class="issuer">Embassy of the United States</p>' in html
    assert '<p class="post">Cambodia</p>' in html
    assert '<time datetime="2022-03-01">1 March 2022</time>' in html
    assert "<dt>Reference</dt><dd>KH-2022-0042</dd>" in html
    assert f"<dt>Decision</dt><dd>{decision_id}</dd>" in html
    assert '<h2 id="basis-h">Legal basis</h2>' in html and "9 FAM 601.12" in html
    assert '<h2 id="next-h">What you may do next</h2>' in html
    # Paragraphs, not the template's wrapped lines.
    assert (
        "<p>Visa issuance has temporarily been discontinued under Section 243(d) of the "
        "Immigration and Nationality Act.</p>" in html
    )
    link = f'<a href="/screening/decisions/{decision_id}/letter.pdf" download>Download as PDF</a>'
    assert link in html
    twin = client.get(f"/screening/decisions/{decision_id}/letter.json").json()
    assert twin["letter"]["reference"] == "KH-2022-0042" and twin["letter"]["synthetic"] is False
    pdf = client.get(f"/screening/decisions/{decision_id}/letter.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    for part in ("Embassy of the United States", "Reference: KH-2022-0042", decision_id):
        assert part in text, part


def test_the_pdf_letter_through_the_api_is_its_owners_alone(seeded: App, client_as: Client) -> None:
    decision_id = _decided(seeded)
    users.add_user(seeded, ADMIN, name="consul-3", role="consular_officer", password=PASSWORD)
    bearer = {
        name: {"Authorization": f"Bearer {users.issue_token(seeded, ADMIN, name=name).secret}"}
        for name in ("consul", "consul-3", "analyst", "officer")
    }
    anyone = client_as(None)
    path = "/api/v1/decisions/{}/letter.pdf"
    mine = anyone.get(path.format(decision_id), headers=bearer["consul"])
    assert mine.status_code == 200 and mine.headers["content-type"] == "application/pdf"
    assert "INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12" in _pdf_text(mine.content)
    theirs = anyone.get(path.format(decision_id), headers=bearer["consul-3"])
    missing = anyone.get(path.format(MISSING), headers=bearer["consul-3"])
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["code"] == missing.json()["code"]
    # Every other role answers as for the text letter: the same permission and scope.
    for name in ("analyst", "officer"):
        as_text = anyone.get(f"/api/v1/decisions/{decision_id}/letter", headers=bearer[name])
        as_pdf = anyone.get(path.format(decision_id), headers=bearer[name])
        assert as_pdf.status_code == as_text.status_code in {403, 404}, name
    assert anyone.get(path.format(decision_id)).status_code == 401
    other = client_as("consul-3").get(f"/screening/decisions/{decision_id}/letter.pdf")
    assert other.status_code == 404 and "application/pdf" not in other.headers["content-type"]
