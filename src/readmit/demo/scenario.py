"""Build the whole synthetic scenario from a seed: flights, case stories, and their events.

Pure and deterministic: the same seed gives the same events (contents, dates, order). Every case
is walked through the domain's own transition rules here, so the plan is legal before it is
recorded.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

from readmit.demo import stories as st
from readmit.demo.flights import PlannedFlight, plan_flights, random_day
from readmit.demo.profiles import END, PROFILES, Profile
from readmit.demo.stories import Story

# Neighbours a partner may say a person belongs to instead ("not Vietnamese or Laotians").
_BORN_ELSEWHERE = {"KH": ["VN", "LA", "TH"]}


@dataclass
class CountryPlan:
    profile: Profile
    flights: list[PlannedFlight] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)


def country_plan(seed: int, profile: Profile) -> CountryPlan:
    """Plan one country: its flights, the people removed on them, and those still pending."""
    rng = random.Random(f"readmit-demo/{seed}/{profile.code}")
    plan = CountryPlan(profile, plan_flights(rng, profile))
    numbers = count(1)
    for flight, flags in zip(
        plan.flights, _criminal_flags(rng, profile, plan.flights), strict=True
    ):
        for criminal in flags:
            story = _removed(rng, profile, flight, criminal, next(numbers))
            plan.stories.append(story)
    pending = [_ordered(rng, profile, next(numbers), late=False) for _ in range(profile.pending)]
    late = [_ordered(rng, profile, next(numbers), late=True) for _ in range(profile.later_orders)]
    _present(rng, profile, pending + late)
    _dispute(rng, profile, pending)
    for story in rng.sample(pending, min(profile.stayed, len(pending))):
        story.steps += st.stay_steps(rng, story)
    for story in pending + late:
        story.steps += st.pending_extras(rng, profile, story)
    closed = [_closed(rng, profile, next(numbers)) for _ in range(profile.closed)]
    plan.stories += pending + late + closed
    _outside_agreement(seed, plan)
    for story in plan.stories:
        story.steps.sort(key=lambda s: (s.on, _PRIORITY[s.event]))
    return plan


# Case numbers of people removed outside the agreement: apart from their nationality's own.
OUTSIDE_NUMBERS = 900_001


def _outside_agreement(seed: int, plan: CountryPlan) -> None:
    """Add the people of another nationality removed to the plan's country (outside its
    agreement), each group on a flight of its own. Drawn from a generator of their own, so the
    rest of the country's plan is the same with or without them."""
    profile = plan.profile
    rng = random.Random(f"readmit-demo/{seed}/{profile.code}/outside-agreement")
    numbers = count(OUTSIDE_NUMBERS)
    for n, group in enumerate(profile.outside_agreement, start=1):
        flight = PlannedFlight(
            f"SYN-FL-{profile.code}-{group.on:%Y%m%d}-X{n:02d}",
            group.on,
            "commercial",
            profile.code,
            group.size,
            source=group.source,
        )
        plan.flights.append(flight)
        for _ in range(group.size):
            order = group.on - timedelta(days=rng.randint(*profile.order_to_removal_days))
            criminal = rng.random() < profile.criminal_share
            detained = rng.random() < profile.detained_share
            story = Story(next(numbers), group.nationality, order, criminal, detained)
            story.country_of_birth = group.nationality
            story.steps = st.removal_steps(rng, profile, story, flight)
            plan.stories.append(story)


_PRIORITY = {
    name: rank
    for rank, name in enumerate(
        [
            "released",
            "presented",
            "interview_scheduled",
            "interview_held",
            "nationality_confirmed",
            "nationality_disputed",
            "document_issued",
            "manifested",
            "removed",
            "received",
            "service_provided",
            "stayed",
            "stay_lifted",
            "closed",
        ]
    )
}


def _criminal_flags(
    rng: random.Random, profile: Profile, flights: list[PlannedFlight]
) -> Iterator[list[bool]]:
    """Criminal grounds per person: exact where the record gives a count, else by share."""
    quota: dict[int, list[bool]] = {}
    for year, total in profile.criminal_by_year.items():
        in_year = [f for f in flights if profile.year_of(f.departure_on) == year]
        fixed = sum(f.criminal or 0 for f in in_year if f.criminal is not None)
        open_seats = sum(f.size for f in in_year if f.criminal is None)
        flags = [True] * (total - fixed) + [False] * (open_seats - (total - fixed))
        rng.shuffle(flags)
        quota[year] = flags
    for flight in flights:
        if flight.criminal is not None:
            flags = [True] * flight.criminal + [False] * (flight.size - flight.criminal)
            rng.shuffle(flags)
        elif profile.year_of(flight.departure_on) in quota:
            year = profile.year_of(flight.departure_on)
            flags, quota[year] = quota[year][: flight.size], quota[year][flight.size :]
        else:
            flags = [rng.random() < profile.criminal_share for _ in range(flight.size)]
        yield flags


