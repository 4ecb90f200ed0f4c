"""Compile one measure into two expressions: its status for a row, and the reason in words.

The status is 0 (nothing), 1 (excepted), 2 (restricted), 3 (needs review) or 4 (discontinued);
the reason says why, naming the measure, or is null when the measure does not apply to the row.
Who the measure covers is compiled in ``screening_coverage``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from readmit.domain.sanctions import DISCONTINUE, Measure, restriction_text
from readmit.domain.sanctions_policy import Policy
from readmit.domain.screening_coverage import (
    BORN,
    Branch,
    branches,
    governing_day,
    persons,
    who_text,
)
from readmit.domain.screening_rules import (
    FALSE,
    TRUE,
    Case,
    Col,
    Concat,
    DateCol,
    DateIn,
    Eq,
    Expr,
    In,
    IsEmpty,
    Lit,
    Not,
    UnderAge,
    all_of,
    any_of,
)

NONE, EXCEPTED, RESTRICTED, REVIEW, DISCONTINUED = 0, 1, 2, 3, 4
VISA = Col("visa_class")


@dataclass(frozen=True)
class _Terms:
    """The conditions one measure's status and reason are built from."""

    applies: Expr  # the row's place, person, decision day and visa class are within the measure
    covered: Expr
    review_who: Expr  # the record leaves open whether the measure covers the row's person
    exempt: Expr
    exception: Expr
    time_unknown: Expr
    class_unknown: Expr
    branches: tuple[Branch, ...]
    # Exemptions beyond the visa class: the regime's (a family member of an EU citizen) and the
    # measure's age limit (a child under 12 pays no increased fee), each with its reason.
    exemptions: tuple[tuple[Expr, str], ...] = ()

    @property
    def reached(self) -> Expr:
        """The measure covers the row's person, or may."""
        return any_of(self.covered, self.review_who)

    @property
    def open(self) -> Expr:
        """The record does not say whether the measure applies to the row."""
        return any_of(self.time_unknown, self.class_unknown, self.review_who)


def compile_measure(m: Measure, policy: Policy) -> tuple[Expr, Expr]:
    """The measure's status (one of the codes above) and its reason, for one row."""
    terms = _terms(m, policy)
    return _status(m, terms), _reason(m, policy, terms)


def restriction_words(m: Measure, policy: Policy, prefix: str = "") -> Expr:
    """The measure's restrictions in words, each dated parameter valued on the row's day."""
    if not any(p.dated for p in m.parameters):
        return Lit(prefix + restriction_text(m.restrictions, m.parameters))
    day = governing_day(policy)
    starts = sorted({d for p in m.parameters for d, _v in p.values if d is not None})
    dated = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        text = restriction_text(m.restrictions, m.parameters, start)
        dated.append((DateIn(day, start, end), Lit(prefix + text)))
    return Case(tuple(dated), Lit(prefix + restriction_text(m.restrictions, m.parameters)))


def _terms(m: Measure, policy: Policy) -> _Terms:
    found = tuple(branches(m, policy)) if m.who is not None else ()
    covered = any_of(*(b.covered for b in found)) if m.who is not None else FALSE
    review_who = (
        all_of(Not(covered), any_of(*(b.review for b in found))) if m.who is not None else TRUE
    )
    day = governing_day(policy)
    window = _window(m, day)
    uncertain_classes = policy.visa_classes.expand(m.uncertain_classes)
    exempt = policy.visa_classes.expand(m.exempt_classes)
    return _Terms(
        applies=all_of(_place(m, policy), persons(m), window, _class_any(m, policy)),
        covered=covered,
        review_who=review_who,
        exempt=In(VISA, exempt) if exempt else FALSE,
        exception=Eq(Col("approved_exception"), Lit("true")) if m.exceptions_allowed else FALSE,
        time_unknown=all_of(window, Not(_certain(m, day))),
        class_unknown=In(VISA, uncertain_classes) if uncertain_classes else FALSE,
        branches=found,
        exemptions=_exemptions(m, policy, day),
    )


def _exemptions(m: Measure, policy: Policy, day: DateCol) -> tuple[tuple[Expr, str], ...]:
    found: list[tuple[Expr, str]] = [
        (In(Col(e.input), frozenset(e.values)), f"{e.says} ({e.citation})")
        for e in policy.regime.exemptions
    ]
    if m.exempt_under_age is not None:
        found.append(
            (
                UnderAge(BORN, day, m.exempt_under_age),
                f"children under {m.exempt_under_age} are exempt from this measure",
            )
        )
    return tuple(found)


def _place(m: Measure, policy: Policy) -> Expr:
    if policy.regime.place_rule == "issuance_in_country":
        return Eq(Col("post_country"), Lit(m.country))
    return TRUE


def _window(m: Measure, day: DateCol) -> Expr:
    """The governing day falls in the measure's time, as far as the record bounds it."""
    end = m.valid_to or (m.ended_by if m.end_unknown else None)
    return DateIn(day, m.starts, end) if m.starts else FALSE


