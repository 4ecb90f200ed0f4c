"""Form fields of each case event, and reading a posted form into a service's arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from readmit.domain import validation
from readmit.domain.cases import INTERVIEW_MODES, SERVICES
from readmit.domain.dates import parse_date
from readmit.domain.errors import InvalidInput


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, date, select, textarea, flight
    options: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""


REASON = Field("reason", "Reason", "textarea", required=True)
EVENT_FIELDS: dict[str, list[Field]] = {
    "presented": [
        Field("country", "Country presented to", hint="ISO code; empty: the claimed nationality")
    ],
    "interview_held": [
        Field("mode", "Interview mode", "select", tuple(sorted(INTERVIEW_MODES)), required=True)
    ],
    "nationality_confirmed": [
        Field("by", "Confirmed by", "select", ("interview", "documents"), required=True)
    ],
    "nationality_disputed": [REASON],
    "document_issued": [
        Field("document_expires_on", "Document valid until", "date", required=True),
        Field("document_number", "Document number", hint="as printed; optional"),
    ],
    "manifested": [Field("flight_id", "Flight", "flight", required=True)],
    "arrival_refused": [Field("reason", "Reason given", "textarea")],
    "received": [Field("organisation", "Receiving organisation", required=True)],
    "service_provided": [
        Field("service", "Service", "select", tuple(sorted(SERVICES)), required=True),
        Field("note", "Note", "textarea"),
    ],
    "stayed": [REASON],
    "closed": [
        Field(
            "reason",
            "Reason",
            "select",
            ("order_vacated", "relief_granted", "death", "departed_elsewhere", "other"),
            required=True,
        )
    ],
    "released": [Field("reason", "Reason", "textarea")],
}


def event_payload(event: str, form: FormData) -> dict[str, Any]:
    """Return the payload of ``event`` from a posted form: its declared fields, non-empty."""
    payload: dict[str, Any] = {}
    for field in EVENT_FIELDS.get(event, []):
        value = str(form.get(field.name) or "").strip()
        if field.required and not value:
            raise InvalidInput(f"{field.label.lower()} is needed to record {event}")
        if value:
            limit = validation.PAYLOAD_LIMITS.get(field.name, validation.MAX_TEXT)
            validation.text(value, field.label.lower(), limit)
            if field.kind == "select" and value not in field.options:
                raise InvalidInput(
                    f"{field.label.lower()} must be one of {', '.join(field.options)}"
                )
            payload[field.name] = value.upper() if field.name == "country" else value
    return payload


def form_date(form: FormData, name: str, default: date | None = None) -> date:
    """Return a posted date (today when empty), or raise InvalidInput naming the field."""
    return parse_date(str(form.get(name) or ""), name) or default or date.today()


def event_date(form: FormData, name: str) -> date:
    """Return the posted day something happened (today when empty); a day after today is
    refused, as the API and the importer refuse it (``domain/validation``)."""
    return validation.event_day(str(form.get(name) or ""), name, date.today())


def form_int(text: str, name: str) -> int | None:
    """Return a whole number from text (None when empty), or raise InvalidInput."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, not {text!r}") from None
