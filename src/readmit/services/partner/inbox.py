"""What the desks list: assessments recorded for a determination to cite; a partner's inbox."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from readmit.domain.cooperation import KIND_OF_EVENT
from readmit.domain.countries import country_code
from readmit.services.context import App
from readmit.store.metrics_schema import coop_responses
from readmit.store.schema import cases, events

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


@dataclass(frozen=True)
class InboxEvent:
    event_id: str
    seq: int
    case_id: str
    type: str
    occurred_on: date
    actor: str
    stance: str | None


def partner_inbox(app: App, country: str, limit: int = 50) -> list[InboxEvent]:
    """Return the latest events the removing state recorded on a partner's nationals' cases,
    each with the partner's current stance (None: not yet answered)."""
    code = country_code(country)
    answerable = sorted(set(KIND_OF_EVENT) - {"charter_proposed", "charter_accepted"})
    query = (
        select(
            events.c.id,
            events.c.seq,
            events.c.subject_id,
            events.c.type,
            events.c.occurred_on,
            events.c.actor,
        )
        .join(cases, cases.c.case_id == events.c.subject_id)
        .where(
            events.c.subject_type == "case",
            cases.c.nationality == code,
            events.c.type.in_(answerable),
            events.c.role != "partner_liaison",
        )
        .order_by(events.c.seq.desc())
        .limit(limit)
    )
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(query).all()
        seqs = [r.seq for r in rows]
        stances = {
            int(r.target_seq): str(r.stance)
            for r in uow.conn.execute(
                select(coop_responses.c.target_seq, coop_responses.c.stance)
                .where(
                    coop_responses.c.target_seq.in_(seqs),
                    coop_responses.c.by_partner == 1,
                    coop_responses.c.void_seq.is_(None),
                )
                .order_by(coop_responses.c.seq)
            )
        }
    return [
        InboxEvent(
            r.id,
            r.seq,
            r.subject_id,
            r.type,
            r.occurred_on if isinstance(r.occurred_on, date) else date.fromisoformat(r.occurred_on),
            r.actor,
            stances.get(r.seq),
        )
        for r in rows
    ]


def ledger_position(app: App) -> int:
    """Return the ledger's head position: every figure is a function of it (and the query)."""
    with app.uow(write=False) as uow:
        return uow.ledger.head()[0]
