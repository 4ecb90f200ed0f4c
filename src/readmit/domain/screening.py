"""Screening one application: read its fields, run the compiled program, explain the decision.

Input fields are text (an absent or empty field means none was declared). The measures that
apply are those in force on the day of the issuance decision, whatever the filing date
(22 CFR 41.123(b)(1)); a row with no decision date is decided as of today.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from readmit.domain.sanctions import Measure, MeasureState
from readmit.domain.sanctions_policy import Policy
from readmit.domain.screening_compile import CITATION_SEPARATOR, OUTPUTS
from readmit.domain.screening_rules import Program, run

INPUT_COLUMNS = (
    "application_id",
    "nationality",
    "visa_class",
    "decision_date",
    "post_country",
    "employer",
    "rank",
    "relationship",
    "principal_employer",
    "principal_rank",
    "date_of_birth",
    "approved_exception",
    "application_date",
    "residence",
    "other_nationalities",
    "exception_reference",
    # Read only under a regime whose pack declares them (regime.yaml ``inputs``).
    "passport_type",
    "family_of_eu_citizen",
    "member_state",
)
REQUIRED_COLUMNS = INPUT_COLUMNS[:12]
REGIME_INPUTS = frozenset({"passport_type", "family_of_eu_citizen", "member_state"})
UPPER = frozenset(
    {
        "nationality",
        "visa_class",
        "post_country",
        "employer",
        "principal_employer",
        "residence",
        "other_nationalities",
        "member_state",
    }
)
LOWER = frozenset(
    {
        "rank",
        "principal_rank",
        "relationship",
        "approved_exception",
        "passport_type",
        "family_of_eu_citizen",
    }
)
DATES = {
    "decision_date": "decision_on",
    "application_date": "application_date_on",
    "date_of_birth": "date_of_birth_on",
}
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PERSONAL_COLUMNS = frozenset({"date_of_birth"})
_DATE_RE = re.compile(DATE_PATTERN)
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Decision:
    """The outcome for one application, with its explanation."""

    decision: str
    measures: tuple[str, ...]
    reasons: str
    citations: str
    restrictions: str
    decision_on: date | None
    inputs: Mapping[str, str] = field(default_factory=dict)
    holding: tuple[str, ...] = ()  # the measures that discontinue issuance
    restricting: tuple[str, ...] = ()  # the measures that restrict it
    governing_on: date | None = None  # the day the measures were read on

    def restriction_items(self, measures: Mapping[str, Measure]) -> list[dict[str, Any]]:
        """Every restriction of the restricting measures as data, valued on the governing day."""
        return [
            item
            for measure_id in self.restricting
            if measure_id in measures
            for item in measures[measure_id].restriction_items(self.governing_on)
        ]

    def citation_list(self) -> list[str]:
        """The legal citations, each once (a batch file joins them with " | ")."""
        return [c for c in self.citations.split(CITATION_SEPARATOR) if c]

    def outputs(self) -> dict[str, str]:
        """Return the output columns exactly as a batch writes them."""
        return {
            "decision": self.decision,
            "measures": ";".join(self.measures),
            "reasons": self.reasons,
            "citations": self.citations,
            "restrictions": self.restrictions,
        }


def input_columns(policy: Policy) -> tuple[str, ...]:
    """The input columns under this regime: the common ones and those its pack declares."""
    declared = set(policy.regime.inputs)
    return tuple(c for c in INPUT_COLUMNS if c not in REGIME_INPUTS or c in declared)


def normalise(column: str, value: Any) -> str:
    """Return a field as the text the rules read: trimmed, codes in upper case, words in lower."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value).strip()
    if column == "other_nationalities":
        return _SPACE_RE.sub("", text.upper())
    if column in UPPER:
        return text.upper()
    if column in LOWER:
        return text.lower()
    return text


def parse_day(text: str) -> date | None:
    """Read a YYYY-MM-DD date; None when empty or not a real date."""
    if not _DATE_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def prepare(inputs: Mapping[str, Any], as_of: date | None, today: date) -> dict[str, Any]:
    """Turn raw input fields into the row the program reads (``--as-of`` overrides the date)."""
    row: dict[str, Any] = {c: normalise(c, inputs.get(c)) for c in INPUT_COLUMNS}
    if as_of is not None:
        row["decision_date"] = as_of.isoformat()
    for column, parsed in DATES.items():
        row[parsed] = parse_day(row[column])
    if row["decision_date"] == "":
        row["decision_on"] = today
    return row


