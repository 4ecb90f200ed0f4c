"""Render a country brief as one self-contained HTML file (charts inline as SVG, no CDN)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from readmit.domain.metric_catalogue import metric_label, metric_value
from readmit.services.reports import charts as report_charts
from readmit.services.reports.model import Brief
from readmit.services.reports.projection import CAPTION, HEADING, nothing_to_project, section

_ENV = Environment(
    loader=PackageLoader("readmit.services.reports", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters.update(metric_label=metric_label, metric_value=metric_value)


def render(brief: Brief) -> str:
    """Return the brief as an HTML document."""
    charts = [
        (caption, Markup(report_charts.svg(spec))) for caption, spec in report_charts.charts(brief)
    ]
    contested = brief.assessment.get("contested")
    projected = report_charts.forecast_chart(brief)
    return _ENV.get_template("country_brief.html.j2").render(
        brief=brief,
        a=brief.assessment,
        charts=charts,
        contested=contested if isinstance(contested, dict) else {},
        projection=section(brief),
        projection_heading=HEADING,
        projection_caption=CAPTION,
        projection_none=nothing_to_project(brief),
        projection_chart=Markup(report_charts.svg(projected)) if projected else None,
        projection_figure=len(charts) + 1,
    )
