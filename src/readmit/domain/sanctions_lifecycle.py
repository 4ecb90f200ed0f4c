"""The sanction lifecycle: the fold of steps to state, checked against the regime's rules.

Which steps a regime has, their order and who may take each are the pack's data
(``domain.sanctions_steps``); the classic one reads

    determination -> notification -> order -> (amendment | compliance_notification -> lift)*

with determination, notification and compliance notification the determining authority's and
order, amendment and lift the visa authority's (separation of duties). A step the rules need but
the public record does not show is recorded flagged ``not_public``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from readmit.domain.errors import IllegalTransition, InvalidInput, SeparationOfDuties
from readmit.domain.events import Event
from readmit.domain.sanctions import Measure, MeasureState
from readmit.domain.sanctions_steps import CLASSIC, START, Lifecycle, StepRule, lifecycle_of

DETERMINATION = "determination"
NOTIFICATION = "notification"
ORDER = "order"
AMENDMENT = "amendment"
COMPLIANCE = "compliance_notification"
LIFT = "lift"
VERIFICATION = "verification"
VOIDED = "voided"
SUBJECT = "sanction"


@dataclass(frozen=True)
class Step:
    """One step of a sanction's lifecycle, as recorded (or about to be)."""

    kind: str
    on: date
    role: str
    actor: str = ""
    summary: str = ""
    sources: tuple[str, ...] = ()
    not_public: bool = False
    date_is_upper_bound: bool = False
    effective: date | None = None  # when the measures added or ended take effect
    effective_unknown: bool = False
    first_known_on: date | None = None
    adds: tuple[Measure, ...] = ()
    ends: tuple[str, ...] | None = None  # None on a lift: every measure still in force
    assessments: tuple[str, ...] = ()
    verified: tuple[str, ...] = ()
    event_id: str | None = None
    seq: int | None = None
    step_id: str | None = None

    @property
    def takes_effect(self) -> date | None:
        return None if self.effective_unknown else (self.effective or self.on)


@dataclass
class Sanction:
    """A sanction folded from its steps: header, steps in order, measures with their dates."""

    id: str
    country: str
    title: str
    summary: str = ""
    steps: list[Step] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    measures: dict[str, Measure] = field(default_factory=dict)
    regime: str | None = None  # the pack whose history recorded it; None: recorded live
    lifecycle: Lifecycle = CLASSIC

    def has(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.steps)

    def pending(self, kind: str) -> bool:
        """Tell whether a ``kind`` step was recorded since the last step that closes it."""
        closers = set(self.lifecycle.closers(kind))
        waiting = False
        for step in self.steps:
            if step.kind == kind:
                waiting = True
            elif step.kind in closers:
                waiting = False
        return waiting

    def current_measures(self) -> list[Measure]:
        """Measures no amendment or lift has ended."""
        return [m for m in self.measures.values() if m.valid_to is None and not m.end_unknown]

    def wholly_lifted(self) -> bool:
        return bool(self.measures) and not self.current_measures()

    def pending_compliance(self) -> bool:
        """Tell whether a step that a later one must close (a compliance notification) waits."""
        return any(
            self.pending(s.kind) for s in self.lifecycle.steps if self.lifecycle.closers(s.kind)
        )

    def allowed_next(self) -> list[str]:
        """Return the steps the rules allow next, in lifecycle order."""
        return [k for k in self.lifecycle.kinds if _order_problem(self, k) is None]

    def status_on(self, day: date) -> str:
        """Describe the sanction on ``day``: determined, notified, ordered, in_force, lifted…"""
        states = [m.state_on(day) for m in self.measures.values()]
        if MeasureState.IN_FORCE in states:
            ending = self.lifecycle.kinds_that(ends=True) - self.lifecycle.kinds_that(adds=True)
            lifted = any(s.kind in ending and (s.takes_effect or s.on) <= day for s in self.steps)
            return "partly_lifted" if lifted else "in_force"
        if MeasureState.UNCERTAIN in states:
            return "uncertain"
        if self.measures and all(m.ended(day) for m in self.measures.values()):
            unknown = any(m.end_unknown for m in self.measures.values())
            return "ended_date_unknown" if unknown else "lifted"
        reached = {s.kind for s in self.steps if s.on <= day}
        for rule in reversed(self.lifecycle.steps):
            if rule.status and rule.kind in reached:
                return rule.status
        return "not_yet"


