"""The public sanctions registry, and the lifecycle desks of the two authorities.

Public: every sanction ever recorded, or those in force on a chosen date; each with its scope
in plain words, lifecycle timeline, sources and staleness. Signed-in authorities see, on a
sanction's page, the forms for the next steps *their* role may take (separation of duties);
each step posts to its own route, guarded by that step's permission.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from readmit.domain.permissions import SANCTION_STEPS, Permission
from readmit.domain.sanctions_lifecycle import Sanction, Step
from readmit.domain.sanctions_policy import Regime
from readmit.services.context import App
from readmit.services.sanctions import registry as sanctions
from readmit.services.sanctions.pack import current_pack, pack_of_regime, registry_packs
from readmit.services.sanctions.registry import MeasureView, SanctionSummary
from readmit.web.scope_words import effect_words, scope_in_words
from readmit.web.site import Table, View
from readmit.web.views import site

P = Permission
IN_FORCE = frozenset({"in_force", "partly_lifted", "uncertain"})
STATUS_WORDS = {
    "in_force": "in force",
    "partly_lifted": "partly lifted, partly in force",
    "uncertain": "the record cannot say",
    "ended_date_unknown": "ended, date unknown",
    "lifted": "lifted",
    "ordered": "ordered, not yet effective",
    "notified": "notified, no order yet",
    "determined": "determined, not yet notified",
}
STEP_WORDS = {
    "determination": "Determination of non-cooperation",
    "notification": "Notification to the visa authority",
    "order": "Order to consular posts",
    "amendment": "Amendment",
    "compliance_notification": "Notification that the country has complied",
    "lift": "Lift",
    "verification": "Verified as still in force",
}


def measure_row(view: MeasureView, app: App) -> dict[str, Any]:
    """Describe one measure for a reader: scope and effect in words, dates, sources, staleness."""
    policy = current_pack(app).policy
    m = view.measure
    return {
        "id": m.id,
        "scope": scope_in_words(m, policy),
        "effect": effect_words(m),
        "state": view.state,
        "validity": view.validity,
        "stale": view.stale,
        "last_verified_on": m.last_verified_on,
        "citation": m.citation,
        "sources": list(m.sources),
        "notes": list(m.notes),
        "exceptions_allowed": m.exceptions_allowed,
    }


def regime_row(regime: Regime) -> dict[str, Any]:
    """A regime of the registry: its actors, which day counts, where, and who is exempt."""
    return {
        "id": regime.id,
        "name": regime.name,
        "citation": regime.citation,
        "actors": [{"name": a.name, "role": a.role} for a in regime.actors],
        "governing_date": regime.governing_date,
        "governing_date_says": regime.governing_date_says,
        "place_rule": regime.place_rule,
        "exemptions": [{"says": e.says, "citation": e.citation} for e in regime.exemptions],
        "appeal": regime.appeal,
    }


def summary_row(s: SanctionSummary, app: App) -> dict[str, Any]:
    """Describe one sanction in the registry."""
    return {
        "id": s.id,
        "country": s.country,
        "country_name": s.country_name,
        "title": s.title,
        "status": s.status,
        "status_words": STATUS_WORDS.get(s.status, s.status.replace("_", " ")),
        "in_force": s.status in IN_FORCE,
        "stale": s.stale,
        "not_public_steps": s.not_public_steps,
        "measures": [measure_row(m, app) for m in s.measures],
        # The regime it was made under, named when the registry holds several.
        "regime": s.regime,
        "regime_name": pack_of_regime(app, s.regime or None).policy.regime.called
        if len(registry_packs(app)) > 1
        else "",
    }


# The registry's CSV twin: one row per sanction, with its status on the page's day.
REGISTRY_TABLE = Table(
    "sanctions",
    {k: k for k in ("id", "country", "country_name", "title", "status", "in_force", "stale")},
)


@site.page(
    "/sanctions",
    "sanctions.html",
    P.SANCTION_READ,
    "Sanctions registry",
    nav="Sanctions",
    table=REGISTRY_TABLE,
)
def registry(view: View) -> dict[str, Any]:
    """Every sanction ever recorded (or only those in force) with its status on a date."""
    on = view.date_arg("on", date.today())
    only_in_force = view.arg("show") == "in_force"
    country = view.arg("country").upper() or None
    regimes = [p.name for p in registry_packs(view.app)]
    regime = view.arg("regime") if view.arg("regime") in regimes else None
    found = [
        summary_row(s, view.app)
        for s in sanctions.list_sanctions(view.app, on, country=country, regime=regime)
    ]
    if only_in_force:
        found = [s for s in found if s["in_force"]]
    pack = current_pack(view.app)
    return {
        "title": "Visa sanctions registry",
        "on": on,
        "show": "in_force" if only_in_force else "all",
        "country": country or "",
        "regime_filter": regime or "",
        "regimes": [regime_row(p.policy.regime) for p in registry_packs(view.app)]
        if len(regimes) > 1
        else [],
        "sanctions": found,
        "regime": {
            "name": pack.policy.regime.name,
            "citation": pack.policy.regime.citation,
            "appeal": pack.policy.regime.appeal,
            "fee_refunded": pack.policy.regime.fee_refunded,
            "resumption": pack.policy.regime.resumption_condition,
        },
        "source": f"the ledger (sanction lifecycle events), status as of {on.isoformat()}; "
        f"policy pack {pack.name} version {pack.version}",
    }


def step_row(step: Step) -> dict[str, Any]:
    """Describe one lifecycle step for the timeline."""
    return {
        "kind": step.kind,
        "words": STEP_WORDS.get(step.kind, step.kind.replace("_", " ").capitalize()),
        "on": step.on,
        "date_is_upper_bound": step.date_is_upper_bound,
        "not_public": step.not_public,
        "effective": step.effective,
        "effective_unknown": step.effective_unknown,
        "actor": step.actor,
        "role": step.role,
        "summary": step.summary,
        "sources": list(step.sources),
        "assessments": list(step.assessments),
        "adds": [m.id for m in step.adds],
        "ends": list(step.ends) if step.ends is not None else None,
    }


def steps_for(view: View, sanction: Sanction) -> list[str]:
    """Return the next steps the rules allow that the signed-in user's role may take: a step
    with its own route needs that route's permission, any other the lifecycle's role."""
    user = view.user
    if user is None:
        return []
    return [
        step
        for step in sanction.allowed_next()
        if (
            user.may(SANCTION_STEPS[step][1].value)
            if step in SANCTION_STEPS
            else _takes(user, sanction, step)
        )
    ]


# The permissions of the dashboard's route for any regime's step (authority.regime_step).
REGIME_STEP = (P.SANCTION_DETERMINE, P.SANCTION_ORDER)


def _takes(user: Any, sanction: Sanction, step: str) -> bool:
    """The lifecycle gives the step to the user's role, and the user may post its form."""
    rule = sanction.lifecycle.rule(step)
    return (
        rule is not None and user.role in rule.roles and any(user.may(p.value) for p in REGIME_STEP)
    )


