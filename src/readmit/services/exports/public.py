"""Exports: the public one (registry, claims and de-identified counts) and, for roles allowed
personal data, the cases with their personal records (each read logged)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from readmit.domain.cooperation import METRIC_NAMES
from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import InvalidInput, PermissionDenied
from readmit.domain.metric_catalogue import metric_definition, metric_label
from readmit.domain.permissions import (
    COUNTRY_BOUND,
    INTAKE_CASE_FIELDS,
    Permission,
    Role,
    check_binding,
    has_permission,
    mask_personal,
    may_see_case,
    role_of,
)
from readmit.packs.sources import load_articles
from readmit.services.access.access_log import log_access
from readmit.services.assessment import assess as assessment
from readmit.services.assessment import claims
from readmit.services.assessment.cooperation_pack import load_cooperation_pack
from readmit.services.context import Actor, App
from readmit.services.exports.files import (
    LICENCE,
    Column,
    Dataset,
    write_dataset,
    write_index,
    write_one,
)
from readmit.services.exports.published import published_figures
from readmit.services.exports.registry import registry, sanction_steps
from readmit.services.sanctions.pack import current_pack
from readmit.services.transparency import heads, keys
from readmit.store.demo_mark import holds_synthetic_cases
from readmit.store.schema import cases, events, persons

S, INT, N, B, D = "string", "integer", "number", "boolean", "date"
LEDGER = "the readmit ledger (events, as recorded)"


def export_public(app: App, folder: Path, today: date | None = None) -> list[Path]:
    """Write every public dataset to ``folder``; return the files written."""
    today = today or date.today()
    folder.mkdir(parents=True, exist_ok=True)
    datasets = [
        registry(app, today),
        sanction_steps(app),
        cooperation_by_year(app),
        cases_by_state(app),
        claim_rows(app),
        published_figures(app),
    ]
    provenance = _provenance(app, today)
    written = [p for d in datasets for p in write_dataset(folder, d, provenance)]
    return [*written, write_index(folder, datasets, provenance)]


def _provenance(app: App, today: date) -> dict[str, Any]:
    with app.uow(write=False) as uow:
        seq, digest = uow.ledger.head()
        synthetic = holds_synthetic_cases(uow.conn)
    pack = current_pack(app)
    return {
        "ledger_position": {"seq": seq, "hash": digest},
        "exported_on": today.isoformat(),
        "pack": f"{pack.name} {pack.version}",
        "synthetic": bool(synthetic),
        "licence": LICENCE,
        "transparency": _transparency(app),
    }


def _transparency(app: App) -> dict[str, Any]:
    # The key a verifier pins and the latest head signed (docs/transparency.md).
    public = keys.own_public(app)
    return {
        "public_key": public,
        "key_id": keys.key_id(public),
        "latest_tree_head": heads.latest(app),
        "verify_with": "readmit audit verify --key FILE, or scripts/verify_log.py",
    }


def cooperation_by_year(app: App) -> Dataset:
    """Every country's cooperation metrics and rating, calendar year by calendar year."""
    first, last = _years(app)
    rows = []
    for year in range(first, last + 1):
        window = assessment.Window(date(year, 1, 1), date(year, 12, 31))
        for found in assessment.assess_all(app, window):
            rows.append(
                {
                    "country": found["country"],
                    "country_name": found["country_name"],
                    "year": year,
                    "rating": found["rating"],
                    "standard_version": found["standard"]["version"],
                    "ledger_seq": found["ledger_position"]["seq"],
                    **found["metrics"],
                }
            )
    columns = (
        Column("country", S, "ISO code of the partner country"),
        Column("country_name", S, "Name of the partner country"),
        Column("year", INT, "Calendar year (the window is 1 January - 31 December)"),
        Column("rating", S, "cooperative, at_risk, uncooperative or insufficient_data"),
        Column("standard_version", S, "Version of the cooperation standard applied"),
        Column("ledger_seq", INT, "Ledger position the figures were read at"),
        *(Column(m, N, _metric_description(m)) for m in METRIC_NAMES),
    )
    return Dataset(
        "cooperation_by_year",
        "Cooperation metrics and rating per country and year",
        LEDGER,
        columns,
        rows,
    )


def _years(app: App) -> tuple[int, int]:
    standard_start = min(v.valid_from for v in load_cooperation_pack().standard.versions)
    with app.uow(write=False) as uow:
        low, high = uow.conn.execute(
            select(func.min(events.c.occurred_on), func.max(events.c.occurred_on)).where(
                events.c.subject_type == "case"
            )
        ).one()
    if low is None:
        return 1, 0
    return max(low.year, standard_start.year), high.year


def cases_by_state(app: App) -> Dataset:
    """How many cases are in each state today, per nationality and grounds (counts only)."""
    query = (
        select(cases.c.nationality, cases.c.state, cases.c.criminal, func.count().label("cases"))
        .group_by(cases.c.nationality, cases.c.state, cases.c.criminal)
        .order_by(cases.c.nationality, cases.c.state, cases.c.criminal)
    )
    with app.uow(write=False) as uow:
        found = uow.conn.execute(query).all()
    rows = [
        {
            "country": r.nationality,
            "country_name": country_name(r.nationality),
            "state": r.state,
            "criminal_grounds": bool(r.criminal),
            "cases": int(r.cases),
        }
        for r in found
    ]
    columns = (
        Column("country", S, "ISO code of the nationality"),
        Column("country_name", S, "Name of the country"),
        Column("state", S, 'Case state (defined in docs/architecture.md, "Removal cases")'),
        Column("criminal_grounds", B, "Removal ordered on criminal grounds"),
        Column("cases", INT, "Number of cases"),
    )
    return Dataset(
        "cases_by_state", "Cases per nationality, state and grounds, today", LEDGER, columns, rows
    )


