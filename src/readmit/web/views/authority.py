"""The determining and visa authorities' desks, and the lifecycle steps they record.

Every step is its own route guarded by its own permission, so a step hidden from a role is
refused when posted by hand; the sanctions service checks the regime's separation of duties
again. Each form must be confirmed (a ticked box), because every step is permanent.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from readmit.domain.errors import InvalidInput
from readmit.domain.permissions import Permission
from readmit.services.assessment import recorded
from readmit.services.sanctions import registry as sanctions
from readmit.services.sanctions import steps
from readmit.web import words
from readmit.web.forms import event_date, form_date, form_int
from readmit.web.site import Table, View
from readmit.web.views import site
from readmit.web.views.sanctions import REGIME_STEP, steps_for, summary_row

P = Permission


def confirmed(form: FormData, what: str) -> None:
    """Refuse a step whose confirmation box was not ticked."""
    if form.get("confirm") != "yes":
        raise InvalidInput(f"tick the confirmation box to record the {what}; nothing was recorded")


def items(text: str) -> list[str]:
    """Split a comma- or line-separated field into its non-empty items."""
    return [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]


def lines(form: FormData, name: str) -> list[str]:
    """Return a textarea's non-empty lines."""
    return [line.strip() for line in str(form.get(name) or "").splitlines() if line.strip()]


def text(form: FormData, name: str) -> str:
    """Return a posted text field, stripped."""
    return str(form.get(name) or "").strip()


def parameters(form: FormData) -> list[dict[str, Any]]:
    """Read a measure's parameters, one per line: ``effect: parameter=value [unit]``
    (``decision_time_extended: decision_days=45 days``, ``fee_increased: visa_fee=120 EUR``)."""
    found = []
    for number, line in enumerate(lines(form, "parameters"), start=1):
        effect, colon, rest = line.partition(":")
        name, equals, value = rest.partition("=")
        if not (colon and equals and effect.strip() and name.strip() and value.strip()):
            raise InvalidInput(
                f"parameters, line {number} ({line!r}): write effect: parameter=value [unit], "
                "e.g. decision_time_extended: decision_days=45 days"
            )
        amount, _, unit = value.strip().partition(" ")
        found.append(
            {
                "effect": effect.strip(),
                "parameter": name.strip(),
                "value": _scalar(amount),
                "unit": unit.strip(),
                "says": f"{name.strip().replace('_', ' ')} {{value}} {{unit}}".strip(),
            }
        )
    return found


def _scalar(text: str) -> Any:
    lowered = text.lower()
    if lowered in {"true", "false", "yes", "no"}:
        return lowered in {"true", "yes"}
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def measure_spec(form: FormData) -> dict[str, Any] | None:
    """Read one measure from a step's form, as the pack's YAML would give it."""
    classes = items(text(form, "classes"))
    if not classes:
        return None
    who: dict[str, Any] = {"everyone": form.get("everyone") == "1"}
    if not who["everyone"]:
        who["employers"] = items(text(form, "employers"))
        if text(form, "min_rank"):
            who["min_rank"] = text(form, "min_rank")
        who["family"] = [str(f) for f in form.getlist("family")]
        child_under = form_int(text(form, "child_under"), "children under")
        if child_under is not None:
            who["child_under"] = child_under
    restrictions: dict[str, Any] = {}
    for part in items(text(form, "restrictions")):
        key, _, value = part.partition("=")
        restrictions[key.strip()] = int(value) if value.strip().isdigit() else value.strip()
    spec: dict[str, Any] = {
        "effect": text(form, "effect") or "discontinue",
        "summary": text(form, "measure_summary") or f"{', '.join(classes)} (ordered here)",
        "classes": classes,
        "exempt_classes": items(text(form, "exempt_classes")),
        "who": who,
        "restrictions": restrictions,
        "citation": text(form, "citation"),
        "sources": lines(form, "sources"),
    }
    if form.get("parameters") is not None:
        spec["parameters"] = parameters(form)
    if not spec["citation"]:
        raise InvalidInput("a measure names its legal basis (the citation field)")
    return spec


def about(form: FormData) -> dict[str, Any]:
    """The summary and sources every step's form carries."""
    return {"summary": text(form, "summary"), "sources": lines(form, "sources")}


def step_fields(view: View, form: FormData) -> dict[str, Any]:
    """The fields of a step after the determination: the sanction, the day, summary, sources."""
    return {"sanction_id": view.params["sanction_id"], "on": event_date(form, "on"), **about(form)}


def dated_fields(view: View, form: FormData) -> dict[str, Any]:
    """``step_fields`` and the day the step takes effect (default: the day of the step)."""
    return {
        **step_fields(view, form),
        "effective": form_date(form, "effective", form_date(form, "on")),
    }


STEP_WORDS = {
    steps.Notify: "notification",
    steps.Order: "order",
    steps.Amend: "amendment",
    steps.NotifyCompliance: "compliance notification",
    steps.Lift: "lift",
}


def _record(view: View, command: steps.LaterStep) -> str:
    """Record a step after the determination and go back to its sanction, saying so."""
    steps.record_step(view.app, view.actor(), command)
    sanction_id = command.sanction_id
    view.flash = f"Recorded: {STEP_WORDS[type(command)]} of sanction {sanction_id}."
    return f"/sanctions/{sanction_id}"


