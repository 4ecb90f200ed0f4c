"""``readmit case``: show a case; erase its personal data."""

from __future__ import annotations

from datetime import date

import typer

from readmit.cli.base import app, cli_actor, err, get_app, out, print_json
from readmit.services import cases as case_service

case_app = typer.Typer(help="Show a removal case; erase its personal data.")
app.add_typer(case_app, name="case")


@case_app.command("show")
def show(
    case_id: str,
    as_json: bool = typer.Option(False, "--json", help="Print the case as JSON."),
) -> None:
    """Show a case: its state, its history and the allowed next events."""
    view = case_service.show_case(get_app(), case_id)
    case = view.case
    history = [
        {
            "seq": e.seq,
            "event": e.type,
            "occurred_on": e.occurred_on.isoformat(),
            "actor": e.actor,
            "voided": e.id in view.voided,
            "id": e.id,
        }
        for e in view.history
    ]
    if as_json:
        print_json(
            {
                "case_id": case.case_id,
                "state": case.state.value,
                "version": case.version,
                "nationality": case.nationality,
                "allowed_next": case.allowed_events(),
                "history": history,
            }
        )
        return
    out.print(
        f"case {case.case_id} ({case.nationality}): {case.state.value}, version {case.version}"
    )
    for item in history:
        mark = " (voided)" if item["voided"] else ""
        out.print(f"  {item['occurred_on']}  {item['event']}{mark}  #{item['seq']}")
    out.print(f"allowed next events: {', '.join(case.allowed_events()) or 'none'}")


@case_app.command("erase")
def erase(
    case_id: str,
    reason: str = typer.Option(..., "--reason", help="The legal basis of the erasure."),
) -> None:
    """Delete a case's personal record and its salt; the hash chain stays verifiable."""
    application = get_app()
    case_service.erase_personal_data(
        application, case_id, reason, cli_actor(application), date.today()
    )
    err.print(f"personal data of case {case_id} erased")
