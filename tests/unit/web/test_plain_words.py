"""Figures and facts as a reader says them (no 'True', no '1,333.0 days', no '1 criteria')."""

from __future__ import annotations

from readmit.domain.cooperation_standard import _criteria
from readmit.web.words import fact, number


def test_a_true_or_false_fact_reads_yes_or_no() -> None:
    assert (fact(True), fact(False), fact(None), fact(2)) == ("yes", "no", "–", "2")


def test_a_whole_figure_has_no_decimal_and_a_fraction_keeps_one() -> None:
    assert (number(1333.0), number(101.5), number(12000)) == ("1,333", "101.5", "12,000")


def test_one_criterion_is_singular() -> None:
    assert _criteria(1) == "1 criterion is" and _criteria(2) == "2 criteria are"