def desk(view: View, role_steps: set[str]) -> list[dict[str, Any]]:
    """Return the sanctions on which the user's role has a step to take, with those steps."""
    found = []
    for summary in sanctions.list_sanctions(view.app):
        shown = sanctions.show_sanction(view.app, summary.id)
        mine = [s for s in steps_for(view, shown.sanction) if s in role_steps]
        if mine:
            found.append(
                {
                    **summary_row(summary, view.app),
                    "next_steps": mine,
                    "next_steps_words": ", ".join(words.label(s) for s in mine),
                }
            )
    return found


# A desk's sanctions and the steps awaiting the viewer's role (the registry is public data).
DESK_TABLE = Table(
    "sanctions",
    {
        "id": "id",
        "country": "country",
        "country_name": "country_name",
        "title": "title",
        "status": "status",
        "next_steps": "next_steps_words",
    },
)


@site.page(
    "/authority/determinations",
    "determinations.html",
    P.SANCTION_DETERMINE,
    "Determinations",
    nav="Determinations",
    table=DESK_TABLE,
)
def determining_desk(view: View) -> dict[str, Any]:
    """The determining authority's desk: recorded assessments to cite, sanctions awaiting it."""
    return {
        "assessments": recorded.recorded_assessments(view.app),
        "sanctions": desk(view, {"notification", "compliance_notification"}),
        "source": "the ledger: assessments recorded by analysts, sanction lifecycle events",
    }


@site.page(
    "/authority/orders",
    "orders.html",
    P.SANCTION_ORDER,
    "Sanction orders",
    nav="Orders",
    table=DESK_TABLE,
)
def visa_desk(view: View) -> dict[str, Any]:
    """The visa authority's desk: sanctions awaiting an order, an amendment or a lift."""
    return {
        "sanctions": desk(view, {"order", "amendment", "lift"}),
        "source": "the ledger: sanction lifecycle events",
    }


@site.action("/authority/determinations", P.SANCTION_DETERMINE)
def determine(view: View, form: FormData) -> str:
    """Record a determination that a country does not cooperate, citing assessments."""
    confirmed(form, "determination")
    command = steps.Determine(
        country=text(form, "country"),
        on=event_date(form, "on"),
        title=text(form, "title"),
        assessments=[str(a) for a in form.getlist("assessments")]
        + items(text(form, "other_assessments")),
        **about(form),
    )
    sanction = steps.record_step(view.app, view.actor(), command)
    view.flash = f"Recorded: determination {sanction.id}. Notify the visa authority next."
    return f"/sanctions/{sanction.id}"


@site.action("/sanctions/{sanction_id}/notification", P.SANCTION_NOTIFY)
def notify(view: View, form: FormData) -> str:
    """Record the notification to the visa authority."""
    confirmed(form, "notification")
    return _record(view, steps.Notify(**step_fields(view, form)))


@site.action("/sanctions/{sanction_id}/order", P.SANCTION_ORDER)
def order(view: View, form: FormData) -> str:
    """Record the visa authority's order of one measure."""
    confirmed(form, "order")
    spec = measure_spec(form)
    if spec is None:
        raise InvalidInput("an order needs the visa classes of its measure")
    return _record(view, steps.Order(measures=[spec], **dated_fields(view, form)))


@site.action("/sanctions/{sanction_id}/amendment", P.SANCTION_AMEND)
def amend(view: View, form: FormData) -> str:
    """Record an amendment: end some measures, add one, or both."""
    confirmed(form, "amendment")
    spec = measure_spec(form)
    ends = [str(e) for e in form.getlist("ends")]
    if spec is None and not ends:
        raise InvalidInput("an amendment ends a measure, adds one, or both")
    command = steps.Amend(adds=[spec] if spec else [], ends=ends, **dated_fields(view, form))
    return _record(view, command)


@site.action("/sanctions/{sanction_id}/steps/{kind}", REGIME_STEP)
def regime_step(view: View, form: FormData) -> str:
    """Record any step of the sanction's regime by its lifecycle's name for it (a Council
    adoption, a Commission proposal…); the lifecycle says whether it may follow and who takes
    it."""
    kind = view.params["kind"]
    confirmed(form, words.label(kind))
    spec = measure_spec(form)
    ends = [str(e) for e in form.getlist("ends")]
    command = steps.TakeStep(
        kind=kind,
        adds=[spec] if spec else [],
        ends=ends or None,
        measure_ids=[str(m) for m in form.getlist("verified")],
        **dated_fields(view, form),
    )
    steps.record_step(view.app, view.actor(), command)
    view.flash = f"Recorded: {words.label(kind)} of sanction {command.sanction_id}."
    return f"/sanctions/{command.sanction_id}"


@site.action("/sanctions/{sanction_id}/compliance_notification", P.SANCTION_COMPLIANCE_NOTIFY)
def compliance(view: View, form: FormData) -> str:
    """Record the notice that the country has complied."""
    confirmed(form, "compliance notification")
    return _record(view, steps.NotifyCompliance(**step_fields(view, form)))


@site.action("/sanctions/{sanction_id}/lift", P.SANCTION_LIFT)
def lift(view: View, form: FormData) -> str:
    """Record a lift: of every measure in force, or of those ticked (a partial lift)."""
    confirmed(form, "lift")
    ends = [str(e) for e in form.getlist("ends")]
    return _record(view, steps.Lift(ends=ends or None, **dated_fields(view, form)))
