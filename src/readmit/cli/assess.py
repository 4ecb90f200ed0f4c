"""``readmit assess``: rate a country's cooperation against the pack's standard."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from readmit.cli.base import app, cli_actor, err, get_app, out
from readmit.domain.countries import country_name
from readmit.domain.dates import parse_date
from readmit.domain.errors import InvalidInput
from readmit.domain.metric_catalogue import metric_label, metric_value
from readmit.services.assessment import assess as service
from readmit.services.assessment import recorded, regime_assessment


@app.command("assess")
def assess(
    country: str | None = typer.Argument(None, help="Partner country (ISO code, e.g. KH)."),
    start: str = typer.Option(..., "--from", help="First day of the window (YYYY-MM-DD)."),
    end: str = typer.Option(..., "--to", help="Last day of the window (YYYY-MM-DD)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Count only what had been recorded by this date."
    ),
    every: bool = typer.Option(False, "--all", help="Assess every country with a case."),
    view: str = typer.Option("ours", "--view", help="ours | partner | both."),
    by: str | None = typer.Option(None, "--by", help="'quarter' for a trend."),
    at_seq: int | None = typer.Option(
        None, "--at-seq", help="Read the ledger at this position (default: its head)."
    ),
    standard_version: str | None = typer.Option(
        None, "--standard-version", help="Use this version of the standard."
    ),
    record: bool = typer.Option(
        False, "--record", help="Record the assessment in the ledger so it can be cited."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    pack: str | None = typer.Option(
        None,
        "--pack",
        help="Assess under this regime's pack: its standard, or its indicators and factors "
        "(default: the installation's standard).",
    ),
) -> None:
    """Rate cooperation (cooperative | at_risk | uncooperative) with a reason per criterion,
    or, with --pack, assess it as that regime does (indicators with sources, or factors with
    evidence)."""
    window = service.Window(
        parse_date(start, "--from") or date.min,
        parse_date(end, "--to") or date.min,
        parse_date(as_of, "--as-of"),
        view,
        at_seq,
        standard_version,
    )
    application = get_app()
    if pack is not None:
        if regime_assessment.assessment_kind(pack) == "regime":
            if every or by is not None or record or view != "ours" or standard_version:
                raise InvalidInput(
                    f"pack {pack!r} assesses one country at a time: --all, --by, --record, "
                    "--view and --standard-version apply to a pack with a standard"
                )
            if country is None:
                raise InvalidInput("name one country to assess under a pack")
            found = regime_assessment.assess_regime(application, country, window, pack)
            sys.stdout.write(service.to_json(found)) if as_json else _print_regime(found)
            return
        window = replace(window, regime=pack)
    if every == (country is not None):
        raise InvalidInput("name one country, or pass --all (not both)")
    if every:
        results = service.assess_all(application, window)
        sys.stdout.write(service.to_json(results)) if as_json else _print_all(results)
        return
    assert country is not None
    if by is not None:
        if by != "quarter":
            raise InvalidInput(f"--by supports 'quarter', not {by!r}")
        trend = service.assess_trend(application, country, window)
        sys.stdout.write(service.to_json(trend)) if as_json else _print_trend(trend)
        return
    result = service.assess(application, country, window)
    if record:
        recorded.record_assessment(
            application, cli_actor(application, "analyst"), assessment=result, on=date.today()
        )
        err.print(f"recorded assessment {result['assessment_id']}")
    sys.stdout.write(service.to_json(result)) if as_json else _print_one(result)


def _said(row: dict[str, Any]) -> str:
    mark = " [U]" if row["uncertain"] else ""
    return f"{row['day']}{mark}: {row['says']} ({row['asserted_by']}; {row['source']})"


def _print_regime(result: dict[str, Any]) -> None:
    as_of = f", as of {result['as_of']}" if result["as_of"] else ""
    out.print(
        f"[bold]{result['country_name']} ({result['country']})[/]  {result['from']} – "
        f"{result['to']}{as_of}: {result['title']}"
    )
    out.print(
        escape(f"assessed by {result['assessor']}; ledger figures from {result['ledger_source']}")
    )
    if result["indicators"]:
        table = Table("indicator", "ledger", "published figure", "statements")
        for row in result["indicators"]:
            ledger = row["ledger"]
            table.add_row(
                escape(f"{row['label']} ({row['provision']})"),
                ledger["text"] if ledger else "not in the ledger",
                escape("\n".join(f"{p['title']}: {p['text']}" for p in row["published"]) or "—"),
                escape("\n".join(_said(s) for s in row["statements"]) or "none recorded"),
            )
        out.print(table)
    finding = result["finding"]
    if result["factors"]:
        if finding is None:
            out.print("no finding recorded by that date")
        else:
            mark = " [U]" if finding["uncertain"] else ""
            out.print(escape(f"finding as of {finding['as_of']}: {finding['summary']}"))
            out.print(escape(f"outcome{mark}: {finding['outcome']}"))
        for row in result["factors"]:
            mark = " [U]" if row["uncertain"] else ""
            said = escape(f"({row['provision']}){mark}: {row['finding'] or '—'}")
            out.print(f"[bold]{escape(row['label'])}[/] {said}")
            for said in row["evidence"]:
                out.print(escape(f"  evidence {_said(said)}"))
            for figure in row["ledger"]:
                out.print(escape(f"  ledger: {figure['text']}"))


def _value(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _print_one(result: dict[str, Any]) -> None:
    as_of = f", as of {result['as_of']}" if result["as_of"] else ""
    out.print(
        f"[bold]{result['country_name']} ({result['country']})[/]  {result['from']} – "
        f"{result['to']}{as_of}: [bold]{result['rating']}[/]"
    )
    standard, position = result["standard"], result["ledger_position"]
    out.print(
        f"standard {standard['id']} version {standard['version']}; ledger position "
        f"{position['seq']} ({position['hash'][:12]}…); view {result['view']}"
    )
    for missing in result["missing"]:
        out.print(f"  missing: {missing}")
    for reason in result["reasons"]:
        out.print(f"  [{reason['status']}] {reason['text']}")
    table = Table("figure", "ledger", "contested", "partner", "claims")
    partner = result.get("partner", {}).get("metrics", {})
    for name, value in result["metrics"].items():
        claims = "; ".join(
            f"{c['figure_text']} ({c['asserted_by']}, {c['refers_to']})"
            for c in result["claims"]
            if c["metric"] == name
        )
        table.add_row(
            metric_label(name),
            metric_value(name, value),
            _value(result["contested"].get(name)) if name in result["contested"] else "",
            metric_value(name, partner[name]) if partner else "",
            claims,
        )
    out.print(table)
    for explanation in result.get("difference", {}).values():
        out.print(f"  {explanation}")
    out.print(f"assessment id {result['assessment_id']}")


def _print_all(results: list[dict[str, Any]]) -> None:
    table = Table("country", "rating", "backlog", "presentations", "removals", "contested")
    for result in results:
        metrics = result["metrics"]
        table.add_row(
            f"{result['country']} {country_name(result['country'])}",
            result["rating"],
            _value(metrics["backlog"]),
            _value(metrics["presentations"]),
            _value(metrics["removals"]),
            _value(metrics["contested_events"]),
        )
    out.print(table)


def _print_trend(trend: dict[str, Any]) -> None:
    table = Table("from", "to", "rating", "backlog", "presentations", "interviews", "removals")
    for period in trend["periods"]:
        metrics = period["metrics"]
        table.add_row(
            period["from"],
            period["to"],
            period["rating"],
            _value(metrics["backlog"]),
            _value(metrics["presentations"]),
            _value(metrics["interviews_held"]),
            _value(metrics["removals"]),
        )
    out.print(table)
