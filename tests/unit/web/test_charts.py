"""Charts: the server's SVG is exactly what Vega-Lite renders for the spec the JSON twin gives."""

from __future__ import annotations

from typing import Any

import pytest
import vl_convert as vlc

from readmit.web import charts


def _flows(quarters: int, scale: int) -> list[dict[str, Any]]:
    return [
        {"quarter": f"20{20 + q // 4} Q{q % 4 + 1}", "figure": name, "count": scale * (q + k)}
        for q in range(quarters)
        for k, name in enumerate(["presentations", "travel documents issued", "removals"])
    ]


SPECS = {
    "series": lambda: charts.series_chart(
        _flows(6, 3), "quarter", "count", "figure", "Per quarter", "Quarter", "Events"
    ),
    "series, other data": lambda: charts.series_chart(
        _flows(11, 70), "quarter", "count", "figure", "Per quarter", "Quarter", "Events"
    ),
    "bar": lambda: charts.bar_chart(
        [{"quarter": "2021 Q1", "cases": 1850}, {"quarter": "2021 Q2", "cases": 1862}],
        "quarter",
        "cases",
        "Backlog",
        "Quarter",
        "Cases",
    ),
    "empty": lambda: charts.bar_chart([], "quarter", "cases", "Backlog", "Quarter", "Cases"),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_svg_from_the_compiled_shape_equals_rendering_the_vega_lite_spec(name: str) -> None:
    spec = SPECS[name]()
    expected = vlc.vegalite_to_svg(spec)
    drawn = str(charts.svg(spec))
    assert drawn.startswith('<svg role="img" preserveAspectRatio="xMinYMin meet" ')
    assert drawn == expected.replace(
        "<svg ", '<svg role="img" preserveAspectRatio="xMinYMin meet" ', 1
    )
    assert "1850" in drawn or name != "bar"  # the data really is in the drawing
