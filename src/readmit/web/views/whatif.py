"""The analyst's what-if page: a country, a window and a few levers; the baseline and the
scenario side by side, as a chart with its band and in figures. Nothing is recorded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from readmit.domain.errors import InvalidInput
from readmit.domain.permissions import Permission as P
from readmit.services.assessment import figures
from readmit.services.whatif import compare, files
from readmit.services.whatif.forecast import WhatIfRequest
from readmit.services.whatif.scenario import parse_scenario
from readmit.web.site import View
from readmit.web.views import site

FLAGS = ("voluntary_only", "no_family_separation", "nationals_only")
RATES = ("removals_per_month", "interviews_per_month", "travel_documents_per_month")
RUNS = 500  # a page answers quickly; the command line and the API take --runs


def _number(view: View, name: str, cast: type[int] | type[float]) -> Any:
    raw = view.arg(name)
    if not raw:
        return None
    try:
        value = cast(raw)
    except ValueError:
        raise InvalidInput(f"{name.replace('_', ' ')} must be a number, not {raw!r}") from None
    if value < 0:
        raise InvalidInput(f"{name.replace('_', ' ')} must be 0 or more, not {raw}")
    return value


def _levers(view: View) -> dict[str, Any]:
    """The scenario the form describes (only the levers set)."""
    agreement: dict[str, Any] = {f: True for f in FLAGS if view.arg(f) == "1"}
    training = _number(view, "training_days", int)
    if training:
        agreement["training_days"] = training
    process = {r: v for r in RATES if (v := _number(view, r, float)) is not None}
    return {
        "id": "dashboard",
        "title": "levers set on the what-if page",
        "agreement": agreement or None,
        "process": process or None,
    }


@site.page("/analyst/whatif", "whatif.html", P.ASSESSMENT_RECORD, "What-if", nav="What-if")
def whatif_page(view: View) -> dict[str, Any]:
    """A forecast at the window's pace beside the scenario the form's levers describe."""
    country = view.arg("country", "KH").upper()
    # The window ends, unless named, on the ledger's last recorded day: the year before it.
    last = figures.last_recorded_day(view.app) or date.today()
    end = view.date_arg("to", last)
    start = view.date_arg("from", end - timedelta(days=364))
    levers = _levers(view)
    scenario = parse_scenario({k: v for k, v in levers.items() if v is not None}, "the form")
    request = WhatIfRequest(start=start, end=end, runs=RUNS, seed=2022)
    result = compare.run(view.app, scenario, request, country=country)
    part = result["countries"][0]
    chart = files.chart_spec(result, part["country"])
    chart["width"] = 720
    return {
        "title": f"What-if: {part['country_name']}",
        "form": {"country": part["country"], "from": start, "to": end, **_form(view)},
        "result": result,
        "part": part,
        "chart": chart,
        "json_link": "/analyst/whatif.json?" + urlencode(dict(view.query)),
        "source": f"{part['source']}; the scenario is the levers above, not the record "
        f"(version {result['scenario']['digest'][:12]}); nothing here is recorded",
    }


def _form(view: View) -> dict[str, Any]:
    return {name: view.arg(name) for name in (*FLAGS, "training_days", *RATES)}
