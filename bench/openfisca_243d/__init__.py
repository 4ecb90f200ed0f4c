"""The US pack's 243(d) screening rules as an OpenFisca country package (the bench's peer).

Written as an OpenFisca modeller would (openfisca-core 46): one entity, ``application``; each
coded input is an ``Enum`` variable (held as integer codes, an ``EnumArray``), each date a
``date`` variable, and what readmit's reading checks need that a code cannot say (a date that
was given but is not a day) a ``bool`` variable. Every measure is a variable of its own,
``status_<measure>`` (0 not reached, 1 excepted, 2 restricted, 3 review, 4 discontinued), and
``decision`` (an Enum) is their maximum, or ``invalid``. Formulas are vectorised numpy over all
applications at once and compare codes, never text. Built from the same measure definitions
readmit loads, so both screen the same rules.

The text-to-code step (``encode``) is the input preparation an OpenFisca user does before a
simulation (trimming, capitals, mapping to the Enum's index); the output strings (measures,
citations, restrictions) are assembled from the per-measure statuses after it (``outputs``).
Both are timed with the package in ``bench/screening.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.periods import MONTH
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions import Measure, restriction_text
from readmit.domain.sanctions_policy import Policy

Application = build_entity(
    key="application", plural="applications", label="A visa application", is_person=True
)
PERIOD = "2024-01"  # decision dates are inputs; one period holds the batch
NONE, UNLISTED, OTHER = "none", "unlisted", "other"
DECISIONS = ["not_affected", "excepted", "restricted", "needs_review", "discontinued", "invalid"]
Decision = Enum("Decision", {d: d for d in DECISIONS})
NO_DAY = date(1, 1, 1)
UPPER = ("nationality", "visa_class", "post_country", "employer", "principal_employer")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _vocabulary(name: str, words: list[str]) -> Any:
    """An Enum of ``words``; its members are named by index (codes are not identifiers)."""
    return Enum(name, {f"v{i}": w for i, w in enumerate(words)})


@dataclass(frozen=True)
class Codes:
    """The package's Enums, with each word's index."""

    words: dict[str, list[str]]  # per input variable
    enums: dict[str, Any]
    # Per country with employer measures, the codes the pack knows: any other code of that
    # country reads as the word "<country>-?" (readmit sends it to review: a misspelt one?).
    known: dict[str, frozenset[str]] = field(default_factory=dict)

    def index(self, variable: str, word: str) -> int:
        return self.words[variable].index(word)

    def indices(self, variable: str, words: Any) -> list[int]:
        known = self.words[variable]
        return [known.index(w) for w in words if w in known]


def _codes(measures: list[Measure], policy: Policy, ranks: list[str], rels: list[str]) -> Codes:
    members: set[str] = set()
    known: dict[str, frozenset[str]] = {}
    for m in measures:
        if m.who and not m.who.everyone:
            known[m.country] = policy.organisations.codes_of(m.country)
            for e in m.who.employers:
                members |= set(policy.organisations.subtree(e))
    unknown = [unknown_word(c) for c in sorted(known)]
    countries = [*sorted(COUNTRY_CODES), OTHER]
    words = {
        "nationality": countries,
        "post_country": countries,
        "visa_class": [*sorted(policy.visa_classes.classes), OTHER],
        # Only an employer some measure names matters; every other value is ``other``.
        "employer": [*sorted(members), *unknown, OTHER],
        "principal_employer": [*sorted(members), *unknown, OTHER],
        "rank": [NONE, *ranks, UNLISTED],
        "principal_rank": [NONE, *ranks, UNLISTED],
        "relationship": [NONE, *rels, UNLISTED],
        "approved_exception": [NONE, "true", "false", UNLISTED],
    }
    shared = {id(v): _vocabulary(n, v) for n, v in words.items()}
    return Codes(words, {n: shared[id(v)] for n, v in words.items()}, known)


def unknown_word(country: str) -> str:
    """The word for an organisation code of ``country`` that the pack does not know."""
    return f"{country}-?"


def _variable(name: str, **attributes: Any) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {"entity": Application, "definition_period": MONTH, "label": name, **attributes},
    )


def _status_formula(m: Measure, policy: Policy, codes: Codes) -> Any:
    def ids(variable: str, words: Any) -> list[int]:
        return codes.indices(variable, words)

    start, end = m.starts, m.valid_to or (m.ended_by if m.end_unknown else None)
    span = m.certain_span()
    listed = policy.visa_classes.expand(m.classes) if m.classes is not None else None
    unsure = ids("visa_class", policy.visa_classes.expand(m.uncertain_classes))
    exempt = ids("visa_class", policy.visa_classes.expand(m.exempt_classes))
    reach = (
        ids(
            "visa_class",
            listed
            | set(policy.visa_classes.expand(m.uncertain_classes))
            | set(policy.visa_classes.expand(m.exempt_classes)),
        )
        if listed is not None
        else None
    )
    country = codes.index("nationality", m.country)
    code = 4 if m.effect == "discontinue" else 2
    true = codes.index("approved_exception", "true")

    def formula(application: Any, period: Any) -> Any:
        day = application("decision_date", period)
        visa = application("visa_class", period)
        base = (application("post_country", period) == country) & (
            application("nationality", period) == country
        )
        base &= day >= np.datetime64(start) if start else False
        if end is not None:
            base &= day < np.datetime64(end)
        if reach is not None:
            base &= np.isin(visa, reach)
        if not base.any():
            return np.zeros(len(day), dtype=np.int8)
        covered, review = _who(m, policy, codes, application, period, day)
        excepted = np.isin(visa, exempt)
        if m.exceptions_allowed:
            excepted |= application("approved_exception", period) == true
        certain = np.zeros(len(day), bool)
        if m.scope_known and span and span[0] is not None:
            certain = day >= np.datetime64(span[0])
            if span[1] is not None:
                certain &= day < np.datetime64(span[1])
        doubt = review | ~certain | np.isin(visa, unsure)
        status = np.where(excepted, 1, np.where(doubt, 3, code))
        return np.where(base & (covered | review), status, 0).astype(np.int8)

    return formula


def _who(
    m: Measure, policy: Policy, codes: Codes, application: Any, period: Any, day: Any
) -> tuple[Any, Any]:
    n = len(day)
    who = m.who
    if who is None:
        return np.zeros(n, bool), np.ones(n, bool)
    if who.everyone:
        return np.ones(n, bool), np.zeros(n, bool)
    members = codes.indices(
        "employer", set().union(*(policy.organisations.subtree(e) for e in who.employers))
    )
    ranks = (
        codes.indices("rank", policy.ranks.at_or_above(m.country, who.min_rank))
        if who.min_rank
        else None
    )
    no_rank = codes.index("rank", NONE)

    def works(employer: str, rank: str) -> tuple[Any, Any]:
        inside = np.isin(application(employer, period), members)
        if ranks is None:
            return inside, np.zeros(n, bool)
        held = application(rank, period)
        return inside & np.isin(held, ranks), inside & (held == no_rank)

    unknown_code = codes.index("employer", unknown_word(m.country))

    def unknown(employer: str) -> Any:
        return application(employer, period) == unknown_code

    own, own_missing = works("employer", "rank")
    principal, principal_missing = works("principal_employer", "principal_rank")
    rel = application("relationship", period)
    spouse, child, employee = (
        codes.index("relationship", r) for r in ("spouse", "child", "employee")
    )
    family, family_member = np.zeros(n, bool), np.zeros(n, bool)
    may_be_family = np.zeros(n, bool)  # a relative the measure can reach, rank or none
    born_missing = np.zeros(n, bool)
    if "spouse" in who.family:
        family |= rel == spouse
        family_member |= rel == spouse
        may_be_family |= rel == spouse
    if "child" in who.family:
        family_member |= rel == child
        if who.child_under:
            born = application("date_of_birth", period)
            known = born > np.datetime64(NO_DAY)
            limit = born.astype("datetime64[Y]") + np.timedelta64(who.child_under, "Y")
            anniversary = limit.astype("datetime64[D]") + (born - born.astype("datetime64[Y]"))
            family |= (rel == child) & known & (anniversary > day)
            born_missing = (rel == child) & ~known
            may_be_family |= (rel == child) & (~known | (anniversary > day))
        else:
            family |= rel == child
            may_be_family |= rel == child
    if who.domestic_staff:
        family |= rel == employee
        family_member |= rel == employee
        may_be_family |= rel == employee
    covered = own | (family & principal)
    review = (
        own_missing
        | unknown("employer")
        | (family_member & unknown("principal_employer"))
        | (may_be_family & principal_missing)
        | (born_missing & (principal | principal_missing))
    )
    return covered, review & ~covered


def _decision_formula(measures: list[Measure], codes: Codes) -> Any:
    other = {n: codes.index(n, OTHER) for n in ("nationality", "post_country", "visa_class")}
    unlisted = {
        n: codes.index(n, UNLISTED)
        for n in ("rank", "principal_rank", "relationship", "approved_exception")
    }

    def formula(application: Any, period: Any) -> Any:
        status = np.zeros(application.count, dtype=np.int8)
        for m in measures:
            status = np.maximum(status, application(f"status_{m.id}", period))
        valid = application("decision_date_readable", period) & application(
            "date_of_birth_readable", period
        )
        for name, code in (*other.items(), *unlisted.items()):
            valid &= application(name, period) != code
        return EnumArray(np.where(valid, status, 5).astype(np.int16), Decision)

    return formula


def tax_benefit_system(
    measures: list[Measure], policy: Policy, ranks: list[str], relationships: list[str]
) -> tuple[TaxBenefitSystem, Codes]:
    """Build the country package's tax and benefit system for these measures."""
    codes = _codes(measures, policy, ranks, relationships)
    system = TaxBenefitSystem([Application])
    for name, enum in codes.enums.items():
        system.add_variable(
            _variable(
                name, value_type=Enum, possible_values=enum, default_value=enum.__members__["v0"]
            )
        )
    for name in ("decision_date", "date_of_birth"):
        system.add_variable(_variable(name, value_type=date, default_value=NO_DAY))
        system.add_variable(_variable(f"{name}_readable", value_type=bool, default_value=True))
    for m in measures:
        system.add_variable(
            _variable(f"status_{m.id}", value_type=int, formula=_status_formula(m, policy, codes))
        )
    system.add_variable(
        _variable(
            "decision",
            value_type=Enum,
            possible_values=Decision,
            default_value=Decision.not_affected,
            formula=_decision_formula(measures, codes),
        )
    )
    return system, codes


