"""The what-if section of a country brief, in words: the backlog now, the rates it rests on, the
answer (months to clear with their interval, or not cleared within the horizon), and what it was
computed from. One text for the HTML and the PDF, so both say the same."""

from __future__ import annotations

from dataclasses import dataclass

from readmit.services.reports.model import Brief

HEADING = "What if the pace holds: the backlog projected"
CAPTION = "Projected backlog with its 90% band (a projection, not a fact)"


@dataclass(frozen=True)
class Section:
    """The words of the section (the chart is ``charts.forecast_chart``)."""

    label: str
    backlog: str
    answer: str
    rests_on: list[str]
    method: str
    computed_from: str
    reproduce: str


def section(brief: Brief) -> Section | None:
    """The section's words, or None when the ledger holds nothing to project from."""
    found = brief.forecast
    if found is None:
        return None
    window = found["window"]
    position = found["ledger_position"]
    when = f" as recorded by {found['as_of']}" if found["as_of"] else ""
    synthetic = " Synthetic demo data: every case is invented." if found["synthetic"] else ""
    command = (
        f"readmit whatif forecast {found['country']} --from {window['from']} --to {window['to']}"
        f"{' --as-of ' + found['as_of'] if found['as_of'] else ''} --horizon "
        f"{found['horizon_months']} --seed {found['seed']} --runs {found['runs']}"
    )
    return Section(
        label=(
            "A projection, not a fact: what would happen if the pace of "
            f"{window['from']} - {window['to']} held, computed beside the ledger on a read "
            "snapshot. Nothing here is recorded, and no figure of it is a fact of the record."
        ),
        backlog=(
            f"Backlog where the projection starts: {found['backlog']:,} final orders pending on "
            f"{window['to']}, the window's last day."
        ),
        answer=f"Expected time to clear the backlog: {found['answer']}.",
        rests_on=list(found["rests_on"]),
        method=(
            f"A Monte Carlo of {found['runs']:,} runs over a Poisson count model, month by month "
            f"for {found['horizon_months']} months: the rates of removals and of new final "
            "orders are drawn from what the window shows (few events, wide uncertainty); the "
            "interval is the 5th to 95th percentile of the runs, the band on the chart 90% of "
            "them. It assumes the future looks like the window."
        ),
        computed_from=(
            f"Computed from the readmit ledger at position {position['seq']} (hash "
            f"{str(position['hash'])[:16]}...){when}, seed {found['seed']}.{synthetic}"
        ),
        reproduce=f"To reproduce it: {command}",
    )


def nothing_to_project(brief: Brief) -> str:
    """What the section says when there is nothing to project."""
    return (
        f"Nothing to project: the ledger holds no pending case of {brief.name} on {brief.end} "
        f"and no final order or removal in the window {brief.start} - {brief.end}."
    )
