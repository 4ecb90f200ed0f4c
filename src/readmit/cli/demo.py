"""``readmit demo``: build the synthetic scenario true to the record, and show it."""

from __future__ import annotations

import json
import os
import socket
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import typer
import uvicorn
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
from readmit.cli.serve import APP_FACTORY, proxy_options
from readmit.demo.accounts import DemoLogin
from readmit.demo.profiles import WINDOW
from readmit.demo.record import choices, record_rows
from readmit.demo.run import REGISTRY_PACKS, build_demo
from readmit.demo.samples import write_samples
from readmit.demo.summary import LAST_YEAR, Summary, summarise
from readmit.domain.errors import InvalidInput
from readmit.services.context import App, bootstrap
from readmit.settings import SETTINGS_FILE

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


def demo_packs(configured: list[str]) -> list[str]:
    """The demo's registry packs: the configured ones, and every other shipped regime."""
    return list(dict.fromkeys([*configured, *REGISTRY_PACKS]))


def demo_app(db: Path) -> App:
    """Return the application on the demo's own SQLite file (never the configured store), its
    registry holding the three regimes."""
    current = get_app().settings
    settings = current.model_copy(
        update={
            "database_url": f"sqlite:///{db}",
            "registry_packs": demo_packs(current.registry_packs),
        }
    )
    return bootstrap(settings)


def remember_database(url: str, folder: Path, packs: list[str] | None = None) -> str:
    """Point the folder's readmit.toml at the demo's database and its registry's packs, unless
    it names another database.

    Every command run in the folder then reads the demo's data with no setting to make.
    """
    settings = folder / SETTINGS_FILE
    packs_line = f"registry_packs = {json.dumps(packs)}\n" if packs else ""
    if not settings.exists():
        settings.write_text(
            "# Written by `readmit demo`: readmit commands run in this folder use its database.\n"
            f"database_url = {json.dumps(url)}\n" + packs_line,
            encoding="utf-8",
        )
        return f"{SETTINGS_FILE} here now points at {url}: commands run in this folder use it"
    text = settings.read_text(encoding="utf-8")
    held = tomllib.loads(text)
    named = held.get("database_url")
    if named != url:
        return f"{SETTINGS_FILE} here names {named!r}, not the demo's {url}: it was left as it is"
    if packs_line and "registry_packs" not in held:
        # A readmit.toml of an earlier demo: its registry now holds the other regimes too.
        settings.write_text(text.rstrip("\n") + "\n" + packs_line, encoding="utf-8")
        return f"{SETTINGS_FILE} here points at {url}, its registry at {', '.join(packs or ())}"
    return f"{SETTINGS_FILE} here points at {url}"


@app.command("demo")
def demo(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="SQLite file to create or reuse."),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Serve the dashboard after the summary (default)."
    ),
    port: int = typer.Option(8000, "--port", help="Port of the dashboard."),
    seed: int = typer.Option(2022, "--seed", help="Seed of the synthetic scenario."),
) -> None:
    """Build the synthetic scenario true to the record, print its summary, serve the dashboard."""
    application = demo_app(db)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=False) as bar:
        reporter = RichProgress(bar)
        files = db.parent / "demo-output" / db.stem
        report = build_demo(application, seed, files, reporter)
        reporter.stage("Reading the figures back from the ledger")
        summary = summarise(application)
        reporter.finish()
    state = "reused (nothing added)" if report.reused else f"{report.events_added} events added"
    err.print(f"demo database {db}: seed {seed}, {state}, {report.seconds:.1f} s")
    # Beside the database, so that commands run in its folder read it by its name there.
    packs = application.settings.registry_packs
    err.print(remember_database(f"sqlite:///{db.name}", db.parent, packs))
    render(summary)
    render_screening(report.screening, summary)
    samples = [_shown(path) for path in write_samples(files)]
    out.print(f"Synthetic files to try `readmit import` on: {', '.join(samples)}")
    address = f"http://127.0.0.1:{port}/"
    render_logins(report.logins, address)
    if serve:
        serve_dashboard(application, port)