def _certain(m: Measure, day: DateCol) -> Expr:
    """The decision day falls in the time the record says the measure was in force.

    Beside a known start and end, a verification settles the days between it and a known edge
    (``Measure.certain_span``): a dated source proves the measure was in force that day.
    """
    span = m.certain_span()
    return DateIn(day, span[0], span[1]) if span is not None else FALSE


def _class_any(m: Measure, policy: Policy) -> Expr:
    """The visa class is one the measure names, in any way (listed, uncertain or exempt)."""
    if m.classes is None:
        return TRUE
    listed = policy.visa_classes.expand(m.classes)
    uncertain_classes = policy.visa_classes.expand(m.uncertain_classes)
    exempt = policy.visa_classes.expand(m.exempt_classes)
    return In(VISA, listed | uncertain_classes | exempt)


def _status(m: Measure, terms: _Terms) -> Expr:
    effect = DISCONTINUED if m.effect == DISCONTINUE else RESTRICTED
    return Case(
        (
            (Not(terms.applies), Lit(NONE)),
            (Not(terms.reached), Lit(NONE)),
            *((condition, Lit(EXCEPTED)) for condition, _text in terms.exemptions),
            (terms.exempt, Lit(EXCEPTED)),
            (terms.exception, Lit(EXCEPTED)),
            (terms.open, Lit(REVIEW)),
        ),
        Lit(effect),
    )


def _reason(m: Measure, policy: Policy, terms: _Terms) -> Expr:
    head = _head(m, policy, terms.branches)

    def said(*rest: Expr) -> Expr:
        return Concat((Lit(f"{m.id}: "), head, *rest))

    restricts = bool(m.restrictions or m.parameters)
    return Case(
        (
            (Not(terms.applies), Lit(None)),
            (Not(terms.reached), Lit(None)),
            *(
                (condition, said(Lit(f"; excepted: {text}")))
                for condition, text in terms.exemptions
            ),
            (terms.exempt, said(Lit("; excepted: "), VISA, Lit(" is exempt from this measure"))),
            (
                terms.exception,
                said(Lit("; excepted: the visa authority approved an exception"), _reference()),
            ),
            (terms.open, Concat((Lit(f"{m.id}: needs review: "), _review_text(m, policy, terms)))),
        ),
        said(restriction_words(m, policy, "; restricted: ")) if restricts else said(Lit("")),
    )


def _reference() -> Expr:
    """The exception's reference in brackets, when the row gives one."""
    return Case(
        ((IsEmpty(Col("exception_reference")), Lit("")),),
        Concat((Lit(" ("), Col("exception_reference"), Lit(")"))),
    )


def _review_text(m: Measure, policy: Policy, terms: _Terms) -> Expr:
    """Why the row needs review: the first thing the record leaves open."""
    return Case(
        (
            (
                Lit(m.who is None or m.classes is None),
                Lit(f"the scope of this measure was never published ({m.summary})"),
            ),
            (
                terms.time_unknown,
                Lit(
                    "the record does not say whether this measure applied on that day "
                    f"({m.validity_text()}{_unverified_text(m)})"
                ),
            ),
            (
                terms.class_unknown,
                Concat(
                    (
                        Lit("the record does not say whether "),
                        VISA,
                        Lit(f" is covered (it names {_classes_text(m, policy)})"),
                    )
                ),
            ),
            *((b.review, b.review_text) for b in terms.branches),
        ),
        Lit("the record leaves the coverage open"),
    )


def _unverified_text(m: Measure) -> str:
    """Where the verification leaves the day open: on which side of it the day falls."""
    verified = m.last_verified_on
    if m.certain_span() is None or verified is None:
        return "; no dated verification shows it in force"
    if m.valid_from is not None:
        return f"; last verified in force on {verified.isoformat()}, before that day"
    if not m.end_unknown:
        return f"; verified in force on {verified.isoformat()}, after that day"
    return f"; verified in force on {verified.isoformat()} only"


def _head(m: Measure, policy: Policy, found: Sequence[Branch]) -> Expr:
    since = f"in force since {m.valid_from.isoformat()}" if m.valid_from else m.validity_text()
    verified = m.last_verified_on
    if (m.end_unknown or not m.valid_from) and m.certain_span() and verified:
        # The rule of docs/policy-packs.md, "What a dated source proves", in the reason's words.
        if m.valid_from:
            since += (
                f" (end date unknown; verified in force on {verified.isoformat()}, "
                "so in force on every day up to then)"
            )
        elif not m.end_unknown:
            since += f" (verified in force on {verified.isoformat()}, so in force from then on)"
        else:
            since += f" (verified in force on {verified.isoformat()})"
    place = f"; applied in {m.country}" if policy.regime.place_rule == "issuance_in_country" else ""
    listed = _classes_text(m, policy)
    uncertain = policy.visa_classes.expand(m.uncertain_classes)
    in_list = Case(
        ((In(VISA, uncertain), Lit(f" may be covered (the record names {listed})")),)
        if uncertain
        else (),
        Lit(f" is in {listed}"),
    )
    return Concat((who_text(found, m.country), Lit("; "), VISA, in_list, Lit(f"{place}; {since}")))


def _classes_text(m: Measure, policy: Policy) -> str:
    return policy.visa_classes.describe(m.classes) if m.classes is not None else "unknown classes"
