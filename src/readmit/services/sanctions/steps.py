"""The steps of a sanction's lifecycle, each one command that the edges build and hand over.

    record_step(app, actor, command) -> Sanction

The commands: ``Determine`` (the determining authority finds that a country does not
cooperate), ``Notify`` (it tells the visa authority), ``Order`` (the visa authority orders
measures), ``Amend`` (widens or narrows them), ``NotifyCompliance`` (the determining authority
says the country complied), ``Lift`` (the visa authority ends measures, wholly or partly) and
``Verify`` (a dated source shows measures still in force). The caller's ``Actor.role`` is
checked against the regime's separation of duties, the order of steps against the lifecycle.
Errors: SeparationOfDuties (wrong role), IllegalTransition (out of order), InvalidInput (a bad
measure), NotFound (no such sanction or assessment), Conflict (the sanction id is taken).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from readmit.domain import ids
from readmit.domain.countries import country_code
from readmit.domain.errors import Conflict, InvalidInput, NotFound, PackError
from readmit.domain.events import NewEvent
from readmit.domain.sanctions import Measure
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
from readmit.packs import LoadedPack
from readmit.packs.checks import measure_from_spec
from readmit.packs.models import MeasureSpec
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import pack_of_regime, screening_pack
from readmit.services.transparency import sign_tree_head
from readmit.store.sanctions_schema import sanction_measures
from readmit.store.uow import UnitOfWork

ASSESSMENT_SUBJECT = "assessment"
MeasureSpecs = Sequence[Mapping[str, Any]]  # measures as the pack's YAML gives them


@dataclass(frozen=True, kw_only=True)
class Determine:
    country: str
    on: date
    title: str
    assessments: Sequence[str]
    summary: str = ""
    sources: Sequence[str] = ()
    sanction_id: str | None = None  # default: <country>-<year>, numbered if taken


@dataclass(frozen=True, kw_only=True)
class SanctionStep:
    """What every step after the determination names: the sanction, the day, its sources."""

    sanction_id: str
    on: date
    summary: str = ""
    sources: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class Notify(SanctionStep):
    pass


@dataclass(frozen=True, kw_only=True)
class Order(SanctionStep):
    measures: MeasureSpecs
    effective: date | None = None  # default: the day of the order


@dataclass(frozen=True, kw_only=True)
class Amend(SanctionStep):
    adds: MeasureSpecs = ()
    ends: Sequence[str] = ()
    effective: date | None = None


@dataclass(frozen=True, kw_only=True)
class NotifyCompliance(SanctionStep):
    pass


@dataclass(frozen=True, kw_only=True)
class Lift(SanctionStep):
    ends: Sequence[str] | None = None  # None ends every measure; a list, a partial lift
    effective: date | None = None


@dataclass(frozen=True, kw_only=True)
class Verify(SanctionStep):
    measure_ids: Sequence[str]


@dataclass(frozen=True, kw_only=True)
class TakeStep:
    """Any step of a regime's lifecycle, by the name its pack gives it (``proposal``,
    ``adoption``, ``repeal`` of the Visa Code; ``specification`` of s.72…).

    Without ``sanction_id`` (or with one not yet in the ledger) the step opens a sanction of
    ``country`` under ``pack`` (default: the installation's); the pack's lifecycle must let the
    step open one. On an existing sanction, its own regime's lifecycle decides.
    """

    kind: str
    on: date
    pack: str | None = None
    sanction_id: str | None = None
    country: str | None = None
    title: str = ""
    summary: str = ""
    sources: Sequence[str] = ()
    adds: MeasureSpecs = ()
    ends: Sequence[str] | None = None
    effective: date | None = None
    measure_ids: Sequence[str] = ()
    assessments: Sequence[str] = ()


LaterStep = Notify | Order | Amend | NotifyCompliance | Lift | Verify
Command = Determine | LaterStep | TakeStep


def record_step(app: App, actor: Actor, command: Command) -> Sanction:
    """Record one lifecycle step in the ledger and return the sanction as it now stands."""
    if isinstance(command, Determine):
        result = _determine(app, actor, command)
    elif isinstance(command, TakeStep):
        result = _regime_step(app, actor, command)
    else:
        step = _step_of(command, actor)
        adds = command.measures if isinstance(command, Order) else ()
        adds = command.adds if isinstance(command, Amend) else adds
        result = _later_step(app, actor, command.sanction_id, step, adds)
    sign_tree_head(app, reason="sanction step")
    return result


_KINDS: dict[type[SanctionStep], str] = {
    Notify: NOTIFICATION,
    Order: ORDER,
    Amend: AMENDMENT,
    NotifyCompliance: COMPLIANCE,
    Lift: LIFT,
    Verify: VERIFICATION,
}


_DEFAULT_SUMMARY: dict[type[SanctionStep], str] = {Verify: "verified in force"}


def _step_of(command: SanctionStep, actor: Actor) -> Step:
    """The lifecycle step a command asks for, signed by its actor."""
    if isinstance(command, Verify) and not command.sources:
        raise InvalidInput("a verification cites the source that shows the measure in force")
    effective = getattr(command, "effective", None)
    ends = getattr(command, "ends", None)
    return Step(
        _KINDS[type(command)],
        command.on,
        actor.role,
        actor.name,
        command.summary or _DEFAULT_SUMMARY.get(type(command), ""),
        tuple(command.sources),
        effective=effective,
        ends=tuple(ends) if ends is not None else None,
        verified=tuple(command.measure_ids) if isinstance(command, Verify) else (),
    )


def _regime_step(app: App, actor: Actor, command: TakeStep) -> Sanction:
    pack = screening_pack(app, command.pack)  # one of the registry's packs, or a clear refusal
    step = Step(
        command.kind,
        command.on,
        actor.role,
        actor.name,
        command.summary,
        tuple(command.sources),
        effective=command.effective,
        ends=tuple(command.ends) if command.ends is not None else None,
        assessments=tuple(command.assessments),
        verified=tuple(command.measure_ids),
    )
    with app.uow() as uow:
        _check_assessments(uow, command.assessments)
        current = None
        if command.sanction_id:
            current = fold(uow.ledger.for_subject(SUBJECT, command.sanction_id))
        if current is None:
            return _open(app, uow, actor, command, pack, step)
        if command.pack and pack_of_regime(app, current.regime).name != pack.name:
            raise InvalidInput(
                f"sanction {current.id} is of the {pack_of_regime(app, current.regime).name} "
                f"regime, not {pack.name}: leave out the pack or name its own"
            )
        rule = current.lifecycle.rule(command.kind)
        if rule is not None and rule.verifies and not (command.sources and command.measure_ids):
            raise InvalidInput(
                "a verification names the measures verified and the source that shows them in force"
            )
        if command.adds:
            step = dataclasses.replace(step, adds=tuple(_measures(app, uow, current, command.adds)))
        return _record(app, uow, actor, current.id, step, current=current)


def _open(
    app: App, uow: UnitOfWork, actor: Actor, command: TakeStep, pack: LoadedPack, step: Step
) -> Sanction:
    """Open a sanction with ``step`` under ``pack``'s lifecycle (it must be an opening step)."""
    if not command.country:
        raise InvalidInput(
            f"no sanction {command.sanction_id!r}: to open one, name its country"
            if command.sanction_id
            else "name the sanction (sanction_id) or, to open one, its country"
        )
    if not command.title.strip():
        raise InvalidInput("a step that opens a sanction needs a title")
    code = country_code(command.country)
    header = {"country": code, "title": command.title, "summary": command.summary}
    sanction_id = command.sanction_id or _free_id(uow, code, command.on.year)
    base = new_sanction(sanction_id, header, pack.name)
    if command.adds:
        step = dataclasses.replace(step, adds=tuple(_measures(app, uow, base, command.adds)))
    return _record(app, uow, actor, sanction_id, step, header={**header, "pack": pack.name})


def _check_assessments(uow: UnitOfWork, assessments: Sequence[str]) -> None:
    for assessment in assessments:
        if not uow.ledger.for_subject(ASSESSMENT_SUBJECT, assessment):
            raise NotFound(f"no assessment {assessment!r} in the ledger")


def _determine(app: App, actor: Actor, command: Determine) -> Sanction:
    code = country_code(command.country)
    if not command.assessments:
        raise InvalidInput("a determination cites one or more assessments")
    if not command.title.strip():
        raise InvalidInput("a determination needs a title")
    step = Step(
        DETERMINATION,
        command.on,
        actor.role,
        actor.name,
        command.summary,
        tuple(command.sources),
        assessments=tuple(command.assessments),
    )
    header = {"country": code, "title": command.title, "summary": command.summary}
    with app.uow() as uow:
        _check_assessments(uow, command.assessments)
        new_id = command.sanction_id or _free_id(uow, code, command.on.year)
        if uow.ledger.for_subject(SUBJECT, new_id):
            raise Conflict(f"sanction {new_id} already exists")
        return _record(app, uow, actor, new_id, step, header=header)


def _free_id(uow: UnitOfWork, country: str, year: int) -> str:
    n = 1
    while uow.ledger.for_subject(SUBJECT, ids.sanction_id(country, year, n)):
        n += 1
    return ids.sanction_id(country, year, n)


def _later_step(
    app: App, actor: Actor, sanction_id: str, step: Step, adds: MeasureSpecs
) -> Sanction:
    with app.uow() as uow:
        current = fold(uow.ledger.for_subject(SUBJECT, sanction_id))
        if current is None:
            raise NotFound(f"no sanction {sanction_id!r}; record its determination first")
        if adds:
            measures = _measures(app, uow, current, adds)
            step = dataclasses.replace(step, adds=tuple(measures))
        return _record(app, uow, actor, sanction_id, step, current=current)


def _record(
    app: App,
    uow: UnitOfWork,
    actor: Actor,
    sanction_id: str,
    step: Step,
    *,
    header: Mapping[str, Any] | None = None,
    current: Sanction | None = None,
) -> Sanction:
    header = header or {}
    base = current or new_sanction(sanction_id, header, header.get("pack"))
    regime = pack_of_regime(app, base.regime).policy.regime
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
    policy = pack_of_regime(app, current.regime).policy  # the sanction's own regime's classes
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
    while ids.measure_id(sanction_id, n) in taken:
        n += 1
    return ids.measure_id(sanction_id, n)
