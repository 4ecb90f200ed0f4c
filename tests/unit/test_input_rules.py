"""One set of input rules for every edge (``domain/validation``): a table a reader can check."""

from __future__ import annotations

from datetime import date

import pytest

from readmit.domain import validation
from readmit.domain.errors import InvalidInput

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("case_id", "on", "given_name", "refused_because"),
    [
        ("KH-1", date(2020, 1, 1), "Sok", None),
        ("KH-1", TODAY, "Sok", None),
        ("KH-1", date(2999, 1, 1), "Sok", "final_order_date 2999-01-01 is in the future"),
        ("A" * 129, date(2020, 1, 1), "Sok", "case_id is 129 characters long"),
        ("KH 1", date(2020, 1, 1), "Sok", "is not an identifier"),
        ("KH\x001", date(2020, 1, 1), "Sok", "case_id must not contain a NUL"),
        ("KH-1", date(2020, 1, 1), "x" * 201, "given_name is 201 characters long"),
    ],
)
def test_a_new_case_is_checked_by_one_rule_for_every_edge(
    case_id: str, on: date, given_name: str, refused_because: str | None
) -> None:
    def check() -> None:
        validation.check_new_case(
            case_id=case_id, final_order_date=on, personal={"given_name": given_name}, today=TODAY
        )

    if refused_because is None:
        check()
        return
    with pytest.raises(InvalidInput, match=refused_because):
        check()


def test_a_case_closed_for_death_in_2031_is_refused_as_in_the_future() -> None:
    with pytest.raises(InvalidInput, match="occurred_on 2031-05-01 is in the future"):
        validation.check_case_event(on=date(2031, 5, 1), payload={"reason": "death"}, today=TODAY)


def test_an_event_day_as_typed_defaults_to_today_and_is_never_after_it() -> None:
    assert validation.event_day("", "--on", TODAY) == TODAY
    assert validation.event_day("2020-02-03", "--on", TODAY) == date(2020, 2, 3)
    with pytest.raises(InvalidInput, match="--on 2031-01-01 is in the future"):
        validation.event_day("2031-01-01", "--on", TODAY)
    with pytest.raises(InvalidInput, match="is not a date"):
        validation.event_day("0", "--on", TODAY)
