"""The letter to an applicant whose visa a measure discontinued or restricted."""

from __future__ import annotations

from readmit.domain.errors import NotFound
from readmit.domain.screening import Decision
from readmit.domain.screening_letter import render_letter
from readmit.services.context import App
from readmit.services.sanctions.pack import current_pack
from readmit.services.screening.engine import (
    ScreeningResult,
    decision_day,
    engine_at_head,
    related_for,
)
from readmit.store.decision_log import get_decision


def letter(app: App, decision_id: str) -> str:
    """Render the letter of a logged single decision (discontinued or restricted)."""
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, decision_id)
        measures, _engine, _seq = engine_at_head(app, uow)
    if entry is None or entry["kind"] != "single":
        raise NotFound(f"no single decision {decision_id!r} in the decision log")
    outcome = entry["outcome"]
    decision = Decision(
        decision=outcome["decision"],
        measures=tuple(m for m in outcome["measures"].split(";") if m),
        reasons=outcome["reasons"],
        citations=outcome["citations"],
        restrictions=outcome["restrictions"],
        decision_on=decision_day(entry),
        inputs=entry["inputs"],
        holding=tuple(outcome.get("holding", [])),
        restricting=tuple(m.split(":")[0] for m in outcome["restrictions"].split(" | ") if m),
    )
    pack = current_pack(app)
    by_id = {m.id: m for m in measures}
    return render_letter(
        pack.policy, decision, by_id, decision_id, related=related_for(pack, decision)
    )


def letter_for(app: App, result: ScreeningResult) -> str:
    """Render the letter of a decision just made."""
    by_id = {m.id: m for m in result.measures}
    policy = current_pack(app).policy
    return render_letter(policy, result.decision, by_id, result.decision_id, related=result.related)
