"""The what-if count model: seeded, monotone in the removal rate, honest about the horizon."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from readmit.services.whatif.model import Projection, Rate, poisson_quantile, simulate


def test_the_same_seed_gives_the_same_result_and_another_seed_another() -> None:
    p = Projection(500, Rate.observed(40, 12), Rate.observed(60, 12), horizon=60, seed=7)
    assert simulate(p) == simulate(p)
    other = simulate(Projection(500, p.orders, p.removals, horizon=60, seed=8))
    assert other["series"] != simulate(p)["series"]


def test_cambodias_pace_of_two_removals_in_nineteen_months_does_not_clear_in_ten_years() -> None:
    p = Projection(1_900, Rate.observed(124, 19.5), Rate.observed(2, 19.5))
    found = simulate(p)
    assert found["months_to_clear"] is None and found["share_of_runs_cleared"] == 0.0
    assert found["series"][-1]["backlog"] > 1_900  # new orders outrun removals


def test_a_steady_net_outflow_clears_in_about_backlog_over_the_outflow() -> None:
    found = simulate(Projection(1_000, Rate.fixed(10), Rate.fixed(60)))
    months = found["months_to_clear"]
    assert months is not None and 18 <= months["estimate"] <= 22  # 1,000 / 50 = 20
    assert months["low"] <= months["estimate"] <= months["high"]


def test_an_empty_backlog_is_clear_at_once() -> None:
    assert simulate(Projection(0, Rate.fixed(0), Rate.fixed(1)))["months_to_clear"] == {
        "estimate": 0.0,
        "low": 0.0,
        "high": 0.0,
    }


def test_a_training_period_holds_every_removal_back_for_its_months() -> None:
    found = simulate(Projection(100, Rate.fixed(0), Rate.fixed(50), delay_months=6, horizon=12))
    assert [s["backlog"] for s in found["series"][:6]] == [100.0] * 6
    assert found["months_to_clear"] is not None and found["months_to_clear"]["estimate"] >= 7


def test_poisson_counts_have_the_rate_as_mean_and_variance_on_both_sides_of_the_switch() -> None:
    u = np.random.default_rng(1).random((400, 250))
    for lam in (0.1, 3.0, 29.0, 31.0, 200.0):
        counts = poisson_quantile(u, np.full(400, lam))
        assert abs(counts.mean() - lam) < 0.05 * lam + 0.02
        assert abs(counts.var() - lam) < 0.1 * lam + 0.02


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(0, 80),
    more=st.floats(0, 80),
    orders=st.floats(0, 40),
    backlog=st.integers(0, 3_000),
)
def test_more_removals_per_month_never_lengthens_the_time_to_clear(
    low: float, more: float, orders: float, backlog: int
) -> None:
    def clear(removals: float) -> dict[str, object]:
        p = Projection(backlog, Rate.fixed(orders), Rate.fixed(removals), horizon=60, runs=200)
        return simulate(p)

    slow, fast = clear(low), clear(low + more)
    slow_m, fast_m = slow["months_to_clear"], fast["months_to_clear"]
    assert fast["share_of_runs_cleared"] >= slow["share_of_runs_cleared"]  # type: ignore[operator]
    if slow_m is not None:
        assert fast_m is not None
        assert fast_m["estimate"] <= slow_m["estimate"]  # type: ignore[index]
    for a, b in zip(slow["series"], fast["series"], strict=True):  # type: ignore[call-overload]
        assert b["backlog"] <= a["backlog"]
