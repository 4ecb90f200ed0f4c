"""Cambodia, October 2020 – 16 May 2022, rebuilt from the public record, and a cooperative contrast.

The public record: docs/sources.md.

The US embassy said Cambodia had "conducted only one citizenship verification interview and
accepted only two removals – from among more than 1,800 individuals ordered removed" since
October 2020 (Phnom Penh Post, May 2022). The ledger below holds about 1,850 pending cases,
hundreds of presentations in the window, one interview and two removals.

The record gives those two counts and "more than 1,800"; everything else here is this test's
choice, not the record's: the number of pending cases and of presentations, the interviews
asked for, the releases, and the mode of the one interview (virtual: the record gives none).
"""

from __future__ import annotations

from datetime import date, timedelta

from coop_builder import Ledger
from readmit.services.assessment.assess import Window, assess, assess_all
from readmit.services.context import App

D = date
WINDOW = Window(D(2020, 10, 1), D(2022, 5, 16))
# The test's choices (the record gives none of these counts).
PENDING, PRESENTED, INTERVIEWS_ASKED, RELEASED = 1852, 380, 300, 40
INTERVIEW_MODE = "virtual"  # the test's choice: the record gives no mode for the one interview


def cambodia(ledger: Ledger) -> None:
    def ev(type_: str, case: str, on: date, **payload: object) -> None:
        ledger.add(type_, case, on, on, **payload)

    for n in range(PENDING):
        case = f"KH{n:04d}"
        ledger.case(case, "KH", D(2003, 1, 1) + timedelta(days=n * 3))
        if n < PRESENTED:
            ev("presented", case, D(2020, 10, 5) + timedelta(days=n))
        if n < INTERVIEWS_ASKED:
            ev("interview_scheduled", case, D(2021, 1, 10) + timedelta(days=n))
        if n == 0:
            ev("interview_held", case, D(2021, 2, 1), mode=INTERVIEW_MODE)
            ev("nationality_confirmed", case, D(2021, 2, 15))
        if n >= PENDING - RELEASED:
            ev("released", case, D(2021, 6, 1) + timedelta(days=n % 30))
    for case, doc, removed in (
        ("KHR1", D(2021, 2, 20), D(2021, 3, 10)),
        ("KHR2", D(2022, 1, 10), D(2022, 1, 20)),
    ):
        ledger.case(case, "KH", D(2010, 6, 1))
        ev("presented", case, D(2020, 2, 1))
        ev("nationality_confirmed", case, D(2020, 3, 1))
        ev("document_issued", case, doc, document_expires_on=(doc + timedelta(60)).isoformat())
        ev("manifested", case, removed - timedelta(days=1), flight_id="commercial")
        ev("removed", case, removed)


def contrast(ledger: Ledger) -> None:
    """A cooperative partner: quick answers, documents within 15 days, charters accepted."""

    def ev(type_: str, case: str, on: date, **payload: object) -> None:
        ledger.add(type_, case, on, on, **payload)

    for n in range(4):
        flight = f"GT-CH{n}"
        ledger.flight(flight, "GT", D(2021, 3, 1) + timedelta(days=90 * n))
        ledger.add(
            "charter_proposed",
            flight,
            D(2021, 2, 1) + timedelta(days=90 * n),
            D(2021, 2, 1) + timedelta(days=90 * n),
            subject_type="flight",
        )
        ledger.add(
            "charter_accepted",
            flight,
            D(2021, 2, 5) + timedelta(days=90 * n),
            D(2021, 2, 5) + timedelta(days=90 * n),
            subject_type="flight",
        )
    for n in range(200):
        case, order = f"GT{n:03d}", D(2020, 11, 1) + timedelta(days=n)
        ledger.case(case, "GT", order)
        if n >= 150:
            continue
        presented = order + timedelta(days=5)
        ev("presented", case, presented)
        ev("nationality_confirmed", case, presented + timedelta(days=7))
        issued = presented + timedelta(days=12)
        ev(
            "document_issued",
            case,
            issued,
            document_expires_on=(issued + timedelta(60)).isoformat(),
        )
        ev("manifested", case, issued + timedelta(days=20), flight_id="GT-CH0")
        ev("removed", case, issued + timedelta(days=21))
    for n in range(195, 200):
        ev("released", f"GT{n:03d}", D(2021, 12, 1))


