"""Charts: Vega-Lite specs built with Altair, rendered to SVG on the server (no script, no CDN).

The palette is Okabe and Ito's, safe for the common colour-vision deficiencies; every series
also differs by stroke dash and point shape, so colour is never the only cue. A page's JSON
twin carries the spec itself, so anyone can redraw the chart from the same data.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert as vlc
from markupsafe import Markup

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "stroke"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3], [10, 4]]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _spec(chart: alt.Chart) -> dict[str, Any]:
    configured = (
        chart.configure_axis(labelFontSize=13, titleFontSize=13, labelFont=FONT)
        .configure_legend(labelFontSize=13, titleFontSize=13, orient="bottom", labelLimit=260)
        .configure_title(fontSize=15, anchor="start", font=FONT)
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = configured.to_dict()
    return spec


def _placeholder() -> alt.Data:
    return alt.Data(values=[])  # type: ignore[no-untyped-call]


def _with_data(template: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    # Altair builds (and checks) the chart once per shape; each render only swaps the data in.
    spec: dict[str, Any] = json.loads(template)
    spec["data"] = {"values": list(rows)}
    return spec


def series_chart(
    rows: Sequence[dict[str, Any]],
    x: str,
    y: str,
    series: str,
    title: str,
    x_title: str,
    y_title: str,
) -> dict[str, Any]:
    """Return a Vega-Lite spec: one line per series over ``x``, with points and dashes."""
    names = tuple(sorted({str(r[series]) for r in rows}))
    return _with_data(_series_template(x, y, series, title, x_title, y_title, names), rows)


@lru_cache(maxsize=64)
def _series_template(
    x: str, y: str, series: str, title: str, x_title: str, y_title: str, names: tuple[str, ...]
) -> str:
    colours = OKABE_ITO[: len(names)] or OKABE_ITO[:1]
    domain = list(names)
    base = alt.Chart(_placeholder(), title=title)
    chart = base.mark_line(point={"size": 60, "filled": True}, strokeWidth=2.5).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color(f"{series}:N", title=None, scale=alt.Scale(domain=domain, range=colours)),
        strokeDash=alt.StrokeDash(
            f"{series}:N", title=None, scale=alt.Scale(domain=domain, range=DASHES[: len(names)])
        ),
        shape=alt.Shape(
            f"{series}:N", title=None, scale=alt.Scale(domain=domain, range=SHAPES[: len(names)])
        ),
        tooltip=[f"{x}:O", f"{series}:N", f"{y}:Q"],
    )
    return json.dumps(_spec(chart.properties(width=560, height=240)))


def bar_chart(
    rows: Sequence[dict[str, Any]], x: str, y: str, title: str, x_title: str, y_title: str
) -> dict[str, Any]:
    """Return a Vega-Lite spec: one bar per ``x`` (a single series, so one colour)."""
    return _with_data(_bar_template(x, y, title, x_title, y_title), rows)


@lru_cache(maxsize=64)
def _bar_template(x: str, y: str, title: str, x_title: str, y_title: str) -> str:
    chart = (
        alt.Chart(_placeholder(), title=title)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y(f"{y}:Q", title=y_title),
            tooltip=[f"{x}:O", f"{y}:Q"],
        )
    )
    return json.dumps(_spec(chart.properties(width=560, height=220)))


@lru_cache(maxsize=64)
def _compiled(template_json: str) -> str:
    """Compile a Vega-Lite spec without its data to Vega, once per chart shape."""
    return json.dumps(vlc.vegalite_to_vega(json.loads(template_json)))


def _vega_of(spec: dict[str, Any]) -> dict[str, Any] | None:
    """Return the Vega spec of a Vega-Lite spec with inline data: its shape compiled once
    (compiling costs a third of a render), the data put in; None for any other spec."""
    values = spec.get("data", {}).get("values")
    if not isinstance(values, list):
        return None
    template = json.dumps({**spec, "data": {"values": []}}, sort_keys=True)
    vega: dict[str, Any] = json.loads(_compiled(template))
    inline = [d for d in vega.get("data", []) if "values" in d]
    if len(inline) != 1:
        return None
    inline[0]["values"] = values
    return vega


@lru_cache(maxsize=512)
def _svg_of(spec_json: str) -> str:
    spec = json.loads(spec_json)
    vega = _vega_of(spec)
    svg: str = vlc.vega_to_svg(vega) if vega is not None else vlc.vegalite_to_svg(spec)
    # Let the layout scale the drawing down on a phone; the viewBox keeps it sharp.
    return svg.replace("<svg ", '<svg role="img" preserveAspectRatio="xMinYMin meet" ', 1)


def svg(spec: dict[str, Any]) -> Markup:
    """Render a Vega-Lite spec to inline SVG (cached by the spec's canonical JSON)."""
    return Markup(_svg_of(json.dumps(spec, sort_keys=True)))


def warm_up() -> None:
    """Start the renderer's JavaScript engine in the background, so no visitor waits for it."""

    def draw() -> None:
        svg(bar_chart([{"q": "a", "n": 1}], "q", "n", "warm-up", "q", "n"))

    threading.Thread(target=draw, name="readmit-chart-warm-up", daemon=True).start()
