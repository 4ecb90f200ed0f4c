"""The published figures as a public dataset of their own, apart from the ledger's figures."""

from __future__ import annotations

from readmit.domain.countries import country_name
from readmit.services.assessment.published import published_rows
from readmit.services.context import App
from readmit.services.exports.files import Column, Dataset

S, INT, B, D = "string", "integer", "boolean", "date"
SOURCE = (
    "published tables of US agencies (ICE annual reports, DHS Yearbook of Immigration "
    "Statistics, an ICE response on its non-detained docket), as the policy pack records them; "
    "not the ledger: each row names its publisher, table and address"
)


def published_figures(app: App) -> Dataset:
    """Every published figure, with its publisher, table title and address on its row."""
    rows = [
        {
            "country": f["country"],
            "country_name": country_name(f["country"]),
            "measure": f["measure"],
            "period": f["period"],
            "period_start": f["period_start"],
            "period_end": f["period_end"],
            "published_value": f["value"],
            "publisher": f["source"]["publisher"],
            "table_title": f["source"]["title"],
            "url": f["source"]["url"],
            "source_id": f["source"]["id"],
            "secondary": f["secondary"],
            "note": f["note"],
        }
        for f in published_rows(app)
    ]
    columns = (
        Column("country", S, "ISO code of the country of citizenship (or nationality)"),
        Column("country_name", S, "Name of the country"),
        Column(
            "measure",
            S,
            "removals (removals and returns in a fiscal year, as the publisher counts them) or "
            "final_orders_pending (people on ICE's non-detained docket with a final order of "
            "removal, on one day)",
        ),
        Column(
            "period",
            S,
            "The fiscal year (FY2019: 1 October 2018 - 30 September 2019) or the day of a count",
        ),
        Column("period_start", D, "First day the figure counts"),
        Column("period_end", D, "Last day the figure counts (a count on one day: that day)"),
        Column("published_value", INT, "The figure as published (not a ledger figure)"),
        Column("publisher", S, "Who published it"),
        Column("table_title", S, "The document and table it is read from"),
        Column("url", S, "The address of the document"),
        Column("source_id", S, "The document's id in the pack's published_figures.yaml"),
        Column("secondary", B, "Read only in a news report that quotes the published figure"),
        Column("note", S, "Which row and column of the table, and what it counts"),
    )
    return Dataset(
        "published_figures",
        "Published figures: removals and final orders by country, as US agencies published them",
        SOURCE,
        columns,
        rows,
    )
