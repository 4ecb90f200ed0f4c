"""Country pages (public) and the analyst's all-country table and country dashboard.

Every figure here is de-identified (counts, medians, shares) and names where it comes from:
the ledger at a position, read as of a date, rated by a named version of the standard; or a
claim with who asserts it and its source.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import Response
from starlette.datastructures import FormData

from readmit.domain.cooperation_standard import AT_RISK, UNCOOPERATIVE, rate
from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import NotFound
from readmit.domain.permissions import Permission
from readmit.services.assessment import assess as assessment
from readmit.services.assessment import claims, figures, published, recorded
from readmit.services.assessment.cooperation_pack import load_cooperation_pack
from readmit.services.cases.access import check_country_scope, in_country_scope
from readmit.services.sanctions import registry as sanctions
from readmit.services.sanctions import related
from readmit.web import charts
from readmit.web.forms import form_date
from readmit.web.site import View
from readmit.web.views import site

P = Permission
CROSSED = frozenset({AT_RISK, UNCOOPERATIVE})
TREND_SERIES = {
    "presentations": "presentations",
    "travel_documents_issued": "travel documents issued",
    "removals": "removals",
}
MEDIANS = {
    "median_days_presentation_to_interview": "presentation to interview",
    "median_days_presentation_to_document": "presentation to travel document",
    "median_days_order_to_removal": "final order to removal",
}


def quarter_start(day: date) -> date:
    """Return the first day of ``day``'s calendar quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def default_end(view: View) -> date:
    """Where a window ends when the visitor names no day: the ledger's last recorded day
    (a record that ends in 2022 is read up to 2022, not to an empty today)."""
    today = date.today()
    last = figures.last_recorded_day(view.app)
    return min(today, last) if last is not None else today


def windows(view: View) -> tuple[date, date, date | None, date]:
    """Return (trend start, end, as-of date, start of the last twelve months) from the query."""
    as_of = view.date_arg("as_of", date.min)
    as_of_or_none = None if as_of == date.min else as_of
    # The ledger is asked for its last day only when the visitor names none.
    named = as_of_or_none or (None if view.arg("to") else default_end(view))
    end = view.date_arg("to", named or date.today())
    start = view.date_arg("from", quarter_start(date(end.year - 3, end.month, 1)))
    year_start = max(start, end - timedelta(days=364))
    return start, end, as_of_or_none, year_start


def provenance(result: dict[str, Any], as_of: date | None) -> str:
    """Say where an assessment's figures come from."""
    position = result["ledger_position"]
    read = f"as of {as_of.isoformat()}" if as_of else "everything recorded"
    return f"the ledger at position {position['seq']} (hash {position['hash'][:12]}…), {read}" + (
        f"; standard {result['standard']['version']}" if "standard" in result else ""
    )


