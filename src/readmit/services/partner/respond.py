"""The partner's side of the record: acknowledge or contest events, assert events of its own.

A partner liaison (``Actor(role="partner_liaison", country="KH")``) may act only on cases of its
own nationals. It can acknowledge or contest any event the removing state recorded on such a
case (the response references the event, with a reason and a source for its evidence), and
assert events of its own — an interview it says it held — which stay *partner-asserted* until
the removing state acknowledges them. Nothing is edited: every response is a ledger event, and
the latest response of a side is its stance. Metrics report contested events separately
(``readmit assess --view partner|both``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from readmit.domain.cases import INTERVIEW_MODES, Case
from readmit.domain.cooperation import ASSERTABLE_EVENTS, KIND_OF_EVENT
from readmit.domain.countries import country_code
from readmit.domain.errors import InvalidInput, NotFound, PermissionDenied
from readmit.domain.events import Event, NewEvent
from readmit.services.cases.commands import get_case
from readmit.services.context import Actor, App
from readmit.services.transparency import proofs
from readmit.store.case_projection import case_from_row
from readmit.store.metrics_projection import (
    EVENT_ACKNOWLEDGED,
    EVENT_CONTESTED,
    PARTNER_ASSERTED,
    VOIDED,
)
from readmit.store.schema import cases
from readmit.store.uow import UnitOfWork

PARTNER_ROLE = "partner_liaison"
STANCE_EVENTS = {"acknowledged": EVENT_ACKNOWLEDGED, "contested": EVENT_CONTESTED}


@dataclass(frozen=True)
class Response:
    """A recorded acknowledgement or contest."""

    event_id: str
    seq: int
    case_id: str
    target: str
    stance: str
    by: str
    # A signed tree head that covers the response and the proof that it does: the partner
    # keeps it, and can later prove the response was recorded (services/transparency).
    receipt: dict[str, Any] | None = None


def is_partner(actor: Actor) -> bool:
    """Tell whether an actor speaks for a partner country."""
    return actor.role == PARTNER_ROLE


def _partner_country(actor: Actor) -> str:
    if not is_partner(actor):
        raise PermissionDenied(f"{actor.name} ({actor.role}) does not act for a partner country")
    if not actor.country:
        raise PermissionDenied(f"partner liaison {actor.name} is bound to no country")
    return country_code(actor.country)


def _own_case(uow: UnitOfWork, case_id: str, actor: Actor) -> Case:
    """Return the case, refusing a partner liaison whose country is not the case's."""
    case = get_case(uow, case_id)
    if is_partner(actor) and case.nationality != _partner_country(actor):
        raise PermissionDenied(
            f"{actor.name} acts for {actor.country}; case {case_id} is a national of "
            f"{case.nationality}"
        )
    return case


def _target(uow: UnitOfWork, event_id: str) -> Event:
    event = uow.ledger.get(event_id)
    if event is None or event.subject_type != "case":
        raise NotFound(f"no case event {event_id!r}")
    history = uow.ledger.for_subject("case", event.subject_id)
    if any(e.type == VOIDED and e.payload.get("voids") == event_id for e in history):
        raise InvalidInput(f"event {event_id} is void; there is nothing to respond to")
    return event


def respond(
    app: App,
    actor: Actor,
    *,
    event_id: str,
    stance: str,
    on: date,
    reason: str = "",
    evidence_source: str | None = None,
) -> Response:
    """Record one side's stance on the other side's event.

    A partner liaison acknowledges or contests an event the removing state recorded on a case
    of its nationals; the removing state acknowledges or contests a partner assertion.

    Args:
        app: the application.
        event_id: the id of the event responded to.
        stance: ``acknowledged`` or ``contested``.
        actor: who responds (a partner liaison bound to the case's country, or the state).
        on: the day of the response.
        reason: why; required to contest.
        evidence_source: where the evidence is (a document, a record number); required to
            contest.

    Raises:
        PermissionDenied: a liaison of another country, or a side responding to its own event.
        InvalidInput: an unknown stance, a contest without reason or source, a void target.
    """
    if stance not in STANCE_EVENTS:
        raise InvalidInput(f"stance must be acknowledged or contested, not {stance!r}")
    if stance == "contested" and not (reason.strip() and (evidence_source or "").strip()):
        raise InvalidInput("contesting an event needs a reason and a source for the evidence")
    with app.uow() as uow:
        target = _target(uow, event_id)
        _own_case(uow, target.subject_id, actor)
        by = "partner" if is_partner(actor) else "state"
        _check_respondable(target, by)
        payload = {
            "target": event_id,
            "target_type": target.type,
            "stance": stance,
            "by": by,
            "reason": reason,
            "evidence_source": evidence_source,
        }
        event = NewEvent(
            STANCE_EVENTS[stance],
            "case",
            target.subject_id,
            on,
            actor.name,
            actor.role,
            payload,
            evidence_source,
        )
        (sealed,) = uow.record([event])
        uow.commit()
    receipt = proofs.receipt(app, sealed.seq)
    return Response(sealed.id, sealed.seq, target.subject_id, event_id, stance, by, receipt)


def _check_respondable(target: Event, by: str) -> None:
    if by == "partner" and target.type not in KIND_OF_EVENT:
        raise InvalidInput(
            f"a partner responds to the removing state's case events, not to {target.type}"
        )
    if by == "state" and target.type != PARTNER_ASSERTED:
        raise PermissionDenied(
            "the removing state responds only to partner assertions; to correct its own "
            "record it voids the event"
        )


