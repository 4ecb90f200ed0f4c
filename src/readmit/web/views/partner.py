"""Partner liaison: its own nationals' pending requests, and its answer to each recorded event.

Recording interviews, nationality and travel documents happens on the case page, through the
same case service as everyone (the role may record only the partner's events). Acknowledging or
contesting an event is a response in the ledger: nothing the removing state recorded is edited.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData
from starlette.responses import JSONResponse, Response

from readmit.domain.errors import InvalidInput
from readmit.domain.permissions import Permission
from readmit.services.cases import caseload
from readmit.services.partner import access as partner_access
from readmit.services.partner import inbox
from readmit.services.transparency import heads, proofs
from readmit.web.forms import event_date, form_int
from readmit.web.site import Table, View
from readmit.web.views import site

P = Permission


# The pending requests as the portal lists them (the liaison's own nationals only, as the
# list itself is scoped): no personal field, none of the flags the portal does not show.
PENDING_TABLE = Table(
    "pending.rows",
    {k: k for k in ("case_id", "nationality", "state", "final_order_date", "age_days")},
)


# As its API twin (GET /partner/cases): only a liaison speaks for a partner country.
@site.page(
    "/partner",
    "partner.html",
    P.CASE_ASSERT,
    "Partner portal",
    nav="Partner portal",
    table=PENDING_TABLE,
)
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
        "head": heads.latest(view.app),
        "source": f"the ledger, as of {pending.as_of.isoformat()}",
    }


# The head a partner keeps, to check later that the log it is shown still extends it.
@site.raw("/partner/head.json", P.CASE_RESPOND)
def latest_head(view: View) -> Response:
    """The latest signed tree head, as a file to keep."""
    head = heads.latest(view.app)
    if head is None:
        raise InvalidInput("no tree head has been signed yet; try again after the next change")
    name = f"readmit-head-{head['size']}.json"
    return JSONResponse(head, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# As its API twin (POST /audit/heads/check): a kept head against today's log.
@site.action("/partner/heads/check", P.CASE_RESPOND)
def check_head(view: View, form: FormData) -> str:
    """Say whether today's log extends a head the partner kept, with the proof's verdict."""
    kept = _kept_head(str(form.get("head") or ""))
    found = proofs.check_kept_head(view.app, kept)
    verdict = "Consistent" if found["extends"] else "NOT consistent"
    view.flash = f"{verdict}: {found['explanation']}."
    return "/partner#check-the-record"


def _kept_head(text: str) -> dict[str, Any]:
    try:
        kept = json.loads(text)
    except ValueError:
        kept = None
    fields = ("size", "root_hash", "chain_hash", "signed_at", "signature")
    if not isinstance(kept, dict) or any(f not in kept for f in fields):
        raise InvalidInput(
            "paste the whole head you kept (the JSON file downloaded from this page), with its "
            "size, root_hash, chain_hash, signed_at and signature",
            field="head",
        )
    try:
        int(kept["size"])
        bytes.fromhex(str(kept["root_hash"]))
    except (TypeError, ValueError):
        raise InvalidInput(
            "the kept head's size or root_hash is not readable", field="head"
        ) from None
    return kept


# As its API twin (POST /cases/{case_id}/events/{event_id}/response), through the same scope
# check: an event of a case out of scope, or of another case, is an event that does not exist.
@site.action("/cases/{case_id}/responses", P.CASE_RESPOND)
def respond(view: View, form: FormData) -> str:
    """Acknowledge or contest one event of the other side, with a reason and its evidence."""
    stance = str(form.get("stance") or "")
    partner_access.respond(
        view.app,
        view.actor(),
        case_id=view.params["case_id"],
        event_id=str(form.get("event_id") or ""),
        stance=stance,
        on=event_date(form, "on"),
        reason=str(form.get("reason") or "").strip(),
        evidence_source=str(form.get("evidence_source") or "").strip() or None,
    )
    view.flash = f"Recorded: event {stance} on case {view.params['case_id']}."
    target = str(form.get("back") or "")
    return target if target == "/partner" else f"/cases/{view.params['case_id']}"