def _shown(path: Path) -> str:
    """A path as the reader would type it here: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def serve_dashboard(application: App, port: int) -> None:
    """Serve the API and dashboard on the demo database, on this machine only."""
    _check_port_free(port)
    # The server builds its app from the environment's settings (see ``readmit serve``).
    os.environ["READMIT_DATABASE_URL"] = application.settings.database_url
    os.environ["READMIT_REGISTRY_PACKS"] = json.dumps(application.settings.registry_packs)
    err.print(f"serving the dashboard on http://127.0.0.1:{port}/ (Ctrl+C stops it)")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_level="warning",
        server_header=False,
        **proxy_options(application.settings),
    )


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise InvalidInput(
                f"port {port} is already in use on 127.0.0.1; pass another --port "
                "(the summary above stands: the database is built)",
                port=port,
            ) from None


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
    render_sanctions(summary)
    render_cambodia(summary)


def render_cambodia(summary: Summary) -> None:
    """Print Cambodia's record beside the ledger, the scenario's own choices, and the flags."""
    kh = summary.cambodia
    out.print(
        "[bold]Cambodia in the ledger, beside the public record[/] "
        "(docs/sources.md; [U] = uncertain in the record)",
        highlight=False,
    )
    table = Table(title="True to the record: what the record says, and what the ledger holds")
    for name in ("the record says", "the ledger holds", "holds it"):
        table.add_column(name)
    for row in record_rows(kh):
        table.add_row(row.record, row.ledger, "yes" if row.holds else "NO")
    out.print(table)
    out.print("  Chosen by the scenario (the record gives no count or day for these):")
    for choice in choices(kh):
        out.print(f"    {choice.what}: {choice.chosen}", highlight=False)
    out.print("  Flagged: removals outside the agreement")
    for found in kh.outside_agreement or ():
        out.print(f"    {found.reason}", highlight=False)
    if not kh.outside_agreement:
        out.print("    none")


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


def render_sanctions(summary: Summary) -> None:
    """Print the sanctions in force today, regime by regime."""
    out.print(f"[bold]Sanctions in force today ({date.today()}), from the policy packs[/]")
    regimes = summary.regimes or [(s.regime, s.regime) for s in summary.in_force[:1]]
    for pack, law in regimes:
        out.print(f"  {law} ({pack}):", highlight=False)
        shown = [s for s in summary.in_force if s.regime == pack]
        for s in shown:
            stale = "; not verified as still in force for over a year" if s.stale else ""
            status = s.status.replace("_", " ")
            out.print(f"    {s.id} {s.country_name}: {status}{stale}")
            out.print(f"      {s.title}")
        if not shown:
            out.print(f"    none in force today (`readmit sanctions list --pack {pack}`)")


def render_screening(screened: dict[str, Any], summary: Summary) -> None:
    """Print the batch screening's counts and a few single decisions with their reasons."""
    counts = ", ".join(f"{k} {v}" for k, v in sorted(screened.get("by_decision", {}).items()))
    out.print(
        f"[bold]Screened {screened.get('rows')} synthetic visa applications[/] "
        f"(batch {screened.get('batch_id')}): {counts}; decisions in {screened.get('output')}"
    )
    for item in summary.screened:
        out.print(f"  {item.label}: [bold]{item.decision}[/]")
        if item.reasons:
            out.print(f"    {item.reasons}")


def render_logins(logins: list[DemoLogin], address: str) -> None:
    """Print the dashboard's address, links on the scenario's dates, and a login per role."""
    out.print(f"[bold]Dashboard: {address}[/]  (public pages need no login)")
    out.print("  The scenario ends in 2022; these open on its dates:")
    out.print(f"    {address}sanctions  (the public registry)")
    out.print(f"    {address}countries/KH?to={WINDOW[1]}  (Cambodia's public page)")
    out.print(f"    {address}analyst?to={WINDOW[1]}  (all countries; sign in as the analyst)")
    out.print("  Demo logins (known passwords: for a local demo only, never a deployment):")
    for login in logins:
        bound = f", bound to {login.country}" if login.country else ""
        out.print(f"    {login.role}{bound}: user {login.name}  password {login.password}")
