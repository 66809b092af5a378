"""What a simulation returns: per-trial arrays and the summary a decision maker reads."""

from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .scenario import Scenario

__all__ = ["FAN_QUANTILES", "SimulationResult", "breakeven", "cvar_of", "sorted_by_month", "sorted_quantiles"]

#: The quantiles of the fan chart (P5, P25, P50, P75, P95), the default of
#: :meth:`SimulationResult.quantile_paths`.
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def sorted_by_month(path: np.ndarray, threads: int = 1) -> np.ndarray:
    """Each month's values over the trials, sorted: ``np.sort(path.T, axis=1)`` for a
    (trials, months) ``path``, with the months split over ``threads`` threads. numpy sorts
    without holding the GIL, so two threads take 7 ms where one takes 14 at 20,000 trials x 60
    months: the live explorer uses them, while the browser waits for its charts."""
    if threads <= 1 or path.shape[1] < 2:
        return np.sort(path.T, axis=1)
    out = np.empty(path.shape[::-1], dtype=path.dtype)

    def sort(months: slice) -> None:
        out[months] = path[:, months].T
        out[months].sort(axis=1)

    parts = np.array_split(np.arange(path.shape[1]), min(threads, path.shape[1]))
    with ThreadPoolExecutor(len(parts)) as pool:
        list(pool.map(sort, [slice(int(p[0]), int(p[-1]) + 1) for p in parts]))
    return out


