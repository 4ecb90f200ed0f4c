"""One screening decision, as the API, the dashboard and the command line make it.

The rules (the pack's policy compiled with the measures at one ledger position) are kept in
memory between calls; the decision's log line goes through the group-committed decision log.
A line asks to be logged only if the ledger has not moved since the rules were built; if it
has, the decision is made again on the new rules (a decision is never logged against rules the
ledger had already left when it committed, except on the last attempt, which logs the ledger
position it was really decided on, as a decision on a read snapshot always did).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from readmit.batch.screening import Engine
from readmit.domain import ids
from readmit.domain.countries import country_code
from readmit.domain.sanctions import Measure
from readmit.domain.screening import Decision, NeededInput, decide, inputs_needed, normalise
from readmit.domain.screening_rules import Program
from readmit.packs import LoadedPack
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import screening_pack
from readmit.services.screening.engine import (
    ScreeningRequest,
    ScreeningResult,
    engine_at_head,
    hold_row,
    log_entry,
    mask,
    related_for,
)
from readmit.store.decision_writer import DecisionWriter, LogLine
from readmit.store.demo_mark import demo_source

ATTEMPTS = 3
# Decision ids carry 80 random bits from the OS, drawn 256 at a time: a call to the OS lets the
# decision log's writer take the interpreter, and the request would wait for it to hand it back.
_IDS: list[str] = []
_IDS_LOCK = threading.Lock()
os.register_at_fork(after_in_child=_IDS.clear)  # a forked worker must not reuse the parent's


@dataclass(frozen=True)
class _Rules:
    version: str
    seq: int
    measures: list[Measure]
    engine: Engine
    # Read with the rules at the same ledger position, so a letter need not ask the store again.
    synthetic: bool


def decision_writer(app: App) -> DecisionWriter:
    """Return this process's writer of the decision log."""
    writer = app.memo.get("decision_writer")
    if not isinstance(writer, DecisionWriter):
        writer = app.memo["decision_writer"] = DecisionWriter(
            app.engine, wait_for_disk=app.settings.decision_log_wait_for_disk
        )
    return writer


def _rules_key(pack: LoadedPack) -> str:
    return f"screening_rules:{pack.name}"  # each pack's rules are kept apart


def _kept_rules(app: App, pack: LoadedPack) -> _Rules | None:
    rules, head = app.memo.get(_rules_key(pack)), decision_writer(app).head
    if isinstance(rules, _Rules) and rules.version == pack.version and head in (None, rules.seq):
        return rules
    return None


def _load_rules(app: App, pack: LoadedPack) -> _Rules:
    with app.uow(write=False) as uow:
        measures, engine, seq = engine_at_head(app, uow, pack)
        synthetic = demo_source(uow.conn) is not None
    rules = app.memo[_rules_key(pack)] = _Rules(pack.version, seq, measures, engine, synthetic)
    return rules


def _new_id() -> str:
    with _IDS_LOCK:
        if not _IDS:
            drawn, size = os.urandom(ids.DECISION_BYTES * 256), ids.DECISION_BYTES
            _IDS.extend(ids.decision_id(drawn[i : i + size]) for i in range(0, len(drawn), size))
        return _IDS.pop()


def program_for(engine: Engine, inputs: Mapping[str, Any]) -> Program:
    """The program that decides these inputs: the post's own, when only its measures can apply.

    Under the rule that a measure applies only to issuance in its country, the batch path runs
    each post's program (or the reading checks alone); a test holds it to the full program.
    """
    if engine.by_country is None:
        return engine.full
    post = normalise("post_country", inputs.get("post_country"))
    return engine.by_country.get(post, engine.reading_only)


def _attempt(
    rules: _Rules, pack: LoadedPack, actor: Actor, request: ScreeningRequest, *, last: bool
) -> tuple[ScreeningResult, LogLine]:
    inputs, as_of = request.inputs, request.as_of
    today = request.today or date.today()
    decision = decide(program_for(rules.engine, inputs), inputs, as_of, today)
    decision_id = _new_id()
    related = related_for(pack, decision)
    line = _log_line(
        decision_id,
        decision,
        actor,
        pack,
        seq=rules.seq,
        as_of=as_of,
        exact=not last,
        related=tuple(f.measure.id for f in related),
    )
    matched = [m for m in rules.measures if m.id in decision.measures]
    result = ScreeningResult(
        decision_id,
        decision,
        pack.name,
        pack.version,
        matched,
        related,
        pack.policy.regime.called,
        pack.policy.regime,
        rules.synthetic,
    )
    return result, line


def screen_one(app: App, actor: Actor, request: ScreeningRequest) -> ScreeningResult:
    """Screen one application against the measures in force on its governing date, under the
    request's pack (default: the installation's).

    Returns once its decision is logged (unless the request's ``log`` is off).
    """
    for attempt in range(ATTEMPTS):
        pack = screening_pack(app, request.pack)
        fresh = _kept_rules(app, pack) if request.log else None
        rules = fresh or _load_rules(app, pack)
        result, line = _attempt(rules, pack, actor, request, last=attempt == ATTEMPTS - 1)
        if not request.log or decision_writer(app).submit(line).result().logged:
            return result
    raise AssertionError("the last attempt is always logged")  # pragma: no cover


async def screen_one_async(app: App, actor: Actor, request: ScreeningRequest) -> ScreeningResult:
    """``screen_one`` for an event loop: it decides in the loop and awaits the log's commit.

    The decision is always logged, whatever the request's ``log``: an API decision can be cited.
    """
    for attempt in range(ATTEMPTS):
        pack = screening_pack(app, request.pack)
        # Rules are rebuilt only when the ledger or the pack moved: then off the loop.
        rules = _kept_rules(app, pack)
        if rules is None:
            rules = await asyncio.to_thread(_load_rules, app, pack)
        result, line = _attempt(rules, pack, actor, request, last=attempt == ATTEMPTS - 1)
        written = await asyncio.wrap_future(decision_writer(app).submit(line))
        if written.logged:
            return result
    raise AssertionError("the last attempt is always logged")  # pragma: no cover


def _log_line(
    decision_id: str,
    result: Decision,
    actor: Actor,
    pack: LoadedPack,
    *,
    seq: int,
    as_of: date | None,
    exact: bool,
    related: tuple[str, ...] = (),
) -> LogLine:
    # The related measures reported beside the decision are logged by id, not decided on.
    outcome = {**result.outputs(), "holding": list(result.holding), "related": list(related)}
    row = {
        **log_entry(decision_id, "single", actor, pack, seq=seq, as_of=as_of),
        "decision": result.decision,
        "outcome": outcome,
        "inputs": mask(result),
        "input_name": None,
        "input_digest": None,
        "row_count": 1,
        "counts": None,
    }
    day, holds = result.decision_on, []
    if result.holding and day is not None:
        holds = [
            hold_row(
                decision_id, None, row=None, inputs=result.inputs, on=day, measures=result.holding
            )
        ]
    return LogLine(row, holds, exact)


def needed_inputs(
    app: App,
    nationality: str,
    *,
    post_country: str,
    decision_date: date | None = None,
    pack: str | None = None,
) -> list[NeededInput]:
    """List the fields that could change the outcome for this nationality, post and date (under
    the named pack of the registry, or the default one)."""
    nat, post = country_code(nationality), country_code(post_country)
    loaded = screening_pack(app, pack)
    with app.uow(write=False) as uow:
        measures, _engine, _seq = engine_at_head(app, uow, loaded)
    return inputs_needed(measures, loaded.policy, nat, post, decision_date or date.today())
