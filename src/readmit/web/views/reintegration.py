"""Reintegration caseworker: arrivals in its country, intake, services provided."""

from __future__ import annotations

from typing import Any

from readmit.domain.cases import SERVICES, State
from readmit.domain.permissions import Permission
from readmit.services.cases import caseload
from readmit.web.forms import form_int
from readmit.web.site import Table, View
from readmit.web.views import site

# Both lists of the page, one row a person: awaiting intake (removed) or received.
ARRIVALS_TABLE = Table("arrivals", {k: k for k in ("case_id", "state", "flight_id")})


@site.page(
    "/arrivals",
    "arrivals.html",
    Permission.CASE_RECORD_INTAKE,
    "Arrivals",
    nav="Arrivals",
    table=ARRIVALS_TABLE,
)
def arrivals(view: View) -> dict[str, Any]:
    """People removed to the caseworker's country: those awaiting intake, then those received."""
    actor = view.actor()
    page = form_int(view.arg("page"), "page") or 1
    waiting = caseload.list_cases(
        view.app, actor, f=caseload.CaseFilter(states=frozenset({State.REMOVED.value}), page=page)
    )
    received = caseload.list_cases(
        view.app, actor, f=caseload.CaseFilter(states=frozenset({State.RECEIVED.value}), page=page)
    )
    return {
        "country": actor.country,
        "waiting": waiting,
        "received": received,
        "services": sorted(SERVICES),
        "arrivals": [
            {"case_id": r.case_id, "state": r.state, "flight_id": r.flight_id}
            for r in (*waiting.rows, *received.rows)
        ],
        "source": f"the ledger's case projection as of {waiting.as_of.isoformat()}",
    }
