"""Bodies of the flight endpoints: a flight, its steps, its manifest."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from readmit.api.schemas.cases import CaseSummary
from readmit.api.schemas.common import CountryCode, Day, Identifier, PastDay, Strict, Text


class FlightIn(Strict):
    flight_id: Identifier
    departure_on: Day
    kind: Literal["charter", "commercial"]
    destination: CountryCode
    capacity: Annotated[int, Field(ge=1, le=10_000)]


class FlightStepIn(Strict):
    occurred_on: PastDay
    reason: Text | None = None


class FlightOut(BaseModel):
    flight_id: str
    departure_on: date
    kind: str
    destination: str
    capacity: int
    status: str
    version: int
    seats_taken: int


class FlightDetail(FlightOut):
    manifest: list[CaseSummary]


class FlightPage(BaseModel):
    items: list[FlightOut]
    total: int
    limit: int
    offset: int
