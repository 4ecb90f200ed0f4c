"""Compile measures and a policy into one screening ``Program`` (docs/architecture.md, "Screening").

Each measure becomes a status (0 nothing, 1 excepted, 2 restricted, 3 needs review,
4 discontinued) and a reason in plain words; the row's decision is the highest status, unless
the row cannot be read (``invalid``). Both engines run exactly this program. One measure is
compiled in ``screening_measure``, who it covers in ``screening_coverage``.
"""

from __future__ import annotations

from collections.abc import Sequence

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_policy import RELATIONSHIPS, Policy
from readmit.domain.screening_coverage import BORN, DECISION_DAY, GOVERNING_DAY, governing_day
from readmit.domain.screening_measure import (
    DISCONTINUED,
    EXCEPTED,
    NONE,
    RESTRICTED,
    REVIEW,
    VISA,
    compile_measure,
    restriction_words,
)
from readmit.domain.screening_rules import (
    AllIn,
    Case,
    Col,
    Concat,
    DateCol,
    Eq,
    Expr,
    Greatest,
    In,
    IsEmpty,
    IsNull,
    JoinPresent,
    Lit,
    Not,
    Program,
    Stage,
    all_of,
    any_of,
)

DECISIONS = ("not_affected", "excepted", "restricted", "needs_review", "discontinued", "invalid")
OUTPUTS = ("decision", "measures", "reasons", "citations", "restrictions")
CITATION_SEPARATOR = " | "  # between the citations of a decision, in a batch file's cell
APPLICATION_DAY = DateCol("application_date_on")
DATE_FIELDS = {
    "decision_date": DECISION_DAY,
    "application_date": APPLICATION_DAY,
    "date_of_birth": BORN,
}
# The inputs a regime may declare (regime.yaml ``inputs``), with the values each may hold.
PASSPORT_TYPES = ("ordinary", "diplomatic", "service")
DECLARED_INPUTS = ("passport_type", "family_of_eu_citizen", "member_state")


def compile_program(measures: Sequence[Measure], policy: Policy) -> Program:
    """Build the screening program for these measures under this policy."""
    statuses, reasons = [], []
    for index, measure in enumerate(measures):
        status, reason = compile_measure(measure, policy)
        statuses.append((f"s{index}", status))
        reasons.append((f"r{index}", reason))
    first = Stage((("invalid", _invalid(policy)), *statuses, *reasons))
    stages = (first, _combine(measures, policy), _finish())
    day = governing_day(policy)
    if day == DECISION_DAY:
        return Program(stages)
    # The application's day governs; a row without one is read on its decision day.
    governing = Case(((IsNull(APPLICATION_DAY), DECISION_DAY),), APPLICATION_DAY)
    return Program((Stage(((GOVERNING_DAY.name, governing),)), *stages), GOVERNING_DAY.name)


def _invalid(policy: Policy) -> Expr:
    return JoinPresent(tuple(_when(c, message) for _n, c, message in _checks(policy)), "; ")


def reading_checks(policy: Policy) -> tuple[tuple[str, Expr], ...]:
    """Each input field with the condition under which it cannot be read.

    A row is ``invalid`` when any holds; each reads its one field only (its normalised text or
    its parsed date), so the batch path may evaluate it once per distinct value of the field.
    """
    by_field: dict[str, list[Expr]] = {}
    for name, condition, _message in _checks(policy):
        by_field.setdefault(name, []).append(condition)
    return tuple((name, any_of(*conditions)) for name, conditions in by_field.items())


def _checks(policy: Policy) -> list[tuple[str, Expr, Expr]]:
    """The reading checks: (the field read, the condition, the message), in message order."""
    countries = frozenset(COUNTRY_CODES)
    checks: list[tuple[str, Expr, Expr]] = []

    def unless_empty(name: str, condition: Expr, message: str) -> None:
        checks.append((name, all_of(Not(IsEmpty(Col(name))), condition), _quoted(name, message)))

    for name in ("nationality", "visa_class", "post_country"):
        checks.append((name, IsEmpty(Col(name)), Lit(f"{name} is required")))
    for name in ("nationality", "post_country", "residence"):
        unless_empty(name, Not(In(Col(name), countries)), " is not an ISO 3166-1 country code")
    checks.append(
        (
            "other_nationalities",
            Not(AllIn(Col("other_nationalities"), countries)),
            _quoted("other_nationalities", " holds a code that is not an ISO 3166-1 country code"),
        )
    )
    classes = frozenset(policy.visa_classes.classes)
    unless_empty("visa_class", Not(In(VISA, classes)), " is not in the pack's visa class table")
    for name, parsed in DATE_FIELDS.items():
        unless_empty(name, IsNull(parsed), " is not a real date in the form YYYY-MM-DD")
    ranks = policy.ranks.all_codes()
    for name in ("rank", "principal_rank"):
        unless_empty(name, Not(In(Col(name), ranks)), " is not a rank on the pack's rank ladders")
    relationships = frozenset(RELATIONSHIPS)
    unless_empty(
        "relationship",
        Not(In(Col("relationship"), relationships)),
        f" is not one of {', '.join(RELATIONSHIPS)}",
    )
    checks.append(
        (
            "approved_exception",
            Not(In(Col("approved_exception"), frozenset({"", "true", "false"}))),
            _quoted("approved_exception", " is not true or false"),
        )
    )
    declared = policy.regime.inputs
    if "passport_type" in declared:
        unless_empty(
            "passport_type",
            Not(In(Col("passport_type"), frozenset(PASSPORT_TYPES))),
            f" is not one of {', '.join(PASSPORT_TYPES)}",
        )
    if "family_of_eu_citizen" in declared:
        checks.append(
            (
                "family_of_eu_citizen",
                Not(In(Col("family_of_eu_citizen"), frozenset({"", "true", "false"}))),
                _quoted("family_of_eu_citizen", " is not true or false"),
            )
        )
    if "member_state" in declared:
        unless_empty(
            "member_state",
            Not(In(Col("member_state"), countries)),
            " is not an ISO 3166-1 country code",
        )
    return checks


