"""A date a user types: its form, or its day, is what the message names."""

from __future__ import annotations

from datetime import date

import pytest

from readmit.domain.dates import parse_date
from readmit.domain.errors import InvalidInput


def test_a_date_reads_and_an_empty_one_is_none() -> None:
    assert parse_date(" 2020-02-29 ", "--on") == date(2020, 2, 29)
    assert parse_date("", "--on") is None and parse_date(None, "--on") is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("2020-02-30", "'2020-02-30' is not a real day"),
        ("2021-02-29", "'2021-02-29' is not a real day"),
        ("30/02/2020", "'30/02/2020' is not a date as YYYY-MM-DD"),
        ("yesterday", "'yesterday' is not a date as YYYY-MM-DD"),
    ],
)
def test_a_bad_date_names_the_field_and_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date(text, "--on")
    assert refused.value.message == f"--on {said}"
