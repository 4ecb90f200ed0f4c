"""Assess a country's cooperation against the pack's standard, as of any date and position.

An assessment reads the ledger at one position (its head, or an earlier ``at_seq``) and,
optionally, as of a date (only what had been recorded by then). It names the position, the
standard's version and the agreement it used; the same inputs give byte-identical JSON, and its
id is the digest of that JSON. Recording it puts it in the ledger (``assessment_recorded``) so
a determination can cite it by id; an assessment never creates a determination.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from readmit.domain.claims import beside, claim_matches, same_dates
from readmit.domain.cooperation import (
    METRIC_NAMES,
    VIEWS,
    Scopes,
    asserted_by_metric,
    compute_metrics,
    contested_by_metric,
    explain_difference,
    quarters,
    split_by_country,
)
from readmit.domain.cooperation_standard import StandardVersion, rate, rating_rank
from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import InvalidInput
from readmit.domain.events import canonical_json
from readmit.services.assessment.cooperation_pack import (
    DEFAULT_REGIME,
    CooperationPack,
    load_cooperation_pack,
)
from readmit.services.context import App
from readmit.store.metrics import (
    Reading,
    event_at,
    head,
    make_reading,
    read_periods,
    read_scopes,
)
from readmit.store.metrics_schema import coop_claims
from readmit.store.uow import UnitOfWork


@dataclass(frozen=True)
class Window:
    """What to assess: the window, the date it is read as of, the position, the view."""

    start: date
    end: date
    as_of: date | None = None
    view: str = "ours"
    at_seq: int | None = None
    standard_version: str | None = None
    regime: str = DEFAULT_REGIME

    def check(self) -> None:
        if self.end < self.start:
            raise InvalidInput(f"the window ends ({self.end}) before it starts ({self.start})")
        if self.view not in VIEWS:
            raise InvalidInput(f"view must be one of {', '.join(VIEWS)}, not {self.view!r}")


def assess(app: App, country: str, window: Window) -> dict[str, Any]:
    """Assess one country over one window; return the assessment as a JSON-ready dict.

    Args:
        app: the application.
        country: ISO 3166-1 alpha-2 code of the partner country.
        window: the window, as-of date, ledger position, view and standard version.

    Returns:
        The assessment: ``assessment_id, country, from, to, as_of, view, rating, reasons,
        standard, ledger_position, metrics`` and, under their own keys, ``contested``,
        ``partner_asserted``, ``partner`` (view ``both``), ``difference``, ``claims``,
        ``partner_measures``.
    """
    code = country_code(country)
    window.check()
    pack = load_cooperation_pack(window.regime)
    with app.uow(write=False) as uow:
        position, reading = _position(uow, window)
        scopes = read_scopes(uow.conn, reading, window.start, window.end, code)
        claims = _claims(uow, [code])
        measures = _measures(uow, code, window)
    return _finish(pack, code, window, position, scopes, claims, measures)


def _finish(
    pack: CooperationPack,
    code: str,
    window: Window,
    position: dict[str, Any],
    scopes: Scopes,
    claims: dict[str, list[dict[str, Any]]],
    measures: list[dict[str, Any]],
) -> dict[str, Any]:
    """Build one country's assessment, with its claims and the partner's measures."""
    built = _build(pack, code, window, position, scopes, claims.get(code, []))
    if measures:
        built["partner_measures"] = measures
        built["assessment_id"] = assessment_id(built)
    return built


def assess_all(app: App, window: Window) -> list[dict[str, Any]]:
    """Assess every country with a case, worst rating first, then by backlog (largest first)."""
    window.check()
    pack = load_cooperation_pack(window.regime)
    with app.uow(write=False) as uow:
        position, reading = _position(uow, window)
        scopes = read_scopes(uow.conn, reading, window.start, window.end, None)
        per_country = split_by_country(scopes)
        claims = _claims(uow, sorted(per_country))
    found = [
        _build(pack, code, window, position, part, claims.get(code, []))
        for code, part in per_country.items()
    ]
    return sorted(
        found, key=lambda a: (rating_rank(a["rating"]), -a["metrics"]["backlog"], a["country"])
    )


def assess_trend(app: App, country: str, window: Window) -> dict[str, Any]:
    """Assess one country quarter by quarter over the window, all at one ledger position."""
    return _trend(app, country, window, [])[0]


def assess_with_trend(
    app: App,
    country: str,
    *,
    window: Window,
    current: Window,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a country's quarter-by-quarter trend over ``window`` and its assessment over
    ``current`` (a country page shows both), read in one pass over the ledger: every quarter
    and the current window are counted together, at ``window``'s ledger position and as-of
    date (``current``'s own are not read)."""
    trend, (assessed,) = _trend(app, country, window, [current])
    return trend, assessed