def step_forms(view: View, sanction: Sanction) -> dict[str, dict[str, Any]]:
    """What each next step's form asks, read from the step's rule in the lifecycle (never from
    its name): where it posts, whether it adds measures, ends them, takes effect on a day."""
    citation = pack_of_regime(view.app, sanction.regime).policy.regime.citation
    forms = {}
    for step in steps_for(view, sanction):
        rule = sanction.lifecycle.rule(step)
        adds = rule.adds if rule else "no"
        ends = rule.ends if rule else "no"
        own_route = step in SANCTION_STEPS
        forms[step] = {
            "action": f"/sanctions/{sanction.id}/{step if own_route else 'steps/' + step}",
            "adds": adds,
            "ends": ends,
            "dated": adds != "no" or ends != "no",
            "citation": citation,
            "parameters": not own_route,
            "verifies": bool(rule and rule.verifies),
        }
    return forms


@site.page("/sanctions/{sanction_id}", "sanction.html", P.SANCTION_READ, "Sanction")
def sanction_page(view: View) -> dict[str, Any]:
    """One sanction: its measures in words, its lifecycle timeline with sources, staleness."""
    shown = sanctions.show_sanction(view.app, view.params["sanction_id"])
    s = shown.sanction
    forms = step_forms(view, s)
    return {
        "title": s.title,
        "sanction": summary_row(shown.summary, view.app),
        "summary": s.summary,
        "steps": [step_row(step) for step in s.steps],
        "next_steps": list(forms),
        "step_forms": forms,
        "current_measures": [m.id for m in s.current_measures()],
        "source": "the ledger: each lifecycle step is an event, with the sources it rests on",
    }
