"""One case's history as dated steps: a removal from order to arrival, or a case still pending."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from readmit.demo.flights import PlannedFlight, random_day
from readmit.demo.profiles import END, Profile

OFFICER = "case_officer"
CASEWORKER = "reintegration_caseworker"
SERVICES = ("housing", "identity_documents", "job_training", "counselling", "other")
CLOSE_REASONS = (
    "order vacated on appeal",
    "relief granted",
    "death",
    "departed to a third country",
    "pardon; order vacated",
)


@dataclass(frozen=True)
class Step:
    """One event of a case, on a day, recorded in a role."""

    event: str
    on: date
    payload: dict[str, Any] = field(default_factory=dict)
    role: str = OFFICER


@dataclass
class Story:
    """A synthetic case: its opening facts and its steps in order."""

    number: int
    country: str
    order_date: date
    criminal: bool
    detained: bool
    steps: list[Step] = field(default_factory=list)
    country_of_birth: str | None = None
    presented_on: date | None = None

    @property
    def last_on(self) -> date:
        """The day of the last step (the order date when there is none)."""
        return self.steps[-1].on if self.steps else self.order_date


def _days(a: date, b: date) -> int:
    return (b - a).days


def _at(start: date, span: int, share: float) -> date:
    return start + timedelta(days=int(span * share))


def removal_steps(
    rng: random.Random, profile: Profile, story: Story, flight: PlannedFlight
) -> list[Step]:
    """Return the steps from presentation to arrival of a case removed on ``flight``."""
    o, f = story.order_date, flight.departure_on
    lead = rng.randint(*profile.document_lead_days)
    issued = f - timedelta(days=lead)
    held_by = min(flight.interviewed_by or issued, issued)
    if profile.cooperative:
        presented = o + timedelta(days=rng.randint(1, 7))
    else:
        presented = _at(o, _days(o, held_by), rng.uniform(0.05, 0.6))
    steps = [Step("presented", presented, {"country": profile.code})]
    confirmed_from = presented
    if profile.interview:
        held = _at(presented, _days(presented, held_by), rng.uniform(0.5, 1.0))
        scheduled = _at(presented, _days(presented, held), rng.uniform(0.3, 0.9))
        steps += [
            Step("interview_scheduled", scheduled),
            Step("interview_held", held, {"mode": "in_person"}),
        ]
        confirmed_from = held
    confirmed = _at(confirmed_from, _days(confirmed_from, issued), rng.uniform(0.0, 1.0))
    expires = issued + timedelta(days=profile.document_valid_days)
    manifested = random_day(rng, max(issued, f - timedelta(days=7)), f)
    steps += [
        Step("nationality_confirmed", confirmed),
        Step("document_issued", issued, {"document_expires_on": expires.isoformat()}),
        Step("manifested", manifested, {"flight_id": flight.flight_id}),
        Step("removed", f),
    ]
    steps += _release(rng, profile, story, until=presented)
    steps += _reintegration(rng, profile, f)
    return steps


def _release(rng: random.Random, profile: Profile, story: Story, until: date) -> list[Step]:
    """A detained person is released when removal is not in sight (Zadvydas)."""
    if not story.detained:
        return []
    released = story.order_date + timedelta(days=rng.randint(*profile.release_after_days))
    if released > until or released > END:
        return []
    return [Step("released", released)]


def _reintegration(rng: random.Random, profile: Profile, removed: date) -> list[Step]:
    if profile.reintegration is None:
        return []
    arrived = removed + timedelta(days=1)
    steps = [Step("received", arrived, {"organisation": profile.reintegration}, CASEWORKER)]
    for service in rng.sample(SERVICES, rng.randint(0, 3)):
        on = arrived + timedelta(days=rng.randint(1, 120))
        if on <= END:
            steps.append(Step("service_provided", on, {"service": service}, CASEWORKER))
    return steps


def presentation_steps(
    rng: random.Random, story: Story, presented: date, end: date, interview: str, mode: str
) -> list[Step]:
    """Steps of a pending case presented on ``presented``; ``interview`` is none/scheduled/held."""
    steps = [Step("presented", presented, {"country": story.country})]
    story.presented_on = presented
    if interview == "none":
        return steps
    scheduled = random_day(rng, presented + timedelta(days=7), presented + timedelta(days=120))
    # An interview held by ``end`` is scheduled at least a week before it.
    scheduled = min(scheduled, end - timedelta(days=7) if interview == "held" else end)
    steps.append(Step("interview_scheduled", scheduled))
    if interview == "held":
        held = random_day(rng, scheduled + timedelta(days=7), end)
        steps.append(Step("interview_held", held, {"mode": mode}))
    return steps


def pending_extras(rng: random.Random, profile: Profile, story: Story) -> list[Step]:
    """Release from custody for a pending case that stays detained too long."""
    return _release(rng, profile, story, until=END)


def stay_steps(rng: random.Random, story: Story) -> list[Step]:
    """A stay of removal after the case's last step, lifted in a quarter of cases."""
    start = story.last_on + timedelta(days=rng.randint(30, 400))
    if start > END:
        return []
    steps = [Step("stayed", start, {"reason": "stay of removal pending a motion to reopen"})]
    lifted = start + timedelta(days=rng.randint(60, 500))
    if rng.random() < 0.25 and lifted <= END:
        steps.append(Step("stay_lifted", lifted))
    return steps


def dispute_step(rng: random.Random, story: Story) -> list[Step]:
    """The partner says this person is not its national (born elsewhere, no citizenship)."""
    assert story.presented_on is not None
    on = min(story.presented_on + timedelta(days=rng.randint(30, 200)), END)
    reason = f"the partner finds the person is a national of {story.country_of_birth}, not its own"
    return [Step("nationality_disputed", on, {"reason": reason})]


def closing_step(rng: random.Random, story: Story, by: date) -> list[Step]:
    """Close a case before ``by`` (order vacated, relief, death, departure elsewhere)."""
    earliest = max(story.last_on, story.order_date) + timedelta(days=30)
    on = random_day(rng, earliest, max(earliest, by - timedelta(days=1)))
    return [Step("closed", on, {"reason": rng.choice(CLOSE_REASONS)})]
