"""The US pack's 243(d) screening rules as an OpenFisca country package (the bench's peer).

One entity, ``application``; the input columns are variables; ``decision_code`` applies every
measure with OpenFisca's vectorised formulas (numpy arrays over all applications at once).
Built from the same measure definitions readmit loads, so both screen the same rules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import MONTH
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_policy import Policy

Application = build_entity(
    key="application", plural="applications", label="A visa application", is_person=True
)
TEXT_INPUTS = (
    "nationality",
    "visa_class",
    "post_country",
    "employer",
    "rank",
    "relationship",
    "principal_employer",
    "principal_rank",
    "approved_exception",
)
DATE_INPUTS = ("decision_date", "date_of_birth")
PERIOD = "2024-01"  # decision dates are inputs; one period holds the batch


def _text_variable(name: str) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {"value_type": str, "entity": Application, "definition_period": MONTH, "label": name},
    )


def _date_variable(name: str) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {
            "value_type": date,
            "entity": Application,
            "definition_period": MONTH,
            "default_value": date(1, 1, 1),
            "label": name,
        },
    )


def _decision_variable(measures: list[Measure], policy: Policy) -> type[Variable]:
    classes_known = np.array(sorted(policy.visa_classes.classes))
    countries = np.array(sorted(COUNTRY_CODES))

    def formula(application: Any, period: Any) -> Any:
        get = {n: application(n, period) for n in (*TEXT_INPUTS, *DATE_INPUTS)}
        day = get["decision_date"]
        status = np.zeros(len(day), dtype=np.int8)
        for m in measures:
            status = np.maximum(status, _measure_status(m, policy, get, day))
        valid = (
            np.isin(get["nationality"], countries)
            & np.isin(get["post_country"], countries)
            & np.isin(get["visa_class"], classes_known)
            & (day > np.datetime64("0001-01-01"))
        )
        return np.where(valid, status, 5)

    return type(
        "decision_code",
        (Variable,),
        {
            "value_type": int,
            "entity": Application,
            "definition_period": MONTH,
            "label": "0 not affected, 1 excepted, 2 restricted, 3 review, 4 stopped, 5 invalid",
            "formula": formula,
        },
    )


def _measure_status(m: Measure, policy: Policy, get: dict[str, Any], day: Any) -> Any:
    start, end = m.starts, m.valid_to or (m.ended_by if m.end_unknown else None)
    base = (get["post_country"] == m.country) & (get["nationality"] == m.country)
    base &= day >= np.datetime64(start) if start else False
    if end is not None:
        base &= day < np.datetime64(end)
    listed = policy.visa_classes.expand(m.classes) if m.classes is not None else None
    unsure = policy.visa_classes.expand(m.uncertain_classes)
    exempt = policy.visa_classes.expand(m.exempt_classes)
    visa = get["visa_class"]
    if listed is not None:
        base &= np.isin(visa, sorted(listed | unsure | exempt))
    covered, review = _who(m, policy, get, day)
    excepted = np.isin(visa, sorted(exempt)) | (
        (get["approved_exception"] == "true") & m.exceptions_allowed
    )
    uncertain = not (m.valid_from and not m.end_unknown and m.scope_known)
    doubt = review | uncertain | np.isin(visa, sorted(unsure))
    code = 4 if m.effect == "discontinue" else 2
    status = np.where(excepted, 1, np.where(doubt, 3, code))
    return np.where(base & (covered | review), status, 0)


def _who(m: Measure, policy: Policy, get: dict[str, Any], day: Any) -> tuple[Any, Any]:
    n = len(day)
    who = m.who
    if who is None:
        return np.zeros(n, bool), np.ones(n, bool)
    if who.everyone:
        return np.ones(n, bool), np.zeros(n, bool)
    members = sorted(set().union(*(policy.organisations.subtree(e) for e in who.employers)))
    ranks = sorted(policy.ranks.at_or_above(m.country, who.min_rank)) if who.min_rank else None

    def works(employer: str, rank: str) -> tuple[Any, Any]:
        inside = np.isin(get[employer], members)
        if ranks is None:
            return inside, np.zeros(n, bool)
        return inside & np.isin(get[rank], ranks), inside & (get[rank] == "")

    own, own_missing = works("employer", "rank")
    principal, principal_missing = works("principal_employer", "principal_rank")
    rel = get["relationship"]
    family = np.zeros(n, bool)
    born_missing = np.zeros(n, bool)
    if "spouse" in who.family:
        family |= rel == "spouse"
    if "child" in who.family:
        if who.child_under:
            born = get["date_of_birth"]
            known = born > np.datetime64("0001-01-01")
            limit = born.astype("datetime64[Y]") + np.timedelta64(who.child_under, "Y")
            anniversary = limit.astype("datetime64[D]") + (born - born.astype("datetime64[Y]"))
            family |= (rel == "child") & known & (anniversary > day)
            born_missing = (rel == "child") & ~known
        else:
            family |= rel == "child"
    if who.domestic_staff:
        family |= rel == "employee"
    covered = own | (family & principal)
    related = np.isin(rel, ["spouse", "child", "employee"])
    review = own_missing | (related & principal_missing) | (born_missing & principal)
    return covered, review & ~covered


def tax_benefit_system(measures: list[Measure], policy: Policy) -> TaxBenefitSystem:
    """Build the country package's tax and benefit system for these measures."""
    system = TaxBenefitSystem([Application])
    for name in TEXT_INPUTS:
        system.add_variable(_text_variable(name))
    for name in DATE_INPUTS:
        system.add_variable(_date_variable(name))
    system.add_variable(_decision_variable(measures, policy))
    return system


def screen(system: TaxBenefitSystem, columns: dict[str, Any]) -> Any:
    """Compute ``decision_code`` for every application (columns: numpy arrays)."""
    count = len(columns["nationality"])
    simulation = SimulationBuilder().build_default_simulation(system, count)
    for name, values in columns.items():
        simulation.set_input(name, PERIOD, values)
    return simulation.calculate("decision_code", PERIOD)
