"""``readmit sanctions``: the registry of sanctions, one sanction's timeline, the resumed queue."""

from __future__ import annotations

from typing import Any

import typer

from readmit.cli.base import app, get_app, out, print_json, say
from readmit.domain.dates import parse_date
from readmit.services.sanctions import registry
from readmit.services.screening import replay

sanctions_app = typer.Typer(help="The registry of visa sanctions, in force and past.")
app.add_typer(sanctions_app, name="sanctions")

STATUS_WORDS = {
    "in_force": "in force",
    "partly_lifted": "partly lifted, partly in force",
    "uncertain": "status unknown on that date (the public record does not say)",
    "ended_date_unknown": "ended, date unknown",
    "lifted": "lifted",
    "ordered": "ordered, not yet effective",
    "notified": "notified, no order yet",
    "determined": "determined, not yet notified",
}


def measure_json(view: registry.MeasureView) -> dict[str, Any]:
    """A measure with its state on the view's date and its staleness."""
    return {**view.measure.to_dict(), "state": view.state, "stale": view.stale}


def summary_json(s: registry.SanctionSummary) -> dict[str, Any]:
    """One sanction of the registry as JSON."""
    return {
        "id": s.id,
        "country": s.country,
        "country_name": s.country_name,
        "title": s.title,
        "status": s.status,
        "as_of": s.as_of.isoformat(),
        "stale": s.stale,
        "not_public_steps": s.not_public_steps,
        "regime": s.regime,
        "measures": [measure_json(m) for m in s.measures],
    }


@sanctions_app.command("list")
def list_(
    as_of: str = typer.Option(None, "--as-of", help="Show the registry as of this date."),
    country: str = typer.Option(None, "--country", help="Only this country (ISO code)."),
    pack: str = typer.Option(
        None,
        "--pack",
        "--regime",
        help="Only this regime's sanctions (a pack of the registry); every regime's if omitted.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the sanctions known on a date, with their regime, their status that day and their
    measures."""
    summaries = registry.list_sanctions(
        get_app(), parse_date(as_of, "--as-of"), country=country, regime=pack
    )
    if as_json:
        print_json([summary_json(s) for s in summaries])
        return
    for s in summaries:
        stale = "  (stale: not verified for over a year)" if s.stale else ""
        status = STATUS_WORDS.get(s.status, s.status.replace("_", " "))
        out.print(f"[bold]{s.id}[/]  {s.country_name} ({s.country}): {status}{stale}")
        say(f"    regime: {s.regime}")
        say(f"    {s.title}")
        for m in s.measures:
            flag = " (stale)" if m.stale and m.state != "not_in_force" else ""
            say(f"    - {m.measure.id} ({m.state}) {m.validity}{flag}")
    if not summaries:
        say("no sanction known on that date")


@sanctions_app.command("show")
def show(
    sanction_id: str,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one sanction: its lifecycle, its measures over time in plain words, its sources."""
    view = registry.show_sanction(get_app(), sanction_id)
    steps = steps_json(view)
    if as_json:
        print_json(
            {
                **summary_json(view.summary),
                "summary": view.sanction.summary,
                "notes": list(view.sanction.notes),
                "steps": steps,
            }
        )
        return
    _print_header(view)
    _print_lifecycle(steps)
    _print_measures(view.summary.measures)


def steps_json(view: registry.SanctionView) -> list[dict[str, Any]]:
    """The sanction's lifecycle steps as JSON, in order."""
    return [
        {
            "step": step.kind,
            "on": step.on.isoformat(),
            "date_is_upper_bound": step.date_is_upper_bound,
            "not_public": step.not_public,
            "effective": step.takes_effect.isoformat() if step.takes_effect else None,
            "by": step.actor,
            "role": step.role,
            "summary": step.summary,
            "sources": list(step.sources),
            "event_id": step.event_id,
        }
        for step in view.sanction.steps
    ]


def _print_header(view: registry.SanctionView) -> None:
    s = view.summary
    out.print(f"[bold]{s.id}[/]  {s.title}")
    say(f"status today: {STATUS_WORDS.get(s.status, s.status)}")
    say(view.sanction.summary)
    for note in view.sanction.notes:
        say(f"note: {note}")


def _print_lifecycle(steps: list[dict[str, Any]]) -> None:
    out.print("\n[bold]Lifecycle[/]")
    for item in steps:
        when = ("on or before " if item["date_is_upper_bound"] else "") + item["on"]
        hidden = (
            "  (not public: required by the rules, not shown by the record)"
            if item["not_public"]
            else ""
        )
        say(f"  {when}  {item['step']} by {item['by']} ({item['role']}){hidden}")
        if item["summary"]:
            say(f"      {item['summary']}")
        for source in item["sources"]:
            say(f"      source: {source}")


def _print_measures(measures: list[registry.MeasureView]) -> None:
    out.print("\n[bold]Measures[/]")
    for m in measures:
        stale = (
            "  (stale: not verified for over a year)"
            if m.stale and m.state != "not_in_force"
            else ""
        )
        say(f"  {m.measure.id} ({m.measure.effect}): {m.validity}{stale}")
        say(f"      {m.measure.summary}")
        say(
            f"      citation: {m.measure.citation}; "
            f"last verified: {m.measure.last_verified_on or 'never'}"
        )
        for note in m.measure.notes:
            say(f"      note: {note}")


@sanctions_app.command("resumed")
def resumed(
    sanction_id: str,
    as_of: str = typer.Option(
        None, "--as-of", help="Which applications can be processed on this date."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the discontinued applications (from the decision log) that can now be processed."""
    queue = replay.resumed(get_app(), sanction_id, parse_date(as_of, "--as-of"))
    if as_json:
        print_json([item.__dict__ for item in queue])
        return
    for item in queue:
        say(
            f"{item.decision_id}  application {item.application_id or '(no id)'}  "
            f"{item.visa_class} in {item.post_country}, held since {item.decision_on} by "
            f"{';'.join(item.measures)}; "
            f"can be processed since {item.resumed_on or 'an unknown date'}"
            + (f" (held by {item.times_held} screenings)" if item.times_held > 1 else "")
        )
    say(f"{len(queue)} application(s) can now be processed")
