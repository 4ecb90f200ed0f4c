"""Country briefs: the sanctions timeline, cooperation figures and charts, the rating and its
reasons, the claims beside the ledger's own figures, and the sources, as PDF or HTML.

Every figure says where it comes from: the ledger (at a position, as of a date) or a claim (with
its source). A database holding the demo's synthetic cases says so on every page. The what-if
section projects the backlog at the window's pace (``services/whatif``): a projection computed on
a read snapshot, labelled as such, never a fact.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import InvalidInput
from readmit.packs.sources import load_articles
from readmit.services.assessment import assess as assessment
from readmit.services.assessment import claims
from readmit.services.assessment.cooperation_pack import load_cooperation_pack
from readmit.services.context import App
from readmit.services.reports import html as report_html
from readmit.services.reports import pdf as report_pdf
from readmit.services.reports.model import Brief
from readmit.services.sanctions import registry as sanctions
from readmit.services.whatif.forecast import WhatIfRequest, forecast
from readmit.store.demo_mark import holds_synthetic_cases
from readmit.store.schema import cases, events

SERIES_METRICS = (
    "backlog",
    "presentations",
    "interviews_held",
    "travel_documents_issued",
    "removals",
    "releases",
)
FORMATS = (".pdf", ".html")


def country_brief(
    app: App,
    country: str,
    *,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
) -> Brief:
    """Gather a country's brief over a window (by default the last year of its ledger)."""
    code = country_code(country)
    first, last = _span(app, code)
    end = end or last
    start = start or (end - timedelta(days=364))
    if end < start:
        raise InvalidInput(f"the brief's window ends ({end}) before it starts ({start})")
    found = assessment.assess(app, code, assessment.Window(start, end, as_of))
    listed = _readable(claims.list_claims(app, code))
    brief = Brief(
        country=code,
        name=country_name(code),
        start=start,
        end=end,
        as_of=as_of,
        ledger_position=found["ledger_position"],
        synthetic=_synthetic(app, code),
        assessment=found,
        series=_series(app, code, first.year, end.year, as_of),
        claims=_beside(app, code, listed["claims"], as_of),
        measures=listed["partner_measures"],
        sanctions=_sanctions(app, code),
        forecast=_forecast(app, code, start, end, as_of),
    )
    brief.sources = _sources(brief)
    return brief


def _forecast(
    app: App, code: str, start: date, end: date, as_of: date | None
) -> dict[str, Any] | None:
    """The backlog at the pace of the brief's own window, with the forecast's defaults (horizon,
    seed, runs); None when there is nothing to project: no pending case and, in the window, no
    final order and no removal (the model would only show its prior)."""
    try:
        found = forecast(app, code, WhatIfRequest(start=start, end=end, as_of=as_of))
    except InvalidInput:
        return None
    pace = found["rates"]["new_orders_per_month"] or found["rates"]["removals_per_month"]
    return found if found["backlog"] or pace else None


def _readable(listed: dict[str, Any]) -> dict[str, Any]:
    """Name each claim's and measure's article by its publisher, title, date and address."""
    articles = load_articles()
    for key in ("claims", "partner_measures"):
        listed[key] = [{**c, "source": articles.plain(c.get("source"))} for c in listed[key]]
    return listed


def _sanctions(app: App, code: str) -> list[dict[str, Any]]:
    """Each sanction on the country: its lifecycle steps and measures, with their sources."""
    found = []
    for summary in sanctions.list_sanctions(app, country=code):
        view = sanctions.show_sanction(app, summary.id)
        timeline = [_step(step) for step in view.sanction.steps]
        timeline += [
            {"on": "", "step": f"measure {m.measure.id}", "text": f"{m.validity} ({m.state})"}
            for m in view.summary.measures
        ]
        articles = load_articles()
        sources = [articles.plain(src) for step in view.sanction.steps for src in step.sources]
        found.append(
            {
                "id": summary.id,
                "title": summary.title,
                "status": view.summary.status.replace("_", " "),
                "timeline": timeline,
                "sources": list(dict.fromkeys(sources)),
            }
        )
    return found


def _step(step: Any) -> dict[str, str]:
    notes = []
    if step.not_public:
        notes.append("not public: required by the rules, not shown by the record")
    if step.date_is_upper_bound:
        notes.append("the date is an upper bound")
    note = f" ({'; '.join(notes)})" if notes else ""
    return {
        "on": step.on.isoformat(),
        "step": step.kind,
        "text": f"{step.actor}: {step.summary}{note}",
    }


def _span(app: App, code: str) -> tuple[date, date]:
    query = (
        select(func.min(events.c.occurred_on), func.max(events.c.occurred_on))
        .join(cases, cases.c.case_id == events.c.subject_id)
        .where(events.c.subject_type == "case", cases.c.nationality == code)
    )
    with app.uow(write=False) as uow:
        low, high = uow.conn.execute(query).one()
    if low is None:
        today = date.today()
        return today, today
    return low, high


def _synthetic(app: App, code: str) -> bool:
    with app.uow(write=False) as uow:
        return holds_synthetic_cases(uow.conn, code)


def _series(
    app: App, code: str, first_year: int, last_year: int, as_of: date | None
) -> list[dict[str, Any]]:
    rows = []
    standard = load_cooperation_pack().standard
    earliest = min(v.valid_from for v in standard.versions)
    covered = earliest.year if (earliest.month, earliest.day) == (1, 1) else earliest.year + 1
    for year in range(max(first_year, covered), last_year + 1):
        window = assessment.Window(date(year, 1, 1), date(year, 12, 31), as_of)
        found = assessment.assess(app, code, window)
        metrics = found["metrics"]
        rows.append(
            {"year": year, "rating": found["rating"], **{m: metrics[m] for m in SERIES_METRICS}}
        )
    return rows


def _beside(
    app: App, code: str, listed: list[dict[str, Any]], as_of: date | None
) -> list[dict[str, Any]]:
    """Each claim with the ledger's figure for the same quantity and dates (when it has one)."""
    cache: dict[tuple[str, str], dict[str, Any]] = {}
    rows = []
    for claim in listed:
        metric = claim.get("metric")
        value = None
        if metric:
            key = (claim.get("refers_from") or claim["refers_to"], claim["refers_to"])
            if key not in cache:
                window = assessment.Window(
                    date.fromisoformat(key[0]), date.fromisoformat(key[1]), as_of
                )
                cache[key] = assessment.assess(app, code, window)["metrics"]
            value = cache[key].get(metric)
        rows.append({**claim, "ledger_value": value})
    return rows


def _sources(brief: Brief) -> list[str]:
    found: list[str] = []
    for item in [*brief.claims, *brief.measures, *brief.sanctions]:
        for source in item.get("sources") or [item.get("source")]:
            if source and source not in found:
                found.append(str(source))
    standard = brief.assessment.get("standard", {})
    found.append(
        f"Cooperation standard {standard.get('id')} version {standard.get('version')}, "
        f"citing {', '.join(standard.get('citations', []))}"
    )
    return found


def write_report(
    app: App,
    country: str,
    *,
    output: Path,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
) -> Path:
    """Write a country brief as PDF or HTML, chosen by the output's extension."""
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"the report must end in .pdf or .html, not {output.name!r}")
    brief = country_brief(app, country, start=start, end=end, as_of=as_of)
    if suffix == ".pdf":
        output.write_bytes(report_pdf.render(brief))
    else:
        output.write_text(report_html.render(brief), encoding="utf-8")
    return output
