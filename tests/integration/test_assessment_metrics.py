"""Every metric on a small ledger, with figures computed by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from coop_builder import Ledger
from readmit.domain.cooperation import METRIC_NAMES
from readmit.services.assessment.assess import Window, assess, assess_all, to_json
from readmit.services.context import App
from readmit.services.ops.maintenance import rebuild

D = date
WINDOW = Window(D(2021, 1, 1), D(2021, 6, 30))


def build(app: App) -> None:
    """Cases A–I (KH unless said), flights F1–F3; every event recorded the day it occurred."""
    ledger = Ledger(app)

    def ev(type_: str, case: str, on: date, **payload: object) -> None:
        ledger.add(type_, case, on, on, **payload)

    ledger.flight("F1", "KH", D(2021, 3, 1)).flight("F2", "KH", D(2021, 4, 10))
    ledger.flight("F3", "KH", D(2021, 4, 10), kind="commercial")
    ledger.add("charter_proposed", "F1", D(2021, 2, 15), D(2021, 2, 15), subject_type="flight")
    ledger.add("charter_accepted", "F1", D(2021, 2, 20), D(2021, 2, 20), subject_type="flight")
    ledger.add("charter_proposed", "F2", D(2021, 4, 1), D(2021, 4, 1), subject_type="flight")
    ledger.add("charter_refused", "F2", D(2021, 4, 5), D(2021, 4, 5), subject_type="flight")
    # A: interviewed in person 30 days after presentation, document 40 days (late), removed.
    ledger.case("A", "KH", D(2019, 1, 1))
    ev("presented", "A", D(2021, 1, 10))
    ev("interview_scheduled", "A", D(2021, 1, 15))
    ev("interview_held", "A", D(2021, 2, 9), mode="in_person")
    ev("nationality_confirmed", "A", D(2021, 2, 10))
    ev("document_issued", "A", D(2021, 2, 19), document_expires_on="2021-04-20")
    ev("manifested", "A", D(2021, 3, 1), flight_id="F1")
    ev("removed", "A", D(2021, 3, 2))
    # B: virtual interview (10 days), document on time (20) that lapsed and was recorded as
    # expired, a second document (86 days, late), manifested, and the arrival refused.
    ledger.case("B", "KH", D(2020, 6, 1))
    ev("presented", "B", D(2021, 1, 5))
    ev("interview_scheduled", "B", D(2021, 1, 6))
    ev("interview_held", "B", D(2021, 1, 15), mode="virtual")
    ev("nationality_confirmed", "B", D(2021, 1, 20))
    ev("document_issued", "B", D(2021, 1, 25), document_expires_on="2021-03-26")
    ev("document_expired", "B", D(2021, 3, 27))
    ev("document_issued", "B", D(2021, 4, 1), document_expires_on="2021-05-31")
    ev("manifested", "B", D(2021, 4, 10), flight_id="F3")
    ev("arrival_refused", "B", D(2021, 4, 11))
    # C: nationality disputed, then released from custody.
    ledger.case("C", "KH", D(2020, 1, 1))
    ev("presented", "C", D(2021, 2, 1))
    ev("nationality_disputed", "C", D(2021, 3, 1))
    ev("released", "C", D(2021, 3, 5))
    # D: removal stayed by a court, released.
    ledger.case("D", "KH", D(2020, 3, 1))
    ev("stayed", "D", D(2021, 2, 1))
    ev("released", "D", D(2021, 2, 2))
    # E: ordered in the window; its document lapsed with no document_expired recorded.
    ledger.case("E", "KH", D(2021, 5, 1))
    ev("presented", "E", D(2021, 5, 10))
    ev("nationality_confirmed", "E", D(2021, 5, 20))
    ev("document_issued", "E", D(2021, 5, 21), document_expires_on="2021-06-20")
    # F closed before the window; G ordered after it; H presented (voided below); I is SL.
    ledger.case("F", "KH", D(2018, 1, 1))
    ev("closed", "F", D(2020, 12, 1), reason="order vacated")
    ledger.case("G", "KH", D(2021, 7, 15))
    ledger.case("H", "KH", D(2019, 6, 1))
    ev("presented", "H", D(2021, 3, 1))
    ledger.case("I", "SL", D(2020, 1, 1))
    ev("presented", "I", D(2021, 2, 1))
    sealed = ledger.commit()
    wrong = next(e for e in sealed if e.subject_id == "H" and e.type == "presented")
    Ledger(app).add(
        "voided",
        "H",
        D(2021, 4, 1),
        D(2021, 4, 1),
        voids=wrong.id,
        voided_type="presented",
        reason="entered on the wrong case",
    ).commit()


EXPECTED = {
    "backlog": 5,  # B, C, D (stayed), E, H — A removed, F closed, G ordered later
    "presentations": 4,  # A, B, C, E — H's presentation is void
    "interviews_requested": 2,
    "interviews_held": 2,
    "interviews_held_virtual": 1,
    "nationality_confirmed": 3,
    "nationality_disputed": 1,
    "travel_documents_issued": 4,
    "documents_on_time_share": 0.5,  # lags 40, 20, 86, 11 against 30 days
    "documents_lapsed": 2,  # B's first (recorded expired) and E's (not recorded)
    "removals": 1,
    "arrivals_refused": 1,
    "charters_proposed": 2,
    "charters_accepted": 1,
    "releases": 2,
    "release_to_removal_ratio": 2.0,
    "median_days_presentation_to_interview": 20.0,  # 30 and 10
    "median_days_presentation_to_document": 30.0,  # 11, 20 | 40, 86
    "median_days_order_to_removal": 791.0,  # 2019-01-01 to 2021-03-02
    "contested_events": 0,
    "stays": 1,
}


def test_every_metric_matches_the_hand_computed_figure(db_app: App) -> None:
    build(db_app)
    result = assess(db_app, "KH", WINDOW)
    assert list(result["metrics"]) == list(METRIC_NAMES)
    assert result["metrics"] == EXPECTED


def test_a_country_with_no_events_in_the_window_has_zero_counts_and_null_medians(
    sqlite_app: App,
) -> None:
    build(sqlite_app)
    metrics = assess(sqlite_app, "SL", WINDOW)["metrics"]
    assert metrics["backlog"] == 1 and metrics["presentations"] == 1
    assert metrics["removals"] == 0 and metrics["release_to_removal_ratio"] is None
    assert metrics["median_days_order_to_removal"] is None
    assert metrics["documents_on_time_share"] is None


@pytest.mark.parametrize(
    ("as_of", "presentations", "removals", "lapsed"),
    [
        (D(2021, 3, 1), 4, 0, 0),  # H's presentation recorded, not yet void; A not removed
        (D(2021, 3, 20), 4, 1, 0),  # B's first document expired 03-26: not yet lapsed
        (D(2021, 4, 5), 3, 1, 1),  # H's presentation voided on 04-01
        (D(2021, 7, 1), 4, 1, 2),  # E presented in May
    ],
)
def test_as_of_counts_only_what_had_been_recorded_by_that_date(
    sqlite_app: App, as_of: date, presentations: int, removals: int, lapsed: int
) -> None:
    build(sqlite_app)
    window = Window(WINDOW.start, WINDOW.end, as_of=as_of)
    metrics = assess(sqlite_app, "KH", window)["metrics"]
    assert (metrics["presentations"], metrics["removals"], metrics["documents_lapsed"]) == (
        presentations,
        removals,
        lapsed,
    )


def test_reading_at_the_same_position_gives_byte_identical_json(sqlite_app: App) -> None:
    build(sqlite_app)
    first = to_json(assess(sqlite_app, "KH", WINDOW))
    Ledger(sqlite_app).case("Z", "KH", D(2021, 2, 1)).commit()
    at_old_head = Window(WINDOW.start, WINDOW.end, at_seq=int(_position(first)))
    assert to_json(assess(sqlite_app, "KH", at_old_head)) == first
    assert assess(sqlite_app, "KH", WINDOW)["metrics"]["backlog"] == EXPECTED["backlog"] + 1


def _position(rendered: str) -> str:
    import json

    return str(json.loads(rendered)["ledger_position"]["seq"])


def test_all_countries_are_sorted_by_rating_then_backlog(sqlite_app: App) -> None:
    build(sqlite_app)
    results = assess_all(sqlite_app, WINDOW)
    assert [r["country"] for r in results] == ["KH", "SL"]
    assert all(r["ledger_position"] == results[0]["ledger_position"] for r in results)


def test_a_rebuild_of_the_projections_gives_the_same_assessment(sqlite_app: App) -> None:
    build(sqlite_app)
    before = to_json(assess(sqlite_app, "KH", Window(WINDOW.start, WINDOW.end, view="both")))
    rebuild(sqlite_app)
    assert (
        to_json(assess(sqlite_app, "KH", Window(WINDOW.start, WINDOW.end, view="both"))) == before
    )


def test_a_window_holding_a_partner_measure_shows_it_with_its_source(sqlite_app: App) -> None:
    result = assess(sqlite_app, "KH", Window(D(2017, 1, 1), D(2017, 12, 31)))
    (measure,) = result["partner_measures"]
    assert "remains" in measure["measure"] and "Radio Free Asia" in measure["source"]
