"""What each cooperation metric is called and means, in one place.

The dashboard, the PDF brief, the CLI, the rating's reasons, the exports and docs/metrics.md all
read their words from here, so a metric has one label and one definition wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MetricInfo:
    """A metric's label (a few words), its one-sentence definition and its unit."""

    name: str
    label: str
    definition: str
    unit: str  # "count", "share", "ratio" or "days"


def _m(name: str, label: str, definition: str, unit: str = "count") -> MetricInfo:
    return MetricInfo(name, label, definition, unit)


CATALOGUE: dict[str, MetricInfo] = {
    m.name: m
    for m in (
        _m(
            "backlog",
            "final orders pending",
            "Cases with a final order on or before the window's last day that had not been "
            "removed or closed by that day, stayed cases included.",
        ),
        _m(
            "presentations",
            "cases presented",
            "Requests in the window asking the partner to confirm a person's nationality and "
            "issue a travel document.",
        ),
        _m("interviews_requested", "interviews requested", "Interviews scheduled in the window."),
        _m(
            "interviews_held",
            "interviews held",
            "Interviews held in the window, in person or virtually.",
        ),
        _m(
            "interviews_held_virtual",
            "interviews held virtually",
            "Interviews held in the window by video or telephone.",
        ),
        _m(
            "nationality_confirmed",
            "nationalities confirmed",
            "Cases whose nationality the partner confirmed in the window.",
        ),
        _m(
            "nationality_disputed",
            "nationalities disputed",
            "Cases whose nationality the partner disputed in the window, including a "
            "confirmation withdrawn.",
        ),
        _m(
            "travel_documents_issued",
            "travel documents issued",
            "Travel documents the partner issued in the window.",
        ),
        _m(
            "documents_on_time_share",
            "share of documents on time",
            "Of the travel documents issued in the window, the share issued within the "
            "agreement's deadline (else the standard's), counted from the latest presentation.",
            "share",
        ),
        _m(
            "documents_lapsed",
            "documents lapsed unused",
            "Travel documents that expired in the window before the person was put on a flight.",
        ),
        _m("removals", "removals", "People removed to the partner country in the window."),
        _m(
            "arrivals_refused",
            "arrivals refused",
            "Removals the partner turned back on arrival in the window, of people it had "
            "confirmed as its nationals.",
        ),
        _m(
            "charters_proposed",
            "charters proposed",
            "Charter flights to the country proposed in the window.",
        ),
        _m(
            "charters_accepted",
            "charters accepted",
            "Charter flights to the country the partner accepted in the window.",
        ),
        _m(
            "releases",
            "releases from custody",
            "People released from custody in the window; their cases go on.",
        ),
        _m(
            "release_to_removal_ratio",
            "releases per removal",
            "Releases from custody divided by removals in the window; none when nobody was "
            "removed.",
            "ratio",
        ),
        _m(
            "median_days_presentation_to_interview",
            "median days, presentation to interview",
            "The middle value, over interviews held in the window, of the days since the case "
            "was last presented.",
            "days",
        ),
        _m(
            "median_days_presentation_to_document",
            "median days, presentation to document",
            "The middle value, over travel documents issued in the window, of the days since the "
            "case was last presented.",
            "days",
        ),
        _m(
            "median_days_order_to_removal",
            "median days, final order to removal",
            "The middle value, over removals in the window, of the days since the final order.",
            "days",
        ),
        _m(
            "contested_events",
            "records the partner contests",
            "The removing state's records in the window whose latest answer from the partner "
            "contests them.",
        ),
        _m(
            "stays",
            "removals stayed",
            "Removals a court or agency stayed in the window; stayed cases stay in the backlog.",
        ),
    )
}


def metric_label(name: str) -> str:
    """Return a metric's label (a name not in the catalogue is returned in plain words)."""
    info = CATALOGUE.get(name)
    return info.label if info else name.replace("_", " ")


def metric_definition(name: str) -> str:
    """Return a metric's one-sentence definition ('' for a name not in the catalogue)."""
    info = CATALOGUE.get(name)
    return info.definition if info else ""


def metric_value(name: str, value: Any) -> str:
    """Return a metric's value as a reader says it: a share as a percent, a whole figure
    without '.0', thousands separated, an undefined one as 'none'."""
    if value is None:
        return "none"
    info = CATALOGUE.get(name)
    if info and info.unit == "share" and isinstance(value, int | float):
        return f"{value:.0%}" if value in (0, 1) else f"{value:.1%}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def metric_figure(name: str, value: Any) -> str:
    """Return ``label value``: how the rating's reasons name the figures they rest on."""
    return f"{metric_label(name)} {metric_value(name, value)}"


TABLE_START = (
    "<!-- metric table: generated from domain/metric_catalogue.py by "
    "`uv run python scripts/metric_table.py`; edit the catalogue, not this table -->"
)
TABLE_END = "<!-- end of the generated metric table -->"


def markdown_table() -> str:
    """The catalogue as the Markdown table docs/metrics.md shows, between its markers."""
    rows = [f"| `{m.name}` | {m.label} | {m.definition} |" for m in CATALOGUE.values()]
    head = ["| metric | shown as | what it means (as every page, the PDF and the CLI say it) |"]
    return "\n".join([TABLE_START, *head, "|---|---|---|", *rows, TABLE_END])


def with_markdown_table(text: str) -> str:
    """Return ``text`` with the part between the table's markers regenerated."""
    start, end = text.index(TABLE_START), text.index(TABLE_END) + len(TABLE_END)
    return text[:start] + markdown_table() + text[end:]