def trend_charts(trend: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the country's figures over time as chart specs, each with its data."""
    periods = trend["periods"]
    flows, medians, backlog = [], [], []
    for p in periods:
        label = _quarter_label(p["from"])
        for key, name in TREND_SERIES.items():
            flows.append({"quarter": label, "figure": name, "count": p["metrics"][key]})
        for key, name in MEDIANS.items():
            if p["metrics"][key] is not None:
                medians.append({"quarter": label, "span": name, "days": p["metrics"][key]})
        backlog.append({"quarter": label, "cases": p["metrics"]["backlog"]})
    found = [
        {
            "title": "Presentations, travel documents and removals per quarter",
            "spec": charts.series_chart(
                flows, "quarter", "count", "figure", "Per quarter", "Quarter", "Events"
            ),
            "rows": flows,
        },
        {
            "title": "Backlog at each quarter's end",
            "spec": charts.bar_chart(
                backlog, "quarter", "cases", "Backlog", "Quarter", "Cases with a final order"
            ),
            "rows": backlog,
        },
    ]
    if medians:
        found.append(
            {
                "title": "Median days, per quarter",
                "spec": charts.series_chart(
                    medians, "quarter", "days", "span", "Median days", "Quarter", "Days"
                ),
                "rows": medians,
            }
        )
    return found


def rating_history(trend: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each quarter's rating with the reasons behind it (the thresholds crossed)."""
    standard = load_cooperation_pack().standard
    history = []
    for p in trend["periods"]:
        version = standard.version_for(date.fromisoformat(p["to"]), p["standard"]["version"])
        verdict = rate(version, p["metrics"])
        history.append(
            {
                "from": p["from"],
                "to": p["to"],
                "rating": p["rating"],
                "standard": version.version,
                "reasons": [r["text"] for r in verdict["reasons"] if r["status"] in CROSSED],
                "missing": verdict["missing"],
            }
        )
    return history


def drawn_at(
    found: list[dict[str, Any]], code: str, start: date, end: date, as_of: date | None
) -> list[dict[str, Any]]:
    """Give each chart the address of its drawing (an SVG the page shows as an image, so the
    page's figures are sent without waiting for the charts to be drawn)."""
    query = {"from": start.isoformat(), "to": end.isoformat()}
    if as_of is not None:
        query["as_of"] = as_of.isoformat()
    return [
        {**chart, "src": f"/countries/{code}/charts/{i}.svg?{urlencode(query)}"}
        for i, chart in enumerate(found)
    ]


def _quarter_label(start: str) -> str:
    day = date.fromisoformat(start)
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


# Figures are a pure function of the ledger position and the question asked, so a page built
# at one position is reused until anything new is recorded (a few pages per country and date).
_PAGES: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_PAGES_KEPT = 64
_PAGES_LOCK = threading.Lock()


def at_position(view: View, name: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Return the page ``name`` for the view's dates: the one built at the same ledger
    position, or a new one, kept."""
    key = (figures.ledger_position(view.app), str(view.app.engine.url), name, windows(view))
    with _PAGES_LOCK:
        if key in _PAGES:
            _PAGES.move_to_end(key)
            return copy.deepcopy(_PAGES[key])
    context = build()
    with _PAGES_LOCK:
        _PAGES[key] = copy.deepcopy(context)
        while len(_PAGES) > _PAGES_KEPT:
            _PAGES.popitem(last=False)
    return context


def country_context(view: View, code: str) -> dict[str, Any]:
    """Build a country page (or reuse the one built at the same ledger position)."""
    return at_position(view, code, lambda: build_country_context(view, code))


def with_published(view: View, code: str, context: dict[str, Any]) -> dict[str, Any]:
    """Add the published figures, apart from the ledger's: they come with the pack, not the
    ledger, so they are read apart from the page kept for a ledger position."""
    context["published_figures"] = published.published_for_country(view.app, code)
    # Restrictions beside 243(d) (entry bans, suspensions of uncertain basis), from the pack.
    day = context.get("as_of") or context.get("to")
    context["related"] = [r.to_dict() for r in related.related_measures(view.app, code, day)]
    return context


def build_country_context(view: View, code: str) -> dict[str, Any]:
    """Build a country page: figures over time, the rating and its reasons, both sides, claims."""
    start, end, as_of, year_start = windows(view)
    trend, current = assessment.assess_with_trend(
        view.app,
        code,
        window=assessment.Window(start, end, as_of, "ours"),
        current=assessment.Window(year_start, end, as_of, "both"),
    )
    return {
        "title": f"{country_name(code)}: cooperation on removals",
        "country": code,
        "from": start,
        "to": end,
        "as_of": as_of,
        "charts": drawn_at(trend_charts(trend), code, start, end, as_of),
        "ratings": [
            {
                "from": p["from"],
                "to": p["to"],
                "rating": p["rating"],
                "standard": p["standard"]["version"],
            }
            for p in trend["periods"]
        ],
        "assessment": current,
        "claims": claims.list_claims(view.app, code),
        "sanctions": [
            {"id": s.id, "title": s.title, "status": s.status, "stale": s.stale}
            for s in sanctions.list_sanctions(view.app, as_of or end, country=code)
        ],
        "source": provenance(current, as_of),
    }


@site.page("/countries", "countries.html", P.STATS_READ, "Countries", nav="Countries")
def country_index(view: View) -> dict[str, Any]:
    """Every country with a case: its rating over the last twelve months and key figures."""
    return at_position(
        view, "all:ours", lambda: _all_countries(view, "ours", "Cooperation by country")
    )


@site.page("/countries/{code}", "country.html", P.STATS_READ, "Country")
def country_page(view: View) -> dict[str, Any]:
    """A country's public page."""
    code = country_code(view.params["code"])
    return with_published(view, code, country_context(view, code))


@site.raw("/countries/{code}/charts/{index}.svg", P.STATS_READ)
def country_chart(view: View) -> Response:
    """One chart of a country page, drawn as SVG from the page's own figures (built once per
    ledger position, so the page and its charts cost one reading of the ledger)."""
    found = country_context(view, country_code(view.params["code"]))["charts"]
    index = view.params["index"]
    if not index.isdigit() or int(index) >= len(found):
        raise NotFound(f"the country page has no chart {index!r}; it has {len(found)}")
    return Response(str(charts.svg(found[int(index)]["spec"])), media_type="image/svg+xml")


@site.page("/analyst", "analyst.html", P.ASSESSMENT_READ, "All countries", nav="Analysis")
def analyst_table(view: View) -> dict[str, Any]:
    """The analyst's all-country table: every metric, both sides, sortable and filterable; a
    country-bound role sees its own country only, as through the API (``GET /assessments``)."""
    context = at_position(view, "all:both", lambda: _all_countries(view, "both", "All countries"))
    context["countries"] = in_country_scope(
        view.actor(), context["countries"], lambda a: a["country"]
    )
    return context


def _all_countries(view: View, side: str, title: str) -> dict[str, Any]:
    _, end, as_of, year_start = windows(view)
    found = assessment.assess_all(view.app, assessment.Window(year_start, end, as_of, side))
    return {
        "title": title,
        "from": year_start,
        "to": end,
        "as_of": as_of,
        "countries": found,
        "source": provenance(found[0], as_of) if found else "the ledger (no case recorded yet)",
    }


@site.page("/analyst/countries/{code}", "country.html", P.ASSESSMENT_READ, "Country dashboard")
def analyst_country(view: View) -> dict[str, Any]:
    """The analyst's country dashboard: the public page plus recording the assessment."""
    code = country_code(view.params["code"])
    check_country_scope(view.actor(), code)  # as ``GET /assessments/{country}``: else 404
    context = with_published(view, code, country_context(view, code))
    context["analyst"] = True
    return context


@site.action("/analyst/countries/{code}/record", P.ASSESSMENT_RECORD)
def record(view: View, form: FormData) -> str:
    """Record the assessment of the last twelve months so a determination can cite it."""
    code = country_code(view.params["code"])
    check_country_scope(view.actor(), code)
    end = form_date(form, "to")
    as_of_text = str(form.get("as_of") or "")
    as_of = date.fromisoformat(as_of_text) if as_of_text else None
    start = form_date(form, "from", end - timedelta(days=364))
    result = assessment.assess(view.app, code, assessment.Window(start, end, as_of, "both"))
    identifier = recorded.record_assessment(
        view.app, view.actor(), assessment=result, on=date.today()
    )
    view.flash = f"Assessment {identifier[:12]}… recorded; a determination can now cite it."
    dates = {"from": start.isoformat(), "to": end.isoformat()}
    if as_of is not None:
        dates["as_of"] = as_of.isoformat()
    return f"/analyst/countries/{code}?{urlencode(dates)}"
