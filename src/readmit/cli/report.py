"""``readmit report``: a country brief as PDF or HTML."""

from __future__ import annotations

from pathlib import Path

import typer

from readmit.cli.base import app, err, get_app
from readmit.domain.dates import parse_date
from readmit.services.reports import brief as reports


@app.command("report")
def report(
    country: str = typer.Argument(..., help="Partner country (ISO code, e.g. KH)."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write: .pdf or .html."),
    start: str | None = typer.Option(
        None, "--from", help="First day of the rated window (default: a year before --to)."
    ),
    end: str | None = typer.Option(
        None, "--to", help="Last day of the rated window (default: the country's last event)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Count only what had been recorded by this date."
    ),
) -> None:
    """Write a country brief: sanctions timeline, figures and charts, rating, claims, sources."""
    written = reports.write_report(
        get_app(),
        country,
        output=output,
        start=parse_date(start, "--from"),
        end=parse_date(end, "--to"),
        as_of=parse_date(as_of, "--as-of"),
    )
    err.print(f"country brief written to {written}")