def test_cambodia_2020_to_2022_is_uncooperative_with_reasons_naming_the_figures(
    db_app: App,
) -> None:
    ledger = Ledger(db_app)
    cambodia(ledger)
    ledger.commit()
    result = assess(db_app, "KH", WINDOW)
    metrics = result["metrics"]
    assert metrics["backlog"] == PENDING
    assert metrics["presentations"] == PRESENTED
    assert metrics["interviews_held"] == 1 and metrics["interviews_held_virtual"] == 1
    assert metrics["removals"] == 2
    assert metrics["releases"] == RELEASED and metrics["release_to_removal_ratio"] == 20.0
    assert result["rating"] == "uncooperative"
    assert result["meets_determination_condition"] is True
    crossed = {r["criterion"]: r["text"] for r in result["reasons"] if r["status"] != "met"}
    assert "interviews held 1" in crossed["interviews"]
    assert "removals 2, final orders pending 1,852" in crossed["removal_share"]
    assert "cases presented 380" in crossed["identification"]
    assert result["reasons"][-1]["status"] == "uncooperative"  # years from order to removal
    beside = {c["claim_id"]: c for c in result["claims"]}
    embassy = beside["kh-embassy-2022-ordered-removed"]
    assert (embassy["figure"], embassy["ledger_value"], embassy["same_dates"]) == (
        1800,
        PENDING,
        True,
    )
    assert beside["kh-embassy-2022-removals"]["ledger_minus_claim"] == 0
    assert beside["kh-embassy-2022-interviews"]["ledger_minus_claim"] == 0
    assert beside["kh-aajc-2022-final-orders"]["figure"] == 1900
    # Cambodia's "some" virtual interviews has no number: nothing is subtracted from it.
    some = beside["kh-gov-2022-virtual-interviews"]
    assert (some["figure"], some["figure_text"], some["ledger_minus_claim"]) == (
        None,
        "some (number not given)",
        None,
    )
    # Cambodia's offer of 2017 to interview 26 people is not an interview the US requested, and
    # its "hundreds" accepted (since 2002, [U]) is not about this window's removals.
    assert "kh-mfa-2017-ready-to-interview" not in beside
    assert "kh-gov-2022-hundreds-accepted" not in beside
    assert result["agreement"]["covers"] == "nationals_only"
    assert "fail to obtain citizenship" in result["agreement"]["scope"]


def test_cambodias_hundreds_accepted_stands_beside_the_ledgers_removals_since_2002(
    db_app: App,
) -> None:
    ledger = Ledger(db_app)
    cambodia(ledger)
    ledger.commit()
    result = assess(db_app, "KH", Window(D(2002, 1, 1), D(2022, 5, 12)))
    beside = {c["claim_id"]: c for c in result["claims"]}
    hundreds = beside["kh-gov-2022-hundreds-accepted"]
    assert (hundreds["figure_text"], hundreds["ledger_value"]) == ("hundreds", 2)
    assert hundreds["asserted_by"].startswith("Prime Minister Hun Sen")


def test_a_cooperative_partner_is_rated_cooperative_and_sorted_after_cambodia(
    sqlite_app: App,
) -> None:
    ledger = Ledger(sqlite_app)
    cambodia(ledger)
    contrast(ledger)
    ledger.commit()
    window = Window(D(2020, 11, 1), D(2021, 12, 31))
    guatemala = assess(sqlite_app, "GT", window)
    assert guatemala["rating"] == "cooperative", guatemala["reasons"]
    assert guatemala["metrics"]["backlog"] == 50
    assert guatemala["metrics"]["documents_on_time_share"] == 1.0
    assert guatemala["metrics"]["median_days_order_to_removal"] == 38.0
    statuses = {r["criterion"]: r["status"] for r in guatemala["reasons"]}
    assert statuses["interviews"] == "not_applicable"  # none requested: it does not decide
    ranking = [a["country"] for a in assess_all(sqlite_app, window)]
    assert ranking == ["KH", "GT"]


def test_a_window_with_too_little_is_insufficient_data_saying_what_is_missing(
    sqlite_app: App,
) -> None:
    ledger = Ledger(sqlite_app)
    contrast(ledger)
    ledger.commit()
    result = assess(sqlite_app, "GT", Window(D(2020, 11, 1), D(2020, 11, 3)))
    assert result["rating"] == "insufficient_data"
    assert any("needs at least 5" in m for m in result["missing"])
