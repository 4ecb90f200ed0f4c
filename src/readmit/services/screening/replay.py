"""Replay a logged decision (as the ledger stood then, and now), and the queue a lift releases.

A single decision is replayed from its logged inputs; a batch row (``<batch id>:<row>``) from
the batch's input file, which must be the very file screened (its digest is checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from readmit.batch.screening_files import file_digest, read_row
from readmit.domain import ids
from readmit.domain.errors import InvalidInput, NotFound
from readmit.domain.sanctions_lifecycle import SUBJECT, fold
from readmit.domain.screening import Decision, decide
from readmit.domain.screening_compile import compile_program
from readmit.services.context import App
from readmit.services.sanctions.pack import current_pack
from readmit.services.screening.engine import decision_day, engine_at_head, measures_at, unmask
from readmit.store.decision_log import get_decision, holds_for
from readmit.store.sanction_projection import load_measures


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

    def to_dict(self) -> dict[str, Any]:
        """The replay as the API answers it and the command line prints it."""
        return {
            "decision_id": self.decision_id,
            "kind": self.kind,
            "unchanged": self.unchanged,
            "then": self.then.outputs(),
            "now": self.now.outputs(),
            "logged": self.logged,
            "pack_version_then": self.pack_version_then,
            "pack_version_now": self.pack_version_now,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class HeldApplication:
    decision_id: str
    application_id: str
    post_country: str
    visa_class: str
    decision_on: date
    measures: tuple[str, ...]
    resumed_on: date | None


def replay(app: App, decision_id: str, source: Path | None = None) -> ReplayResult:
    """Re-evaluate a logged decision: as the ledger stood then, and now; say if it changed."""
    batch_id, row = ids.split_batch_row(decision_id)
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, batch_id)
        if entry is None:
            raise NotFound(f"no decision {decision_id!r} in the decision log")
        then_measures = measures_at(uow, entry["ledger_seq"])
        _now_measures, engine, _seq = engine_at_head(app, uow)
    policy = current_pack(app).policy
    notes: list[str] = []
    as_of: date | None
    if entry["kind"] == "single":
        day = decision_day(entry)
        inputs, as_of, today = unmask(entry["inputs"], day), day, day
    else:
        inputs, as_of, today = _batch_row(entry, row, source)
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
    entry: Mapping[str, Any], row: str, source: Path | None
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
