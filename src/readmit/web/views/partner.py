"""Partner liaison: its own nationals' pending requests, and its answer to each recorded event.

Recording interviews, nationality and travel documents happens on the case page, through the
same case service as everyone (the role may record only the partner's events). Acknowledging or
contesting an event is a response in the ledger: nothing the removing state recorded is edited.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from readmit.domain.errors import PermissionDenied
from readmit.domain.permissions import Permission
from readmit.services.cases import caseload
from readmit.services.partner import inbox
from readmit.services.partner import respond as partner
from readmit.web.forms import form_date, form_int
from readmit.web.site import View
from readmit.web.views import site

P = Permission


# As its API twin (GET /partner/cases): only a liaison speaks for a partner country.
@site.page("/partner", "partner.html", P.CASE_ASSERT, "Partner portal", nav="Partner portal")
def portal(view: View) -> dict[str, Any]:
    """Pending requests of the liaison's own country, and the latest events to answer."""
    actor = view.actor()
    pending = caseload.list_cases(
        view.app,
        actor,
        f=caseload.CaseFilter(
            states=frozenset(s.value for s in caseload.PENDING_PARTNER),
            page=form_int(view.arg("page"), "page") or 1,
        ),
    )
    return {
        "country": actor.country,
        "pending": pending,
        "inbox": inbox.partner_inbox(view.app, actor.country or "", limit=50),
        "source": f"the ledger, as of {pending.as_of.isoformat()}",
    }


@site.action("/cases/{case_id}/responses", P.CASE_READ)
def respond(view: View, form: FormData) -> str:
    """Acknowledge or contest one event of the other side, with a reason and its evidence."""
    user = view.user
    if user is None or not (user.may(P.CASE_RESPOND) or user.may(P.CASE_RECORD)):
        raise PermissionDenied("your role does not answer for either side of the record")
    stance = str(form.get("stance") or "")
    partner.respond(
        view.app,
        view.actor(),
        event_id=str(form.get("event_id") or ""),
        stance=stance,
        on=form_date(form, "on"),
        reason=str(form.get("reason") or "").strip(),
        evidence_source=str(form.get("evidence_source") or "").strip() or None,
    )
    view.flash = f"Recorded: event {stance} on case {view.params['case_id']}."
    target = str(form.get("back") or "")
    return target if target == "/partner" else f"/cases/{view.params['case_id']}"
