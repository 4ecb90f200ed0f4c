"""The visa fee an applicant pays: the regime's standard fee, or a measure's increased one.

The standard fee is the pack's dated series (``regime.yaml``, ``fees``): an adult fee, a child
fee from one age to under another, nothing below it. A restricting measure whose parameter is
the regime's ``fee_parameter`` (the EU: ``visa_fee``, Art. 16(2a)) replaces it on the governing
day; a child it exempts (``exempt_under_age``) is not restricted by it, so pays the standard fee.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_policy import Regime
from readmit.domain.screening import Decision, parse_day


def fee_due(
    regime: Regime, decision: Decision, measures: Mapping[str, Measure]
) -> dict[str, Any] | None:
    """The fee on the governing day, with its currency and legal basis; None when unknown."""
    day = decision.governing_on
    standard = regime.fee_on(day)
    if decision.decision == "invalid" or standard is None or day is None:
        return None
    amount: Any = standard.adult
    basis = standard.citation
    age = _age(parse_day(decision.inputs.get("date_of_birth", "")), day)
    if age is not None and standard.child_under is not None and age < standard.child_under:
        if standard.child_from is not None and age < standard.child_from:
            amount, basis = 0, f"{standard.citation} (under {standard.child_from}: no fee)"
        elif standard.child is not None:
            amount = standard.child
    for item in decision.restriction_items(measures):
        if regime.fee_parameter and item["parameter"] == regime.fee_parameter:
            amount, basis = item["value"], item["citation"]
    return {"amount": _whole(amount), "currency": standard.currency, "citation": basis}


def _age(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _whole(amount: Any) -> Any:
    return int(amount) if isinstance(amount, float) and amount.is_integer() else amount