def acknowledge(
    app: App,
    actor: Actor,
    *,
    event_id: str,
    on: date,
    reason: str = "",
) -> Response:
    """Acknowledge the other side's event (see ``respond``)."""
    return respond(app, actor, event_id=event_id, stance="acknowledged", on=on, reason=reason)


def contest(
    app: App,
    actor: Actor,
    *,
    event_id: str,
    on: date,
    reason: str,
    evidence_source: str,
) -> Response:
    """Contest the other side's event, with a reason and a source for the evidence."""
    return respond(
        app,
        actor,
        event_id=event_id,
        stance="contested",
        on=on,
        reason=reason,
        evidence_source=evidence_source,
    )


def assert_event(
    app: App,
    actor: Actor,
    *,
    case_id: str,
    event_type: str,
    on: date,
    evidence_source: str,
    details: dict[str, Any] | None = None,
) -> Event:
    """Record an event the partner says happened (it stays partner-asserted until acknowledged).

    Args:
        app: the application.
        case_id: a case of the partner's nationals.
        event_type: one of ``interview_held`` (details: ``mode`` in_person | virtual),
            ``nationality_confirmed``, ``nationality_disputed``, ``document_issued``
            (details: ``document_expires_on``).
        on: the day the partner says it happened.
        actor: a partner liaison bound to the case's country.
        evidence_source: where the evidence is; required.
        details: the fields named above, and optionally ``statement``.

    Returns:
        The recorded ``partner_asserted`` event; its id is what the state acknowledges.
    """
    country = _partner_country(actor)
    payload = _assertion_payload(event_type, details or {}, on)
    if not evidence_source.strip():
        raise InvalidInput("a partner assertion needs a source for its evidence")
    with app.uow() as uow:
        case = _own_case(uow, case_id, actor)
        event = NewEvent(
            PARTNER_ASSERTED,
            "case",
            case.case_id,
            on,
            actor.name,
            actor.role,
            {**payload, "by": "partner", "country": country, "evidence_source": evidence_source},
            evidence_source,
        )
        (sealed,) = uow.record([event])
        uow.commit()
    return sealed


def _assertion_payload(event_type: str, details: dict[str, Any], on: date) -> dict[str, Any]:
    if event_type not in ASSERTABLE_EVENTS:
        raise InvalidInput(
            f"a partner can assert {', '.join(sorted(ASSERTABLE_EVENTS))}, not {event_type!r}"
        )
    payload: dict[str, Any] = {"asserted_type": event_type}
    if details.get("statement"):
        payload["statement"] = str(details["statement"])
    if event_type == "interview_held":
        mode = str(details.get("mode") or "in_person")
        if mode not in INTERVIEW_MODES:
            raise InvalidInput(f"interview mode must be in_person or virtual, not {mode!r}")
        payload["mode"] = mode
    if event_type == "document_issued":
        expires = details.get("document_expires_on")
        if not expires:
            raise InvalidInput("an asserted document_issued needs document_expires_on")
        try:
            expiry = date.fromisoformat(str(expires))
        except ValueError:
            raise InvalidInput(f"document_expires_on must be YYYY-MM-DD, not {expires!r}") from None
        if expiry < on:
            raise InvalidInput(f"the document expires on {expiry}, before it was issued")
        payload["document_expires_on"] = expiry.isoformat()
    return payload


def case_record(app: App, case_id: str, actor: Actor) -> list[dict[str, Any]]:
    """Return a case's events with each side's latest stance and whether it is void.

    A partner liaison sees only cases of its own nationals.
    """
    with app.uow(write=False) as uow:
        _own_case(uow, case_id, actor)
        history = uow.ledger.for_subject("case", case_id)
    voided = {str(e.payload["voids"]) for e in history if e.type == VOIDED}
    stances: dict[str, dict[str, str]] = {}
    for event in history:
        if event.type in (EVENT_ACKNOWLEDGED, EVENT_CONTESTED) and event.id not in voided:
            stances.setdefault(str(event.payload["target"]), {})[str(event.payload["by"])] = str(
                event.payload["stance"]
            )
    return [
        {
            "id": e.id,
            "seq": e.seq,
            "type": e.type,
            "asserted_type": e.payload.get("asserted_type"),
            "occurred_on": e.occurred_on.isoformat(),
            "actor": e.actor,
            "role": e.role,
            "source": e.source,
            "voided": e.id in voided,
            "partner_stance": stances.get(e.id, {}).get("partner"),
            "state_stance": stances.get(e.id, {}).get("state"),
        }
        for e in history
    ]


def partner_cases(app: App, actor: Actor, pending_only: bool = True) -> list[dict[str, Any]]:
    """Return the cases of a partner liaison's nationals (pending ones by default)."""
    country = _partner_country(actor)
    done = ("removed", "received", "closed")
    query = select(cases).where(cases.c.nationality == country).order_by(cases.c.case_id)
    if pending_only:
        query = query.where(cases.c.state.not_in(done))
    with app.uow(write=False) as uow:
        rows = uow.conn.execute(query).mappings().all()
    found = [case_from_row(row) for row in rows]
    return [
        {
            "case_id": c.case_id,
            "state": c.state.value,
            "final_order_date": c.final_order_date.isoformat(),
            "allowed_next": c.allowed_events(),
        }
        for c in found
    ]
