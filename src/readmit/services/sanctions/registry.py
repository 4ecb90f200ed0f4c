"""The sanction registry and its lifecycle (DESIGN "Sanctions"); the API and dashboard call these.

Reading:
    list_sanctions(app, as_of=None, country=None) -> list[SanctionSummary]
    show_sanction(app, sanction_id) -> SanctionView
    measures_in_force(app, on, country=None) -> list[MeasureView]
Writing (each one step; the caller's ``Actor.role`` is checked against the regime: the
determining authority determines and notifies, the visa authority orders, amends and lifts):
    record_determination(app, actor, country, on, title, assessments, ...) -> Sanction
    record_notification(app, actor, sanction_id, on, ...) -> Sanction
    record_order(app, actor, sanction_id, on, measures, effective=None, ...) -> Sanction
    record_amendment(app, actor, sanction_id, on, adds=(), ends=(), ...) -> Sanction
    record_compliance_notification(app, actor, sanction_id, on, ...) -> Sanction
    record_lift(app, actor, sanction_id, on, ends=None, ...) -> Sanction
    record_verification(app, actor, sanction_id, on, measure_ids, sources) -> Sanction
Errors: SeparationOfDuties (wrong role), IllegalTransition (out of order), InvalidInput (a bad
measure), NotFound (no such sanction or assessment), Conflict (the sanction id is taken).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import Conflict, InvalidInput, NotFound, PackError
from readmit.domain.events import Event, NewEvent
from readmit.domain.sanctions import Measure, MeasureState
from readmit.domain.sanctions_lifecycle import (
    AMENDMENT,
    COMPLIANCE,
    DETERMINATION,
    LIFT,
    NOTIFICATION,
    ORDER,
    SUBJECT,
    VERIFICATION,
    Sanction,
    Step,
    check_step,
    fold,
    new_sanction,
    step_payload,
)
from readmit.packs.checks import measure_from_spec
from readmit.packs.models import MeasureSpec
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import current_pack
from readmit.store.sanction_projection import load_sanction_rows
from readmit.store.sanctions_schema import sanction_measures
from readmit.store.uow import UnitOfWork

ASSESSMENT_SUBJECT = "assessment"


@dataclass(frozen=True)
class MeasureView:
    measure: Measure
    state: str
    stale: bool
    validity: str


@dataclass(frozen=True)
class SanctionSummary:
    id: str
    country: str
    country_name: str
    title: str
    status: str
    as_of: date
    measures: list[MeasureView]
    stale: bool
    not_public_steps: int


@dataclass(frozen=True)
class SanctionView:
    summary: SanctionSummary
    sanction: Sanction
    events: list[Event] = field(default_factory=list)


def _views(measures: Sequence[Measure], as_of: date, today: date) -> list[MeasureView]:
    return [
        MeasureView(m, m.state_on(as_of).value, m.stale(today), m.validity_text()) for m in measures
    ]


def _summary(s: Sanction, as_of: date, today: date) -> SanctionSummary:
    views = _views(list(s.measures.values()), as_of, today)
    return SanctionSummary(
        id=s.id,
        country=s.country,
        country_name=country_name(s.country),
        title=s.title,
        status=s.status_on(as_of),
        as_of=as_of,
        measures=views,
        stale=any(v.stale and v.state != MeasureState.NOT_IN_FORCE for v in views),
        not_public_steps=sum(1 for step in s.steps if step.not_public),
    )


def list_sanctions(
    app: App, as_of: date | None = None, country: str | None = None, today: date | None = None
) -> list[SanctionSummary]:
    """Return every sanction known on ``as_of`` (default today), with its status that day."""
    today = today or date.today()
    as_of = as_of or today
    code = country_code(country) if country else None
    with app.uow(write=False) as uow:
        rows = load_sanction_rows(uow.conn, code)
        folded = [fold(uow.ledger.for_subject(SUBJECT, r["sanction_id"])) for r in rows]
    ordered = sorted((s for s in folded if s is not None), key=lambda s: (s.steps[0].on, s.id))
    summaries = [_summary(s, as_of, today) for s in ordered]
    return [s for s in summaries if s.status != "not_yet"]


def show_sanction(app: App, sanction_id: str, today: date | None = None) -> SanctionView:
    """Return one sanction: its timeline of events, measures over time, sources, staleness."""
    today = today or date.today()
    with app.uow(write=False) as uow:
        events = uow.ledger.for_subject(SUBJECT, sanction_id)
    sanction = fold(events)
    if sanction is None:
        raise NotFound(f"no sanction {sanction_id!r}; `readmit sanctions list` shows them all")
    return SanctionView(_summary(sanction, today, today), sanction, events)


def measures_in_force(
    app: App, on: date, country: str | None = None, today: date | None = None
) -> list[MeasureView]:
    """Return the measures in force on ``on`` (and those the record cannot place that day)."""
    from readmit.store.sanction_projection import load_measures

    code = country_code(country) if country else None
    with app.uow(write=False) as uow:
        measures = load_measures(uow.conn, on, code)
    views = _views(measures, on, today or date.today())
    return [v for v in views if v.state != MeasureState.NOT_IN_FORCE]


def record_determination(
    app: App,
    actor: Actor,
    country: str,
    on: date,
    title: str,
    assessments: Sequence[str],
    summary: str = "",
    sources: Sequence[str] = (),
    sanction_id: str | None = None,
) -> Sanction:
    """Record that the determining authority finds ``country`` does not cooperate."""
    code = country_code(country)
    if not assessments:
        raise InvalidInput("a determination cites one or more assessments")
    if not title.strip():
        raise InvalidInput("a determination needs a title")
    step = Step(
        DETERMINATION,
        on,
        actor.role,
        actor.name,
        summary,
        tuple(sources),
        assessments=tuple(assessments),
    )
    header = {"country": code, "title": title, "summary": summary}
    with app.uow() as uow:
        for assessment in assessments:
            if not uow.ledger.for_subject(ASSESSMENT_SUBJECT, assessment):
                raise NotFound(f"no assessment {assessment!r} in the ledger")
        new_id = sanction_id or _free_id(uow, code, on.year)
        if uow.ledger.for_subject(SUBJECT, new_id):
            raise Conflict(f"sanction {new_id} already exists")
        return _record(app, uow, actor, new_id, step, header)


def _free_id(uow: UnitOfWork, country: str, year: int) -> str:
    candidate, n = f"{country}-{year}", 1
    while uow.ledger.for_subject(SUBJECT, candidate):
        n += 1
        candidate = f"{country}-{year}-{n}"
    return candidate


def record_notification(
    app: App,
    actor: Actor,
    sanction_id: str,
    on: date,
    summary: str = "",
    sources: Sequence[str] = (),
) -> Sanction:
    """Record the determining authority's notification to the visa authority."""
    return _step(
        app,
        actor,
        sanction_id,
        Step(NOTIFICATION, on, actor.role, actor.name, summary, tuple(sources)),
    )


