"""The partner's side of the record, within the caller's scope: out of scope is "not found".

``services.partner`` refuses a liaison of another country with PermissionDenied; over HTTP a
case outside one's scope must not even be confirmed to exist, so the scope is checked first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from readmit.domain.events import Event
from readmit.services.cases.access import check_case_visible, check_event_visible
from readmit.services.context import Actor, App
from readmit.services.partner import respond as partner


def respond(
    app: App,
    actor: Actor,
    *,
    case_id: str,
    event_id: str,
    stance: str,
    on: date,
    reason: str = "",
    evidence_source: str | None = None,
) -> partner.Response:
    """Acknowledge or contest the other side's event on a case in scope."""
    check_event_visible(app, actor, case_id=case_id, event_id=event_id)
    return partner.respond(
        app,
        actor,
        event_id=event_id,
        stance=stance,
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
    details: dict[str, Any],
) -> Event:
    """Record an event the partner says happened on a case in scope."""
    check_case_visible(app, actor, case_id)
    return partner.assert_event(
        app,
        actor,
        case_id=case_id,
        event_type=event_type,
        on=on,
        evidence_source=evidence_source,
        details=details,
    )


def case_record(app: App, actor: Actor, case_id: str) -> list[dict[str, Any]]:
    """A case's events with each side's latest stance, for a case in scope."""
    check_case_visible(app, actor, case_id)
    return partner.case_record(app, case_id, actor)
