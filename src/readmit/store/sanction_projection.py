"""Sanction projection: each sanction and its measures, re-folded from its events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, or_, select

from readmit.domain.events import Event
from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_lifecycle import SUBJECT, Sanction, fold
from readmit.store.ledger import Ledger
from readmit.store.sanctions_schema import sanction_measures, sanctions


class SanctionProjector:
    tables: tuple[Table, ...] = (sanctions, sanction_measures)

    def apply(self, conn: Connection, events: Sequence[Event]) -> None:
        touched = {e.subject_id: e.seq for e in events if e.subject_type == SUBJECT}
        ledger = Ledger(conn)
        for sanction_id, upto in touched.items():
            folded = fold(ledger.for_subject(SUBJECT, sanction_id), upto=upto)
            save(conn, sanction_id, folded, upto)


def save(conn: Connection, sanction_id: str, folded: Sanction | None, last_seq: int) -> None:
    """Replace the rows of one sanction by its folded state."""
    conn.execute(delete(sanction_measures).where(sanction_measures.c.sanction_id == sanction_id))
    conn.execute(delete(sanctions).where(sanctions.c.sanction_id == sanction_id))
    if folded is None:
        return
    # The first step that added measures (an order, an adoption, a specification).
    ordered = next((s.takes_effect for s in folded.steps if s.adds), None)
    conn.execute(
        insert(sanctions).values(
            sanction_id=sanction_id,
            country=folded.country,
            title=folded.title,
            summary=folded.summary,
            ordered_on=ordered,
            last_step=folded.steps[-1].kind,
            steps=len(folded.steps),
            not_public_steps=sum(1 for s in folded.steps if s.not_public),
            last_seq=last_seq,
            regime=folded.regime,
        )
    )
    rows = [{**_measure_row(m), "regime": folded.regime} for m in folded.measures.values()]
    if rows:
        conn.execute(insert(sanction_measures), rows)


def _measure_row(m: Measure) -> dict[str, Any]:
    return {
        "measure_id": m.id,
        "sanction_id": m.sanction_id,
        "country": m.country,
        "effect": m.effect,
        "starts_on": m.starts,
        "start_known": m.valid_from is not None,
        "valid_to": m.valid_to,
        "end_unknown": m.end_unknown,
        "ended_by": m.ended_by,
        "last_verified_on": m.last_verified_on,
        "definition": json.dumps(m.to_dict(), sort_keys=True),
    }


def load_measures(
    conn: Connection,
    on: date | None = None,
    country: str | None = None,
    *,
    regime: str | None = None,
    unlabelled: bool = True,
) -> list[Measure]:
    """Return measures (all, or those not certainly over on ``on``), optionally for one country.

    A measure is returned for ``on`` when it had started and had not certainly ended: those in
    force and those the record cannot place (unknown start or end). With ``regime``, only that
    regime's measures, and (``unlabelled``) those recorded live under the default pack.
    """
    query = select(sanction_measures.c.definition).order_by(sanction_measures.c.measure_id)
    if country:
        query = query.where(sanction_measures.c.country == country)
    if regime is not None:
        query = query.where(_of_regime(sanction_measures.c.regime, regime, unlabelled))
    if on is not None:
        m = sanction_measures.c
        query = query.where(
            m.starts_on <= on,
            or_(m.valid_to.is_(None), m.valid_to > on),
            or_(m.end_unknown.is_(False), and_(m.ended_by.is_not(None), m.ended_by > on)),
        )
    return [Measure.from_dict(json.loads(d)) for d in conn.execute(query).scalars()]


def load_sanction_rows(
    conn: Connection,
    country: str | None = None,
    *,
    regime: str | None = None,
    unlabelled: bool = True,
) -> list[dict[str, Any]]:
    """Return the sanction rows, optionally of one country, optionally of one regime."""
    query = select(sanctions).order_by(sanctions.c.ordered_on, sanctions.c.sanction_id)
    if country:
        query = query.where(sanctions.c.country == country)
    if regime is not None:
        query = query.where(_of_regime(sanctions.c.regime, regime, unlabelled))
    return [dict(r) for r in conn.execute(query).mappings()]


def _of_regime(column: Any, regime: str, unlabelled: bool) -> Any:
    return or_(column == regime, column.is_(None)) if unlabelled else column == regime


def measures_by_sanction(measures: Iterable[Measure]) -> dict[str, list[Measure]]:
    """Group measures by their sanction."""
    grouped: dict[str, list[Measure]] = {}
    for measure in measures:
        grouped.setdefault(measure.sanction_id, []).append(measure)
    return grouped