def _combine(measures: Sequence[Measure], policy: Policy) -> Stage:
    statuses = [Col(f"s{i}") for i in range(len(measures))]
    top: Expr = Greatest(tuple(statuses)) if statuses else Lit(NONE)
    ids = JoinPresent(
        tuple(
            _when(Not(Eq(s, Lit(NONE))), Lit(m.id)) for s, m in zip(statuses, measures, strict=True)
        ),
        ";",
    )
    reasons = JoinPresent(tuple(Col(f"r{i}") for i in range(len(measures))), " | ")
    restrictions = JoinPresent(
        tuple(
            _when(Eq(s, Lit(RESTRICTED)), restriction_words(m, policy, f"{m.id}: "))
            for s, m in zip(statuses, measures, strict=True)
            if m.restrictions or m.parameters
        ),
        " | ",
    )
    return Stage(
        (
            ("top", top),
            ("holding", _ids_at(DISCONTINUED, statuses, measures)),
            ("restricting", _ids_at(RESTRICTED, statuses, measures)),
            ("measures_all", ids),
            ("reasons_all", reasons),
            ("citations_all", _citations(statuses, measures)),
            ("restrictions_all", restrictions),
        )
    )


def _ids_at(status: int, statuses: Sequence[Expr], measures: Sequence[Measure]) -> Expr:
    """The ids of the measures at this status, joined by ';'."""
    return JoinPresent(
        tuple(
            _when(Eq(s, Lit(status)), Lit(m.id)) for s, m in zip(statuses, measures, strict=True)
        ),
        ";",
    )


def _citations(statuses: Sequence[Expr], measures: Sequence[Measure]) -> Expr:
    """Each citation once, when any of the measures citing it applies to the row."""
    by_citation: dict[str, list[Expr]] = {}
    for s, m in zip(statuses, measures, strict=True):
        if m.citation:
            by_citation.setdefault(m.citation, []).append(Not(Eq(s, Lit(NONE))))
    # Sorted, so that a program for a subset of the measures lists citations in the same order.
    return JoinPresent(
        tuple(_when(any_of(*conds), Lit(text)) for text, conds in sorted(by_citation.items())),
        CITATION_SEPARATOR,
    )


def _finish() -> Stage:
    invalid = Not(IsNull(Col("invalid")))
    decision = Case(
        (
            (invalid, Lit("invalid")),
            (Eq(Col("top"), Lit(DISCONTINUED)), Lit("discontinued")),
            (Eq(Col("top"), Lit(REVIEW)), Lit("needs_review")),
            (Eq(Col("top"), Lit(RESTRICTED)), Lit("restricted")),
            (Eq(Col("top"), Lit(EXCEPTED)), Lit("excepted")),
        ),
        Lit("not_affected"),
    )
    return Stage(
        (
            ("decision", decision),
            ("measures", Case(((invalid, Lit("")),), _or_empty("measures_all"))),
            (
                "reasons",
                Case(
                    ((invalid, Concat((Lit("invalid: "), Col("invalid")))),),
                    _or_empty("reasons_all"),
                ),
            ),
            ("citations", Case(((invalid, Lit("")),), _or_empty("citations_all"))),
            (
                "restrictions",
                Case(
                    (
                        (invalid, Lit("")),
                        (Eq(Col("top"), Lit(RESTRICTED)), _or_empty("restrictions_all")),
                    ),
                    Lit(""),
                ),
            ),
        )
    )


def _or_empty(name: str) -> Expr:
    return Case(((IsNull(Col(name)), Lit("")),), Col(name))


def _when(condition: Expr, value: Expr) -> Expr:
    return Case(((condition, value),), Lit(None))


def _quoted(name: str, suffix: str) -> Expr:
    return Concat((Lit(f"{name} '"), Col(name), Lit(f"'{suffix}")))
