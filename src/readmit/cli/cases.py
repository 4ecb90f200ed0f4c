"""``readmit case``: show a case; void a wrong event; erase its personal data."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from readmit.cli.base import app, cli_actor, err, get_app, out, print_json
from readmit.domain.validation import event_day
from readmit.services.cases import commands as case_service
from readmit.services.cases.commands import CaseView

case_app = typer.Typer(help="Show a removal case; void a wrong event; erase its personal data.")
app.add_typer(case_app, name="case")


def _as_dict(view: CaseView, personal: bool) -> dict[str, Any]:
    case = view.case
    history = [
        {
            "seq": e.seq,
            "id": e.id,
            "event": e.type,
            "occurred_on": e.occurred_on.isoformat(),
            "recorded_at": e.recorded_at,
            "actor": e.actor,
            "role": e.role,
            "source": e.source,
            "voided": e.id in view.voided,
            "details": {k: v for k, v in e.payload.items() if k != "personal_digest"},
        }
        for e in view.history
    ]
    shown: dict[str, Any] = {
        "case_id": case.case_id,
        "state": case.state.value,
        "prior_state": case.prior_state.value if case.prior_state else None,
        "version": case.version,
        "nationality": case.nationality,
        "destination": case.destination,
        "final_order_date": case.final_order_date.isoformat(),
        "criminal": case.criminal,
        "custody": case.custody,
        "document_expires_on": case.document_expires_on,
        "flight_id": case.flight_id,
        "disputed_by": sorted(case.disputed_by),
        "allowed_next": case.allowed_events(),
        "history": history,
    }
    if personal:
        shown["personal"] = view.personal
    return shown


@case_app.command("show")
def show(
    case_id: str,
    personal: bool = typer.Option(
        False, "--personal", help="Also show the personal data (names, date of birth, family)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the case as JSON."),
) -> None:
    """Show a case: its state, its history (voided events marked) and the allowed next events."""
    shown = _as_dict(case_service.show_case(get_app(), case_id, with_personal=personal), personal)
    if as_json:
        print_json(shown)
        return
    stay = f" (stayed while {shown['prior_state']})" if shown["prior_state"] else ""
    out.print(
        f"case {shown['case_id']} ({shown['nationality']}): {shown['state']}{stay}, "
        f"version {shown['version']}, custody {shown['custody']}"
    )
    for item in shown["history"]:
        mark = " (voided)" if item["voided"] else ""
        details = " ".join(f"{k}={v}" for k, v in sorted(item["details"].items()) if v is not None)
        line = f"  #{item['seq']:<6} {item['occurred_on']}  {item['event']}{mark}"
        out.print(f"{line}  {details}".rstrip() + f"  [{item['id']}]")
    out.print(f"allowed next events: {', '.join(shown['allowed_next']) or 'none'}")
    if personal:
        data = shown["personal"]
        described = ", ".join(f"{k}={v}" for k, v in data.items()) if data else "none (erased?)"
        out.print(f"personal data: {described}")


@case_app.command("void")
def void(
    event_id: str = typer.Argument(..., help="The id of the event to void (see `case show`)."),
    reason: str = typer.Option(..., "--reason", help="Why the event is void."),
    on: str = typer.Option(
        "", "--on", help="The date of the correction (YYYY-MM-DD); today by default."
    ),
) -> None:
    """Correct history: record that an event is void, and why. Nothing is edited or deleted."""
    application = get_app()
    when = event_day(on, "--on", date.today())
    case = case_service.void_event(
        application, cli_actor(application), event_id=event_id, reason=reason, on=when
    )
    err.print(f"event {event_id} voided; case {case.case_id} is now {case.state.value}")


@case_app.command("erase")
def erase(
    case_id: str,
    reason: str = typer.Option(..., "--reason", help="The legal basis of the erasure."),
) -> None:
    """Delete a case's personal record and its salt; the hash chain stays verifiable."""
    application = get_app()
    case_service.erase_personal_data(
        application, cli_actor(application), case_id=case_id, reason=reason, on=date.today()
    )
    err.print(f"personal data of case {case_id} erased")