def record_order(
    app: App,
    actor: Actor,
    sanction_id: str,
    on: date,
    measures: Sequence[Mapping[str, Any]],
    effective: date | None = None,
    summary: str = "",
    sources: Sequence[str] = (),
) -> Sanction:
    """Record the visa authority's order: measures (as in the pack's YAML) from ``effective``."""
    return _step(
        app,
        actor,
        sanction_id,
        Step(ORDER, on, actor.role, actor.name, summary, tuple(sources), effective=effective),
        adds=measures,
    )


def record_amendment(
    app: App,
    actor: Actor,
    sanction_id: str,
    on: date,
    adds: Sequence[Mapping[str, Any]] = (),
    ends: Sequence[str] = (),
    effective: date | None = None,
    summary: str = "",
    sources: Sequence[str] = (),
) -> Sanction:
    """Widen (add measures) or narrow (end measures) a sanction from ``effective``."""
    step = Step(
        AMENDMENT,
        on,
        actor.role,
        actor.name,
        summary,
        tuple(sources),
        effective=effective,
        ends=tuple(ends),
    )
    return _step(app, actor, sanction_id, step, adds=adds)


def record_compliance_notification(
    app: App,
    actor: Actor,
    sanction_id: str,
    on: date,
    summary: str = "",
    sources: Sequence[str] = (),
) -> Sanction:
    """Record the determining authority's notice that the country has complied."""
    return _step(
        app,
        actor,
        sanction_id,
        Step(COMPLIANCE, on, actor.role, actor.name, summary, tuple(sources)),
    )


