"""What the desks list: assessments recorded for a determination to cite; a partner's inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from readmit.domain.cooperation import KIND_OF_EVENT
from readmit.domain.countries import country_code
from readmit.services.context import App
from readmit.store.metrics_schema import coop_responses
from readmit.store.schema import cases, events


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
            r.occurred_on,
            r.actor,
            stances.get(r.seq),
        )
        for r in rows
    ]
