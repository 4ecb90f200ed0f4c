"""Every allowed and every forbidden transition of a removal case, generated from the table."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from readmit.domain.cases import (
    CASE_EVENTS,
    TRANSITIONS,
    Case,
    FlightInfo,
    State,
    allowed_events,
    apply_recorded,
    transition,
)
from readmit.domain.errors import (
    DocumentExpired,
    FlightFull,
    IllegalTransition,
    InvalidInput,
    NationalityDisputed,
    UnknownCountry,
    WrongDestination,
)

ORDER = date(2020, 1, 1)
ON = date(2020, 6, 1)
FLIGHT = FlightInfo("F1", date(2020, 7, 1), "KH", capacity=10, manifested=3)
PAYLOADS: dict[str, dict[str, Any]] = {
    "interview_held": {"mode": "virtual"},
    "document_issued": {"document_expires_on": "2020-12-31"},
    "manifested": {"flight_id": "F1"},
    "received": {"organisation": "RISC"},
    "service_provided": {"service": "housing"},
    "stayed": {"reason": "petition for review"},
    "closed": {"reason": "relief granted"},
}


def case_in(state: State) -> Case:
    """A consistent case in ``state`` (a stayed case was stayed while interviewed)."""
    case = Case("A1", "KH", ORDER, criminal=True, custody="detained", state=state, destination="KH")
    if state in {State.DOCUMENT_ISSUED, State.MANIFESTED, State.REMOVED, State.RECEIVED}:
        case = dataclasses.replace(case, document_expires_on=date(2020, 12, 31))
    if state in {State.MANIFESTED, State.REMOVED, State.RECEIVED}:
        case = dataclasses.replace(case, flight_id="F1")
    if state is State.STAYED:
        case = dataclasses.replace(case, prior_state=State.INTERVIEWED)
    return case


def expected_target(state: State, event: str) -> State:
    target = TRANSITIONS[event][1]
    if event == "stay_lifted":
        return State.INTERVIEWED
    return state if target is None else target


ALLOWED = [(s, e) for s in State for e in CASE_EVENTS if s in TRANSITIONS[e][0]]
FORBIDDEN = [(s, e) for s in State for e in CASE_EVENTS if s not in TRANSITIONS[e][0]]


def test_the_table_covers_every_state_and_every_event_of_the_import_format() -> None:
    listed = [
        "presented",
        "interview_scheduled",
        "interview_held",
        "nationality_confirmed",
        "nationality_disputed",
        "document_issued",
        "document_expired",
        "manifested",
        "removed",
        "arrival_refused",
        "received",
        "service_provided",
        "stayed",
        "stay_lifted",
        "released",
        "closed",
    ]
    assert set(CASE_EVENTS) == set(listed)
    assert len(ALLOWED) + len(FORBIDDEN) == len(State) * len(CASE_EVENTS)
    assert {s for s, _ in ALLOWED} == set(State) - {State.CLOSED}


@pytest.mark.parametrize(("state", "event"), ALLOWED, ids=[f"{s}-{e}" for s, e in ALLOWED])
def test_an_allowed_transition_moves_the_case_to_the_state_the_table_gives(
    state: State, event: str
) -> None:
    case = case_in(state)
    moved = transition(case, event, ON, PAYLOADS.get(event, {}), FLIGHT)
    assert moved.state == expected_target(state, event)
    assert moved.version == case.version + 1
    assert apply_recorded(case, event, PAYLOADS.get(event, {})) == moved


@pytest.mark.parametrize(("state", "event"), FORBIDDEN, ids=[f"{s}-{e}" for s, e in FORBIDDEN])
def test_a_forbidden_transition_is_refused_naming_the_state_and_the_allowed_next_events(
    state: State, event: str
) -> None:
    with pytest.raises(IllegalTransition) as raised:
        transition(case_in(state), event, ON, PAYLOADS.get(event, {}), FLIGHT)
    allowed = allowed_events(state)
    assert raised.value.details["state"] == state.value
    assert raised.value.details["allowed"] == allowed
    assert f"is {state.value}: {event} is not allowed" in raised.value.message
    assert f"allowed next events: {', '.join(allowed) or 'none'}" in raised.value.message


def test_the_allowed_next_events_of_a_closed_case_are_nothing() -> None:
    assert allowed_events(State.CLOSED) == []


def test_an_unknown_event_is_invalid_input_listing_the_known_events() -> None:
    with pytest.raises(InvalidInput, match="known events: arrival_refused"):
        transition(case_in(State.ORDERED), "flew", ON, {})


def test_a_stay_remembers_the_prior_state_and_lifting_it_returns_there() -> None:
    stayed = transition(case_in(State.DOCUMENT_ISSUED), "stayed", ON, {})
    assert (stayed.state, stayed.prior_state) == (State.STAYED, State.DOCUMENT_ISSUED)
    lifted = transition(stayed, "stay_lifted", ON, {})
    assert (lifted.state, lifted.prior_state) == (State.DOCUMENT_ISSUED, None)
    assert lifted.document_expires_on == date(2020, 12, 31)


def test_release_from_custody_does_not_end_the_case() -> None:
    released = transition(case_in(State.PRESENTED), "released", ON, {})
    assert (released.state, released.custody) == (State.PRESENTED, "released")


def test_a_case_cannot_be_manifested_with_a_document_that_expires_before_the_flight() -> None:
    case = dataclasses.replace(
        case_in(State.DOCUMENT_ISSUED), document_expires_on=date(2020, 6, 30)
    )
    with pytest.raises(DocumentExpired, match="expires on 2020-06-30, before flight F1"):
        transition(case, "manifested", ON, {"flight_id": "F1"}, FLIGHT)


def test_a_case_cannot_be_manifested_onto_a_full_flight() -> None:
    full = dataclasses.replace(FLIGHT, manifested=10)
    with pytest.raises(FlightFull, match="flight F1 is full"):
        transition(case_in(State.DOCUMENT_ISSUED), "manifested", ON, {"flight_id": "F1"}, full)


def test_a_case_cannot_be_manifested_without_a_known_flight() -> None:
    with pytest.raises(InvalidInput, match="needs a flight_id"):
        transition(case_in(State.DOCUMENT_ISSUED), "manifested", ON, {}, None)


def test_a_person_whose_nationality_a_partner_disputed_cannot_be_removed_there() -> None:
    case = transition(case_in(State.PRESENTED), "nationality_disputed", ON, {})
    case = transition(case, "presented", ON, {"country": "LA"})
    case = transition(case, "nationality_confirmed", ON, {})
    case = transition(case, "document_issued", ON, {"document_expires_on": "2020-12-31"})
    with pytest.raises(NationalityDisputed, match="KH disputes this person's nationality"):
        transition(case, "manifested", ON, {"flight_id": "F1"}, FLIGHT)
    to_laos = dataclasses.replace(FLIGHT, flight_id="F2", destination="LA")
    assert transition(case, "manifested", ON, {"flight_id": "F2"}, to_laos).flight_id == "F2"


def test_a_partner_that_confirms_after_disputing_no_longer_blocks_removal() -> None:
    case = transition(case_in(State.PRESENTED), "nationality_disputed", ON, {})
    case = transition(case, "presented", ON, {})
    case = transition(case, "nationality_confirmed", ON, {})
    assert case.disputed_by == frozenset()


def test_a_case_cannot_be_manifested_onto_a_flight_to_another_country() -> None:
    elsewhere = dataclasses.replace(FLIGHT, destination="LA")
    with pytest.raises(WrongDestination, match="removed to KH, but flight F1 goes to LA"):
        transition(case_in(State.DOCUMENT_ISSUED), "manifested", ON, {"flight_id": "F1"}, elsewhere)


def test_a_withdrawn_confirmation_voids_the_travel_document() -> None:
    disputed = transition(case_in(State.DOCUMENT_ISSUED), "nationality_disputed", ON, {})
    assert disputed.document_expires_on is None and disputed.disputed_by == {"KH"}


def test_an_event_before_the_final_order_is_refused() -> None:
    with pytest.raises(InvalidInput, match="before the final order of 2020-01-01"):
        transition(case_in(State.ORDERED), "presented", date(2019, 12, 31), {})


@pytest.mark.parametrize(
    ("event", "state", "payload", "message"),
    [
        (
            "interview_held",
            State.INTERVIEW_SCHEDULED,
            {"mode": "telepathy"},
            "in_person or virtual",
        ),
        ("document_issued", State.NATIONALITY_CONFIRMED, {}, "needs document_expires_on"),
        ("document_issued", State.NATIONALITY_CONFIRMED, {"document_expires_on": "x"}, "YYYY"),
        ("service_provided", State.RECEIVED, {"service": "spa"}, "service must be one of"),
        ("closed", State.ORDERED, {}, "needs a reason"),
    ],
)
def test_an_event_missing_what_it_needs_is_invalid_input(
    event: str, state: State, payload: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        transition(case_in(state), event, ON, payload)


def test_a_document_that_expired_before_it_was_issued_is_refused() -> None:
    with pytest.raises(DocumentExpired):
        transition(
            case_in(State.NATIONALITY_CONFIRMED),
            "document_issued",
            ON,
            {"document_expires_on": "2020-05-31"},
        )


def test_re_presentation_to_an_unknown_country_is_refused() -> None:
    with pytest.raises(UnknownCountry):
        transition(case_in(State.NATIONALITY_DISPUTED), "presented", ON, {"country": "XX"})
