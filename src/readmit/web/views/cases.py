"""Case officer (and partner, caseworker): case list, case page with its next events, flights.

Cases are read through ``services.case_access``, as in the API: a case outside the user's
scope does not exist for them, personal fields are masked by role, and reads are logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.datastructures import FormData

from readmit.domain.cases import State
from readmit.domain.errors import InvalidInput, PermissionDenied
from readmit.domain.permissions import (
    FLIGHT_STEP_PERMISSIONS,
    RECORD_CASE_EVENT,
    RECORD_FLIGHT_STEP,
    Permission,
)
from readmit.services.cases import access as case_access
from readmit.services.cases import caseload
from readmit.services.cases import flights as flight_service
from readmit.services.cases.commands import CaseEvent
from readmit.services.partner import access as partner_access
from readmit.web.forms import EVENT_FIELDS, event_date, event_payload, form_date, form_int
from readmit.web.site import Table, View
from readmit.web.views import site

P = Permission


def case_filter(view: View) -> caseload.CaseFilter:
    """Read the case list's filters from the query string."""
    states = frozenset(s for s in view.arg("state").split(",") if s)
    return caseload.CaseFilter(
        country=view.arg("country"),
        states=states,
        min_age_days=form_int(view.arg("min_age"), "min_age"),
        max_age_days=form_int(view.arg("max_age"), "max_age"),
        case_id=view.arg("case_id"),
        expiring_only=view.arg("expiring") == "1",
        page=form_int(view.arg("page"), "page") or 1,
    )


# The CSV twins hold the columns their page shows, no more: the case list's rows carry flags
# (criminal record) the page does not show, and a download must not either.
CASES_TABLE = Table(
    "listing.rows",
    {
        k: k
        for k in (
            "case_id",
            "nationality",
            "state",
            "final_order_date",
            "age_days",
            "custody",
            "expiry_warning",
        )
    },
)
FLIGHTS_TABLE = Table(
    "flights",
    {
        k: k
        for k in (
            "flight_id",
            "departure_on",
            "kind",
            "destination",
            "capacity",
            "seats_taken",
            "status",
        )
    },
)


@site.page("/cases", "cases.html", P.CASE_READ, "Cases", nav="Cases", table=CASES_TABLE)
def case_list(view: View) -> dict[str, Any]:
    """Cases with filters (country, state, age since the final order), document warnings."""
    f = case_filter(view)
    listing = caseload.list_cases(view.app, view.actor(), f=f)
    return {
        "filter": f,
        "listing": listing,
        "states": [s.value for s in State],
        "query": dict(view.query),
        "source": f"the ledger's case projection as of {listing.as_of.isoformat()}",
    }


def answering_side(view: View) -> str | None:
    """Return which side of the record the user answers for: partner, state, or None."""
    if view.user is None:
        return None
    # Only a partner's liaison speaks for the partner (asserts); staff who answer are the state.
    if view.user.may(P.CASE_ASSERT):
        return "partner"
    if view.user.may(P.CASE_RESPOND) or view.user.may(P.CASE_RECORD):
        return "state"
    return None


def stances(view: View, case_id: str) -> dict[str, dict[str, Any]]:
    """Return each event's latest stance of either side (for roles that see the whole file)."""
    if answering_side(view) is None and not (view.user and view.user.may(P.ASSESSMENT_READ)):
        return {}
    try:
        record = partner_access.case_record(view.app, view.actor(), case_id)
    except PermissionDenied:  # a partner liaison of the destination, not of the nationality
        return {}
    return {e["id"]: {"partner": e["partner_stance"], "state": e["state_stance"]} for e in record}


def client(view: View) -> str:
    """Return the client's address, for the access log."""
    return view.request.client.host if view.request.client else ""


@site.page("/cases/{case_id}", "case.html", P.CASE_READ, "Case")
def case_page(view: View) -> dict[str, Any]:
    """One case: its facts, timeline, the next events this role may record, warnings."""
    actor, case_id = view.actor(), view.params["case_id"]
    record = case_access.read_case(view.app, actor, case_id=case_id, client=client(view))
    nxt = case_access.next_events(view.app, actor, case_id)
    fields = record.fields
    expires = fields.get("document_expires_on")
    flights = []
    if "manifested" in nxt.you_may_record:
        page = case_access.list_flights(
            view.app, actor, destination=fields["destination"], limit=200
        )
        flights = [f for f in page.items if f["seats_taken"] < f["capacity"]]
    return {
        "title": f"Case {case_id}",
        "case": fields,
        "version": record.version,
        "personal": record.personal,
        "history": case_access.case_history(view.app, actor, case_id),
        "allowed": [{"event": e, "fields": EVENT_FIELDS.get(e, [])} for e in nxt.you_may_record],
        "all_allowed": nxt.allowed,
        "warning": caseload.expiry_warning(
            date.fromisoformat(str(expires)) if expires else None, nxt.state, date.today()
        ),
        "flights": flights,
        "stances": stances(view, case_id),
        "answers_as": answering_side(view),
        "source": "the ledger: every event of this case, in the order recorded",
    }