def decide(
    program: Program, inputs: Mapping[str, Any], as_of: date | None, today: date
) -> Decision:
    """Screen one application with the compiled program (the scalar engine)."""
    row = run(program, prepare(inputs, as_of, today))
    out = {name: row[name] for name in OUTPUTS}
    return Decision(
        decision=out["decision"],
        measures=_ids(out["measures"]),
        reasons=out["reasons"],
        citations=out["citations"],
        restrictions=out["restrictions"],
        decision_on=row["decision_on"],
        inputs={c: row[c] for c in INPUT_COLUMNS},
        holding=_ids(row["holding"]) if out["decision"] != "invalid" else (),
        restricting=_ids(row["restricting"]) if out["decision"] != "invalid" else (),
        governing_on=row.get(program.governing),
    )


def _ids(text: str | None) -> tuple[str, ...]:
    return tuple(m for m in (text or "").split(";") if m)


@dataclass(frozen=True)
class NeededInput:
    field: str
    why: str


def inputs_needed(
    measures: Sequence[Measure], policy: Policy, nationality: str, post_country: str, day: date
) -> list[NeededInput]:
    """List the fields that could change the outcome for this nationality, post and date."""
    regime = policy.regime
    relevant = [
        m
        for m in measures
        if _may_apply(m, day, by_decision=regime.governing_date == "decision_date")
        and (regime.place_rule != "issuance_in_country" or m.country == post_country)
    ]
    needed: dict[str, str] = {}

    def need(name: str, why: str) -> None:
        needed.setdefault(name, why)

    if relevant and regime.governing_date != "decision_date":
        need("application_date", regime.governing_date_says or "the application's day governs")
    for exemption in regime.exemptions if relevant else ():
        need(exemption.input, exemption.says)
    for m in relevant:
        if m.who is not None and m.who.passport_types:
            need("passport_type", f"{m.id} covers {', '.join(m.who.passport_types)} passports")
        if m.exempt_under_age is not None:
            need("date_of_birth", f"children under {m.exempt_under_age} are exempt from {m.id}")
        if m.country != nationality:
            if "nationals" in m.persons:
                need("other_nationalities", f"{m.id} covers nationals of {m.country}")
            if "residents" in m.persons:
                need("residence", f"{m.id} covers residents of {m.country}")
        need("visa_class", f"{m.id} covers some visa classes only")
        _who_needs(m, need)
        if m.exceptions_allowed:
            need("approved_exception", f"the visa authority may except applicants from {m.id}")
            need("exception_reference", "which approved exception applies")
    order = {name: index for index, name in enumerate(INPUT_COLUMNS)}
    return [NeededInput(k, v) for k, v in sorted(needed.items(), key=lambda kv: order[kv[0]])]


def _may_apply(m: Measure, day: date, *, by_decision: bool) -> bool:
    """A measure may reach a decision on ``day``: in force then or, when the application's
    day governs, started by then (an application made earlier may fall within it)."""
    if by_decision:
        return m.state_on(day) != MeasureState.NOT_IN_FORCE
    return m.starts is not None and m.starts <= day


def _who_needs(m: Measure, need: Any) -> None:
    who = m.who
    if who is None:
        need("employer", f"the scope of {m.id} was never published: every detail may matter")
        need("relationship", f"the scope of {m.id} was never published")
        return
    if who.everyone:
        return
    need("employer", f"{m.id} covers employees of {', '.join(who.employers)}")
    if who.min_rank:
        need("rank", f"{m.id} covers {who.min_rank} and above")
    if who.family or who.domestic_staff:
        need("relationship", f"{m.id} covers family or staff of covered officials")
        need("principal_employer", f"{m.id} covers family or staff of covered officials")
        if who.min_rank:
            need("principal_rank", f"{m.id} covers family of officials ranked {who.min_rank}+")
    if who.child_under is not None:
        need("date_of_birth", f"{m.id} covers children under {who.child_under}")
