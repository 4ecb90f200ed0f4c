"""Save a forecast or a scenario's result as files: JSON, the series as CSV, a chart as SVG.

The files are written to a folder the user names, never to the store. Every chart says where its
figures come from (the ledger at a position, or the scenario) and labels synthetic data.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

from readmit.domain.errors import InvalidInput

COLOURS = {"baseline": "#0072B2", "scenario": "#D55E00"}  # Okabe-Ito


def sides(result: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(country, side, projection) for every series in a forecast or a scenario's result."""
    if result["kind"] == "forecast":
        return [(result["country"], "baseline", result)]
    return [
        (part["country"], side, part[side])
        for part in result["countries"]
        for side in ("baseline", "scenario")
    ]


def series_csv(result: dict[str, Any]) -> str:
    """The backlog series, one row per country, side and month, with its 90% band."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["country", "side", "month", "backlog", "low", "high"])
    for country, side, found in sides(result):
        for point in found["series"]:
            writer.writerow(
                [country, side, point["month"], point["backlog"], point["low"], point["high"]]
            )
    return buffer.getvalue()


def chart_spec(result: dict[str, Any], country: str | None = None) -> dict[str, Any]:
    """A Vega-Lite chart of the backlog over time with its band, per side, for one country."""
    picked = [s for s in sides(result) if country is None or s[0] == country]
    code = picked[0][0] if picked else ""
    values = [
        {**point, "side": side}
        for c, side, found in picked
        if c == code
        for point in found["series"]
    ]
    data = alt.Data(values=values)  # type: ignore[no-untyped-call]
    colour = alt.Color(
        "side:N",
        scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
        title=None,
        legend=alt.Legend(orient="bottom"),
    )
    base = alt.Chart(data).encode(x=alt.X("month:Q", title="Months from the window's end"))
    band = base.mark_area(opacity=0.2).encode(y="low:Q", y2="high:Q", color=colour)
    line = base.mark_line().encode(y=alt.Y("backlog:Q", title="Pending cases"), color=colour)
    chart = (band + line).properties(
        title={
            "text": f"Projected backlog, {code}",
            "subtitle": footer(result, code).split("; "),
            "anchor": "start",
        },
        width="container",
        height=260,
    )
    return dict(chart.to_dict())


def footer(result: dict[str, Any], code: str) -> str:
    """Where the chart's figures come from."""
    part = (
        result
        if result["kind"] == "forecast"
        else next((p for p in result["countries"] if p["country"] == code), {})
    )
    words = f"Source: {part.get('source', 'the ledger')}; median and 90% band of the runs"
    if result["kind"] == "scenario":
        words += f"; scenario {result['scenario']['id']} (not the record)"
    return words


def save(result: dict[str, Any], folder: Path) -> list[Path]:
    """Write result.json, series.csv and one chart per country (SVG) into ``folder``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInput(f"cannot write to {folder}: {error.strerror}") from None
    written = [folder / "result.json", folder / "series.csv"]
    written[0].write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    written[1].write_text(series_csv(result), "utf-8")
    for code in dict.fromkeys(c for c, _, _ in sides(result)):
        spec = chart_spec(result, code)
        spec["width"] = 640
        path = folder / f"backlog-{code}.svg"
        path.write_text(str(vlc.vegalite_to_svg(spec)), "utf-8")
        written.append(path)
    return written