@site.action("/cases/{case_id}/events", RECORD_CASE_EVENT)  # the API twin's @policy
def record_event(view: View, form: FormData) -> str:
    """Record one event on a case; the role must hold that event's own permission."""
    case_id, event = view.params["case_id"], str(form.get("event") or "")
    command = CaseEvent(
        case_id=case_id,
        event=event,
        on=event_date(form, "occurred_on"),
        payload=event_payload(event, form),
        expected_version=form_int(str(form.get("version") or ""), "version"),
        source=str(form.get("source") or "").strip() or None,
    )
    case_access.record_event(view.app, view.actor(), command)
    view.flash = f"Recorded: {event.replace('_', ' ')} on case {case_id}."
    back = str(form.get("back") or "")
    return back if back in {"/arrivals", "/partner"} else f"/cases/{case_id}"


@site.page("/flights", "flights.html", P.FLIGHT_READ, "Flights", nav="Flights", table=FLIGHTS_TABLE)
def flight_list(view: View) -> dict[str, Any]:
    """Every flight the user may see, with its capacity, seats taken and the partner's answer."""
    page = case_access.list_flights(
        view.app, view.actor(), destination=view.arg("country").upper() or None, limit=500
    )
    return {
        "flights": page.items,
        "total": page.total,
        "can_schedule": view.user is not None and view.user.may(P.FLIGHT_WRITE),
        "source": "the ledger's flights",
    }


@site.action("/flights", P.FLIGHT_WRITE)
def schedule(view: View, form: FormData) -> str:
    """Schedule a flight (charter or commercial) with its date, destination and capacity."""
    new = flight_service.NewFlight(
        str(form.get("flight_id") or "").strip(),
        form_date(form, "departure_on"),
        str(form.get("kind") or ""),
        str(form.get("destination") or ""),
        form_int(str(form.get("capacity") or ""), "capacity") or 0,
    )
    if not new.flight_id:
        raise InvalidInput("a flight needs an identifier")
    flight_service.schedule_flight(view.app, new, view.actor())
    view.flash = f"Scheduled: flight {new.flight_id}."
    return f"/flights/{new.flight_id}"


def charter_steps(view: View) -> list[str]:
    """The charter steps this viewer may record (the API's table: propose, or answer)."""
    if view.user is None:
        return []
    return [e for e, needed in FLIGHT_STEP_PERMISSIONS.items() if view.user.may(needed)]


# The API twin's @policy; the step's own permission is checked by the service, as there.
@site.action("/flights/{flight_id}/charter", RECORD_FLIGHT_STEP)
def charter_step(view: View, form: FormData) -> str:
    """Record a charter's proposal to the partner, or the partner's answer."""
    event = str(form.get("event") or "")
    if event not in FLIGHT_STEP_PERMISSIONS:
        raise InvalidInput("choose charter_proposed, charter_accepted or charter_refused")
    flight_id = view.params["flight_id"]
    reason = str(form.get("reason") or "").strip() or None
    case_access.record_flight_step(
        view.app,
        view.actor(),
        flight_id=flight_id,
        event=event,
        on=event_date(form, "on"),
        reason=reason,
    )
    view.flash = f"Recorded: {event.replace('_', ' ')} for flight {flight_id}."
    return f"/flights/{flight_id}"


@site.page("/flights/{flight_id}", "flight.html", P.FLIGHT_READ, "Flight")
def flight_page(view: View) -> dict[str, Any]:
    """One flight and its manifest."""
    flight = case_access.read_flight(view.app, view.actor(), view.params["flight_id"])
    today = date.today()
    for row in flight["manifest"]:
        expires = row.get("document_expires_on")
        row["warning"] = caseload.expiry_warning(
            date.fromisoformat(str(expires)) if expires else None, row["state"], today
        )
    return {
        "title": f"Flight {flight['flight_id']}",
        "flight": flight,
        "can_schedule": view.user is not None and view.user.may(P.FLIGHT_WRITE),
        "charter_steps": charter_steps(view),
    }
