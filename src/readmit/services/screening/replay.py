"""Replay a logged decision (as the ledger stood then, and now), and the queue a lift releases.

A single decision is replayed from its logged inputs; a batch row (``<batch id>:<row>``) from
the batch's input file, which must be the very file screened (its digest is checked). Over the
API and the dashboard (``replay_as``, ``resumed_as``) a decision, a batch's rows and the
applications they held exist only for the officer who screened them and for roles that see
every officer's (``may_see_screening_of``); the command line is the operator's and sees all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from readmit.batch.screening_files import file_digest, read_row
from readmit.domain import ids
from readmit.domain.errors import InvalidInput, NotFound
from readmit.domain.permissions import may_see_screening_of
from readmit.domain.sanctions_lifecycle import SUBJECT, fold
from readmit.domain.screening import Decision, decide
from readmit.domain.screening_compile import compile_program
from readmit.packs import LoadedPack
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import current_pack, is_default, registry_packs
from readmit.services.screening.engine import decision_day, engine_at_head, measures_at, unmask
from readmit.services.screening.jobs import batch_input
from readmit.store.decision_log import get_decision, holds_for
from readmit.store.sanction_projection import load_measures
from readmit.store.sanctions_schema import decisions


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
    pack: str = ""  # the pack (regime) the decision was made and replayed under

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
            "pack": self.pack,
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
    times_held: int = 1  # screenings that held it (the same file uploaded twice: 2)


def _missing(decision_id: str) -> NotFound:
    return NotFound(f"no decision {decision_id!r} in the decision log", decision_id=decision_id)


def visible_entry(app: App, actor: Actor, decision_id: str) -> dict[str, Any]:
    """Return the log entry of a decision (or of a batch row's batch) ``actor`` may see.

    Raises:
        NotFound: no such decision, or another officer's: the same answer either way.
    """
    batch_id, _row = ids.split_batch_row(decision_id)
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, batch_id)
    if entry is None or not may_see_screening_of(actor.role, actor.name, entry["actor"]):
        raise _missing(decision_id)
    return entry


def replay_as(app: App, actor: Actor, decision_id: str) -> ReplayResult:
    """Replay a decision ``actor`` may see; a batch row from the upload its job kept."""
    entry = visible_entry(app, actor, decision_id)
    batch_id, row = ids.split_batch_row(decision_id)
    source = batch_input(app, decision_id)
    if row and source is None and entry["kind"] != "single":
        raise InvalidInput(
            f"batch {batch_id} was screened from a file this server did not keep (a file "
            f"screened on the command line): replay its rows there, with "
            f"`readmit decisions replay {decision_id} --input FILE`",
            decision_id=decision_id,
        )
    return replay(app, decision_id, source)


def decided_on(entry: Mapping[str, Any], decision_id: str) -> date:
    """Return the day a single decision was decided on, or say why it has none (a 4xx)."""
    try:
        return decision_day(entry)
    except ValueError:
        given = (entry.get("inputs") or {}).get("decision_date")
        raise InvalidInput(
            f"decision {decision_id} was refused as invalid because its decision date "
            f"{given!r} is not a date (YYYY-MM-DD): there is nothing to replay and no letter; "
            "screen the application again with a real date",
            decision_id=decision_id,
            decision_date=given,
        ) from None


def replay(app: App, decision_id: str, source: Path | None = None) -> ReplayResult:
    """Re-evaluate a logged decision: as the ledger stood then, and now; say if it changed."""
    batch_id, row = ids.split_batch_row(decision_id)
    with app.uow(write=False) as uow:
        entry = get_decision(uow.conn, batch_id)
        if entry is None:
            raise _missing(decision_id)
        # The decision's own regime: the pack its log entry names (every entry names one).
        pack = _pack_of(app, entry)
        then_measures = measures_at(
            uow, entry["ledger_seq"], regime=pack.name, unlabelled=is_default(app, pack)
        )
        _now_measures, engine, _seq = engine_at_head(app, uow, pack)
    policy = pack.policy
    notes: list[str] = []
    if pack.name != entry["pack"]:
        notes.append(
            f"pack {entry['pack']} of the decision is not in this registry now: replayed under "
            f"{pack.name}"
        )
    as_of: date | None
    if entry["kind"] == "single":
        day = decided_on(entry, decision_id)
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
        pack.name,
    )


def _pack_of(app: App, entry: Mapping[str, Any]) -> LoadedPack:
    """The registry's pack a logged decision was made under (the default one if it is gone)."""
    named = str(entry.get("pack") or "")
    return next((p for p in registry_packs(app) if p.name == named), current_pack(app))


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


def resumed_as(
    app: App, actor: Actor, sanction_id: str, as_of: date | None = None
) -> list[HeldApplication]:
    """The applications ``resumed`` lists, of those ``actor`` may see (their own screening)."""
    queue = resumed(app, sanction_id, as_of)
    logged = {ids.split_batch_row(h.decision_id)[0] for h in queue}
    with app.uow(write=False) as uow:
        owners = dict(
            uow.conn.execute(
                select(decisions.c.decision_id, decisions.c.actor).where(
                    decisions.c.decision_id.in_(sorted(logged))
                )
            ).all()
        )
    return [
        h
        for h in queue
        if may_see_screening_of(
            actor.role, actor.name, owners.get(ids.split_batch_row(h.decision_id)[0], "")
        )
    ]


def resumed(app: App, sanction_id: str, as_of: date | None = None) -> list[HeldApplication]:
    """List the discontinued applications held by this sanction that can now be processed."""
    as_of = as_of or date.today()
    with app.uow(write=False) as uow:
        sanction = fold(uow.ledger.for_subject(SUBJECT, sanction_id))
        if sanction is None:
            raise NotFound(f"no sanction {sanction_id!r}")
        every = {m.id: m for m in load_measures(uow.conn)}
        rows = _latest_per_application(uow.conn, holds_for(uow.conn, sanction.measures))
    queue = []
    for row, times in rows:
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
                    times,
                )
            )
    return queue


def _latest_per_application(
    conn: Connection, rows: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], int]]:
    """One row per application: its latest screening's hold, and how many screenings held it.

    Uploading the same file twice holds each of its applications twice; the queue lists each
    application once, under the decision made last.
    """
    logged = sorted({ids.split_batch_row(r["decision_id"])[0] for r in rows})
    created = dict(
        conn.execute(
            select(decisions.c.decision_id, decisions.c.created_at).where(
                decisions.c.decision_id.in_(logged)
            )
        ).all()
    )

    def when(row: dict[str, Any]) -> tuple[str, int]:
        return created.get(ids.split_batch_row(row["decision_id"])[0], ""), row["row_number"] or 0

    latest: dict[str, dict[str, Any]] = {}
    times: dict[str, int] = {}
    for row in rows:
        key = row["application_id"] or row["decision_id"]  # a row without an id stands alone
        times[key] = times.get(key, 0) + 1
        if key not in latest or when(row) >= when(latest[key]):
            latest[key] = row
    return [(row, times[key]) for key, row in latest.items()]
