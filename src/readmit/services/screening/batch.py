"""Screening (DESIGN "Screening"): one application or a whole file; the API and web call these.

    screen_application(app, inputs, actor, as_of=None) -> ScreeningResult
        ``inputs`` maps input column names to values; a missing key means an empty field.
    screen_file(app, source, target, actor, as_of=None, progress=None) -> BatchSummary
        CSV or Parquet by extension, streamed; ``progress(rows_done, fraction_done)``.
    needed_inputs(app, nationality, post_country, decision_date) -> list[NeededInput]
    letter(app, decision_id) -> str          the letter of a logged single decision
    replay(app, decision_id, source=None) -> ReplayResult
    resumed(app, sanction_id, as_of=None) -> list[HeldApplication]

Every single decision is logged with its inputs (personal fields masked) and the pack version;
a batch is logged once and each row's id is ``<batch id>:<row number>``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from readmit.batch.screening import Engine, build_engine
from readmit.batch.screening import screen_file as run_batch
from readmit.batch.screening_files import file_digest, kind_of, read_row
from readmit.domain.countries import country_code
from readmit.domain.errors import InvalidInput, NotFound
from readmit.domain.events import utc_now, utc_text
from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_lifecycle import SUBJECT, fold
from readmit.domain.screening import Decision, NeededInput, decide, inputs_needed
from readmit.domain.screening_compile import compile_program
from readmit.domain.screening_letter import render_letter
from readmit.domain.screening_rules import add_years
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import current_pack
from readmit.store.decision_log import add_holds, get_decision, holds_for, log_decision
from readmit.store.sanction_projection import load_measures
from readmit.store.uow import UnitOfWork


@dataclass(frozen=True)
class ScreeningResult:
    decision_id: str
    decision: Decision
    pack: str
    pack_version: str
    measures: list[Measure]

    @property
    def has_letter(self) -> bool:
        return self.decision.decision in {"discontinued", "restricted"}


@dataclass(frozen=True)
class BatchSummary:
    batch_id: str
    rows: int
    malformed: int
    by_decision: dict[str, int]
    by_measure: dict[str, int]
    pack_version: str
    input_digest: str
    target: Path

    @property
    def invalid(self) -> int:
        return self.by_decision.get("invalid", 0)


@dataclass(frozen=True)
class ReplayResult:
    decision_id: str
    kind: str
    then: Decision
    now: Decision
    logged: dict[str, Any] | None
    unchanged: bool
    pack_version_then: str
    pack_version_now: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HeldApplication:
    decision_id: str
    application_id: str
    post_country: str
    visa_class: str
    decision_on: date
    measures: tuple[str, ...]
    resumed_on: date | None


_ENGINES: dict[tuple[str, str, int], tuple[list[Measure], Engine]] = {}


def _engine(app: App, uow: UnitOfWork) -> tuple[list[Measure], Engine, int]:
    pack = current_pack(app)
    seq = uow.ledger.head()[0]
    key = (str(app.engine.url), pack.version, seq)
    if key not in _ENGINES:
        measures = load_measures(uow.conn)
        _ENGINES.clear()
        _ENGINES[key] = (measures, _build(measures, app))
    measures, engine = _ENGINES[key]
    return measures, engine, seq


def _build(measures: list[Measure], app: App) -> Engine:
    return build_engine(measures, current_pack(app).policy)


def screen_application(
    app: App,
    inputs: Mapping[str, Any],
    actor: Actor,
    as_of: date | None = None,
    log: bool = True,
    today: date | None = None,
) -> ScreeningResult:
    """Screen one application against the measures in force on its decision date; log it."""
    # The single-decision path (kept rules, group-committed log) lives in its own module.
    from readmit.services.screening.single import screen_one

    return screen_one(app, inputs, actor, as_of, log, today)


def _hold_row(
    decision_id: str,
    batch_id: str | None,
    row: int | None,
    inputs: Mapping[str, str],
    on: date,
    measures: tuple[str, ...] | str,
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "batch_id": batch_id,
        "row_number": row,
        "application_id": inputs.get("application_id", ""),
        "nationality": inputs.get("nationality", ""),
        "post_country": inputs.get("post_country", ""),
        "visa_class": inputs.get("visa_class", ""),
        "decision_on": on,
        "measures": measures if isinstance(measures, str) else ";".join(measures),
    }


def mask(result: Decision) -> dict[str, Any]:
    """The inputs to log: the date of birth becomes the age on the decision date."""
    inputs: dict[str, Any] = dict(result.inputs)
    born = inputs.pop("date_of_birth", "")
    if born:
        from readmit.domain.screening import parse_day

        day, parsed = result.decision_on, parse_day(born)
        inputs["age_on_decision_date"] = _age(parsed, day) if parsed and day else "unreadable"
    return inputs


def _age(born: date, day: date) -> int:
    years = day.year - born.year
    while years > 0 and add_years(born, years) > day:
        years -= 1
    return years


def unmask(inputs: Mapping[str, Any], day: date) -> dict[str, Any]:
    """Rebuild screening inputs from a logged entry (a birth date consistent with the age)."""
    restored = {k: v for k, v in inputs.items() if k != "age_on_decision_date"}
    age = inputs.get("age_on_decision_date")
    if isinstance(age, int):
        restored["date_of_birth"] = add_years(day, -age).isoformat()
    return restored


def needed_inputs(
    app: App, nationality: str, post_country: str, decision_date: date | None = None
) -> list[NeededInput]:
    """List the fields that could change the outcome for this nationality, post and date."""
    nat, post = country_code(nationality), country_code(post_country)
    with app.uow(write=False) as uow:
        measures, _e, _s = _engine(app, uow)
    return inputs_needed(
        measures, current_pack(app).policy, nat, post, decision_date or date.today()
    )


def letter(app: App, decision_id: str) -> str:
    """Render the letter of a logged single decision (discontinued or restricted)."""
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, decision_id)
        measures, _e, _s = _engine(app, uow)
    if entry is None or entry["kind"] != "single":
        raise NotFound(f"no single decision {decision_id!r} in the decision log")
    outcome = entry["outcome"]
    decision = Decision(
        decision=outcome["decision"],
        measures=tuple(m for m in outcome["measures"].split(";") if m),
        reasons=outcome["reasons"],
        citations=outcome["citations"],
        restrictions=outcome["restrictions"],
        decision_on=_decision_day(entry),
        inputs=entry["inputs"],
        holding=tuple(outcome.get("holding", [])),
        restricting=tuple(m.split(":")[0] for m in outcome["restrictions"].split(" | ") if m),
    )
    return render_letter(
        current_pack(app).policy, decision, {m.id: m for m in measures}, decision_id
    )


def letter_for(app: App, result: ScreeningResult) -> str:
    """Render the letter of a decision just made."""
    by_id = {m.id: m for m in result.measures}
    return render_letter(current_pack(app).policy, result.decision, by_id, result.decision_id)


def _decision_day(entry: Mapping[str, Any]) -> date:
    text = entry["inputs"].get("decision_date") or entry["created_at"][:10]
    return entry["as_of"] or date.fromisoformat(text)


def screen_file(
    app: App,
    source: Path,
    target: Path,
    actor: Actor,
    as_of: date | None = None,
    progress: Any = None,
    today: date | None = None,
) -> BatchSummary:
    """Screen a CSV or Parquet file into ``target`` (same rows plus decision columns); log it."""
    today = today or date.today()
    kind_of(source), kind_of(target)
    if not source.exists():
        raise NotFound(f"no input file {source}")
    if source.resolve() == target.resolve():
        raise InvalidInput("the output file must differ from the input file")
    pack = current_pack(app)
    batch_id = f"b-{uuid.uuid4().hex[:16]}"
    with app.uow(write=False) as uow:
        _measures, engine, seq = _engine(app, uow)
    # The input's digest is computed while it is screened (hashing releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(file_digest, source)
        result = run_batch(source, target, engine, batch_id, as_of, today, progress)
        digest = hashing.result()
    counts = {
        "by_decision": dict(result.by_decision),
        "by_measure": dict(result.by_measure),
        "malformed": result.malformed,
    }
    with app.uow() as uow:
        log_decision(
            uow.conn,
            {
                "decision_id": batch_id,
                "kind": "batch",
                "created_at": utc_text(utc_now()),
                "actor": actor.name,
                "role": actor.role,
                "pack": pack.name,
                "pack_version": pack.version,
                "ledger_seq": seq,
                "as_of": as_of,
                "decision": None,
                "outcome": None,
                "inputs": None,
                "input_name": source.name,
                "input_digest": digest,
                "row_count": result.rows,
                "counts": counts,
            },
        )
        add_holds(
            uow.conn,
            [
                _hold_row(
                    f"{batch_id}:{h.row_number}",
                    batch_id,
                    h.row_number,
                    h.__dict__,
                    h.decision_on,
                    h.measures,
                )
                for h in result.holds
            ],
        )
        uow.commit()
    return BatchSummary(
        batch_id,
        result.rows,
        result.malformed,
        dict(result.by_decision),
        dict(result.by_measure),
        pack.version,
        digest,
        target,
    )


def replay(app: App, decision_id: str, source: Path | None = None) -> ReplayResult:
    """Re-evaluate a logged decision: as the ledger stood then, and now; say if it changed."""
    batch_id, _, row = decision_id.partition(":")
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, batch_id)
        if entry is None:
            raise NotFound(f"no decision {decision_id!r} in the decision log")
        then_measures = measures_at(uow, entry["ledger_seq"])
        _now_measures, engine, _seq = _engine(app, uow)
    policy = current_pack(app).policy
    notes: list[str] = []
    as_of: date | None
    if entry["kind"] == "single":
        day = _decision_day(entry)
        inputs, as_of, today = unmask(entry["inputs"], day), day, day
    else:
        inputs, as_of, today = _batch_row(entry, row, source, notes)
    then = decide(compile_program(then_measures, policy), inputs, as_of, today)
    now = decide(engine.full, inputs, as_of, today)
    logged = entry["outcome"] if entry["kind"] == "single" else None
    if logged is not None and _key(then) != (
        logged["decision"],
        logged["measures"],
        logged["restrictions"],
    ):
        notes.append("the pack's policy (classes, organisations, ranks) changed since the decision")
    if entry["pack_version"] != policy.version:
        notes.append(
            f"the pack changed since: version {entry['pack_version']} then, {policy.version} now"
        )
    return ReplayResult(
        decision_id,
        entry["kind"],
        then,
        now,
        logged,
        _key(then) == _key(now),
        entry["pack_version"],
        policy.version,
        notes,
    )


def _key(d: Decision) -> tuple[str, str, str]:
    return d.decision, ";".join(d.measures), d.restrictions


def _batch_row(
    entry: Mapping[str, Any], row: str, source: Path | None, notes: list[str]
) -> tuple[dict[str, Any], date | None, date]:
    if not row.isdigit():
        raise InvalidInput(
            f"a batch row is named <batch id>:<row number>, e.g. {entry['decision_id']}:1"
        )
    if source is None:
        raise InvalidInput("replaying a batch row needs the input file (--input FILE)")
    if file_digest(source) != entry["input_digest"]:
        raise InvalidInput(
            f"{source.name} is not the file of batch {entry['decision_id']} (its digest differs)"
        )
    inputs = read_row(source, int(row))
    return inputs, entry["as_of"], date.fromisoformat(entry["created_at"][:10])


def measures_at(uow: UnitOfWork, seq: int) -> list[Measure]:
    """The measures as the ledger recorded them up to event ``seq``."""
    from sqlalchemy import select

    from readmit.store.schema import events

    ids = uow.conn.execute(
        select(events.c.subject_id)
        .where(events.c.subject_type == SUBJECT, events.c.seq <= seq)
        .distinct()
    ).scalars()
    measures: list[Measure] = []
    for sanction_id in sorted(ids):
        folded = fold(uow.ledger.for_subject(SUBJECT, sanction_id), upto=seq)
        if folded is not None:
            measures.extend(folded.measures.values())
    return sorted(measures, key=lambda m: m.id)


def resumed(app: App, sanction_id: str, as_of: date | None = None) -> list[HeldApplication]:
    """List the discontinued applications held by this sanction that can now be processed."""
    as_of = as_of or date.today()
    with app.uow(write=False) as uow:
        sanction = fold(uow.ledger.for_subject(SUBJECT, sanction_id))
        if sanction is None:
            raise NotFound(f"no sanction {sanction_id!r}")
        every = {m.id: m for m in load_measures(uow.conn)}
        rows = holds_for(uow.conn, sanction.measures)
    queue = []
    for row in rows:
        ids = tuple(m for m in row["measures"].split(";") if m)
        held_by = [every[i] for i in ids if i in every]
        if all(m.ended(as_of) for m in held_by):
            ends = [m.valid_to or m.ended_by for m in held_by]
            resumed_on = max((d for d in ends if d is not None), default=None)
            queue.append(
                HeldApplication(
                    row["decision_id"],
                    row["application_id"],
                    row["post_country"],
                    row["visa_class"],
                    row["decision_on"],
                    ids,
                    resumed_on,
                )
            )
    return queue
