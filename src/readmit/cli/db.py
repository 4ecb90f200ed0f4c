"""``readmit db``: create or upgrade the schema, rebuild projections."""

from __future__ import annotations

import typer

from readmit.cli.base import app, err, get_app
from readmit.services.ops import maintenance

db_app = typer.Typer(help="Create or upgrade the schema; rebuild projections from the log.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply every migration (creates the database if it does not exist)."""
    application = get_app()
    report = maintenance.upgrade(application)
    err.print(f"schema is up to date at {maintenance.describe(application)}")
    err.print(
        f"policy pack {report.pack} (version {report.version}): {report.added} steps added, "
        f"{report.revised} revised, {report.voided} voided"
    )


@db_app.command("rebuild")
def rebuild() -> None:
    """Rebuild every projection table from the event log."""
    count = maintenance.rebuild(get_app())
    err.print(f"rebuilt every projection from {count} events")
