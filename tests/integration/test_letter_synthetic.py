"""A letter from a store holding the demo's synthetic scenario says so; any other does not."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium

from applicants import KH_DIRECTOR_GENERAL
from readmit.domain.events import NewEvent, utc_now
from readmit.services.context import Actor, App
from readmit.services.imports import backfill
from readmit.services.screening import letter_pdf, letters, single
from readmit.services.screening.engine import ScreeningRequest

CONSUL = Actor("consul", "consular_officer")
DG = KH_DIRECTOR_GENERAL


def _mark_as_demo(app: App) -> None:
    """The marker `readmit demo` records (an event about the subject type "demo")."""
    marker = NewEvent(
        "demo_screened",
        "demo",
        "scenario-seed-1",
        date(2022, 5, 31),
        CONSUL.name,
        CONSUL.role,
        {"synthetic": True},
        "synthetic scenario (test)",
        "letter-test-demo-marker",
        utc_now(),
    )
    backfill.record_backfill(app, [marker])


def test_a_letter_says_it_comes_from_synthetic_demo_data_only_when_it_does(
    sqlite_app: App,
) -> None:
    result = single.screen_one(sqlite_app, CONSUL, ScreeningRequest(inputs=DG))
    assert not letters.letter_of(sqlite_app, CONSUL, result.decision_id).synthetic
    assert "SYNTHETIC" not in letters.letter_for(sqlite_app, result)
    _mark_as_demo(sqlite_app)
    composed = letters.letter_of(sqlite_app, CONSUL, result.decision_id)
    assert composed.synthetic and "SYNTHETIC DEMO DATA" in composed.text()
    # A decision carries whether its store held the demo when it was made.
    assert not letters.composed_for(sqlite_app, result).synthetic
    after = single.screen_one(sqlite_app, CONSUL, ScreeningRequest(inputs=DG))
    assert letters.composed_for(sqlite_app, after).synthetic
    assert "SYNTHETIC DEMO DATA" in letters.letter_for(sqlite_app, after)
    pdf = pdfium.PdfDocument(letter_pdf.render(composed))
    assert "Synthetic demo data" in pdf[0].get_textpage().get_text_range()
