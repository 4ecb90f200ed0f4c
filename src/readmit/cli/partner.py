"""``readmit partner``: the partner's side — acknowledge, contest, assert; the state's answer."""

from __future__ import annotations

from datetime import date

import typer

from readmit.cli.base import app, cli_actor, err, get_app, print_json, say
from readmit.domain.validation import event_day
from readmit.services.cases import caseload
from readmit.services.context import Actor, App
from readmit.services.partner import respond as service

partner_app = typer.Typer(
    help="The partner's side of the record: acknowledge or contest events, assert its own."
)
app.add_typer(partner_app, name="partner")


def _liaison(application: App, country: str) -> Actor:
    actor = cli_actor(application, service.PARTNER_ROLE)
    actor.country = country
    return actor


def _day(value: str | None) -> date:
    return event_day(value, "--on", date.today())


@partner_app.command("pending")
def pending(
    country: str = typer.Option(..., "--country", help="The partner country you act for."),
    page: int = typer.Option(1, "--page", min=1, help="Page of 100 cases, oldest order first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List your nationals' cases awaiting your answer: presented or at interview."""
    application = get_app()
    states = frozenset(s.value for s in caseload.PENDING_PARTNER)
    found = caseload.list_cases(
        application,
        _liaison(application, country),
        f=caseload.CaseFilter(states=states, page=page),
    )
    if as_json:
        print_json(
            {
                "total": found.total,
                "page": found.page,
                "pages": found.pages,
                "as_of": found.as_of,
                "cases": [r.__dict__ for r in found.rows],
            }
        )
        return
    say(f"{found.total} cases awaiting an answer (page {found.page} of {found.pages}):")
    for row in found.rows:
        say(f"  {row.case_id}  {row.state:<20} final order {row.final_order_date}")


@partner_app.command("acknowledge")
def acknowledge(
    event_id: str,
    country: str = typer.Option(..., "--country", help="The partner country you act for."),
    reason: str = typer.Option("", "--reason"),
    on: str | None = typer.Option(None, "--on", help="Day of the response (default today)."),
) -> None:
    """Acknowledge an event the removing state recorded on a case of your nationals."""
    application = get_app()
    found = service.acknowledge(
        application, _liaison(application, country), event_id=event_id, on=_day(on), reason=reason
    )
    err.print(f"acknowledged event {found.target} (response {found.event_id})")


@partner_app.command("contest")
def contest(
    event_id: str,
    country: str = typer.Option(..., "--country", help="The partner country you act for."),
    reason: str = typer.Option(..., "--reason", help="Why the record is wrong."),
    evidence: str = typer.Option(..., "--evidence", help="Where the evidence is."),
    on: str | None = typer.Option(None, "--on", help="Day of the response (default today)."),
) -> None:
    """Contest an event the removing state recorded on a case of your nationals."""
    application = get_app()
    found = service.contest(
        application,
        _liaison(application, country),
        event_id=event_id,
        on=_day(on),
        reason=reason,
        evidence_source=evidence,
    )
    err.print(f"contested event {found.target} (response {found.event_id})")


@partner_app.command("assert")
def assert_event(
    case_id: str,
    event_type: str = typer.Argument(..., help="interview_held, nationality_confirmed, ..."),
    country: str = typer.Option(..., "--country", help="The partner country you act for."),
    on: str = typer.Option(..., "--on", help="The day it happened."),
    evidence: str = typer.Option(..., "--evidence", help="Where the evidence is."),
    mode: str | None = typer.Option(None, "--mode", help="Interview mode: in_person | virtual."),
    expires: str | None = typer.Option(
        None, "--document-expires-on", help="Expiry of an asserted travel document."
    ),
    statement: str | None = typer.Option(None, "--statement"),
) -> None:
    """Assert an event of your own; it stays partner-asserted until the state acknowledges it."""
    application = get_app()
    details = {"mode": mode, "document_expires_on": expires, "statement": statement}
    event = service.assert_event(
        application,
        _liaison(application, country),
        case_id=case_id,
        event_type=event_type,
        on=_day(on),
        evidence_source=evidence,
        details=details,
    )
    err.print(f"recorded partner assertion {event.id}")


@partner_app.command("answer")
def answer(
    event_id: str,
    stance: str = typer.Option(..., "--stance", help="acknowledged | contested"),
    reason: str = typer.Option("", "--reason"),
    evidence: str | None = typer.Option(None, "--evidence"),
    on: str | None = typer.Option(None, "--on"),
) -> None:
    """The removing state acknowledges or contests a partner assertion."""
    application = get_app()
    found = service.respond(
        application,
        cli_actor(application, "case_officer"),
        event_id=event_id,
        stance=stance,
        on=_day(on),
        reason=reason,
        evidence_source=evidence,
    )
    err.print(f"{found.stance} partner assertion {found.target} (response {found.event_id})")


@partner_app.command("record")
def record(
    case_id: str,
    country: str = typer.Option(..., "--country", help="The partner country you act for."),
) -> None:
    """Show a case's events with each side's stance (JSON)."""
    application = get_app()
    print_json(service.case_record(application, case_id, _liaison(application, country)))
