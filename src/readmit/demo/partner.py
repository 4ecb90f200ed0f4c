"""The 2022 dispute, as both sides recorded it (Phnom Penh Post, May 2022; docs/sources.md).

The US embassy said that since October 2020 Cambodia had held one citizenship interview and
accepted two removals; Cambodia said it had held virtual interviews and that a few hundred
nationals were being processed for imminent return. In the ledger: the US records its
presentations and interview requests; Cambodia's liaison asserts virtual interviews (which stay
partner-asserted; the US contests some), acknowledges hundreds of presentations as "in process",
and contests presentations that give no evidence of Cambodian citizenship (article 003: Cambodia
wants to verify that deportees "are truly Khmers").
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from readmit.demo.keys import event_key, reference
from readmit.demo.profiles import WINDOW
from readmit.demo.scenario import CountryPlan
from readmit.demo.stories import Story
from readmit.domain.events import NewEvent

LIAISON = ("demo:kh-interior-ministry-liaison", "partner_liaison")
OFFICER = ("demo:us-removal-officer", "case_officer")
ASSERTED, ACKNOWLEDGED, CONTESTED = "partner_asserted", "event_acknowledged", "event_contested"
KH_EVIDENCE = "Cambodian Ministry of Interior, interview and processing records (synthetic)"
US_EVIDENCE = "US removal office interview log (synthetic)"
VIRTUAL_INTERVIEWS, DISPUTED_BY_US, IN_PROCESS, CONTESTED_REQUESTS = 45, 12, 300, 20


def partner_events(seed: int, plan: CountryPlan) -> list[NewEvent]:
    """Both sides' responses on Cambodia's cases in the window (none for other countries)."""
    if plan.profile.code != "KH":
        return []
    rng = random.Random(f"readmit-demo/{seed}/KH/partner")
    start, end = WINDOW
    in_window = [s for s in plan.stories if _presented_in(s, start, end)]
    requested = [s for s in in_window if _index(s, "interview_scheduled") is not None]
    requested = [s for s in requested if _index(s, "interview_held") is None]
    others = [s for s in in_window if s not in requested]
    found: list[NewEvent] = []
    for n, story in enumerate(requested[:VIRTUAL_INTERVIEWS]):
        assertion = _assert_interview(rng, seed, story, end)
        found.append(assertion)
        if n < DISPUTED_BY_US:
            found.append(_us_contests(rng, seed, story, assertion))
    reason = (
        "the request gives no evidence of Cambodian citizenship as the 2002 memorandum "
        "requires; the person may be Vietnamese or Laotian"
    )
    for story in others[:CONTESTED_REQUESTS]:
        found.append(_respond(rng, seed, story, CONTESTED, reason))
    in_process = others[CONTESTED_REQUESTS:] + requested[VIRTUAL_INTERVIEWS:]
    for story in in_process[:IN_PROCESS]:
        found.append(_respond(rng, seed, story, ACKNOWLEDGED, "in process for imminent return"))
    return found


def _presented_in(story: Story, start: date, end: date) -> bool:
    index = _index(story, "presented")
    return index is not None and start <= story.steps[index].on <= end


def _index(story: Story, event: str) -> int | None:
    return next((i for i, step in enumerate(story.steps) if step.event == event), None)


def _case_id(story: Story) -> str:
    return f"SYN-{story.country}-{story.number:06d}"


def _event(
    seed: int,
    story: Story,
    n: int,
    kind: str,
    on: date,
    who: tuple[str, str],
    payload: dict[str, Any],
    source: str | None,
) -> NewEvent:
    ident = _case_id(story)
    recorded = datetime.combine(on, time(15), tzinfo=UTC)
    key = event_key(seed, ident, f"partner/{n}")
    return NewEvent(kind, "case", ident, on, who[0], who[1], payload, source, key, recorded)


def _assert_interview(rng: random.Random, seed: int, story: Story, end: date) -> NewEvent:
    scheduled = story.steps[_index(story, "interview_scheduled") or 0].on
    on = min(scheduled + timedelta(days=rng.randint(7, 45)), end)
    payload = {
        "asserted_type": "interview_held",
        "mode": "virtual",
        "statement": "citizenship interview held by video link by the Ministry of Interior",
        "by": "partner",
        "country": "KH",
        "evidence_source": KH_EVIDENCE,
        "synthetic": True,
    }
    return _event(seed, story, 0, ASSERTED, on, LIAISON, payload, KH_EVIDENCE)


def _us_contests(rng: random.Random, seed: int, story: Story, assertion: NewEvent) -> NewEvent:
    on = assertion.occurred_on + timedelta(days=rng.randint(14, 60))
    payload = {
        "target": reference(str(assertion.dedupe_key)),
        "target_type": ASSERTED,
        "stance": "contested",
        "by": "state",
        "reason": "no interview took place on the agreed video link on that day",
        "evidence_source": US_EVIDENCE,
        "synthetic": True,
    }
    return _event(seed, story, 1, CONTESTED, on, OFFICER, payload, US_EVIDENCE)


def _respond(rng: random.Random, seed: int, story: Story, kind: str, reason: str) -> NewEvent:
    index = _index(story, "presented")
    assert index is not None
    presented = story.steps[index].on
    on = min(presented + timedelta(days=rng.randint(30, 200)), WINDOW[1])
    stance = "acknowledged" if kind == ACKNOWLEDGED else "contested"
    payload = {
        "target": reference(event_key(seed, _case_id(story), index + 1)),
        "target_type": "presented",
        "stance": stance,
        "by": "partner",
        "reason": reason,
        "evidence_source": KH_EVIDENCE if kind == CONTESTED else None,
        "synthetic": True,
    }
    source = KH_EVIDENCE if kind == CONTESTED else None
    return _event(seed, story, 2, kind, on, LIAISON, payload, source)
