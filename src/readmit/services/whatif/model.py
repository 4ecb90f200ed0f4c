"""The count model behind a forecast: a seeded Monte Carlo of the backlog, month by month.

Each run draws the monthly rates it uses (an observed rate is uncertain: with ``k`` events in
``m`` months its draw is Gamma(k + ½, 1/m), the Jeffreys posterior of a Poisson rate; a rate a
scenario sets is taken as given), then, month by month, new final orders and removals as Poisson
counts: ``backlog[t] = max(0, backlog[t-1] + orders[t] - removals[t])``. The counts are drawn by
inverting the Poisson distribution at shared uniform numbers, so a higher rate never gives fewer
removals in the same run: more removals per month never lengthens the time to clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

EXACT_UP_TO = 30.0  # above this rate, the normal approximation with continuity correction
LOW, HIGH = 5.0, 95.0  # the interval: 5th to 95th percentile of the runs
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Rate:
    """A monthly rate: observed (``events`` in ``months``) or set by a scenario (``fixed``)."""

    per_month: float
    events: int | None = None
    months: float | None = None

    @classmethod
    def observed(cls, events: int, months: float) -> Rate:
        return cls(events / months if months > 0 else 0.0, events, months)

    @classmethod
    def fixed(cls, per_month: float) -> Rate:
        return cls(float(per_month))

    def draws(self, gen: np.random.Generator, runs: int) -> Floats:
        """One rate per run: the posterior of an observed rate, or the set rate."""
        if self.events is None or not self.months:
            return np.full(runs, self.per_month)
        return gen.standard_gamma(self.events + 0.5, runs) / self.months


@dataclass(frozen=True)
class Projection:
    """What one forecast simulates."""

    backlog: int
    orders: Rate
    removals: Rate
    horizon: int = 120
    runs: int = 1000
    seed: int = 2022
    delay_months: int = 0  # months with no removal (a training period before return)


def simulate(p: Projection) -> dict[str, Any]:
    """Run the projection; return the series, the months to clear and the share of runs cleared."""
    gen = np.random.default_rng(p.seed)
    lam_orders, lam_removals = p.orders.draws(gen, p.runs), p.removals.draws(gen, p.runs)
    u_orders = gen.random((p.runs, p.horizon))
    u_removals = gen.random((p.runs, p.horizon))
    orders = poisson_quantile(u_orders, lam_orders)
    removals = poisson_quantile(u_removals, lam_removals)
    removals[:, : min(p.delay_months, p.horizon)] = 0
    return _summary(p, backlog_paths(float(p.backlog), orders - removals))


def backlog_paths(start: float, change: Floats) -> Floats:
    """``backlog[t] = max(0, backlog[t-1] + change[t])`` for every run at once: the walk less
    its lowest point below zero so far (Lindley's recursion; exact on whole numbers)."""
    walk = start + np.cumsum(change, axis=1)
    return walk - np.minimum(np.minimum.accumulate(walk, axis=1), 0.0)


def _summary(p: Projection, backlog: Floats) -> dict[str, Any]:
    cleared = backlog <= 0
    never = float(p.horizon + 1)  # a run that does not clear within the horizon
    first = np.where(cleared.any(axis=1), cleared.argmax(axis=1) + 1.0, never)
    if p.backlog == 0:
        first = np.zeros(p.runs)
    share = float((first < never).mean())
    median, low, high = np.percentile(first, [50.0, LOW, HIGH], method="lower")
    months = None
    if median < never:
        months = {
            "estimate": float(median),
            "low": float(low),
            "high": float(high) if high < never else None,
        }
    mid, lo, hi = np.percentile(backlog, [50.0, LOW, HIGH], axis=0)
    series = [
        {"month": t + 1, "backlog": float(mid[t]), "low": float(lo[t]), "high": float(hi[t])}
        for t in range(p.horizon)
    ]
    return {"months_to_clear": months, "share_of_runs_cleared": round(share, 4), "series": series}


def poisson_quantile(u: Floats, lam: Floats) -> Floats:
    """Poisson counts at probabilities ``u`` (runs × months) for one rate per run (``lam``,
    one per row): monotone in both."""
    lam = np.broadcast_to(np.asarray(lam, dtype=np.float64).reshape(-1), (u.shape[0],))
    small = lam <= EXACT_UP_TO
    if small.all():  # the usual case: every run's rate is small (no copy of the numbers)
        return _exact(u, lam)
    out = np.zeros(u.shape)
    if small.any():
        out[small] = _exact(u[small], lam[small])
    if (~small).any():
        big = lam[~small][:, None]
        z = normal_quantile(u[~small])
        out[~small] = np.maximum(0.0, np.floor(big + np.sqrt(big) * z + 0.5))
    return out


def _exact(u: Floats, lam: Floats) -> Floats:
    """Invert each row's Poisson distribution once, then look every month's number up in it."""
    k = np.arange(0.0, EXACT_UP_TO * 3 + 40)
    log_fact = np.concatenate(([0.0], np.cumsum(np.log(k[1:]))))
    safe = np.where(lam > 0, lam, 1.0)
    log_pmf = -safe[:, None] + k[None, :] * np.log(safe)[:, None] - log_fact[None, :]
    cdf = np.minimum(np.cumsum(np.exp(log_pmf), axis=1), 1.0)
    rows, width = np.arange(u.shape[0])[:, None], k.size
    flat = (cdf + 2.0 * rows).reshape(-1)  # rows kept apart: each row's values lie in [0, 1]
    found = np.searchsorted(flat, (u + 2.0 * rows).reshape(-1), side="left").reshape(u.shape)
    counts = np.minimum(found - rows * width, width - 1).astype(np.float64)
    return np.where(lam[:, None] > 0, counts, 0.0)


def normal_quantile(u: Floats) -> Floats:
    """The standard normal quantile (Acklam's rational approximation, error below 1.2e-9): the
    central formula everywhere, the tail's only where it applies (about 5% of the numbers)."""
    u = np.clip(u, 1e-12, 1 - 1e-12)
    x = u - 0.5
    r = x**2
    out = (
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5])
        * x
        / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
    )
    q = np.minimum(u, 1 - u)
    tail = q < 0.02425
    if tail.any():
        t = np.sqrt(-2 * np.log(q[tail]))
        x_tail = (((((C[0] * t + C[1]) * t + C[2]) * t + C[3]) * t + C[4]) * t + C[5]) / (
            (((D[0] * t + D[1]) * t + D[2]) * t + D[3]) * t + 1
        )
        out[tail] = np.where(u[tail] < 0.5, x_tail, -x_tail)
    return out


A = (
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.3577518672690,
    -30.66479806614716,
    2.506628277459239,
)
B = (
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
)
C = (
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
)
D = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416)
