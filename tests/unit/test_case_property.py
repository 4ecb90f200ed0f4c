"""Random event sequences never leave a removal case in an illegal state."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import event as event_note
from hypothesis import given, settings
from hypothesis import strategies as st

from readmit.domain.cases import (
    CASE_EVENTS,
    TRANSITIONS,
    Case,
    FlightInfo,
    State,
    apply_recorded,
    transition,
)
from readmit.domain.errors import ReadmitError

ORDER = date(2020, 1, 1)
FLIGHTS = {
    "KH1": FlightInfo("KH1", date(2020, 9, 1), "KH", capacity=2, manifested=0),
    "KH2": FlightInfo("KH2", date(2021, 3, 1), "KH", capacity=1, manifested=1),
    "LA1": FlightInfo("LA1", date(2020, 9, 1), "LA", capacity=5, manifested=0),
}
HOLDS_DOCUMENT = {State.DOCUMENT_ISSUED, State.MANIFESTED}
ON_A_FLIGHT = {State.MANIFESTED, State.REMOVED, State.RECEIVED}
CONFIRMED = {State.NATIONALITY_CONFIRMED, State.DOCUMENT_ISSUED, State.MANIFESTED}

payloads = st.fixed_dictionaries(
    {},
    optional={
        "mode": st.sampled_from(["in_person", "virtual", "carrier pigeon"]),
        "document_expires_on": st.sampled_from(["2020-08-01", "2021-12-31", "soon"]),
        "flight_id": st.sampled_from(sorted(FLIGHTS)),
        "service": st.sampled_from(["housing", "counselling", "spa"]),
        "reason": st.just("a reason"),
        "country": st.sampled_from(["KH", "LA", "XX"]),
    },
)
GOOD = {
    "interview_held": {"mode": "virtual"},
    "document_issued": {"document_expires_on": "2021-12-31"},
    "manifested": {"flight_id": "KH1"},
    "service_provided": {"service": "housing"},
    "closed": {"reason": "relief granted"},
}
HAPPY = {
    State.ORDERED: "presented",
    State.PRESENTED: "interview_scheduled",
    State.INTERVIEW_SCHEDULED: "interview_held",
    State.INTERVIEWED: "nationality_confirmed",
    State.NATIONALITY_CONFIRMED: "document_issued",
    State.NATIONALITY_DISPUTED: "presented",
    State.DOCUMENT_ISSUED: "manifested",
    State.MANIFESTED: "removed",
    State.REMOVED: "received",
    State.RECEIVED: "service_provided",
    State.STAYED: "stay_lifted",
    State.CLOSED: "bogus",
}


def check_legal(case: Case, accepted: int, history: list[tuple[str, dict[str, Any]]]) -> None:
    """Assert every invariant a case must satisfy, whatever happened to it."""
    assert case.state in State
    assert (case.state is State.STAYED) == (case.prior_state is not None)
    if case.prior_state is not None:
        assert case.prior_state in TRANSITIONS["stayed"][0], "a stay remembers a stayable state"
    effective = case.prior_state or case.state
    if effective in HOLDS_DOCUMENT:
        assert case.document_expires_on is not None
    assert (case.flight_id is not None) == (effective in ON_A_FLIGHT)
    if effective is State.MANIFESTED:
        assert case.document_expires_on is not None
        assert case.document_expires_on >= FLIGHTS[case.flight_id or ""].departure_on
        assert FLIGHTS[case.flight_id or ""].destination == case.destination
    if effective in CONFIRMED:
        assert case.destination not in case.disputed_by
    assert case.version == 1 + accepted
    replayed = Case("A1", "KH", ORDER, True, "detained", destination="KH")
    for event, payload in history:
        replayed = apply_recorded(replayed, event, payload)
    assert replayed == case, "the projection's replay must give the live case"


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_random_event_sequences_never_leave_a_case_in_an_illegal_state(data: st.DataObject) -> None:
    case = Case("A1", "KH", ORDER, True, "detained", destination="KH")
    seats = {k: f.manifested for k, f in FLIGHTS.items()}
    history: list[tuple[str, dict[str, Any]]] = []
    for _ in range(data.draw(st.integers(0, 30), label="length")):
        # Mostly the next step of a removal (so that sequences go deep), else anything allowed,
        # else anything at all.
        pick = data.draw(st.integers(0, 9), label="pick")
        if pick < 6:
            event = HAPPY[case.state]
        else:
            choices = case.allowed_events() if pick < 9 else [*CASE_EVENTS, "bogus"]
            event = data.draw(st.sampled_from(sorted(choices or ["bogus"])), label="event")
        on = ORDER + timedelta(days=data.draw(st.integers(-30, 400), label="day"))
        good = data.draw(st.booleans(), label="good payload")
        payload = dict(GOOD.get(event, {})) if good else data.draw(payloads, label="payload")
        flight = FLIGHTS.get(payload.get("flight_id", ""))
        if flight is not None:
            flight = FlightInfo(
                flight.flight_id,
                flight.departure_on,
                flight.destination,
                flight.capacity,
                seats[flight.flight_id],
            )
        try:
            moved = transition(case, event, on, payload, flight)
        except ReadmitError:
            check_legal(case, len(history), history)
            continue
        if moved.flight_id and moved.flight_id != case.flight_id:
            seats[moved.flight_id] += 1
            assert seats[moved.flight_id] <= FLIGHTS[moved.flight_id].capacity
        case = moved
        event_note(case.state.value)
        history.append((event, payload))
        check_legal(case, len(history), history)
