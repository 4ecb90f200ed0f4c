"""``readmit whatif``: forecasts and scenarios computed beside the ledger, never written into it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from readmit.cli.base import app, cli_actor, err, get_app, print_json, say
from readmit.domain.dates import parse_date
from readmit.services.context import App
from readmit.services.whatif import compare, files
from readmit.services.whatif.forecast import WhatIfRequest, forecast
from readmit.services.whatif.recorded import record_analysis, recorded_analysis
from readmit.services.whatif.scenario import load_scenario

whatif_app = typer.Typer(
    help="What-if: backlog forecasts and scenarios, computed beside the ledger (never in it)."
)
app.add_typer(whatif_app, name="whatif")

START = typer.Option(
    None, "--from", help="First day of the observed window (default: a year before --to)."
)
END = typer.Option(
    None, "--to", help="Last day of the window (default: the country's last recorded day)."
)
AS_OF = typer.Option(None, "--as-of", help="Read the ledger as recorded by this date.")
HORIZON = typer.Option(120, "--horizon", help="Months to project.")
SEED = typer.Option(2022, "--seed", help="Seed of the Monte Carlo runs (same seed, same result).")
RUNS = typer.Option(1000, "--runs", help="Monte Carlo runs.")
OUTPUT = typer.Option(
    None, "--output", help="Also save result.json, series.csv and a chart (SVG) in this folder."
)
JSON = typer.Option(False, "--json", help="Print JSON.")
RECORD = typer.Option(
    False, "--record", help="Keep the result as a recorded analysis (beside the ledger, not in it)."
)


def _request(
    start: str | None, end: str | None, as_of: str | None, horizon: int, seed: int, runs: int
) -> WhatIfRequest:
    return WhatIfRequest(
        start=parse_date(start, "--from"),
        end=parse_date(end, "--to"),
        as_of=parse_date(as_of, "--as-of"),
        horizon=horizon,
        seed=seed,
        runs=runs,
    )


@whatif_app.command("forecast")
def forecast_command(
    country: str = typer.Argument(..., help="Partner country (ISO code, e.g. KH)."),
    start: str | None = START,
    end: str | None = END,
    as_of: str | None = AS_OF,
    horizon: int = HORIZON,
    seed: int = SEED,
    runs: int = RUNS,
    output: Path | None = OUTPUT,
    record: bool = RECORD,
    as_json: bool = JSON,
) -> None:
    """Project a country's backlog at the pace of a window: months to clear, with an interval."""
    request = _request(start, end, as_of, horizon, seed, runs)
    application = get_app()
    result = forecast(application, country, request)
    _finish(application, result, output=output, record=record, as_json=as_json)


@whatif_app.command("run")
def run_command(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML; docs/what-if.md)."),
    country: str | None = typer.Option(
        None, "--country", help="Only this country (default: the scenario's, or every one)."
    ),
    start: str | None = START,
    end: str | None = END,
    as_of: str | None = AS_OF,
    horizon: int = HORIZON,
    seed: int = SEED,
    runs: int = RUNS,
    output: Path | None = OUTPUT,
    record: bool = RECORD,
    as_json: bool = JSON,
) -> None:
    """Compare the baseline with a scenario: forecast, rating and reasons, side by side."""
    request = _request(start, end, as_of, horizon, seed, runs)
    application = get_app()
    result = compare.run(application, load_scenario(scenario), request, country=country)
    _finish(application, result, output=output, record=record, as_json=as_json)


@whatif_app.command("show")
def show_command(
    analysis: str = typer.Argument(..., help="The id of a recorded analysis."),
) -> None:
    """Print a recorded analysis as JSON: who recorded it, when, and its result."""
    print_json(recorded_analysis(get_app(), analysis))


def _finish(
    application: App, result: dict[str, Any], *, output: Path | None, record: bool, as_json: bool
) -> None:
    if record:
        ident = record_analysis(application, cli_actor(application, "analyst"), result)
        err.print(f"recorded analysis {ident} (beside the ledger, not a fact of it)")
    if output is not None:
        for path in files.save(result, output):
            err.print(f"wrote {path}", highlight=False)
    if as_json:
        print_json(result)
    elif result["kind"] == "forecast":
        _print_forecast(result)
    else:
        _print_run(result)


def _print_forecast(result: dict[str, Any]) -> None:
    say(f"{result['country_name']} ({result['country']}): {result['answer']}")
    say(f"  from {result['source']}; window {result['window']['from']} – {result['window']['to']}")
    for line in result["rests_on"]:
        say(f"  rests on: {line}")
    say(f"  seed {result['seed']}, {result['runs']:,} runs, horizon {result['horizon_months']}")


def _print_run(result: dict[str, Any]) -> None:
    scenario = result["scenario"]
    say(f"scenario {scenario['id']} (version {scenario['digest'][:12]}): {scenario['title']}")
    position = result["ledger_position"]
    say(
        f"  ledger position {position['seq']} ({position['hash'][:12]}); pack "
        f"{result['pack']['regime']} {result['pack']['version']}; seed {result['seed']}"
    )
    for part in result["countries"]:
        say(
            f"{part['country_name']} ({part['country']}), window {part['window']['from']} – "
            f"{part['window']['to']}; from {part['source']}"
        )
        for side in ("baseline", "scenario"):
            found = part[side]
            say(
                f"  {side}: {found['rating']} (standard {found['standard_version']}); "
                f"{found['answer']}"
            )
            for effect in found["effects"]:
                say(f"    - {effect}")
        changed = part["difference"]["rating"]
        say(
            f"  difference: removable backlog {part['difference']['removable_backlog']:+,} "
            f"(pending cases: {part['baseline']['pending']:,}); rating {changed or 'unchanged'}"
        )
    if result["sanctions"] is not None:
        found = result["sanctions"]
        say(
            f"sanctions: {found['decided_differently']:,} of "
            f"{found['single_decisions_decided_again']:,} logged decisions decided differently"
        )
        for row in found["by_class_and_post"]:
            say(
                f"  {row['visa_class']} at {row['post']}: {row['baseline']} → "
                f"{row['scenario']}: {row['count']:,}"
            )
    say(f"recorded: {result['recorded']}")
