"""The letter to an applicant whose visa a measure discontinued or restricted."""

from __future__ import annotations

from readmit.domain.errors import NotFound
from readmit.domain.permissions import may_see_screening_of
from readmit.domain.screening import Decision
from readmit.domain.screening_letter import ENGLISH, Letter, compose_letter
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import pack_of_regime
from readmit.services.screening.engine import ScreeningResult, engine_at_head, related_for
from readmit.services.screening.letter_words import wording
from readmit.services.screening.replay import decided_on
from readmit.store.decision_log import get_decision
from readmit.store.demo_mark import demo_source


def letter_of(app: App, actor: Actor, decision_id: str, language: str = ENGLISH) -> Letter:
    """Compose the letter of a logged single decision (discontinued or restricted) ``actor``
    may see, in ``language``: another officer's decision is one that does not exist."""
    words = wording(language)  # an unknown language is refused before the log is read
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, decision_id)
        measures, _engine, _seq = engine_at_head(app, uow)
        synthetic = demo_source(uow.conn) is not None
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
    pack = pack_of_regime(app, entry.get("pack"))
    by_id = {m.id: m for m in measures}
    return compose_letter(
        pack.policy,
        decision,
        by_id,
        decision_id,
        related=related_for(pack, decision),
        synthetic=synthetic,
        words=words,
    )


def letter(app: App, actor: Actor, decision_id: str, language: str = ENGLISH) -> str:
    """Render the letter of a logged single decision ``actor`` may see, as plain text."""
    return letter_of(app, actor, decision_id, language).text()


def composed_for(app: App, result: ScreeningResult, language: str = ENGLISH) -> Letter:
    """Compose the letter of a decision just made, in ``language``."""
    words = wording(language)
    by_id = {m.id: m for m in result.measures}
    policy = pack_of_regime(app, result.pack).policy
    return compose_letter(
        policy,
        result.decision,
        by_id,
        result.decision_id,
        related=result.related,
        synthetic=result.synthetic,
        words=words,
    )


def letter_for(app: App, result: ScreeningResult, language: str = ENGLISH) -> str:
    """Render the letter of a decision just made, as plain text."""
    return composed_for(app, result, language).text()