def _trend(
    app: App, country: str, window: Window, extra: list[Window]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the trend over ``window`` and the assessments of the ``extra`` windows."""
    code = country_code(country)
    window.check()
    for other in extra:
        other.check()
    spans = quarters(window.start, window.end)
    pack = load_cooperation_pack(window.regime)
    with app.uow(write=False) as uow:
        position, reading = _position(uow, window)
        read = read_periods(uow.conn, reading, spans + [(w.start, w.end) for w in extra], code)
        claims = _claims(uow, [code]) if extra else {}
        measures = [_measures(uow, code, other) for other in extra]
    periods: list[dict[str, Any]] = []
    for (start, end), scopes in zip(spans, read, strict=False):
        part = Window(start, end, window.as_of, window.view, window.at_seq, None, window.regime)
        built = _build(pack, code, part, position, scopes, [])
        periods.append({k: built[k] for k in ("from", "to", "rating", "standard", "metrics")})
    trend = {
        "country": code,
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "as_of": window.as_of.isoformat() if window.as_of else None,
        "by": "quarter",
        "view": window.view,
        "ledger_position": position,
        "periods": periods,
    }
    assessed = [
        _finish(pack, code, other, position, scopes, claims, found)
        for other, scopes, found in zip(extra, read[len(spans) :], measures, strict=True)
    ]
    return trend, assessed


def _position(uow: UnitOfWork, window: Window) -> tuple[dict[str, Any], Reading]:
    head_seq, head_hash = head(uow.conn)
    pos = head_seq if window.at_seq is None else window.at_seq
    if pos < 0 or pos > head_seq:
        raise InvalidInput(f"ledger position {pos} is outside the ledger (head is {head_seq})")
    found = event_at(uow.conn, pos) if pos != head_seq else None
    digest = found[0] if found else head_hash
    reading = make_reading(uow.conn, pos, window.as_of)
    return {"seq": pos, "hash": digest}, reading


def _deadline(pack: CooperationPack, code: str, version: StandardVersion) -> dict[str, Any]:
    agreement = pack.agreement_with(code)
    if agreement is not None:
        return {
            "days": agreement.response_deadline_days,
            "from": f"agreement {agreement.id} (as reported: {agreement.reported_by})",
        }
    return {"days": version.document_deadline_days, "from": f"standard {version.version}"}


def _rated(version: StandardVersion, metrics: dict[str, Any]) -> dict[str, Any]:
    verdict = rate(version, metrics)
    return {
        "rating": verdict["rating"],
        "reasons": verdict["reasons"],
        "missing": verdict["missing"],
        "meets_determination_condition": verdict["rating"] == version.determination_condition,
    }


def _build(
    pack: CooperationPack,
    code: str,
    window: Window,
    position: dict[str, Any],
    scopes: Scopes,
    claims: list[dict[str, Any]],
) -> dict[str, Any]:
    version = pack.standard.version_for(window.end, window.standard_version)
    deadline = _deadline(pack, code, version)
    primary = "partner" if window.view == "partner" else "ours"
    metrics = compute_metrics(scopes, code, primary, deadline["days"])
    contested = contested_by_metric(scopes, code)
    asserted = asserted_by_metric(scopes, code)
    agreement = pack.agreement_with(code)
    body: dict[str, Any] = {
        "country": code,
        "country_name": country_name(code),
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "as_of": window.as_of.isoformat() if window.as_of else None,
        "view": window.view,
        **_rated(version, metrics),
        "determination_condition": f"rating is {version.determination_condition}; an "
        "assessment never creates a determination, which must cite it by id",
        "standard": {
            "id": pack.standard.id,
            "regime": pack.standard.regime,
            "version": version.version,
            "citations": [c.id for c in version.citations],
        },
        "ledger_position": position,
        "document_deadline": deadline,
        "agreement": agreement.summary() if agreement else None,
        "metrics": metrics,
        "contested": contested,
        "partner_asserted": asserted,
        "claims": [
            {
                **beside(metrics.get(c["metric"]), c),
                "same_dates": same_dates(c, window.start, window.end),
            }
            for c in claims
            if _matches(c, window)
        ],
    }
    if window.view == "both":
        theirs = compute_metrics(scopes, code, "partner", deadline["days"])
        body["partner"] = {"metrics": theirs, **_rated(version, theirs)}
        body["difference"] = {
            name: explain_difference(name, metrics[name], theirs[name], contested, asserted)
            for name in METRIC_NAMES
            if metrics[name] != theirs[name]
        }
    body["assessment_id"] = assessment_id(body)
    return body


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _matches(claim: dict[str, Any], window: Window) -> bool:
    refers_to = _d(claim["refers_to"])
    return refers_to is not None and claim_matches(
        claim["metric"], _d(claim["refers_from"]), refers_to, window.start, window.end
    )


def assessment_id(body: dict[str, Any]) -> str:
    """Return the id of an assessment: the SHA-256 of its canonical JSON (without the id)."""
    content = {k: v for k, v in body.items() if k != "assessment_id"}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def to_json(value: Any) -> str:
    """Render an assessment (or a list of them) as stable, byte-reproducible JSON."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _claims(uow: UnitOfWork, countries: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    c = coop_claims.c
    rows = uow.conn.execute(
        select(coop_claims)
        .where(c.kind == "claim", c.country.in_(countries), c.metric.is_not(None))
        .order_by(c.refers_to, c.claim_id)
    ).mappings()
    for row in rows:
        found.setdefault(row["country"], []).append(claim_row(row))
    return found


def _measures(uow: UnitOfWork, code: str, window: Window) -> list[dict[str, Any]]:
    """Return the measures the partner took in return during the window (timeline entries)."""
    c = coop_claims.c
    rows = uow.conn.execute(
        select(coop_claims)
        .where(
            c.kind == "partner_measure",
            c.country == code,
            c.refers_to.between(window.start, window.end),
        )
        .order_by(c.refers_to, c.claim_id)
    ).mappings()
    return [
        {
            "id": row["claim_id"],
            "occurred_on": row["refers_to"].isoformat(),
            "measure": row["counts"],
            "context": row["note"],
            "asserted_by": row["asserted_by"],
            "source": row["source"],
        }
        for row in rows
    ]


def claim_row(row: Any) -> dict[str, Any]:
    """Return a stored claim as a JSON-ready dict."""
    figure = row["figure"]
    return {
        "claim_id": row["claim_id"],
        "metric": row["metric"],
        "counts": row["counts"],
        "figure": int(figure) if figure is not None and float(figure).is_integer() else figure,
        "figure_text": row["figure_text"],
        "refers_from": row["refers_from"].isoformat() if row["refers_from"] else None,
        "refers_to": row["refers_to"].isoformat(),
        "asserted_by": row["asserted_by"],
        "source": row["source"],
        "article": row["article"],
    }
