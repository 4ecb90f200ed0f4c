"""The partner's side: contests, acknowledgements, assertions, and both views of the figures."""

from __future__ import annotations

from datetime import date

import pytest

from coop_builder import Ledger
from readmit.domain.errors import InvalidInput, NotFound, PermissionDenied
from readmit.domain.events import Event
from readmit.services.assessment.assess import Window, assess
from readmit.services.cases.commands import void_event
from readmit.services.context import Actor, App
from readmit.services.partner import respond as partner

D = date
WINDOW = Window(D(2021, 1, 1), D(2021, 6, 30))
LIAISON = Actor("kh-liaison", "partner_liaison", "KH")
OFFICER = Actor("officer", "case_officer")
TODAY = D(2022, 1, 10)


def build(app: App) -> dict[str, Event]:
    ledger = Ledger(app)
    for case in ("P1", "P2", "P3"):
        ledger.case(case, "KH", D(2020, 1, 1))
    ledger.case("S1", "SL", D(2020, 1, 1))
    ledger.add("presented", "P1", D(2021, 1, 10), D(2021, 1, 10))
    ledger.add("nationality_confirmed", "P1", D(2021, 1, 20), D(2021, 1, 20))
    ledger.add(
        "document_issued", "P1", D(2021, 1, 25), D(2021, 1, 25), document_expires_on="2021-03-25"
    )
    ledger.add("manifested", "P1", D(2021, 2, 1), D(2021, 2, 1), flight_id="F1")
    ledger.add("removed", "P1", D(2021, 2, 2), D(2021, 2, 2))
    ledger.add("presented", "P2", D(2021, 1, 10), D(2021, 1, 10))
    ledger.add("interview_scheduled", "P2", D(2021, 1, 12), D(2021, 1, 12))
    ledger.add("presented", "P3", D(2021, 1, 11), D(2021, 1, 11))
    ledger.add("presented", "S1", D(2021, 1, 11), D(2021, 1, 11))
    sealed = ledger.commit()
    return {f"{e.subject_id}:{e.type}": e for e in sealed}


def dispute(app: App, events: dict[str, Event]) -> dict[str, str]:
    """The partner contests P1's removal, acknowledges its presentation, asserts two interviews;
    the state acknowledges the interview on P2."""
    contest = partner.contest(
        app,
        LIAISON,
        event_id=events["P1:removed"].id,
        on=TODAY,
        reason="never arrived in Phnom Penh",
        evidence_source="Ministry of Interior arrival log, February 2021",
    )
    partner.acknowledge(app, LIAISON, event_id=events["P1:presented"].id, on=TODAY)
    on_p2 = partner.assert_event(
        app,
        LIAISON,
        case_id="P2",
        event_type="interview_held",
        on=D(2021, 1, 20),
        evidence_source="video-call log 2021/7",
        details={"mode": "virtual"},
    )
    partner.assert_event(
        app,
        LIAISON,
        case_id="P3",
        event_type="interview_held",
        on=D(2021, 1, 25),
        evidence_source="video-call log 2021/9",
        details={"mode": "virtual"},
    )
    partner.acknowledge(
        app, OFFICER, event_id=on_p2.id, on=TODAY, reason="interview confirmed by the field office"
    )
    return {"contest": contest.event_id, "assertion": on_p2.id}


def test_both_views_count_contested_and_partner_asserted_events_as_computed_by_hand(
    db_app: App,
) -> None:
    dispute(db_app, build(db_app))
    result = assess(db_app, "KH", Window(WINDOW.start, WINDOW.end, view="both"))
    ours, theirs = result["metrics"], result["partner"]["metrics"]
    assert (ours["removals"], theirs["removals"]) == (1, 0)
    assert (ours["interviews_held"], theirs["interviews_held"]) == (1, 2)
    assert (ours["interviews_held_virtual"], theirs["interviews_held_virtual"]) == (1, 2)
    assert (ours["backlog"], theirs["backlog"]) == (2, 3)
    assert ours["median_days_presentation_to_interview"] == 10.0
    assert theirs["median_days_presentation_to_interview"] == 12.0  # 10 and 14
    assert ours["presentations"] == theirs["presentations"] == 3
    assert ours["contested_events"] == 1
    assert result["contested"] == {"removals": 1, "backlog": 1}  # the removal ends a case
    assert result["partner_asserted"] == {
        "interviews_held": {"asserted": 2, "acknowledged": 1, "pending": 1}
    }
    assert "contests 1" in result["difference"]["removals"]
    assert "asserts 1" in result["difference"]["interviews_held"]


