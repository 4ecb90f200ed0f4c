"""Who a measure covers: the persons it names, and the employees and relatives it reaches.

A measure names persons (the nationals or residents of a country) and, when its scope was
published, who among them: everyone, or the employees of listed organisations (from a rank up)
with their family and domestic staff. Each such group is a ``Branch``: when a row is in it, when
the row may be and needs review, and each of the two in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from readmit.domain.sanctions import Measure, Who
from readmit.domain.sanctions_policy import Policy
from readmit.domain.screening_rules import (
    FALSE,
    TRUE,
    Case,
    Col,
    Concat,
    DateCol,
    Eq,
    Expr,
    HasItem,
    In,
    IsEmpty,
    Lit,
    Not,
    StartsWith,
    UnderAge,
    all_of,
    any_of,
)

DECISION_DAY = DateCol("decision_on")
BORN = DateCol("date_of_birth_on")
GOVERNING_DAY = DateCol("governing_on")  # the application's day, or else the decision's
PASSPORT = Col("passport_type")


def governing_day(policy: Policy) -> DateCol:
    """The day whose measures apply under the regime (its pack's ``governing_date``)."""
    return DECISION_DAY if policy.regime.governing_date == "decision_date" else GOVERNING_DAY


def passport_ok(who: Who) -> Expr:
    """The row's passport is one the measure names (no passport type given reads as ordinary)."""
    if not who.passport_types:
        return TRUE
    types = frozenset(who.passport_types) | ({""} if "ordinary" in who.passport_types else set())
    return In(PASSPORT, frozenset(types))


@dataclass(frozen=True)
class Branch:
    """One group a measure reaches: when a row is in it, when it may be, and each in words."""

    covered: Expr
    review: Expr
    covered_text: Expr
    review_text: Expr


@dataclass(frozen=True)
class _Employers:
    """The organisations and ranks a measure's employees must belong to."""

    country: str
    members: frozenset[str]  # the listed organisations and every one under them
    listed: str  # the listed organisations, as the measure names them
    ranks: frozenset[str] | None  # None: the measure covers every rank
    min_rank: str | None
    known: frozenset[str]  # every organisation code of the country in the pack

    def rank_ok(self, column: str) -> Expr:
        return In(Col(column), self.ranks) if self.ranks is not None else TRUE

    def rank_missing(self, column: str) -> Expr:
        return IsEmpty(Col(column)) if self.ranks is not None else FALSE

    def rank_text(self, column: str) -> Expr:
        if self.min_rank is None:
            return Lit("")
        return Concat((Lit(" ranked "), Col(column), Lit(f" ({self.min_rank} and above)")))

    def unknown(self, column: str) -> Expr:
        """The column holds a code of the country that the pack's organisation tree lacks."""
        return all_of(StartsWith(Col(column), f"{self.country}-"), Not(In(Col(column), self.known)))

    def unknown_text(self, column: str) -> Expr:
        return Concat(
            (
                Lit("organisation code "),
                Col(column),
                Lit(f" is not in the pack's {self.country} organisation tree"),
            )
        )


def persons(m: Measure) -> Expr:
    """The row's person is one the measure names: a national or a resident of its country."""
    parts: list[Expr] = []
    if "nationals" in m.persons:
        parts += [
            Eq(Col("nationality"), Lit(m.country)),
            HasItem(Col("other_nationalities"), m.country),
        ]
    if "residents" in m.persons:
        parts.append(Eq(Col("residence"), Lit(m.country)))
    return any_of(*parts)


def who_text(found: Sequence[Branch], country: str) -> Expr:
    """Who the row's person is, in words: the first branch covering them, else the person."""
    return Case(tuple((b.covered, b.covered_text) for b in found), _person_text(country))


def branches(m: Measure, policy: Policy) -> list[Branch]:
    """The groups the measure reaches; its scope (``m.who``) must have been published."""
    who = m.who
    assert who is not None
    if who.everyone:
        found = [Branch(TRUE, FALSE, _person_text(m.country), Lit(""))]
    else:
        employers = _employers(m.country, who, policy)
        found = [_self(employers)]
        for relation in who.family:
            under = who.child_under if relation == "child" else None
            found.append(_principal(employers, relation, under))
        if who.domestic_staff:
            found.append(_principal(employers, "employee", None))
    if not who.passport_types:
        return found
    holds = passport_ok(who)
    kinds = ", ".join(who.passport_types)
    return [
        Branch(
            all_of(holds, b.covered),
            all_of(holds, b.review),
            Concat((b.covered_text, Lit(f" holding a {kinds} passport"))),
            b.review_text,
        )
        for b in found
    ]


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


def _employers(country: str, who: Who, policy: Policy) -> _Employers:
    orgs = policy.organisations
    return _Employers(
        country=country,
        members=frozenset().union(*(orgs.subtree(code) for code in who.employers)),
        listed=", ".join(who.employers),
        ranks=policy.ranks.at_or_above(country, who.min_rank) if who.min_rank else None,
        min_rank=who.min_rank,
        known=orgs.codes_of(country),
    )


def _self(e: _Employers) -> Branch:
    """The employee: covered when working for a listed organisation at a covered rank."""
    employer = Col("employer")
    works = In(employer, e.members)
    within = Case(
        ((In(employer, frozenset(e.listed.split(", "))), Lit("")),), Lit(f" (within {e.listed})")
    )
    text = Concat((Lit("a "), employer, Lit(" employee"), within, e.rank_text("rank")))
    review_text = Case(
        ((e.unknown("employer"), e.unknown_text("employer")),),
        Concat(
            (
                Lit("the rank of the "),
                employer,
                Lit(f" employee is not given (the measure covers {e.min_rank} and above)"),
            )
        ),
    )
    review = any_of(all_of(works, e.rank_missing("rank")), e.unknown("employer"))
    return Branch(all_of(works, e.rank_ok("rank")), review, text, review_text)


def _principal(e: _Employers, relation: str, under: int | None) -> Branch:
    """A relative or the domestic employee (``relation``) of a covered employee, the principal."""
    related = Eq(Col("relationship"), Lit(relation))
    works = In(Col("principal_employer"), e.members)
    rank_ok = e.rank_ok("principal_rank")
    age_ok = UnderAge(BORN, DECISION_DAY, under) if under is not None else TRUE
    born_missing = IsEmpty(Col("date_of_birth")) if under is not None else FALSE
    covered = all_of(related, works, rank_ok, age_ok)
    possible = all_of(
        related,
        works,
        any_of(rank_ok, e.rank_missing("principal_rank")),
        any_of(age_ok, born_missing),
    )
    review = any_of(
        all_of(possible, Not(covered)), all_of(related, e.unknown("principal_employer"))
    )
    label = {"employee": "domestic employee"}.get(relation, relation)
    text = _principal_text(e, label, under)
    return Branch(covered, review, text, _principal_review_text(e, label, under))


def _principal_text(e: _Employers, label: str, under: int | None) -> Expr:
    age = f" under {under} on the decision date" if under is not None else ""
    return Concat(
        (
            Lit(f"{label}{age} of a "),
            Col("principal_employer"),
            Lit(" employee"),
            e.rank_text("principal_rank"),
        )
    )


def _principal_review_text(e: _Employers, label: str, under: int | None) -> Expr:
    rank_unknown = all_of(e.rank_missing("principal_rank"), Not(e.rank_ok("principal_rank")))
    return Case(
        (
            (e.unknown("principal_employer"), e.unknown_text("principal_employer")),
            (
                rank_unknown,
                Concat(
                    (
                        Lit(f"the rank of the {label}'s principal ("),
                        Col("principal_employer"),
                        Lit(f" employee) is not given (the measure covers {e.min_rank} and above)"),
                    )
                ),
            ),
        ),
        Lit(
            f"the {label}'s date of birth is not given (the measure covers children under {under})"
        ),
    )
