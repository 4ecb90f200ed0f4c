"""A sanction measure's scope in plain words, built from the measure's own structured scope.

"B1, B2 and B1/B2 visas for Ministry of Foreign Affairs staff of Director General rank and
above, and their families, applying in Cambodia" is read off the classes, employers, rank,
family and place of the measure, through the pack's names for organisations and ranks, so the
words can never drift from the rule that screening applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from readmit.domain.countries import country_name
from readmit.domain.sanctions import Measure, restriction_text
from readmit.domain.sanctions_policy import CATEGORIES, Policy


def and_list(items: Sequence[str]) -> str:
    """Join ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


_SMALL_WORDS = frozenset({"of", "and", "the", "for", "to", "in"})


def rank_words(rank: str) -> str:
    """Return a rank code as a title: ``director_general`` -> ``Director General``,
    ``secretary_of_state`` -> ``Secretary of State``."""
    words = rank.split("_")
    return " ".join(w if n and w in _SMALL_WORDS else w.capitalize() for n, w in enumerate(words))


def classes_words(measure: Measure) -> str:
    """Return the visa classes a measure covers."""
    if measure.classes is None:
        return "visas of classes the public record does not give"
    named = [f"all {c} visas" if c in CATEGORIES else c for c in measure.classes]
    if all(c not in CATEGORIES for c in measure.classes):
        return f"{and_list(named)} visas"
    return and_list(named)


def who_words(measure: Measure, policy: Policy) -> str:
    """Return the applicants a measure covers."""
    who = measure.who
    if who is None:
        return "applicants the public record does not describe"
    if who.everyone:
        people = "every applicant"
    else:
        names = [policy.organisations.name(code) for code in who.employers]
        people = f"{names[0]} staff" if len(names) == 1 else f"staff of {and_list(names)}"
        if who.min_rank:
            people += f" of {rank_words(who.min_rank)} rank and above"
    extra = []
    if {"spouse", "child"} <= set(who.family):
        extra.append("their families" + _under(who.child_under))
    elif "spouse" in who.family:
        extra.append("their spouses")
    elif "child" in who.family:
        extra.append("their children" + _under(who.child_under))
    if who.domestic_staff:
        extra.append("their domestic staff")
    return people + (", and " + and_list(extra) if extra else "")


def _under(age: int | None) -> str:
    return f" (children under {age})" if age else ""


def scope_in_words(measure: Measure, policy: Policy) -> str:
    """Return the whole scope of a measure as one sentence fragment."""
    text = f"{classes_words(measure)} for {who_words(measure, policy)}"
    if policy.regime.place_rule == "issuance_in_country":
        text += f", applying in {country_name(measure.country)}"
    persons = {"nationals": "nationals", "residents": "residents"}
    who = and_list([persons[p] for p in measure.persons if p in persons])
    text += f" ({who} of {country_name(measure.country)})"
    if measure.exempt_classes:
        text += f"; {and_list(list(measure.exempt_classes))} visas exempt"
    if measure.uncertain_classes:
        text += f"; whether {and_list(list(measure.uncertain_classes))} are covered is unknown"
    return text


def effect_words(measure: Measure) -> str:
    """Return what the measure does, in plain words."""
    if measure.effect == "discontinue":
        return "issuance discontinued"
    restrictions = restriction_text(measure.restrictions)
    return f"restricted: {restrictions}" if restrictions else "restricted"