def encode(frame: pl.DataFrame, codes: Codes, today: date) -> dict[str, Any]:
    """The applications as the simulation's inputs: codes as EnumArrays, dates as days."""
    inputs: dict[str, Any] = {}
    for name, words in codes.words.items():
        text = frame[name].fill_null("").str.strip_chars()
        text = text.str.to_uppercase() if name in UPPER else text.str.to_lowercase()
        if NONE in words:
            text = pl.Series(name, text).replace("", NONE)
        fallback = UNLISTED if UNLISTED in words else OTHER
        if name in ("employer", "principal_employer"):
            text = _unknown_codes(text, codes.known, words)
        index = text.replace_strict(words, list(range(len(words))), default=words.index(fallback))
        inputs[name] = EnumArray(index.cast(pl.Int16).to_numpy(), codes.enums[name])
    for name, empty in (("decision_date", today), ("date_of_birth", NO_DAY)):
        text = frame[name].fill_null("").str.strip_chars()
        parsed = text.str.to_date("%Y-%m-%d", strict=False)
        well = text.str.contains(DATE.pattern) & parsed.is_not_null()
        day = pl.select(
            pl.when(text == "").then(pl.lit(empty)).when(well).then(parsed).otherwise(NO_DAY)
        ).to_series()
        inputs[name] = day.to_numpy().astype("datetime64[D]")
        inputs[f"{name}_readable"] = ((text == "") | well.fill_null(False)).to_numpy()
    return inputs


