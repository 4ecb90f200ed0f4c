"""Assessments recorded in the ledger, for a determination to cite them by id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from readmit.domain.countries import country_code
from readmit.domain.errors import InvalidInput, NotFound
from readmit.domain.events import NewEvent
from readmit.services.assessment.assess import assessment_id
from readmit.services.context import Actor, App
from readmit.store.schema import events

ASSESSMENT_RECORDED = "assessment_recorded"


@dataclass(frozen=True)
class RecordedAssessment:
    assessment_id: str
    country: str
    rating: str
    start: str
    end: str
    recorded_on: date
    recorded_by: str
    meets_determination_condition: bool


def recorded_assessments(app: App, country: str | None = None) -> list[RecordedAssessment]:
    """Return the assessments recorded in the ledger (latest first), for a determination to cite."""
    code = country_code(country) if country else None
    query = (
        select(events.c.subject_id, events.c.occurred_on, events.c.actor, events.c.payload)
        .where(events.c.type == ASSESSMENT_RECORDED)
        .order_by(events.c.seq.desc())
    )
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(query).all()
    found = []
    for row in rows:
        body: dict[str, Any] = json.loads(row.payload)
        if code and body.get("country") != code:
            continue
        found.append(
            RecordedAssessment(
                row.subject_id,
                str(body.get("country")),
                str(body.get("rating")),
                str(body.get("from")),
                str(body.get("to")),
                row.occurred_on,
                row.actor,
                bool(body.get("meets_determination_condition")),
            )
        )
    return found


def record_assessment(
    app: App,
    actor: Actor,
    *,
    assessment: dict[str, Any],
    on: date,
) -> str:
    """Record an assessment in the ledger so that a determination can cite it; return its id.

    Recording the same assessment twice records it once (the id is its content digest).
    """
    identifier = assessment_id(assessment)
    if identifier != assessment.get("assessment_id"):
        raise InvalidInput("the assessment was altered after it was computed: its id differs")
    with app.uow() as uow:
        if uow.ledger.for_subject("assessment", identifier):
            return identifier
        event = NewEvent(
            ASSESSMENT_RECORDED,
            "assessment",
            identifier,
            on,
            actor.name,
            actor.role,
            assessment,
            f"readmit assessment at ledger position {assessment['ledger_position']['seq']}",
            identifier,
        )
        uow.record([event])
        uow.commit()
    return identifier


def recorded_assessment(app: App, identifier: str) -> dict[str, Any]:
    """Return a recorded assessment by id (what a determination cites), or raise NotFound."""
    with app.uow(write=False) as uow:
        found = uow.ledger.for_subject("assessment", identifier)
    if not found:
        raise NotFound(f"no recorded assessment {identifier!r}; record it with --record first")
    return dict(found[0].payload)
