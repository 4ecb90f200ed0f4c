"""Calendar months as the aggregates at the ledger head count them (``store/backlog_days``) and
as a window at the head splits into whole months and other days (``store/metrics``)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from readmit.domain.cooperation import day_number
from readmit.store.backlog_days import month_of
from readmit.store.metrics import NO_DAY, _backlog_months, _next_month, _whole_months

DAYS = st.dates(date(1900, 1, 1), date(2200, 12, 31))


@given(DAYS)
def test_a_day_s_month_is_the_day_number_of_its_first_day(on: date) -> None:
    assert month_of(day_number(on)) == day_number(on.replace(day=1))
    assert _next_month(month_of(day_number(on))) == day_number(
        (on.replace(day=28) + timedelta(days=4)).replace(day=1)
    )


@given(DAYS, st.integers(0, 800))
def test_a_range_s_whole_months_are_exactly_the_months_it_holds_from_first_to_last_day(
    start: date, length: int
) -> None:
    first, last = day_number(start), day_number(start) + length
    held = sorted(
        {
            month_of(day)
            for day in range(first, last + 1)
            if month_of(day) >= first and _next_month(month_of(day)) - 1 <= last
        }
    )
    assert _whole_months(first, last) == ((held[0], held[-1]) if held else None)


def test_a_window_of_whole_quarters_reads_no_day_outside_its_months() -> None:
    first, last = day_number(date(2019, 7, 1)), day_number(date(2022, 6, 30))
    assert _whole_months(first, last) == (first, day_number(date(2022, 6, 1)))
    assert _whole_months(first, first + 29) is None  # 1 to 30 July: no whole month


@given(DAYS)
def test_a_backlog_from_the_start_sums_every_month_to_its_last_whole_one_then_its_days(
    end: date,
) -> None:
    last = day_number(end)
    months = _backlog_months(NO_DAY + 1, last)
    assert months is not None and months[0] == NO_DAY
    # The last month summed ends on or before the window's end, the next one after it: only
    # the days of that next month up to the end are read day by day.
    assert _next_month(months[1]) - 1 <= last < _next_month(_next_month(months[1])) - 1


@given(DAYS, st.integers(0, 800))
def test_a_later_backlog_segment_splits_as_a_window_does(start: date, length: int) -> None:
    first = day_number(start)
    assert _backlog_months(first, first + length) == _whole_months(first, first + length)
