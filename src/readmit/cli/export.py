"""``readmit export``: the public datasets, or the cases for a role allowed personal data."""

from __future__ import annotations

from pathlib import Path

import typer

from readmit.cli.base import app, cli_actor, err, get_app
from readmit.services.exports import public as exports

export_app = typer.Typer(help="Export the public datasets, or cases with personal data.")
app.add_typer(export_app, name="export")


@export_app.command("public")
def public(
    output: Path = typer.Option(..., "--output", "-o", help="Folder to write the datasets to."),
) -> None:
    """Write the registry, claims and de-identified counts as CSV, Parquet and JSON."""
    written = exports.export_public(get_app(), output)
    err.print(f"{len(written)} files written to {output} (see {output / 'README.md'})")


@export_app.command("cases")
def cases(
    output: Path = typer.Option(..., "--output", "-o", help="File: .csv, .parquet or .json."),
    role: str = typer.Option("admin", "--role", help="The role you export as."),
    country: str | None = typer.Option(
        None, "--country", help="Only this nationality; the country a bound role acts for."
    ),
) -> None:
    """Write cases with personal data, as far as the role may read it (each read is logged)."""
    application = get_app()
    actor = cli_actor(application, role)
    count = exports.export_cases(application, actor, target=output, country=country)
    err.print(f"{count} cases written to {output}")
