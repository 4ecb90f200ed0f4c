"""``readmit import cases|flights|events FILE``: bring data in from CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from readmit.cli.base import app, cli_actor, err, get_app, print_json
from readmit.services.imports import run as importing
from readmit.services.imports.run import ImportReport

import_app = typer.Typer(
    help="Import cases, flights or case events from CSV or Parquet (see docs/import-formats.md)."
)
app.add_typer(import_app, name="import")

FILE_HELP = "A .csv or .parquet file."
STRICT_HELP = "Exit 1 if any row was rejected."
JSON_HELP = "Print the summary as JSON on standard output."
CHUNK_HELP = "Rows applied per transaction (a crash loses at most one chunk's work)."


def _run(kind: str, path: Path, strict: bool, as_json: bool, chunk_rows: int) -> None:
    application = get_app()
    with Progress(
        TextColumn(f"importing {kind}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(kind, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = importing.import_file(
            application,
            cli_actor(application),
            kind=kind,
            path=path,
            progress=advance,
            chunk_rows=chunk_rows,
        )
    _summarise(report, as_json)
    if strict and report.rejected:
        raise typer.Exit(1)


def _summarise(report: ImportReport, as_json: bool) -> None:
    if as_json:
        print_json(report.to_dict())
    resumed = ""
    if report.resumed_at >= report.read > 0:
        resumed = " (this file was imported before)"
    elif report.resumed_at:
        resumed = f" (resumed an interrupted run at row {report.resumed_at} of {report.read})"
    err.print(
        f"{report.path}: read {report.read}, applied {report.applied}, "
        f"already imported {report.already}, rejected {len(report.rejected)}{resumed}",
        highlight=False,
        soft_wrap=True,
    )
    if report.rejected_file:
        err.print(
            f"rejected rows and their reasons: {report.rejected_file}",
            highlight=False,
            soft_wrap=True,
        )


@import_app.command("cases")
def cases(
    file: Path = typer.Argument(..., help=FILE_HELP),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    chunk_rows: int = typer.Option(importing.CHUNK_ROWS, "--chunk-rows", min=1, help=CHUNK_HELP),
) -> None:
    """Open a removal case for each row (a final order of removal)."""
    _run("cases", file, strict, as_json, chunk_rows)


@import_app.command("flights")
def flights(
    file: Path = typer.Argument(..., help=FILE_HELP),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    chunk_rows: int = typer.Option(importing.CHUNK_ROWS, "--chunk-rows", min=1, help=CHUNK_HELP),
) -> None:
    """Schedule a flight (charter or commercial) for each row."""
    _run("flights", file, strict, as_json, chunk_rows)


@import_app.command("events")
def events(
    file: Path = typer.Argument(..., help=FILE_HELP),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    chunk_rows: int = typer.Option(importing.CHUNK_ROWS, "--chunk-rows", min=1, help=CHUNK_HELP),
) -> None:
    """Move cases: each row is one event, applied in occurred_on order (file order for ties)."""
    _run("events", file, strict, as_json, chunk_rows)
