"""A measure's scope in plain words is read off its structured scope, through the pack's names."""

from __future__ import annotations

from readmit.domain.sanctions import Measure, Who
from readmit.services.context import bootstrap
from readmit.services.sanctions.pack import current_pack
from readmit.web.scope_words import effect_words, scope_in_words

POLICY = current_pack(bootstrap()).policy


def measure(**changes: object) -> Measure:
    base = {
        "id": "KH-2017-1",
        "sanction_id": "KH-2017",
        "country": "KH",
        "effect": "discontinue",
        "summary": "",
        "classes": ("B1", "B2", "B1/B2"),
        "who": Who(employers=("KH-MFA",), min_rank="director_general", family=("spouse", "child")),
    }
    return Measure(**{**base, **changes})  # type: ignore[arg-type]


def test_cambodias_measure_reads_as_the_order_was_worded() -> None:
    assert scope_in_words(measure(), POLICY) == (
        "B1, B2 and B1/B2 visas for Ministry of Foreign Affairs and International Cooperation "
        "staff of Director General rank and above, and their families, applying in Cambodia "
        "(nationals and residents of Cambodia)"
    )
    assert effect_words(measure()) == "issuance discontinued"


def test_an_unpublished_scope_says_so_instead_of_guessing() -> None:
    words = scope_in_words(measure(classes=None, who=None, country="PK"), POLICY)
    assert "classes the public record does not give" in words
    assert "applicants the public record does not describe" in words


def test_exemptions_age_limits_and_restrictions_are_spelled_out() -> None:
    who = Who(everyone=False, employers=("KH-MFA",), family=("child",), child_under=21)
    m = measure(
        who=who,
        exempt_classes=("A1", "G1"),
        effect="restrict",
        restrictions={"validity_months": 1},
    )
    words = scope_in_words(m, POLICY)
    assert "their children (children under 21)" in words
    assert "A1 and G1 visas exempt" in words
    assert effect_words(m) == "restricted: valid for 1 month(s)"