def record_lift(
    app: App,
    actor: Actor,
    sanction_id: str,
    on: date,
    ends: Sequence[str] | None = None,
    effective: date | None = None,
    summary: str = "",
    sources: Sequence[str] = (),
) -> Sanction:
    """End measures from ``effective``: all of them, or only ``ends`` (a partial lift)."""
    step = Step(
        LIFT,
        on,
        actor.role,
        actor.name,
        summary,
        tuple(sources),
        effective=effective,
        ends=tuple(ends) if ends is not None else None,
    )
    return _step(app, actor, sanction_id, step)


def record_verification(
    app: App,
    actor: Actor,
    sanction_id: str,
    on: date,
    measure_ids: Sequence[str],
    sources: Sequence[str],
) -> Sanction:
    """Record that measures were verified as still in force on ``on`` (clears staleness)."""
    if not sources:
        raise InvalidInput("a verification cites the source that shows the measure in force")
    step = Step(
        VERIFICATION,
        on,
        actor.role,
        actor.name,
        "verified in force",
        tuple(sources),
        verified=tuple(measure_ids),
    )
    return _step(app, actor, sanction_id, step)


def _step(
    app: App,
    actor: Actor,
    sanction_id: str,
    step: Step,
    adds: Sequence[Mapping[str, Any]] = (),
) -> Sanction:
    with app.uow() as uow:
        current = fold(uow.ledger.for_subject(SUBJECT, sanction_id))
        if current is None:
            raise NotFound(f"no sanction {sanction_id!r}; record its determination first")
        if adds:
            measures = _measures(app, uow, current, adds)
            step = dataclasses.replace(step, adds=tuple(measures))
        return _record(app, uow, actor, sanction_id, step, None, current)


def _record(
    app: App,
    uow: UnitOfWork,
    actor: Actor,
    sanction_id: str,
    step: Step,
    header: Mapping[str, Any] | None,
    current: Sanction | None = None,
) -> Sanction:
    regime = current_pack(app).policy.regime
    base = current or new_sanction(sanction_id, header or {})
    check_step(base, step, regime.determining_role, regime.ordering_role)
    event = NewEvent(
        step.kind,
        SUBJECT,
        sanction_id,
        step.on,
        actor.name,
        actor.role,
        step_payload(step, header),
        "; ".join(step.sources) or None,
    )
    uow.record([event])
    result = fold(uow.ledger.for_subject(SUBJECT, sanction_id))
    uow.commit()
    assert result is not None
    return result


def _measures(
    app: App, uow: UnitOfWork, current: Sanction, specs: Sequence[Mapping[str, Any]]
) -> list[Measure]:
    policy = current_pack(app).policy
    taken = set(uow.conn.execute(select(sanction_measures.c.measure_id)).scalars())
    measures: list[Measure] = []
    for index, raw in enumerate(specs):
        data = dict(raw)
        if not data.get("id"):
            data["id"] = _next_measure_id(current.id, taken)
        try:
            spec = MeasureSpec.model_validate(data)
            measure = measure_from_spec(
                current.id, current.country, spec, policy, f"measures[{index}]", taken
            )
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInput(f"measures[{index}].{where}: {first['msg']}") from None
        except PackError as error:
            raise InvalidInput(error.message) from None
        measures.append(measure)
    return measures


def _next_measure_id(sanction_id: str, taken: set[str]) -> str:
    n = 1
    while f"{sanction_id}-{n}" in taken:
        n += 1
    return f"{sanction_id}-{n}"
