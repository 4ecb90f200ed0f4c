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
    before = maintenance.schema_revision(application)
    report = maintenance.upgrade(application)
    where, now = maintenance.describe(application), maintenance.schema_revision(application)
    if before is None:
        err.print(f"created the readmit schema (migration {now}) at {where}")
    elif before != now:
        err.print(f"upgraded the schema from migration {before} to {now} at {where}")
    else:
        err.print(f"the schema was already up to date (migration {now}) at {where}")
    err.print(
        f"policy pack {report.pack} (version {report.version}): {report.added} steps added, "
        f"{report.revised} revised, {report.voided} voided"
    )


@db_app.command("rebuild")
def rebuild() -> None:
    """Rebuild every projection table from the event log."""
    count = maintenance.rebuild(get_app())
    err.print(f"rebuilt every projection from {count} events")