def sorted_quantiles(rows: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """``np.quantile(rows, quantiles, axis=1)`` for rows already sorted, to the last bit.

    numpy's quantile partitions around every requested rank, one after the other: 37 ms for five
    quantiles of 60 months x 20,000 trials, where one sort of each month takes 9 ms. This is
    numpy's default ("linear") method: the order statistics either side of ``(n - 1) q``, blended
    as numpy blends them (a test compares the two).
    """
    n = rows.shape[1]
    virtual = (n - 1) * np.asarray(quantiles, dtype=float)
    below = np.floor(virtual)
    above = below + 1
    top = virtual >= n - 1
    below[top], above[top] = n - 1, n - 1
    gamma = virtual - below
    a, b = rows[:, below.astype(np.intp)], rows[:, above.astype(np.intp)]
    diff = b - a
    out = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out.T


def breakeven(path) -> float:
    """The break-even month of one cumulative-savings path by month (months 1..H): the first
    month from which the path stays above zero to the end; NaN when it ends at or below zero.

    The summary's ``breakeven_month`` is this function applied to the median path, which is
    the middle line that the fan chart draws and marks.

    Examples
    --------
    >>> breakeven([-5, 1, -1, 2, 3])
    4.0
    >>> breakeven([-1, -2])
    nan
    """
    path = np.asarray(path, dtype=float)
    nonpos = np.flatnonzero(path <= 0)
    if nonpos.size == 0:
        return 1.0
    last = int(nonpos[-1]) + 1  # 1-based month of the last month at or below zero
    return math.nan if last == path.size else float(last + 1)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Per-trial outcomes of :func:`outsourcing_risk.simulate`.

    Attributes
    ----------
    npv : (n_trials,) float
        Net present value of the savings against staying in-house (currency).
    path : (n_trials, horizon_months) float
        Cumulative nominal savings at the end of each month, up-front costs included.
    first_failure_month : (n_trials,) int
        Month of the first vendor failure, 0 when the vendor never fails.
    switches : (n_trials,) int
        Vendor failures (switches) within the horizon.
    switching_spend : (n_trials,) float
        Nominal one-off switching costs paid.
    upfront : (n_trials,) float
        Up-front costs at month 0 (transition, exit plan).
    inputs : dict of (n_trials,) float
        The draws of each uncertain parameter, by name.
    convergence : DataFrame or None
        With ``target_se``: trials, mean and standard error after each block.
    failures : (trial indices, months) or None
        Every vendor failure: the trial it happened in and its month (a trial may have several).

    Under the rules of "Trust over time" (a trust ramp, an exit trigger or vendors that differ;
    ``scenario.adaptive``) also, else None:

    exits : (n_trials,) int
        Voluntary exits (the trigger fired); ``switches`` counts failures and exits.
    exit_events : (trial indices, months)
        Every voluntary exit, as ``failures``.
    left_good : (n_trials,) bool
        A voluntary exit left a vendor better than the median (quality score below 0). With a
        spread of 0 the scores are still drawn but mean nothing: the summary gives NaN.
    kept_bad : (n_trials,) bool
        A vendor serves month H and is in the worst quarter of quality (False when month H is a
        disruption month or in-house). As ``left_good`` with a spread of 0.
    first_quality : (n_trials,) float
        The first vendor's quality as a standard normal score (higher is worse).
    trust_path : (n_trials, horizon_months) float
        The trust in each month with a vendor; NaN in months without one.
    """

    scenario: Scenario
    seed: int
    npv: np.ndarray
    path: np.ndarray
    first_failure_month: np.ndarray
    switches: np.ndarray
    switching_spend: np.ndarray
    upfront: np.ndarray
    inputs: dict[str, np.ndarray] = field(default_factory=dict)
    convergence: pd.DataFrame | None = field(default=None)
    failures: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    exits: np.ndarray | None = field(default=None, repr=False)
    exit_events: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    left_good: np.ndarray | None = field(default=None, repr=False)
    kept_bad: np.ndarray | None = field(default=None, repr=False)
    first_quality: np.ndarray | None = field(default=None, repr=False)
    trust_path: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_trials(self) -> int:
        return self.npv.size

    @functools.cached_property
    def breakeven_month(self) -> np.ndarray:
        """Per trial, the first month from which cumulative savings stay positive (NaN: never).

        Their spread shows how uncertain payback is; the summary's ``breakeven_month`` is the
        break-even of the median path instead (see :func:`breakeven`).
        """
        nonpos = self.path <= 0
        horizon = self.path.shape[1]
        last_nonpos = horizon - 1 - np.argmax(nonpos[:, ::-1], axis=1)
        month = np.where(nonpos.any(axis=1), last_nonpos + 2.0, 1.0)
        month[nonpos[:, -1]] = np.nan
        return month

    @functools.cached_property
    def median_path(self) -> np.ndarray:
        """The median of cumulative savings at the end of each month 1..H (the fan chart's middle line)."""
        return sorted_quantiles(np.sort(self.path.T, axis=1), np.array([0.5]))[0]

    def summary(self) -> pd.Series:
        """The headline figures (labelled for readers in :data:`outsourcing_risk.present.kpis.KPI_LABELS`), named after the scenario."""
        npv = self.npv
        n = npv.size
        p5, p50, p95 = np.quantile(npv, [0.05, 0.5, 0.95])
        values = {
            "mean_npv": npv.mean(),
            "se_npv": npv.std(ddof=1) / math.sqrt(n) if n > 1 else math.nan,
            "p_loss": np.mean(npv < 0),
            "p5": p5,
            "p50": p50,
            "p95": p95,
            "cvar5": cvar_of(npv, 0.05),
            "p_failure": np.mean(self.failure_count > 0),
            "expected_switches": self.switches.mean(),
            "expected_switching_cost": self.switching_spend.mean(),
            "breakeven_month": breakeven(self.median_path),
            "p_breakeven": np.mean(self.path[:, -1] > 0),
        }
        return pd.Series({k: float(v) for k, v in values.items()}, name=self.scenario.name)

    @property
    def switch_events(self) -> tuple[np.ndarray, np.ndarray]:
        """Every switch, a failure or a voluntary exit: (trial indices, months). Each costs the
        switching cost in its month."""
        assert self.failures is not None  # every simulation records its failures
        if self.exit_events is None:
            return self.failures
        return (
            np.concatenate([self.failures[0], self.exit_events[0]]),
            np.concatenate([self.failures[1], self.exit_events[1]]),
        )

    @property
    def first_switch_month(self) -> np.ndarray:
        """Per trial, the month of its first switch, a failure or a voluntary exit (0: none)."""
        if self.exit_events is None:
            return self.first_failure_month
        first = np.full(self.n_trials, np.iinfo(np.int64).max)
        trials, months = self.switch_events
        np.minimum.at(first, trials, months)
        return np.where(first == np.iinfo(np.int64).max, 0, first)

    @property
    def failure_count(self) -> np.ndarray:
        """Vendor failures per trial (switches that were not voluntary exits)."""
        return self.switches if self.exits is None else self.switches - self.exits

    def policy_summary(self) -> pd.Series:
        """What a trust policy and an exit trigger did (docs/model.md, "Trust over time"):
        ``p_voluntary_exit`` (share of trials with at least one), ``expected_exits``,
        ``p_left_good`` (share of trials in which a voluntary exit left a vendor better than the
        median), ``p_kept_bad`` (share of trials whose month H is served by a vendor of the worst
        quarter), ``mean_trust`` (pooled over every trial-month with a vendor) and ``p_failure``
        (failures only). ``p_left_good`` and ``p_kept_bad`` are NaN where vendors cannot differ (a
        spread of 0: no vendor is better or worse than another); a scenario without those rules
        has no voluntary exits and the scenario's trust."""
        values: dict[str, float]
        if self.exits is None or self.left_good is None or self.kept_bad is None or self.trust_path is None:
            fixed = "trust" not in self.scenario.uncertain
            values = {
                "p_voluntary_exit": 0.0,
                "expected_exits": 0.0,
                "p_left_good": math.nan,
                "p_kept_bad": math.nan,
                "mean_trust": float(self.scenario.trust) if fixed else math.nan,
                "p_failure": float(np.mean(self.switches > 0)),
            }
        else:
            served = np.isfinite(self.trust_path)
            differ = self.scenario.vendors_differ
            values = {
                "p_voluntary_exit": float(np.mean(self.exits > 0)),
                "expected_exits": float(self.exits.mean()),
                "p_left_good": float(np.mean(self.left_good)) if differ else math.nan,
                "p_kept_bad": float(np.mean(self.kept_bad)) if differ else math.nan,
                "mean_trust": float(self.trust_path[served].mean(dtype=float)) if served.any() else math.nan,
                "p_failure": float(np.mean(self.failure_count > 0)),
            }
        return pd.Series(values, name=self.scenario.name, dtype=float)

    def quantile_paths(self, quantiles=FAN_QUANTILES, threads: int = 1) -> pd.DataFrame:
        """Quantiles of cumulative savings by month (month 0 = after up-front costs), for fan
        charts; ``threads`` sort the months (see :func:`sorted_by_month`)."""
        qs = np.asarray(quantiles, dtype=float)
        if qs.ndim != 1 or np.any((qs < 0) | (qs > 1)):
            raise ValueError(f"quantiles must lie in [0, 1] (got {list(quantiles)})")
        table = sorted_quantiles(sorted_by_month(self.path, threads), qs).T
        if 0.5 in qs and "median_path" not in self.__dict__:  # the same numbers: summary() needs
            self.__dict__["median_path"] = table[:, int(np.flatnonzero(qs == 0.5)[0])].copy()  # no sort
        start = np.quantile(-self.upfront, qs)
        frame = pd.DataFrame(
            np.vstack([start, table]),
            index=pd.RangeIndex(0, self.path.shape[1] + 1, name="month"),
            columns=[f"p{round(q * 100):g}" for q in qs],
        )
        frame["mean"] = np.concatenate([[-self.upfront.mean()], self.path.mean(axis=0)])
        return frame

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"<SimulationResult {self.scenario.name!r}: {self.n_trials:,} trials, seed {self.seed}, "
            f"mean NPV {s['mean_npv']:,.0f} ± {s['se_npv']:,.0f}, P(loss) {s['p_loss']:.1%}>"
        )


def cvar_of(npv: np.ndarray, level: float = 0.05) -> float:
    """The worst-``level`` average (CVaR): the mean of the ⌈level·n⌉ lowest values, capped at
    their quantile (CVaR ≤ VaR; the cap only absorbs float rounding)."""
    npv = np.asarray(npv, dtype=float)
    worst = np.sort(npv)[: max(1, math.ceil(level * npv.size))]
    return float(min(worst.mean(), np.quantile(npv, level)))
