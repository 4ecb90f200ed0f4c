"""Compile measures and a policy into one screening ``Program`` (DESIGN "Screening").

Each measure becomes a status (0 nothing, 1 excepted, 2 restricted, 3 needs review,
4 discontinued) and a reason in plain words; the row's decision is the highest status, unless
the row cannot be read (``invalid``). Both engines run exactly this program.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions import DISCONTINUE, Measure, restriction_text
from readmit.domain.sanctions_policy import RELATIONSHIPS, Policy
from readmit.domain.screening_rules import (
    FALSE,
    TRUE,
    AllIn,
    Case,
    Col,
    Concat,
    DateCol,
    DateIn,
    Eq,
    Expr,
    Greatest,
    HasItem,
    In,
    IsEmpty,
    IsNull,
    JoinPresent,
    Lit,
    Not,
    Program,
    Stage,
    StartsWith,
    UnderAge,
    all_of,
    any_of,
)

NONE, EXCEPTED, RESTRICTED, REVIEW, DISCONTINUED = 0, 1, 2, 3, 4
DECISIONS = ("not_affected", "excepted", "restricted", "needs_review", "discontinued", "invalid")
DECISION_DAY = DateCol("decision_on")
BORN = DateCol("date_of_birth_on")
OUTPUTS = ("decision", "measures", "reasons", "citations", "restrictions")
VISA = Col("visa_class")
DATE_FIELDS = {
    "decision_date": DECISION_DAY,
    "application_date": DateCol("application_date_on"),
    "date_of_birth": BORN,
}


@dataclass(frozen=True)
class _Branch:
    covered: Expr
    review: Expr
    covered_text: Expr
    review_text: Expr


def compile_program(measures: Sequence[Measure], policy: Policy) -> Program:
    """Build the screening program for these measures under this policy."""
    statuses, reasons = [], []
    for index, measure in enumerate(measures):
        status, reason = _measure(measure, policy)
        statuses.append((f"s{index}", status))
        reasons.append((f"r{index}", reason))
    first = Stage((("invalid", _invalid(policy)), *statuses, *reasons))
    return Program((first, _combine(measures), _finish()))


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
    return checks


def _measure(m: Measure, policy: Policy) -> tuple[Expr, Expr]:
    country = m.country
    place = (
        Eq(Col("post_country"), Lit(country))
        if policy.regime.place_rule == "issuance_in_country"
        else TRUE
    )
    person = _person(m, country)
    certain = (
        DateIn(DECISION_DAY, m.valid_from, m.valid_to)
        if m.valid_from and not m.end_unknown
        else FALSE
    )
    start = m.starts
    end = m.valid_to or (m.ended_by if m.end_unknown else None)
    window = DateIn(DECISION_DAY, start, end) if start else FALSE
    listed = policy.visa_classes.expand(m.classes) if m.classes is not None else None
    uncertain_classes = policy.visa_classes.expand(m.uncertain_classes)
    exempt = policy.visa_classes.expand(m.exempt_classes)
    class_any = TRUE if listed is None else In(VISA, listed | uncertain_classes | exempt)
    base = all_of(place, person, window, class_any)
    branches = _branches(m, policy) if m.who is not None else []
    covered = any_of(*(b.covered for b in branches)) if m.who is not None else FALSE
    review_who = (
        all_of(Not(covered), any_of(*(b.review for b in branches))) if m.who is not None else TRUE
    )
    exempt_cond = In(VISA, exempt) if exempt else FALSE
    exception = Eq(Col("approved_exception"), Lit("true")) if m.exceptions_allowed else FALSE
    time_unknown = all_of(window, Not(certain))
    class_unknown = In(VISA, uncertain_classes) if uncertain_classes else FALSE
    effect = DISCONTINUED if m.effect == DISCONTINUE else RESTRICTED
    status = Case(
        (
            (Not(base), Lit(NONE)),
            (Not(any_of(covered, review_who)), Lit(NONE)),
            (exempt_cond, Lit(EXCEPTED)),
            (exception, Lit(EXCEPTED)),
            (any_of(time_unknown, class_unknown, review_who), Lit(REVIEW)),
        ),
        Lit(effect),
    )
    head = _head(m, policy, branches)
    review_text = Case(
        (
            (
                Lit(m.who is None or m.classes is None),
                Lit(f"the scope of this measure was never published ({m.summary})"),
            ),
            (
                time_unknown,
                Lit(
                    "the record does not say whether this measure applied on that day "
                    f"({m.validity_text()})"
                ),
            ),
            (
                class_unknown,
                Concat(
                    (
                        Lit("the record does not say whether "),
                        VISA,
                        Lit(f" is covered (it names {_classes_text(m, policy)})"),
                    )
                ),
            ),
            *((b.review, b.review_text) for b in branches),
        ),
        Lit("the record leaves the coverage open"),
    )
    ref = Case(
        ((IsEmpty(Col("exception_reference")), Lit("")),),
        Concat((Lit(" ("), Col("exception_reference"), Lit(")"))),
    )
    restricted = f"; restricted: {restriction_text(m.restrictions)}" if m.restrictions else ""
    reason = Case(
        (
            (Not(base), Lit(None)),
            (Not(any_of(covered, review_who)), Lit(None)),
            (
                exempt_cond,
                Concat(
                    (
                        Lit(f"{m.id}: "),
                        head,
                        Lit("; excepted: "),
                        VISA,
                        Lit(" is exempt from this measure"),
                    )
                ),
            ),
            (
                exception,
                Concat(
                    (
                        Lit(f"{m.id}: "),
                        head,
                        Lit("; excepted: the visa authority approved an exception"),
                        ref,
                    )
                ),
            ),
            (
                any_of(time_unknown, class_unknown, review_who),
                Concat((Lit(f"{m.id}: needs review: "), review_text)),
            ),
        ),
        Concat((Lit(f"{m.id}: "), head, Lit(restricted))),
    )
    return status, reason


def _head(m: Measure, policy: Policy, branches: list[_Branch]) -> Expr:
    who = Case(tuple((b.covered, b.covered_text) for b in branches), _person_text(m.country))
    since = f"in force since {m.valid_from.isoformat()}" if m.valid_from else m.validity_text()
    place = f"; applied in {m.country}" if policy.regime.place_rule == "issuance_in_country" else ""
    listed = _classes_text(m, policy)
    uncertain = policy.visa_classes.expand(m.uncertain_classes)
    in_list = Case(
        ((In(VISA, uncertain), Lit(f" may be covered (the record names {listed})")),)
        if uncertain
        else (),
        Lit(f" is in {listed}"),
    )
    return Concat((who, Lit("; "), VISA, in_list, Lit(f"{place}; {since}")))


def _classes_text(m: Measure, policy: Policy) -> str:
    return policy.visa_classes.describe(m.classes) if m.classes is not None else "unknown classes"


def _person(m: Measure, country: str) -> Expr:
    parts: list[Expr] = []
    if "nationals" in m.persons:
        parts += [
            Eq(Col("nationality"), Lit(country)),
            HasItem(Col("other_nationalities"), country),
        ]
    if "residents" in m.persons:
        parts.append(Eq(Col("residence"), Lit(country)))
    return any_of(*parts)


def _person_text(country: str) -> Expr:
    return Case(
        (
            (Eq(Col("nationality"), Lit(country)), Lit(f"a national of {country}")),
            (
                HasItem(Col("other_nationalities"), country),
                Lit(f"a national of {country} (other nationality)"),
            ),
        ),
        Lit(f"a resident of {country}"),
    )


def _branches(m: Measure, policy: Policy) -> list[_Branch]:
    who = m.who
    assert who is not None
    if who.everyone:
        return [_Branch(TRUE, FALSE, _person_text(m.country), Lit(""))]
    orgs = policy.organisations
    members = frozenset().union(*(orgs.subtree(code) for code in who.employers))
    listed = ", ".join(who.employers)
    ranks = policy.ranks.at_or_above(m.country, who.min_rank) if who.min_rank else None
    known = orgs.codes_of(m.country)
    branches = [_self(m.country, members, listed, ranks, who.min_rank, known)]
    for relation in who.family:
        under = who.child_under if relation == "child" else None
        branches.append(_principal(m.country, relation, members, ranks, who.min_rank, known, under))
    if who.domestic_staff:
        branches.append(
            _principal(m.country, "employee", members, ranks, who.min_rank, known, None)
        )
    return branches


def _rank_text(column: str, min_rank: str | None) -> Expr:
    if min_rank is None:
        return Lit("")
    return Concat((Lit(" ranked "), Col(column), Lit(f" ({min_rank} and above)")))


def _unknown_org(column: str, country: str, known: frozenset[str]) -> Expr:
    return all_of(StartsWith(Col(column), f"{country}-"), Not(In(Col(column), known)))


def _unknown_org_text(column: str, country: str) -> Expr:
    return Concat(
        (
            Lit("organisation code "),
            Col(column),
            Lit(f" is not in the pack's {country} organisation tree"),
        )
    )


def _self(
    country: str,
    members: frozenset[str],
    listed: str,
    ranks: frozenset[str] | None,
    min_rank: str | None,
    known: frozenset[str],
) -> _Branch:
    employer = Col("employer")
    works = In(employer, members)
    rank_ok = In(Col("rank"), ranks) if ranks is not None else TRUE
    missing = IsEmpty(Col("rank")) if ranks is not None else FALSE
    within = Case(
        ((In(employer, frozenset(listed.split(", "))), Lit("")),), Lit(f" (within {listed})")
    )
    text = Concat((Lit("a "), employer, Lit(" employee"), within, _rank_text("rank", min_rank)))
    review_text = Case(
        ((_unknown_org("employer", country, known), _unknown_org_text("employer", country)),),
        Concat(
            (
                Lit("the rank of the "),
                employer,
                Lit(f" employee is not given (the measure covers {min_rank} and above)"),
            )
        ),
    )
    review = any_of(all_of(works, missing), _unknown_org("employer", country, known))
    return _Branch(all_of(works, rank_ok), review, text, review_text)


def _principal(
    country: str,
    relation: str,
    members: frozenset[str],
    ranks: frozenset[str] | None,
    min_rank: str | None,
    known: frozenset[str],
    under: int | None,
) -> _Branch:
    related = Eq(Col("relationship"), Lit(relation))
    works = In(Col("principal_employer"), members)
    rank_ok = In(Col("principal_rank"), ranks) if ranks is not None else TRUE
    rank_missing = IsEmpty(Col("principal_rank")) if ranks is not None else FALSE
    age_ok = UnderAge(BORN, DECISION_DAY, under) if under is not None else TRUE
    born_missing = IsEmpty(Col("date_of_birth")) if under is not None else FALSE
    covered = all_of(related, works, rank_ok, age_ok)
    possible = all_of(related, works, any_of(rank_ok, rank_missing), any_of(age_ok, born_missing))
    review = any_of(
        all_of(possible, Not(covered)),
        all_of(related, _unknown_org("principal_employer", country, known)),
    )
    label = {"employee": "domestic employee"}.get(relation, relation)
    age = f" under {under} on the decision date" if under is not None else ""
    text = Concat(
        (
            Lit(f"{label}{age} of a "),
            Col("principal_employer"),
            Lit(" employee"),
            _rank_text("principal_rank", min_rank),
        )
    )
    review_text = Case(
        (
            (
                _unknown_org("principal_employer", country, known),
                _unknown_org_text("principal_employer", country),
            ),
            (
                all_of(rank_missing, Not(rank_ok)),
                Concat(
                    (
                        Lit(f"the rank of the {label}'s principal ("),
                        Col("principal_employer"),
                        Lit(f" employee) is not given (the measure covers {min_rank} and above)"),
                    )
                ),
            ),
        ),
        Lit(
            f"the {label}'s date of birth is not given (the measure covers children under {under})"
        ),
    )
    return _Branch(covered, review, text, review_text)


def _combine(measures: Sequence[Measure]) -> Stage:
    statuses = [Col(f"s{i}") for i in range(len(measures))]
    top: Expr = Greatest(tuple(statuses)) if statuses else Lit(NONE)
    ids = JoinPresent(
        tuple(
            _when(Not(Eq(s, Lit(NONE))), Lit(m.id)) for s, m in zip(statuses, measures, strict=True)
        ),
        ";",
    )
    reasons = JoinPresent(tuple(Col(f"r{i}") for i in range(len(measures))), " | ")
    by_citation: dict[str, list[Expr]] = {}
    for s, m in zip(statuses, measures, strict=True):
        if m.citation:
            by_citation.setdefault(m.citation, []).append(Not(Eq(s, Lit(NONE))))
    # Sorted, so that a program for a subset of the measures lists citations in the same order.
    citations = JoinPresent(
        tuple(_when(any_of(*conds), Lit(text)) for text, conds in sorted(by_citation.items())),
        " | ",
    )
    restrictions = JoinPresent(
        tuple(
            _when(Eq(s, Lit(RESTRICTED)), Lit(f"{m.id}: {restriction_text(m.restrictions)}"))
            for s, m in zip(statuses, measures, strict=True)
            if m.restrictions
        ),
        " | ",
    )
    holding = JoinPresent(
        tuple(
            _when(Eq(s, Lit(DISCONTINUED)), Lit(m.id))
            for s, m in zip(statuses, measures, strict=True)
        ),
        ";",
    )
    restricting = JoinPresent(
        tuple(
            _when(Eq(s, Lit(RESTRICTED)), Lit(m.id))
            for s, m in zip(statuses, measures, strict=True)
        ),
        ";",
    )
    return Stage(
        (
            ("top", top),
            ("holding", holding),
            ("restricting", restricting),
            ("measures_all", ids),
            ("reasons_all", reasons),
            ("citations_all", citations),
            ("restrictions_all", restrictions),
        )
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