def claim_rows(app: App) -> Dataset:
    """Figures asserted outside the ledger and partner measures, each with its source."""
    countries = sorted({c.country for c in load_cooperation_pack().claims})
    articles = load_articles()

    def cite(text: str | None) -> str | None:
        return articles.plain(text) if text else text

    rows = []
    for code in countries:
        listed = claims.list_claims(app, code)
        rows += [
            {
                "country": code,
                "kind": "claim",
                **c,
                "source": cite(c["source"]),
                "note": cite(c["note"]),
            }
            for c in listed["claims"]
        ]
        rows += [
            {
                "country": code,
                "kind": "partner_measure",
                "claim_id": m["id"],
                "counts": m["measure"],
                "refers_to": m["occurred_on"],
                "asserted_by": m["asserted_by"],
                "source": cite(m["source"]),
                "note": cite(m["context"]),
            }
            for m in listed["partner_measures"]
        ]
    columns = (
        Column("country", S, "ISO code of the country the claim is about"),
        Column("kind", S, "claim (a figure) or partner_measure (a measure taken in return)"),
        Column("claim_id", S, "Identifier"),
        Column("metric", S, "The ledger metric the figure can be set beside (empty: none)"),
        Column("counts", S, "What is counted, or the measure, in words"),
        Column("figure", N, "The figure (empty when only words are given)"),
        Column("figure_text", S, "The figure as the source words it"),
        Column("refers_from", D, "First day the figure refers to (empty: a single day)"),
        Column("refers_to", D, "Last (or only) day the figure refers to"),
        Column("asserted_by", S, "Who asserts it"),
        Column("source", S, "The source: its title, and its address in angle brackets"),
        Column("note", S, "Context"),
    )
    return Dataset(
        "claims", "Claims and partner measures, with sources", "policy pack claims", columns, rows
    )


def export_cases(
    app: App,
    actor: Actor,
    *,
    target: Path,
    country: str | None = None,
) -> int:
    """Write the cases the actor may see, with personal fields as its role may read them."""
    if not has_permission(actor.role, Permission.PERSONAL_READ):
        raise PermissionDenied(f"role {actor.role} may not read personal data; no cases exported")
    suffix = target.suffix.lower()
    if suffix not in {".csv", ".json", ".parquet"}:
        raise InvalidInput(f"the cases export must end in .csv, .json or .parquet: {target.name}")
    code = country_code(country) if country else None
    if role_of(actor.role) in COUNTRY_BOUND:
        check_binding(role_of(actor.role), code)
        actor = Actor(actor.name, actor.role, code)
    rows = _case_rows(app, actor, code)
    fields = sorted({k for r in rows for k in r if k.startswith("personal_")})
    names = (*_case_columns(actor.role), *fields)
    columns = tuple(Column(name, S, _CASE_MEANING.get(name, name)) for name in names)
    dataset = Dataset(target.stem, "Cases with personal data", LEDGER, columns, rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_one(target, dataset, {"exported_by": actor.name, "role": actor.role})
    log_access(
        app, actor, kind="personal_export", case_ids=[r["case_id"] for r in rows], fields=fields
    )
    return len(rows)


_CASE_COLUMNS = ("case_id", "nationality", "state", "final_order_date", "criminal", "custody")
_CASE_MEANING = {
    "case_id": "The removing state's case identifier (personal data)",
    "nationality": "ISO code of the claimed nationality",
    "state": "Current case state",
    "final_order_date": "Date of the final order of removal",
    "criminal": "Removal ordered on criminal grounds",
    "custody": "detained or released",
}


def _case_columns(role: str) -> tuple[str, ...]:
    """A reintegration caseworker sees what intake needs, not the removal file."""
    if role == Role.REINTEGRATION_CASEWORKER:
        return tuple(c for c in _CASE_COLUMNS if c in INTAKE_CASE_FIELDS)
    return _CASE_COLUMNS


def _case_rows(app: App, actor: Actor, code: str | None) -> list[dict[str, Any]]:
    query = select(cases, persons.c.data).join(
        persons, persons.c.case_id == cases.c.case_id, isouter=True
    )
    if code:
        query = query.where(cases.c.nationality == code)
    with app.uow(write=False) as uow:
        found = uow.conn.execute(query.order_by(cases.c.case_id)).mappings().all()
    rows = []
    for r in found:
        if not may_see_case(
            actor.role, actor.country, r["nationality"], r["destination"], r["state"]
        ):
            continue
        data = (
            r["data"] if isinstance(r["data"], dict) or r["data"] is None else json.loads(r["data"])
        )
        shown, _ = mask_personal(actor.role, data)
        row = {c: str(r[c]) for c in _case_columns(actor.role)}
        row.update({f"personal_{k}": v for k, v in (shown or {}).items()})
        rows.append(row)
    return rows


def _metric_description(name: str) -> str:
    return f"{metric_label(name).capitalize()}: {metric_definition(name)}"