def check_step(
    sanction: Sanction, step: Step, determining_role: str = "", ordering_role: str = ""
) -> None:
    """Raise when the rules refuse ``step`` after the sanction's history (order, roles, dates).

    The roles come from the sanction's lifecycle; the two role arguments are read only for the
    classic lifecycle's messages and are kept for callers written before lifecycles were data.
    """
    check_role(step.kind, step.role, determining_role, ordering_role, sanction.lifecycle)
    problem = _order_problem(sanction, step.kind)
    if problem:
        raise IllegalTransition(
            f"{step.kind} refused for sanction {sanction.id}: {problem}; allowed next: "
            f"{', '.join(sanction.allowed_next()) or 'nothing'}",
            sanction_id=sanction.id,
            allowed_next=sanction.allowed_next(),
        )
    if sanction.steps and step.on < sanction.steps[-1].on:
        raise IllegalTransition(
            f"{step.kind} dated {step.on} comes before the last step "
            f"({sanction.steps[-1].kind}, {sanction.steps[-1].on}); steps are recorded in order"
        )
    _check_measures(sanction, step)


def check_role(
    kind: str,
    role: str,
    determining_role: str = "",
    ordering_role: str = "",
    lifecycle: Lifecycle = CLASSIC,
) -> None:
    """Raise SeparationOfDuties unless ``role`` is one the regime's lifecycle gives this step."""
    rule = lifecycle.rule(kind)
    if rule is None or role in rule.roles:
        return
    if len(rule.roles) == 1:
        raise SeparationOfDuties(
            f"{_a(kind)} is the {rule.roles[0]}'s alone; the {role} cannot record it",
            step=kind,
            required_role=rule.roles[0],
            role=role,
        )
    raise SeparationOfDuties(
        f"{_a(kind)} is recorded by the {' or the '.join(rule.roles)}; the {role} cannot",
        step=kind,
        role=role,
    )


def _order_problem(s: Sanction, kind: str) -> str | None:
    rule = s.lifecycle.rule(kind)
    if rule is None:
        return f"unknown step {kind!r} (this regime's steps: {', '.join(s.lifecycle.kinds)})"
    return None if _allowed(s, rule) else rule.rule


def _allowed(s: Sanction, rule: StepRule) -> bool:
    """Tell whether the lifecycle's rule lets this step follow the sanction's history."""
    if not s.steps:
        return rule.opens
    named = [k for k in rule.after if k != START]
    if rule.after and not any(s.has(k) for k in named):
        return False
    if rule.once and s.has(rule.kind):
        return False
    if rule.in_force and not s.current_measures():
        return False
    if rule.closes and not any(s.pending(k) for k in rule.closes):
        return False
    return not (s.lifecycle.closers(rule.kind) and s.pending(rule.kind))


def _check_measures(s: Sanction, step: Step) -> None:
    current = {m.id for m in s.current_measures()}
    rule = s.lifecycle.rule(step.kind) or CLASSIC.steps[0]
    if rule.adds == "required" and not step.adds:
        raise InvalidInput(f"{_a(step.kind)} needs at least one measure")
    if rule.adds == "no" and step.adds:
        raise InvalidInput(f"{_a(step.kind)} adds no measure; the steps that do: {_adding(s)}")
    for measure in step.adds:
        if measure.id in s.measures or sum(m.id == measure.id for m in step.adds) > 1:
            raise InvalidInput(f"measure id {measure.id} is already used in sanction {s.id}")
    ends = step.ends or ()
    for measure_id in ends:
        if measure_id not in current:
            raise InvalidInput(
                f"{step.kind} ends measure {measure_id!r}, which is not in force in {s.id} "
                f"(in force: {', '.join(sorted(current)) or 'none'})"
            )
    if rule.ends == "no" and ends:
        raise InvalidInput(f"{_a(step.kind)} ends no measure")
    if rule.adds == "optional" and rule.ends == "listed" and not step.adds and not ends:
        raise InvalidInput(f"{_a(step.kind)} adds or ends at least one measure")
    for measure_id in step.verified:
        if measure_id not in s.measures:
            raise InvalidInput(f"no measure {measure_id!r} in sanction {s.id}")
    effective = step.takes_effect
    for measure_id in ends:
        start = s.measures[measure_id].starts
        if effective is not None and start is not None and effective < start:
            raise InvalidInput(f"{measure_id} cannot end ({effective}) before it starts ({start})")


