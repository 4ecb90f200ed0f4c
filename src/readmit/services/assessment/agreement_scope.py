"""What a readmission agreement covers, checked against the ledger, and the partner's positions.

An agreement whose rule is ``covers: nationals_only`` (the US–Cambodia memorandum: nationals
"should they fail to obtain citizenship in the other country") does not cover a person of
another nationality. A removal to the partner of a case whose recorded nationality is not the
partner's is outside the agreement: the ledger accepts it (a case may be presented to any
country), and this module flags it, with the rule and the words it rests on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from readmit.domain.agreements import Agreement, PartnerPosition
from readmit.domain.countries import country_code, country_name
from readmit.services.assessment.cooperation_pack import DEFAULT_REGIME, load_cooperation_pack
from readmit.services.context import App
from readmit.store.schema import cases, events


@dataclass(frozen=True)
class OutsideAgreement:
    """A removal to a partner that its agreement does not cover."""

    case_id: str
    nationality: str
    destination: str
    removed_on: date
    flight_id: str | None
    agreement_id: str
    reason: str


def removals_outside_agreement(
    app: App, country: str, regime: str = DEFAULT_REGIME
) -> list[OutsideAgreement]:
    """Return the removals to ``country`` that its agreement does not cover, by date.

    Only an agreement that covers nationals only can be breached so; with no agreement, or one
    that covers third-country nationals too, the list is empty. Voided removals do not count.
    """
    code = country_code(country)
    agreement = load_cooperation_pack(regime).agreement_with(code)
    if agreement is None or agreement.covers != "nationals_only":
        return []
    query = (
        select(
            events.c.id,
            events.c.subject_id,
            events.c.occurred_on,
            cases.c.nationality,
            cases.c.flight_id,
        )
        .join(cases, cases.c.case_id == events.c.subject_id)
        .where(
            events.c.subject_type == "case",
            events.c.type == "removed",
            cases.c.destination == code,
            cases.c.nationality != code,
        )
        .order_by(events.c.occurred_on, events.c.subject_id)
    )
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(query).all()
        voided = _voided(uow.conn, {str(r.id) for r in rows})
    return [
        OutsideAgreement(
            case_id=str(r.subject_id),
            nationality=str(r.nationality),
            destination=code,
            removed_on=r.occurred_on,
            flight_id=r.flight_id,
            agreement_id=agreement.id,
            reason=_reason(agreement, str(r.subject_id), str(r.nationality), r.occurred_on),
        )
        for r in rows
        if str(r.id) not in voided
    ]


def _voided(conn: Any, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    payloads = conn.execute(select(events.c.payload).where(events.c.type == "voided")).scalars()
    return {str(json.loads(p).get("voids")) for p in payloads} & ids


def _reason(agreement: Agreement, case_id: str, nationality: str, on: date) -> str:
    partner = country_name(agreement.partner)
    scope = f' ("{agreement.scope.text}")' if agreement.scope else ""
    return (
        f"{case_id}, recorded as a national of {country_name(nationality)}, was removed to "
        f"{partner} on {on.isoformat()}; agreement {agreement.id} covers {partner}'s nationals "
        f"only (covers: nationals_only){scope}: the removal is outside it"
    )


def agreement_record(app: App, country: str, regime: str = DEFAULT_REGIME) -> dict[str, Any] | None:
    """Return a partner's agreement as the record has it: its terms and scope, the partner's
    requests and statements (each dated and sourced), and the removals outside it, counted by
    nationality (no case is named: this is shown on public pages)."""
    code = country_code(country)
    agreement = load_cooperation_pack(regime).agreement_with(code)
    if agreement is None:
        return None
    outside: dict[str, dict[str, Any]] = {}
    for found in removals_outside_agreement(app, code, regime):
        entry = outside.setdefault(
            found.nationality,
            {"nationality": found.nationality, "removals": 0, "first_on": None, "last_on": None},
        )
        entry["removals"] += 1
        entry["first_on"] = entry["first_on"] or found.removed_on.isoformat()
        entry["last_on"] = found.removed_on.isoformat()
    return {
        **agreement.summary(),
        "scope_source": agreement.scope.source.text() if agreement.scope else None,
        "partner_requests": [position_row(p) for p in agreement.partner_requests],
        "partner_statements": [position_row(p) for p in agreement.partner_statements],
        "removals_outside": list(outside.values()),
    }


def position_row(position: PartnerPosition) -> dict[str, Any]:
    """Return a partner request or statement as a JSON-ready dict."""
    return {
        "id": position.id,
        "kind": position.kind,
        "when": position.when(),
        "occurred_on": position.occurred_on.isoformat(),
        "date_precision": position.date_precision,
        "date_is_upper_bound": position.date_is_upper_bound,
        "by": position.by,
        "to": position.to,
        "what": " ".join(position.what.split()),
        "quote": position.quote,
        "outcome": position.outcome,
        "sanction": position.sanction,
        "sources": [s.text() for s in position.sources],
        "note": position.note,
    }
