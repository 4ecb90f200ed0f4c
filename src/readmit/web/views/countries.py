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

from fastapi.responses import Response
from starlette.datastructures import FormData

from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import NotFound
from readmit.domain.permissions import Permission
from readmit.services.assessment import assess as assessment
from readmit.services.assessment import claims, figures, published, recorded, regime_assessment
from readmit.services.cases.access import check_country_scope, in_country_scope
from readmit.services.sanctions import registry as sanctions
from readmit.services.sanctions import related
from readmit.web import charts
from readmit.web.forms import form_date
from readmit.web.site import Table, View
from readmit.web.views import site
from readmit.web.views.country_figures import (
    MEDIANS,
    TREND_SERIES,
    drawn_at,
    quarter_rows,
    rating_history,
    trend_charts,
)
from readmit.web.windows import Dates, nothing_in, query_of, read_dates

P = Permission


def provenance(result: dict[str, Any], as_of: date | None) -> str:
    """Say where an assessment's figures come from."""
    position = result["ledger_position"]
    read = f"as of {as_of.isoformat()}" if as_of else "everything recorded"
    return f"the ledger at position {position['seq']} (hash {position['hash'][:12]}…), {read}" + (
        f"; standard {result['standard']['version']}" if "standard" in result else ""
    )


# Figures are a pure function of the ledger position and the question asked, so a page built
# at one position is reused until anything new is recorded (a few pages per country and date).
_PAGES: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_PAGES_KEPT = 64
_PAGES_LOCK = threading.Lock()


