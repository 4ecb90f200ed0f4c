"""Charts of a country brief: Vega-Lite specs built with Altair, rendered offline by vl-convert.

Colours are the Okabe-Ito palette (safe for colour-blind readers); every chart names its source.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import vl_convert as vlc

from readmit.services.reports.model import Brief

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]
WIDTH, HEIGHT = 460, 200
ACTIVITY = {
    "presentations": "Presentations",
    "travel_documents_issued": "Travel documents issued",
    "removals": "Removals",
}


def _data(values: list[dict[str, Any]]) -> Any:
    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def _footer(brief: Brief) -> str:
    label = "synthetic demo data; " if brief.synthetic else ""
    return f"Source: readmit ledger ({label}position {brief.ledger_position.get('seq')})"


def removals_chart(brief: Brief) -> dict[str, Any]:
    """Removals per year, bars."""
    data = _data([{"year": str(r["year"]), "removals": r["removals"]} for r in brief.series])
    chart = (
        alt.Chart(data)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("removals:Q", title="Removals"),
            tooltip=["year:O", "removals:Q"],
        )
        .properties(
            title={"text": f"Removals to {brief.name} per year", "subtitle": _footer(brief)},
            width=WIDTH,
            height=HEIGHT,
        )
    )
    return dict(chart.to_dict())


def activity_chart(brief: Brief) -> dict[str, Any]:
    """Presentations, travel documents and removals per year, one line each."""
    values = [
        {"year": str(r["year"]), "what": label, "count": r[key]}
        for r in brief.series
        for key, label in ACTIVITY.items()
    ]
    chart = (
        alt.Chart(_data(values))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("count:Q", title="Cases"),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=list(ACTIVITY.values()), range=OKABE_ITO[:3]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash("what:N", legend=None),
        )
        .properties(
            title={
                "text": "Presentations, travel documents and removals per year",
                "subtitle": _footer(brief),
            },
            width=WIDTH,
            height=HEIGHT,
        )
    )
    return dict(chart.to_dict())


def backlog_chart(brief: Brief) -> dict[str, Any]:
    """The backlog at each year's end, with the claims about it as labelled points."""
    ledger = [
        {"date": f"{r['year']}-12-31", "backlog": r["backlog"], "who": "ledger"}
        for r in brief.series
    ]
    claimed = [
        {"date": c["refers_to"], "backlog": c["figure"], "who": f"claim: {c['asserted_by']}"}
        for c in brief.claims
        if c.get("metric") == "backlog" and isinstance(c.get("figure"), int | float)
    ]
    base = alt.Chart(_data(ledger)).encode(
        x=alt.X("date:T", title="Year end"), y=alt.Y("backlog:Q", title="Final orders pending")
    )
    line = base.mark_line(color=OKABE_ITO[0], point=True)
    layers: list[Any] = [line]
    if claimed:
        points = (
            alt.Chart(_data(claimed))
            .mark_point(shape="diamond", size=90, filled=True, color=OKABE_ITO[3])
            .encode(x="date:T", y="backlog:Q", tooltip=["who:N", "backlog:Q", "date:T"])
        )
        layers.append(points)
    chart = alt.layer(*layers).properties(
        title={
            "text": "Backlog of final orders: the ledger (line) and claims (diamonds)",
            "subtitle": _footer(brief),
        },
        width=WIDTH,
        height=HEIGHT,
    )
    return dict(chart.to_dict())


def forecast_chart(brief: Brief) -> dict[str, Any] | None:
    """The backlog projected month by month at the window's pace: the median of the runs and
    its 90% band, titled as a projection (not the record), with the ledger position and seed."""
    found = brief.forecast
    if found is None:
        return None
    start = date.fromisoformat(found["window"]["to"])
    values = [
        {
            "month": _months_after(start, p["month"]).isoformat(),
            "backlog": p["backlog"],
            "low": p["low"],
            "high": p["high"],
        }
        for p in found["series"]
    ]
    base = alt.Chart(_data(values)).encode(x=alt.X("month:T", title="Month (projected)"))
    band = base.mark_area(opacity=0.25, color=OKABE_ITO[5]).encode(
        y=alt.Y("low:Q", title="Final orders pending (projected)"), y2="high:Q"
    )
    line = base.mark_line(color=OKABE_ITO[0]).encode(
        y="backlog:Q", tooltip=["month:T", "backlog:Q", "low:Q", "high:Q"]
    )
    chart = alt.layer(band, line).properties(
        title={
            "text": "Projected backlog at the window's pace: a projection, not a fact",
            "subtitle": [
                f"Median of {found['runs']:,} runs (line) and 90% band; pace of "
                f"{found['window']['from']} - {found['window']['to']}",
                f"Computed from the readmit ledger at position {found['ledger_seq']}, "
                f"seed {found['seed']}" + ("; synthetic demo data" if found["synthetic"] else ""),
            ],
        },
        width=WIDTH,
        height=HEIGHT,
    )
    return dict(chart.to_dict())


def _months_after(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def charts(brief: Brief) -> list[tuple[str, dict[str, Any]]]:
    """Every chart of the brief, with its caption."""
    return [
        ("Removals per year", removals_chart(brief)),
        ("Activity per year", activity_chart(brief)),
        ("Backlog beside the claims", backlog_chart(brief)),
    ]


def png(spec: dict[str, Any]) -> bytes:
    """Render a chart to PNG (no network, no browser)."""
    return bytes(vlc.vegalite_to_png(spec, scale=2))


def svg(spec: dict[str, Any]) -> str:
    """Render a chart to SVG text."""
    return str(vlc.vegalite_to_svg(spec))
