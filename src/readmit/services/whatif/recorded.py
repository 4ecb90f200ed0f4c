"""Record a forecast or a scenario's result as an analysis, to cite by id: beside the ledger.

The analysis goes to its own table (``whatif_analyses``), never to the ledger: no event is
appended and no projection changes. Its id is the SHA-256 of the result's canonical JSON, so the
same result recorded twice is one analysis.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from readmit.domain.errors import NotFound
from readmit.domain.events import canonical_json, utc_now, utc_text
from readmit.services.context import Actor, App
from readmit.store.whatif_schema import whatif_analyses


def analysis_id(result: dict[str, Any]) -> str:
    """The id of a result: SHA-256 of its canonical JSON."""
    return hashlib.sha256(canonical_json(result).encode()).hexdigest()


@dataclass(frozen=True)
class Kept:
    """A recorded analysis's id, and whether this call recorded it (False: it was already)."""

    id: str
    created: bool


def record_analysis(app: App, actor: Actor, result: dict[str, Any]) -> str:
    """Keep a result as a recorded analysis naming its scenario; return its id."""
    return keep_analysis(app, actor, result).id


def keep_analysis(app: App, actor: Actor, result: dict[str, Any]) -> Kept:
    """Keep a result as a recorded analysis, once: the same result again is the same analysis
    (who recorded it first, and when, stay as they were)."""
    ident = analysis_id(result)
    scenario = result.get("scenario") or {}
    countries = [p["country"] for p in result.get("countries", [])] or [result.get("country")]
    position = result["ledger_position"]
    row = {
        "analysis_id": ident,
        "kind": result["kind"],
        "scenario_id": scenario.get("id"),
        "scenario_digest": scenario.get("digest"),
        "country": countries[0] if len(countries) == 1 else None,
        "ledger_seq": position["seq"],
        "ledger_hash": position["hash"],
        "recorded_at": utc_text(utc_now()),
        "actor": actor.name,
        "result": json.dumps(result, sort_keys=True, ensure_ascii=False),
    }
    try:
        with app.connect(write=True) as conn, conn.begin():
            known = conn.execute(
                select(whatif_analyses.c.analysis_id).where(whatif_analyses.c.analysis_id == ident)
            ).first()
            if known is not None:
                return Kept(ident, created=False)
            conn.execute(whatif_analyses.insert().values(**row))
    except IntegrityError:
        return Kept(ident, created=False)  # recorded at the same moment by another request
    return Kept(ident, created=True)


def recorded_analysis(app: App, ident: str) -> dict[str, Any]:
    """Return a recorded analysis: who recorded it, when, and the result as computed."""
    with app.connect() as conn:
        row = conn.execute(
            select(whatif_analyses).where(whatif_analyses.c.analysis_id == ident)
        ).first()
    if row is None:
        raise NotFound(f"no recorded what-if analysis {ident!r}")
    found = dict(row._mapping)
    found["result"] = json.loads(found["result"])
    return found


SUMMARY = [c for c in whatif_analyses.c if c.name != "result"]


def list_analyses(
    app: App,
    *,
    country: str | None = None,
    scenario_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The recorded analyses, newest first, without their results (``recorded_analysis`` has
    each one's)."""
    query = select(*SUMMARY)
    if country is not None:
        query = query.where(whatif_analyses.c.country == country)
    if scenario_id is not None:
        query = query.where(whatif_analyses.c.scenario_id == scenario_id)
    query = (
        query.order_by(whatif_analyses.c.recorded_at.desc(), whatif_analyses.c.analysis_id)
        .limit(limit)
        .offset(offset)
    )
    with app.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