def _a(word: str) -> str:
    """The word with its article, as the messages say it: 'an order', 'a lift'."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word.replace('_', ' ')}"


def _adding(s: Sanction) -> str:
    return ", ".join(sorted(s.lifecycle.kinds_that(adds=True))) or "none"


def apply_step(s: Sanction, step: Step) -> None:
    """Fold one (already checked) step into the sanction."""
    s.steps.append(step)
    start = step.takes_effect
    for measure in step.adds:
        s.measures[measure.id] = dataclasses.replace(
            measure,
            sanction_id=s.id,
            country=s.country,
            valid_from=start,
            first_known_on=step.first_known_on if start is None else None,
        )
    rule = s.lifecycle.rule(step.kind)
    ends = rule.ends if rule is not None else "listed"
    if ends != "no" and (step.ends is not None or ends == "all_by_default"):
        ending = step.ends if step.ends is not None else [m.id for m in s.current_measures()]
        for measure_id in ending:
            s.measures[measure_id] = _ended(s.measures[measure_id], step)
    for measure_id in step.verified:
        s.measures[measure_id] = dataclasses.replace(
            s.measures[measure_id], last_verified_on=step.on
        )


def _ended(measure: Measure, step: Step) -> Measure:
    if step.effective_unknown:
        return dataclasses.replace(measure, end_unknown=True, ended_by=step.on)
    return dataclasses.replace(measure, valid_to=step.takes_effect)


def new_sanction(
    sanction_id: str,
    header: Mapping[str, Any],
    regime: str | None = None,
    lifecycle: Lifecycle | None = None,
) -> Sanction:
    """Start a sanction from its first step's header fields, under its regime's lifecycle."""
    return Sanction(
        sanction_id,
        header["country"],
        header.get("title", ""),
        header.get("summary", ""),
        regime=regime,
        lifecycle=lifecycle or lifecycle_of(regime),
    )


def fold(events: Iterable[Event], upto: int | None = None) -> Sanction | None:
    """Fold a sanction's events (revisions replace, voided events drop out) into its state."""
    kept: list[Event] = []
    for event in events:
        if upto is not None and event.seq > upto:
            break
        if event.type == VOIDED:
            kept = [e for e in kept if e.id != event.payload.get("voids")]
        elif event.payload.get("revises"):
            target = event.payload["revises"]
            kept = [event if e.id == target else e for e in kept]
        else:
            kept.append(event)
    if not kept:
        return None
    sanction = new_sanction(kept[0].subject_id, kept[0].payload, kept[0].payload.get("pack"))
    for event in kept:
        step = step_from_event(event, sanction)
        if event is kept[0]:
            sanction.title = event.payload.get("title", sanction.title)
            sanction.summary = event.payload.get("summary", sanction.summary)
            sanction.notes = tuple(event.payload.get("notes") or sanction.notes)
        apply_step(sanction, step)
    return sanction


def step_payload(step: Step, header: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Serialise a step for the ledger (the header rides on the determination)."""
    payload: dict[str, Any] = dict(header or {})
    payload.update(
        {
            "summary_of_step": step.summary,
            "sources": list(step.sources),
            "not_public": step.not_public,
            "date_is_upper_bound": step.date_is_upper_bound,
            "effective": step.effective.isoformat() if step.effective else None,
            "effective_unknown": step.effective_unknown,
            "first_known_on": step.first_known_on.isoformat() if step.first_known_on else None,
            "adds": [m.to_dict() for m in step.adds],
            "ends": list(step.ends) if step.ends is not None else None,
            "assessments": list(step.assessments),
            "verified": list(step.verified),
            "step_actor": step.actor,
        }
    )
    if step.step_id:
        payload["step_id"] = step.step_id
    return payload


def step_from_event(event: Event, sanction: Sanction) -> Step:
    """Rebuild a step from its recorded event."""
    p = event.payload
    ends = p.get("ends")
    return Step(
        kind=event.type,
        on=event.occurred_on,
        role=event.role,
        actor=p.get("step_actor") or event.actor,
        summary=p.get("summary_of_step", ""),
        sources=tuple(p.get("sources") or ()),
        not_public=bool(p.get("not_public")),
        date_is_upper_bound=bool(p.get("date_is_upper_bound")),
        effective=date.fromisoformat(p["effective"]) if p.get("effective") else None,
        effective_unknown=bool(p.get("effective_unknown")),
        first_known_on=date.fromisoformat(p["first_known_on"]) if p.get("first_known_on") else None,
        adds=tuple(
            Measure.from_dict({**m, "sanction_id": sanction.id, "country": sanction.country})
            for m in p.get("adds") or ()
        ),
        ends=tuple(ends) if ends is not None else None,
        assessments=tuple(p.get("assessments") or ()),
        verified=tuple(p.get("verified") or ()),
        event_id=event.id,
        seq=event.seq,
        step_id=p.get("step_id"),
    )


def build(
    sanction_id: str,
    header: Mapping[str, Any],
    steps: Sequence[Step],
    roles: tuple[str, str] = ("", ""),
    *,
    regime: str | None = None,
    lifecycle: Lifecycle | None = None,
) -> Sanction:
    """Check and fold a whole history of steps (the pack loader's path); raise on a fault."""
    sanction = new_sanction(sanction_id, header, regime, lifecycle)
    for step in steps:
        check_step(sanction, step, *roles)
        apply_step(sanction, step)
    return sanction
