"""Claims and partner measures: load them from the pack, list them for a country."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from readmit.domain.claims import Claim, PartnerMeasure
from readmit.domain.countries import country_code, country_name
from readmit.domain.events import canonical_json
from readmit.services.assessment.agreement_scope import agreement_record
from readmit.services.assessment.assess import claim_row
from readmit.services.assessment.cooperation_pack import DEFAULT_REGIME, load_cooperation_pack
from readmit.services.context import App
from readmit.store.metrics_schema import coop_claims
from readmit.store.sync import sync_rows


def _claim_values(claim: Claim) -> dict[str, Any]:
    return {
        "claim_id": claim.id,
        "kind": "claim",
        "country": claim.country,
        "metric": claim.metric,
        "counts": claim.counts,
        "figure": claim.figure,
        "figure_text": claim.figure_text,
        "refers_from": claim.refers_from,
        "refers_to": claim.refers_to,
        "asserted_by": claim.asserted_by,
        "source": claim.source.text(),
        "article": claim.source.article,
        "note": claim.qualified_note(),
        "content_hash": claim.content_hash(),
    }


def _measure_values(measure: PartnerMeasure) -> dict[str, Any]:
    digest = hashlib.sha256(canonical_json(measure.model_dump(mode="json")).encode()).hexdigest()
    return {
        "claim_id": measure.id,
        "kind": "partner_measure",
        "country": measure.country,
        "metric": None,
        "counts": " ".join(measure.measure.split()),
        "figure": None,
        "figure_text": measure.date_precision,
        "refers_from": None,
        "refers_to": measure.occurred_on,
        "asserted_by": measure.asserted_by,
        "source": measure.source.text(),
        "article": measure.source.article,
        "note": measure.context,
        "content_hash": digest,
    }


def load_pack_claims(app: App, regime: str = DEFAULT_REGIME) -> int:
    """Make the claims table match the pack's claims and measures; return rows changed.

    Idempotent: running it again changes nothing unless the pack changed.
    """
    pack = load_cooperation_pack(regime)
    wanted = {v["claim_id"]: v for v in map(_claim_values, pack.claims)}
    wanted.update({v["claim_id"]: v for v in map(_measure_values, pack.measures)})
    with app.uow() as uow:
        changed = sync_rows(uow.conn, coop_claims, "claim_id", wanted)
        uow.commit()
    return changed


def list_claims(app: App, country: str) -> dict[str, Any]:
    """Return a country's claims (figures asserted outside the ledger) and partner measures,
    and its agreement as the record has it (``agreement``: terms, scope, the partner's requests
    and statements, removals outside it; null when there is none).

    A claim of the pack also says its period in words (``period``: fiscal years named, ``[U]``
    where uncertain) and what the record leaves uncertain (``uncertain``).
    """
    code = country_code(country)
    c = coop_claims.c
    known = {claim.id: claim for claim in load_cooperation_pack().claims}
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(
            select(coop_claims).where(c.country == code).order_by(c.refers_to, c.claim_id)
        ).mappings()
        claims, measures = [], []
        for row in rows:
            if row["kind"] == "claim":
                claims.append({**claim_row(row), "note": row["note"], **_labels(known, row)})
            else:
                measures.append(
                    {
                        "id": row["claim_id"],
                        "occurred_on": row["refers_to"].isoformat(),
                        "date_precision": row["figure_text"],
                        "measure": row["counts"],
                        "context": row["note"],
                        "asserted_by": row["asserted_by"],
                        "source": row["source"],
                    }
                )
    return {
        "country": code,
        "country_name": country_name(code),
        "claims": claims,
        "partner_measures": measures,
        "agreement": agreement_record(app, code),
    }


def _labels(known: dict[str, Claim], row: Any) -> dict[str, Any]:
    claim = known.get(str(row["claim_id"]))
    if claim is None:
        return {"period": None, "fiscal_years": None, "uncertain": []}
    years = claim.fiscal_years.label() if claim.fiscal_years else None
    return {"period": claim.period_text(), "fiscal_years": years, "uncertain": claim.uncertain}