def _unknown_codes(
    text: pl.Series, known: dict[str, frozenset[str]], words: list[str]
) -> pl.Series:
    """Each code of a country with employer measures that the pack lacks, as that country's
    "unknown" word (the text was put in capitals first, as readmit reads it)."""
    frame = pl.DataFrame({"t": text})
    expr = pl.col("t")
    for country, codes_of in known.items():
        lacking = pl.col("t").str.starts_with(f"{country}-") & ~pl.col("t").is_in(sorted(codes_of))
        expr = (
            pl.when(lacking & ~pl.col("t").is_in(words))
            .then(pl.lit(unknown_word(country)))
            .otherwise(expr)
        )
    return frame.select(expr.alias(text.name)).to_series()


def screen(system: TaxBenefitSystem, inputs: dict[str, Any], measures: list[Measure]) -> Any:
    """Run the simulation: the decision codes and each measure's status, per application."""
    count = len(inputs["nationality"])
    simulation = SimulationBuilder().build_default_simulation(system, count)
    for name, values in inputs.items():
        simulation.set_input(name, PERIOD, values)
    decision = np.asarray(simulation.calculate("decision", PERIOD))
    statuses = np.stack(
        [np.asarray(simulation.calculate(f"status_{m.id}", PERIOD)) for m in measures], axis=1
    )
    return decision, statuses


def outputs(decision: Any, statuses: Any, measures: list[Measure]) -> pl.DataFrame:
    """The output columns readmit writes (decision, measures, citations, restrictions),
    assembled once per distinct combination of statuses (a batch holds few)."""
    combos, inverse = np.unique(
        np.concatenate([decision[:, None].astype(np.int8), statuses], axis=1),
        axis=0,
        return_inverse=True,
    )
    ordered = sorted(range(len(measures)), key=lambda i: measures[i].id)
    rows = []
    for combo in combos:
        overall, per = int(combo[0]), combo[1:]
        valid = overall != 5
        hit = [i for i in ordered if per[i] > 0] if valid else []
        restricted = [
            f"{measures[i].id}: {restriction_text(measures[i].restrictions)}"
            for i in hit
            if per[i] == 2 and measures[i].restrictions
        ]
        rows.append(
            (
                DECISIONS[overall],
                ";".join(measures[i].id for i in hit),
                " | ".join(sorted({measures[i].citation for i in hit})),
                " | ".join(restricted) if overall == 2 else "",
            )
        )
    table = pl.DataFrame(
        rows, schema=["decision", "measures", "citations", "restrictions"], orient="row"
    )
    return table[np.asarray(inverse).reshape(-1)]
