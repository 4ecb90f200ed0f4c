"""A country page's figures over time: its charts (with their figures as tables), the rating
of each quarter with its reasons, and the quarter-by-quarter rows of its CSV twin."""

from __future__ import annotations

from datetime import date
from typing import Any

from readmit.domain.cooperation_standard import AT_RISK, UNCOOPERATIVE, rate
from readmit.services.assessment.cooperation_pack import load_cooperation_pack
from readmit.web import charts
from readmit.web.windows import Dates, query_of

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


def drawn_at(found: list[dict[str, Any]], code: str, dates: Dates) -> list[dict[str, Any]]:
    """Give each chart the address of its drawing (an SVG the page shows as an image, so the
    page's figures are sent without waiting for the charts to be drawn)."""
    assert dates.charts_from is not None
    query = query_of(dates, charts_from=dates.charts_from) + f"&at={dates.at}"
    return [
        {**chart, "src": f"/countries/{code}/charts/{i}.svg?{query}"}
        for i, chart in enumerate(found)
    ]


def quarter_rows(trend: dict[str, Any]) -> list[dict[str, Any]]:
    """Each quarter of the charts with its rating and figures: the country page's table."""
    keys = [*TREND_SERIES, "backlog", *MEDIANS]
    return [
        {
            "quarter": _quarter_label(p["from"]),
            "from": p["from"],
            "to": p["to"],
            "rating": p["rating"],
            "standard": p["standard"]["version"],
            **{key: p["metrics"][key] for key in keys},
        }
        for p in trend["periods"]
    ]


def _quarter_label(start: str) -> str:
    day = date.fromisoformat(start)
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"
