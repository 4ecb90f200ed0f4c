"""The data every browser test starts from: one user per role, Cambodian cases at each step,
a flight. Built through the services, exactly as a user's actions would record it."""

from __future__ import annotations

from datetime import date, timedelta

from readmit.services.access import users
from readmit.services.cases.commands import CaseEvent, NewCase, open_case, record_case_event
from readmit.services.cases.flights import NewFlight, schedule_flight
from readmit.services.context import Actor, App

PASSWORD = "a long test passphrase"
ADMIN = Actor("seed", "admin")
OFFICER = Actor("officer", "case_officer")
PARTNER = Actor("liaison-kh", "partner_liaison", "KH")
USERS = {
    "officer": ("case_officer", None),
    "analyst": ("analyst", None),
    "consul": ("consular_officer", None),
    "dhs": ("determining_authority", None),
    "state": ("visa_authority", None),
    "liaison-kh": ("partner_liaison", "KH"),
    "liaison-sl": ("partner_liaison", "SL"),
    "kvao": ("reintegration_caseworker", "KH"),
}
TODAY = date.today()
# Browser tests read this back; the page counts days from its own today, which may be a day later.
DOCUMENT_LAPSES_ON = TODAY + timedelta(days=5)


def seed(app: App) -> None:
    """Record the users, cases and flights the browser tests work on."""
    for name, (role, country) in USERS.items():
        users.add_user(app, ADMIN, name=name, role=role, country=country, password=PASSWORD)
    past = NewFlight("KH-2021-06", date(2021, 6, 15), "charter", "KH", 40)
    schedule_flight(app, past, OFFICER)
    schedule_flight(
        app, NewFlight("KH-NEXT", TODAY + timedelta(days=3), "commercial", "KH", 10), OFFICER
    )
    lapsing = {"document_expires_on": DOCUMENT_LAPSES_ON.isoformat()}
    valid = {"document_expires_on": "2021-12-31"}
    removal = [
        ("presented", date(2021, 2, 1), {}),
        ("nationality_confirmed", date(2021, 3, 1), {"by": "interview"}),
        ("document_issued", date(2021, 4, 1), valid),
        ("manifested", date(2021, 6, 1), {"flight_id": "KH-2021-06"}),
        ("removed", date(2021, 6, 15), {}),
    ]
    cases = {
        "KH-ORDERED": [],
        "KH-PRESENTED": removal[:1],
        "KH-INTERVIEW": [*removal[:1], ("interview_scheduled", date(2021, 2, 10), {})],
        "KH-CONFIRMED": removal[:2],
        "KH-DOCUMENT": [*removal[:2], ("document_issued", date(2021, 4, 1), lapsing)],
        "KH-REMOVED": removal,
        "KH-REMOVED-2": removal,
        "SL-PRESENTED": removal[:1],
    }
    for case_id, events in cases.items():
        personal = {
            "given_name": "Test",
            "family_name": case_id.title(),
            "date_of_birth": "1980-01-01",
        }
        new = NewCase(case_id, case_id[:2], date(2021, 1, 4), True, "detained", personal=personal)
        open_case(app, OFFICER, new=new)
        for event, on, payload in events:
            record_case_event(
                app, OFFICER, CaseEvent(case_id=case_id, event=event, on=on, payload=dict(payload))
            )
