"""The Monte Carlo's vectorised steps give what the month-by-month definitions give."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from readmit.services.whatif.model import backlog_paths, normal_quantile


def month_by_month(start: float, change: np.ndarray) -> np.ndarray:
    """``backlog[t] = max(0, backlog[t-1] + change[t])``, as docs/what-if.md states it."""
    out = np.empty_like(change)
    level = np.full(change.shape[0], start)
    for t in range(change.shape[1]):
        level = np.maximum(0.0, level + change[:, t])
        out[:, t] = level
    return out


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(0, 3000),
    change=st.lists(
        st.lists(st.integers(-60, 60), min_size=12, max_size=12), min_size=1, max_size=6
    ),
)
def test_the_backlog_never_goes_below_zero_and_follows_the_recursion(
    start: int, change: list[list[int]]
) -> None:
    steps = np.array(change, dtype=np.float64)
    found = backlog_paths(float(start), steps)
    assert np.array_equal(found, month_by_month(float(start), steps))
    assert (found >= 0).all()


def test_a_backlog_that_empties_and_refills_starts_again_from_zero() -> None:
    found = backlog_paths(5.0, np.array([[-10.0, 3.0, -1.0, -4.0, 2.0]]))
    assert found.tolist() == [[0.0, 3.0, 2.0, 0.0, 2.0]]


def test_the_normal_quantile_matches_the_standard_library_in_the_centre_and_the_tails() -> None:
    u = np.array([1e-10, 1e-4, 0.01, 0.02424, 0.02426, 0.3, 0.5, 0.7, 0.97576, 0.999, 1 - 1e-9])
    expected = [NormalDist().inv_cdf(p) for p in u]
    assert np.allclose(normal_quantile(u), expected, atol=1e-8)
