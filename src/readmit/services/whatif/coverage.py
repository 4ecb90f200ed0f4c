"""Who a widened or narrowed measure would have covered: logged decisions decided again.

Each single decision in the decision log within the window is decided twice from its logged
inputs, with the measures in the ledger now and with the scenario's changed measures, and the
differences are counted by visa class, post and outcome: counts, never persons. A batch's rows
are not in the log (only the batch's digest is), so batches are counted, not decided again.
Only the policy's own regime counts: its measures (and those recorded live, which name no
regime) and the decisions logged under its pack, never another regime's of the same registry.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from readmit.domain.errors import InvalidInput
from readmit.domain.sanctions import Measure, Who
from readmit.domain.sanctions_policy import Policy
from readmit.domain.screening import decide
from readmit.domain.screening_compile import compile_program
from readmit.services.screening.engine import decision_day, unmask
from readmit.services.whatif.scenario import MeasureChange
from readmit.store.sanction_projection import load_measures
from readmit.store.sanctions_schema import decisions

SCENARIO_MARK = "*"  # a changed measure's id: the original's, marked as the scenario's


def changed_measures(
    measures: Sequence[Measure], changes: Sequence[MeasureChange]
) -> list[Measure]:
    """Return the measures with the scenario's changes: the original up to the change's date,
    the changed measure from it."""
    by_id = {m.id: m for m in measures}
    out = [m for m in measures if m.id not in {c.measure for c in changes}]
    for n, change in enumerate(changes):
        if change.measure not in by_id:
            known = ", ".join(sorted(by_id)) or "none"
            raise InvalidInput(
                f"scenario: sanctions[{n}].measure: no measure {change.measure!r} in the ledger "
                f"(measures: {known})"
            )
        original = by_id[change.measure]
        out.extend(_split(original, change))
    return sorted(out, key=lambda m: m.id)


def _split(original: Measure, change: MeasureChange) -> list[Measure]:
    changed = replace(
        original,
        id=original.id + SCENARIO_MARK,
        classes=_classes(original.classes, change),
        who=_who(original.who, change),
        valid_from=max(change.starting, original.starts or change.starting),
    )
    before = []
    if original.starts is not None and original.starts < change.starting:
        ends = original.valid_to
        before = [
            replace(original, valid_to=min(ends, change.starting) if ends else change.starting)
        ]
    starts = changed.valid_from
    if original.valid_to is not None and starts is not None and starts >= original.valid_to:
        return before or [original]
    return [*before, changed]


def _classes(classes: tuple[str, ...] | None, change: MeasureChange) -> tuple[str, ...] | None:
    base = list(change.classes) if change.classes is not None else list(classes or ())
    if change.classes is None and classes is None and not change.add_classes:
        return None
    kept = [c for c in base if c not in set(change.remove_classes)]
    return tuple(dict.fromkeys([*kept, *change.add_classes]))


def _who(who: Who | None, change: MeasureChange) -> Who | None:
    if change.who is None:
        return who
    base = who or Who()
    values = {k: v for k, v in change.who.model_dump().items() if v is not None}
    if values.get("min_rank") == "any":
        values["min_rank"] = None  # every rank
    for name in ("employers", "family"):
        if name in values:
            values[name] = tuple(values[name])
    return replace(base, **values)


def covered_differently(
    conn: Connection,
    policy: Policy,
    changes: Sequence[MeasureChange],
    window: tuple[date, date],
) -> dict[str, Any]:
    """Count the logged single decisions in the window the changed measures decide differently.

    ``policy`` is the default pack's: a sanction recorded live counts as its regime's.
    """
    now = load_measures(conn, regime=policy.pack)
    base = compile_program(now, policy)
    scenario = compile_program(changed_measures(now, changes), policy)
    differ: Counter[tuple[str, str, str, str]] = Counter()
    decided = batches = 0
    query = select(decisions).where(decisions.c.pack == policy.pack)
    for row in conn.execute(query.order_by(decisions.c.decision_id)).mappings():
        if row["kind"] != "single":
            batches += _batch_in(row, window)
            continue
        entry = {**row, "inputs": json.loads(row["inputs"] or "{}")}
        day = decision_day(entry)
        if not window[0] <= day <= window[1]:
            continue
        decided += 1
        inputs = unmask(entry["inputs"], day)
        before, after = decide(base, inputs, day, day), decide(scenario, inputs, day, day)
        if before.decision != after.decision:
            key = (str(inputs.get("visa_class", "")), str(inputs.get("post_country", "")))
            differ[(*key, before.decision, after.decision)] += 1
    return _counted(differ, decided, batches, window)


def _batch_in(row: Any, window: tuple[date, date]) -> int:
    day = row["as_of"] or date.fromisoformat(str(row["created_at"])[:10])
    return int(window[0] <= day <= window[1])


def _counted(
    differ: Counter[tuple[str, str, str, str]],
    decided: int,
    batches: int,
    window: tuple[date, date],
) -> dict[str, Any]:
    rows = [
        {"visa_class": k[0], "post": k[1], "baseline": k[2], "scenario": k[3], "count": n}
        for k, n in sorted(differ.items())
    ]
    return {
        "window": {"from": window[0].isoformat(), "to": window[1].isoformat()},
        "single_decisions_decided_again": decided,
        "decided_differently": sum(differ.values()),
        "by_class_and_post": rows,
        "batches_not_decided_again": batches,
        "note": "counts of logged single decisions, never persons; a batch's rows are not kept "
        "in the log, so its rows are not decided again",
    }