def _first_day(profile: Profile) -> date:
    return date(profile.first_order_year, 1, 1)


def _removed(
    rng: random.Random, profile: Profile, flight: PlannedFlight, criminal: bool, number: int
) -> Story:
    order = flight.departure_on - timedelta(days=rng.randint(*profile.order_to_removal_days))
    if flight.interviewed_by:
        order = min(order, flight.interviewed_by - timedelta(days=rng.randint(200, 1500)))
    latest = flight.departure_on - timedelta(days=profile.document_lead_days[1] + 10)
    order = min(max(order, _first_day(profile)), latest)
    story = Story(number, profile.code, order, criminal, rng.random() < profile.detained_share)
    story.steps = st.removal_steps(rng, profile, story, flight)
    return story


def _ordered(rng: random.Random, profile: Profile, number: int, late: bool) -> Story:
    if late:
        order = random_day(rng, profile.pending_by + timedelta(days=1), END)
    else:
        first, last = _first_day(profile), profile.pending_by
        if profile.pending_ordered_by:
            cut, share = profile.pending_ordered_by
            first, last = (first, cut) if rng.random() < share else (cut, last)
        # Skewed towards recent years: orders accumulate while removals stall.
        order = first + timedelta(days=int((last - first).days * rng.random() ** 0.6))
    criminal = rng.random() < profile.criminal_share
    return Story(number, profile.code, order, criminal, rng.random() < profile.detained_share)


def _present(rng: random.Random, profile: Profile, stories: list[Story]) -> None:
    if not profile.presentations:
        for story in stories:
            _present_generic(rng, profile, story)
        return
    for batch in profile.presentations:
        cutoff = batch.end - timedelta(days=14)
        eligible = [s for s in stories if s.presented_on is None and s.order_date <= cutoff]
        chosen = sorted(rng.sample(eligible, min(batch.count, len(eligible))), key=_number)
        for i, story in enumerate(chosen):
            kind = "held" if i < batch.held else "scheduled" if i < batch.scheduled else "none"
            start = max(batch.start, story.order_date + timedelta(days=7))
            presented = random_day(rng, start, cutoff)
            story.steps += st.presentation_steps(rng, story, presented, batch.end, kind, batch.mode)


def _number(story: Story) -> int:
    return story.number


def _present_generic(rng: random.Random, profile: Profile, story: Story) -> None:
    if rng.random() >= profile.presented_share:
        return
    lag = rng.randint(1, 7) if profile.cooperative else rng.randint(14, 400)
    presented = story.order_date + timedelta(days=lag)
    if presented > END:
        return
    interview = "scheduled" if profile.interview and rng.random() < 0.3 else "none"
    story.steps += st.presentation_steps(rng, story, presented, END, interview, "in_person")


def _dispute(rng: random.Random, profile: Profile, stories: list[Story]) -> None:
    candidates = [s for s in stories if s.presented_on and len(s.steps) == 1]
    for story in rng.sample(candidates, min(profile.disputed, len(candidates))):
        story.country_of_birth = rng.choice(_BORN_ELSEWHERE.get(profile.code, ["TH"]))
        story.steps += st.dispute_step(rng, story)


def _closed(rng: random.Random, profile: Profile, number: int) -> Story:
    by = min(profile.pending_by, END)
    first = _first_day(profile)
    order = random_day(rng, first, by - timedelta(days=400))
    story = Story(
        number, profile.code, order, rng.random() < profile.criminal_share, detained=False
    )
    if rng.random() < 0.5:
        presented = story.order_date + timedelta(days=rng.randint(30, 300))
        story.steps += st.presentation_steps(rng, story, presented, by, "none", "in_person")
    story.steps += st.closing_step(rng, story, by)
    return story


def plan_all(seed: int) -> list[CountryPlan]:
    """Plan every country of the scenario."""
    return [country_plan(seed, profile) for profile in PROFILES]