def test_the_partner_view_alone_puts_the_partners_figures_first(sqlite_app: App) -> None:
    dispute(sqlite_app, build(sqlite_app))
    result = assess(sqlite_app, "KH", Window(WINDOW.start, WINDOW.end, view="partner"))
    assert result["view"] == "partner"
    assert result["metrics"]["removals"] == 0 and result["metrics"]["interviews_held"] == 2


def test_the_latest_response_is_the_stance_and_a_void_withdraws_it(sqlite_app: App) -> None:
    events = build(sqlite_app)
    ids = dispute(sqlite_app, events)
    partner.acknowledge(
        sqlite_app, LIAISON, event_id=events["P1:removed"].id, on=TODAY, reason="found the record"
    )
    assert assess(sqlite_app, "KH", WINDOW)["metrics"]["contested_events"] == 0
    void_event(
        sqlite_app,
        OFFICER,
        event_id=ids["assertion"],
        reason="asserted on the wrong case",
        on=TODAY,
    )
    metrics = assess(sqlite_app, "KH", WINDOW)["metrics"]
    assert metrics["interviews_held"] == 0


def test_responses_recorded_after_the_as_of_date_do_not_count(sqlite_app: App) -> None:
    dispute(sqlite_app, build(sqlite_app))
    early = Window(WINDOW.start, WINDOW.end, as_of=D(2021, 12, 31), view="both")
    result = assess(sqlite_app, "KH", early)
    assert result["metrics"]["contested_events"] == 0
    assert result["partner"]["metrics"]["interviews_held"] == 0


def test_a_liaison_cannot_touch_another_countrys_case(sqlite_app: App) -> None:
    events = build(sqlite_app)
    with pytest.raises(PermissionDenied, match="acts for KH"):
        partner.contest(
            sqlite_app,
            LIAISON,
            event_id=events["S1:presented"].id,
            on=TODAY,
            reason="no",
            evidence_source="none",
        )
    with pytest.raises(PermissionDenied):
        partner.assert_event(
            sqlite_app,
            LIAISON,
            case_id="S1",
            event_type="interview_held",
            on=TODAY,
            evidence_source="log",
        )
    with pytest.raises(PermissionDenied, match="bound to no country"):
        partner.acknowledge(
            sqlite_app, Actor("x", "partner_liaison"), event_id=events["P1:presented"].id, on=TODAY
        )
    with pytest.raises(PermissionDenied):
        partner.case_record(sqlite_app, "S1", LIAISON)


def test_each_side_answers_only_the_other_sides_events(sqlite_app: App) -> None:
    events = build(sqlite_app)
    ids = dispute(sqlite_app, events)
    with pytest.raises(PermissionDenied, match="voids the event"):
        partner.acknowledge(sqlite_app, OFFICER, event_id=events["P1:presented"].id, on=TODAY)
    with pytest.raises(InvalidInput, match="not to partner_asserted"):
        partner.contest(
            sqlite_app,
            LIAISON,
            event_id=ids["assertion"],
            on=TODAY,
            reason="x",
            evidence_source="y",
        )
    with pytest.raises(InvalidInput, match="reason and a source"):
        partner.contest(
            sqlite_app,
            LIAISON,
            event_id=events["P2:presented"].id,
            on=TODAY,
            reason="wrong",
            evidence_source="",
        )
    with pytest.raises(InvalidInput, match="can assert"):
        partner.assert_event(
            sqlite_app, LIAISON, case_id="P2", event_type="removed", on=TODAY, evidence_source="log"
        )
    with pytest.raises(NotFound):
        partner.acknowledge(sqlite_app, LIAISON, event_id="nope", on=TODAY)


def test_the_case_record_shows_each_sides_stance(sqlite_app: App) -> None:
    events = build(sqlite_app)
    dispute(sqlite_app, events)
    record = {e["id"]: e for e in partner.case_record(sqlite_app, "P1", LIAISON)}
    assert record[events["P1:removed"].id]["partner_stance"] == "contested"
    assert record[events["P1:presented"].id]["partner_stance"] == "acknowledged"
    pending = partner.partner_cases(sqlite_app, LIAISON)
    assert [c["case_id"] for c in pending] == ["P2", "P3"]
