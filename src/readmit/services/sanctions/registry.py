"""The sanction registry as of any date: sanctions, their measures and their state.

Reading:
    list_sanctions(app, as_of=None, country=None) -> list[SanctionSummary]
    show_sanction(app, sanction_id) -> SanctionView
    measures_in_force(app, on, country=None) -> list[MeasureView]
Writing is ``steps.record_step`` (one command per lifecycle step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import NotFound
from readmit.domain.events import Event
from readmit.domain.sanctions import Measure, MeasureState
from readmit.domain.sanctions_lifecycle import (
    SUBJECT,
    Sanction,
    fold,
)
from readmit.services.context import App
from readmit.services.sanctions.pack import registry_packs, screening_pack
from readmit.store.sanction_projection import load_sanction_rows

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
    regime: str = ""  # the pack (regime) whose history recorded it


@dataclass(frozen=True)
class SanctionView:
    summary: SanctionSummary
    sanction: Sanction
    events: list[Event] = field(default_factory=list)


def _views(measures: Sequence[Measure], as_of: date, today: date) -> list[MeasureView]:
    return [
        MeasureView(m, m.state_on(as_of).value, m.stale(today), m.validity_text()) for m in measures
    ]


def _summary(s: Sanction, as_of: date, today: date, default_regime: str = "") -> SanctionSummary:
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
        regime=s.regime or default_regime,
    )


def list_sanctions(
    app: App,
    as_of: date | None = None,
    *,
    country: str | None = None,
    today: date | None = None,
    regime: str | None = None,
) -> list[SanctionSummary]:
    """Return every sanction known on ``as_of`` (default today), with its status that day.

    Every regime's sanctions, or one regime's (a pack name; live-recorded sanctions count as
    the default pack's).

    Raises:
        InvalidInput: ``regime`` is not one of the registry's packs.
    """
    today = today or date.today()
    as_of = as_of or today
    code = country_code(country) if country else None
    default = current_regime(app)  # loading the packs registers each regime's lifecycle
    if regime is not None:
        regime = screening_pack(app, regime).name
    with app.uow(write=False) as uow:
        rows = load_sanction_rows(
            uow.conn, code, regime=regime, unlabelled=regime in (None, default)
        )
        folded = [fold(uow.ledger.for_subject(SUBJECT, r["sanction_id"])) for r in rows]
    ordered = sorted((s for s in folded if s is not None), key=lambda s: (s.steps[0].on, s.id))
    summaries = [_summary(s, as_of, today, default) for s in ordered]
    return [s for s in summaries if s.status != "not_yet"]


def show_sanction(app: App, sanction_id: str, today: date | None = None) -> SanctionView:
    """Return one sanction: its timeline of events, measures over time, sources, staleness."""
    today = today or date.today()
    registry_packs(app)
    with app.uow(write=False) as uow:
        events = uow.ledger.for_subject(SUBJECT, sanction_id)
    sanction = fold(events)
    if sanction is None:
        raise NotFound(f"no sanction {sanction_id!r}; `readmit sanctions list` shows them all")
    return SanctionView(_summary(sanction, today, today, current_regime(app)), sanction, events)


def current_regime(app: App) -> str:
    """The regime of a sanction recorded live: the default pack's."""
    return registry_packs(app)[0].name


def measures_in_force(
    app: App,
    on: date,
    *,
    country: str | None = None,
    today: date | None = None,
) -> list[MeasureView]:
    """Return the measures in force on ``on`` (and those the record cannot place that day)."""
    from readmit.store.sanction_projection import load_measures

    code = country_code(country) if country else None
    with app.uow(write=False) as uow:
        measures = load_measures(uow.conn, on, code)
    views = _views(measures, on, today or date.today())
    return [v for v in views if v.state != MeasureState.NOT_IN_FORCE]
