"""What the determining authority's desk lists: the assessments recorded for it to cite."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from readmit.domain.countries import country_code
from readmit.services.context import App
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
                row.occurred_on
                if isinstance(row.occurred_on, date)
                else date.fromisoformat(row.occurred_on),
                row.actor,
                bool(body.get("meets_determination_condition")),
            )
        )
    return found
