"""``readmit demo``: build the synthetic scenario true to the record, and show it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from readmit.cli.base import app, err, get_app, out
from readmit.demo.profiles import WINDOW
from readmit.demo.run import build_demo
from readmit.demo.summary import LAST_YEAR, Summary, summarise
from readmit.services.context import App, bootstrap

DEFAULT_DB = Path("readmit-demo.db")


class RichProgress:
    """Shows each stage of the demo as a line with a bar where the size is known."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, name: str, total: int | None = None) -> None:
        self.finish()
        self.task = self.progress.add_task(name, total=total)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def finish(self) -> None:
        """Mark the current stage complete."""
        if self.task is None:
            return
        task = next(t for t in self.progress.tasks if t.id == self.task)
        total = task.total or 1
        self.progress.update(self.task, total=total, completed=total)


def demo_app(db: Path) -> App:
    """Return the application on the demo's own SQLite file (never the configured store)."""
    settings = get_app().settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    return bootstrap(settings)


@app.command("demo")
def demo(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="SQLite file to create or reuse."),
    seed: int = typer.Option(2022, "--seed", help="Seed of the synthetic scenario."),
) -> None:
    """Build the synthetic scenario (Cambodia 2002-2022 and others) and print its summary."""
    application = demo_app(db)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=False) as bar:
        reporter = RichProgress(bar)
        report = build_demo(application, seed, reporter)
        reporter.stage("Reading the figures back from the ledger")
        summary = summarise(application)
        reporter.finish()
    state = "reused (nothing added)" if report.reused else f"{report.events_added} events added"
    err.print(f"demo database {db}: seed {seed}, {state}, {report.seconds:.1f} s")
    render(summary)


def render(summary: Summary) -> None:
    """Print the summary: every country's cases, then Cambodia's figures beside the record."""
    table = Table(title="Synthetic removal cases by nationality (all data synthetic)")
    for name in ("country", "cases", "removed", "pending", "closed"):
        table.add_column(name, justify="left" if name == "country" else "right")
    for row in summary.countries:
        done = row.get("removed", 0) + row.get("received", 0)
        pending = row["cases"] - done - row.get("closed", 0)
        table.add_row(
            f"{row['name']} ({row['country']})",
            str(row["cases"]),
            str(done),
            str(pending),
            str(row.get("closed", 0)),
        )
    out.print(table)
    render_ratings(summary)
    kh = summary.cambodia
    out.print("[bold]Cambodia in the ledger, beside the public record (facts.md)[/]")
    for group in kh.group_returns:
        out.print(f"  group return {group.departure_on}: {group.removed} removed ({group.kind})")
    out.print(f"  2019: {kh.removals_2019} removed, {kh.criminal_2019} on criminal grounds")
    out.print(f"  final orders pending on 2022-05-16: {kh.pending_2022_05_16}")
    out.print(
        f"  2020-10-01 to 2022-05-16: {kh.window_interviews} interview, "
        f"{kh.window_removals} removals"
    )


def render_ratings(summary: Summary) -> None:
    """Print every country's rating over the embassy's window and over the last year."""
    start, end = WINDOW
    first, last = LAST_YEAR
    table = Table(title="Cooperation ratings from the ledger (synthetic cases)")
    table.add_column("country")
    table.add_column(f"{start} - {end}")
    table.add_column(f"{first} - {last}")
    table.add_column("backlog", justify="right")
    table.add_column(f"removals {first.year}", justify="right")
    for r in summary.ratings:
        table.add_row(
            f"{r.name} ({r.country})",
            r.window,
            r.last_year,
            str(r.backlog),
            str(r.removals_last_year),
        )
    out.print(table)
