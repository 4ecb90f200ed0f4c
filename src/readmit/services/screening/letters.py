"""The letter to an applicant whose visa a measure discontinued or restricted."""

from __future__ import annotations

from readmit.domain.errors import NotFound
from readmit.domain.permissions import may_see_screening_of
from readmit.domain.screening import Decision
from readmit.domain.screening_letter import render_letter
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import pack_of_regime
from readmit.services.screening.engine import ScreeningResult, engine_at_head, related_for
from readmit.services.screening.replay import decided_on
from readmit.store.decision_log import get_decision


def letter(app: App, actor: Actor, decision_id: str) -> str:
    """Render the letter of a logged single decision (discontinued or restricted) ``actor`` may
    see: another officer's decision is one that does not exist."""
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, decision_id)
        # The pack the decision was made under: its regime's measures and letters.
        pack = pack_of_regime(app, entry["pack"] if entry is not None else None)
        measures, _engine, _seq = engine_at_head(app, uow, pack)
    if (
        entry is None
        or entry["kind"] != "single"
        or not may_see_screening_of(actor.role, actor.name, entry["actor"])
    ):
        raise NotFound(f"no single decision {decision_id!r} in the decision log")
    outcome = entry["outcome"]
    decision = Decision(
        decision=outcome["decision"],
        measures=tuple(m for m in outcome["measures"].split(";") if m),
        reasons=outcome["reasons"],
        citations=outcome["citations"],
        restrictions=outcome["restrictions"],
        decision_on=decided_on(entry, decision_id),
        inputs=entry["inputs"],
        holding=tuple(outcome.get("holding", [])),
        restricting=tuple(m.split(":")[0] for m in outcome["restrictions"].split(" | ") if m),
    )
    by_id = {m.id: m for m in measures}
    return render_letter(
        pack.policy, decision, by_id, decision_id, related=related_for(pack, decision)
    )


def letter_for(app: App, result: ScreeningResult) -> str:
    """Render the letter of a decision just made."""
    by_id = {m.id: m for m in result.measures}
    policy = pack_of_regime(app, result.pack).policy
    return render_letter(policy, result.decision, by_id, result.decision_id, related=result.related)