def at_position(
    view: View, name: str, dates: Dates, build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Return the page ``name`` for ``dates``: the one built at the same ledger position, or
    a new one, kept."""
    key = (figures.ledger_position(view.app), str(view.app.engine.url), name, dates)
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
    dates = read_dates(view, charts=True)
    return at_position(view, code, dates, lambda: build_country_context(view, code, dates))


def with_published(view: View, code: str, context: dict[str, Any]) -> dict[str, Any]:
    """Add the published figures, apart from the ledger's: they come with the pack, not the
    ledger, so they are read apart from the page kept for a ledger position."""
    context["published_figures"] = published.published_for_country(view.app, code)
    # Restrictions beside the regime (entry bans, suspensions of uncertain basis), from the packs.
    day = _sanctions_day(context.get("to"), context.get("as_of"))
    context["related"] = [r.to_dict() for r in related.related_measures(view.app, code, day)]
    return context


def _sanctions_day(end: Any, as_of: Any) -> Any:
    """The day a page's sanctions are read on: the window's end, or the earlier as-of day."""
    return min(end, as_of) if end and as_of else end or as_of


def build_country_context(view: View, code: str, dates: Dates) -> dict[str, Any]:
    """Build a country page: the rating and both sides' figures over From–To, the charts over
    the quarters from Charts from to To, claims."""
    start, end, as_of, at = dates.start, dates.end, dates.as_of, dates.at
    assert dates.charts_from is not None
    trend, current = assessment.assess_with_trend(
        view.app,
        code,
        window=assessment.Window(dates.charts_from, end, as_of, "ours", at),
        current=assessment.Window(start, end, as_of, "both", at),
    )
    return {
        "title": f"{country_name(code)}: cooperation on removals",
        "country": code,
        "from": start,
        "to": end,
        "as_of": as_of,
        "at": at,
        "charts_from": dates.charts_from,
        "nothing": nothing_in(view, dates, code),
        "charts": drawn_at(trend_charts(trend), code, dates),
        "quarters": quarter_rows(trend),
        "ratings": rating_history(trend),
        "assessment": current,
        "claims": claims.list_claims(view.app, code),
        "sanctions": [
            {"id": s.id, "title": s.title, "status": s.status, "stale": s.stale}
            for s in sanctions.list_sanctions(view.app, _sanctions_day(end, as_of), country=code)
        ],
        "source": provenance(current, as_of),
        # Each other regime's own assessment (indicators or factors), read at the same position.
        "regime_assessments": regime_assessment.assess_regimes(
            view.app, code, assessment.Window(start, end, as_of, "ours", at)
        ),
    }


FIGURES = {
    "backlog": "metrics.backlog",
    "presentations": "metrics.presentations",
    "travel_documents_issued": "metrics.travel_documents_issued",
    "removals": "metrics.removals",
}
PUBLIC_TABLE = Table(
    "countries",
    {
        "country": "country",
        "country_name": "country_name",
        "rating": "rating",
        **FIGURES,
        "contested_events": "metrics.contested_events",
    },
)
ANALYST_TABLE = Table(
    "countries",
    {
        "country": "country",
        "country_name": "country_name",
        "rating": "rating",
        "partner_rating": "partner.rating",
        **FIGURES,
        "median_days_order_to_removal": "metrics.median_days_order_to_removal",
        "release_to_removal_ratio": "metrics.release_to_removal_ratio",
        "contested_events": "metrics.contested_events",
    },
)
QUARTERS_TABLE = Table(
    "quarters",
    {
        k: k
        for k in ("quarter", "from", "to", "rating", "standard", *TREND_SERIES, "backlog", *MEDIANS)
    },
    name=lambda view: country_code(view.params["code"]),
)


@site.page(
    "/countries",
    "countries.html",
    P.STATS_READ,
    "Countries",
    nav="Countries",
    table=PUBLIC_TABLE,
)
def country_index(view: View) -> dict[str, Any]:
    """Every country with a case: its rating over From–To (twelve months) and key figures."""
    dates = read_dates(view)
    return at_position(
        view,
        "all:ours",
        dates,
        lambda: _all_countries(view, dates, "ours", "Cooperation by country"),
    )


@site.page("/countries/{code}", "country.html", P.STATS_READ, "Country", table=QUARTERS_TABLE)
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


@site.page(
    "/analyst",
    "analyst.html",
    P.ASSESSMENT_READ,
    "All countries",
    nav="Analysis",
    table=ANALYST_TABLE,
)
def analyst_table(view: View) -> dict[str, Any]:
    """The analyst's all-country table: every metric, both sides, sortable and filterable; a
    country-bound role sees its own country only, as through the API (``GET /assessments``)."""
    dates = read_dates(view)
    context = at_position(
        view, "all:both", dates, lambda: _all_countries(view, dates, "both", "All countries")
    )
    context["countries"] = in_country_scope(
        view.actor(), context["countries"], lambda a: a["country"]
    )
    return context


def _all_countries(view: View, dates: Dates, side: str, title: str) -> dict[str, Any]:
    start, end, as_of = dates.start, dates.end, dates.as_of
    window = assessment.Window(start, end, as_of, side, dates.at)
    found = assessment.assess_all(view.app, window)
    return {
        "title": title,
        "from": start,
        "to": end,
        "as_of": as_of,
        "at": dates.at,
        "link_query": query_of(dates),
        "nothing": nothing_in(view, dates),
        "countries": found,
        "source": provenance(found[0], as_of) if found else "the ledger (no case recorded yet)",
    }


@site.page(
    "/analyst/countries/{code}",
    "country.html",
    P.ASSESSMENT_READ,
    "Country dashboard",
    table=QUARTERS_TABLE,
)
def analyst_country(view: View) -> dict[str, Any]:
    """The analyst's country dashboard: the public page plus recording the assessment."""
    code = country_code(view.params["code"])
    check_country_scope(view.actor(), code)  # as ``GET /assessments/{country}``: else 404
    context = with_published(view, code, country_context(view, code))
    context["analyst"] = True
    return context


@site.action("/analyst/countries/{code}/record", P.ASSESSMENT_RECORD)
def record(view: View, form: FormData) -> str:
    """Record the assessment of the page's From–To so a determination can cite it."""
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
    return f"/analyst/countries/{code}?{query_of(Dates(start, end, as_of, 0))}"
