"""Build small ledgers for cooperation tests: events with chosen occurrence and record dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from readmit.domain.events import Event, NewEvent
from readmit.services.context import App

OFFICER = ("officer", "case_officer")
LIAISON = ("kh-liaison", "partner_liaison")


def at(day: date) -> datetime:
    """Noon UTC on a day: a record time."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


class Ledger:
    """Collects events and records them in one transaction (the projections included)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.pending: list[NewEvent] = []

    def add(
        self,
        type_: str,
        subject: str,
        on: date,
        recorded: date | None = None,
        subject_type: str = "case",
        who: tuple[str, str] = OFFICER,
        **payload: Any,
    ) -> Ledger:
        self.pending.append(
            NewEvent(
                type_,
                subject_type,
                subject,
                on,
                who[0],
                who[1],
                payload,
                recorded_at=at(recorded) if recorded else None,
            )
        )
        return self

    def case(self, case_id: str, country: str, order: date, recorded: date | None = None) -> Ledger:
        return self.add(
            "case_opened",
            case_id,
            order,
            recorded or order,
            case_id=case_id,
            nationality=country,
            final_order_date=order.isoformat(),
            criminal=False,
            custody="detained",
        )

    def flight(self, flight_id: str, country: str, on: date, kind: str = "charter") -> Ledger:
        return self.add(
            "flight_scheduled",
            flight_id,
            on,
            on,
            subject_type="flight",
            flight_id=flight_id,
            departure_on=on.isoformat(),
            kind=kind,
            destination=country,
            capacity=100,
        )

    def commit(self) -> list[Event]:
        with self.app.uow() as uow:
            sealed = uow.record(self.pending)
            uow.commit()
        self.pending = []
        return sealed
