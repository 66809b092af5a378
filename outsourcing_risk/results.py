"""What a simulation returns: per-trial arrays and the summary a decision maker reads."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .scenario import Scenario

__all__ = ["KPI_LABELS", "SimulationResult"]

#: Summary metrics with their display labels, in the order reports show them.
KPI_LABELS = {
    "mean_npv": "Mean NPV of savings",
    "se_npv": "Standard error of the mean",
    "p_loss": "P(NPV < 0)",
    "p5": "NPV, 5th percentile",
    "p50": "NPV, median",
    "p95": "NPV, 95th percentile",
    "cvar5": "CVaR 5 % (mean of the worst 5 %)",
    "p_failure": "P(at least one vendor failure)",
    "expected_switches": "Expected number of switches",
    "expected_switching_cost": "Expected switching spend",
    "breakeven_month": "Break-even month (median)",
    "p_breakeven": "P(breaks even within the horizon)",
}


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

    @property
    def n_trials(self) -> int:
        return self.npv.size

    @functools.cached_property
    def breakeven_month(self) -> np.ndarray:
        """Per trial, the first month after which cumulative savings stay positive (NaN: never)."""
        nonpos = self.path <= 0
        horizon = self.path.shape[1]
        last_nonpos = horizon - 1 - np.argmax(nonpos[:, ::-1], axis=1)
        month = np.where(nonpos.any(axis=1), last_nonpos + 2.0, 1.0)
        month[nonpos[:, -1]] = np.nan
        return month

    def summary(self) -> pd.Series:
        """The headline figures (see :data:`KPI_LABELS`), named after the scenario."""
        npv = self.npv
        n = npv.size
        worst = np.sort(npv)[: max(1, math.ceil(0.05 * n))]
        p5, p50, p95 = np.quantile(npv, [0.05, 0.5, 0.95])
        breakeven = self.breakeven_month
        median_be = np.median(np.where(np.isnan(breakeven), np.inf, breakeven))
        values = {
            "mean_npv": npv.mean(),
            "se_npv": npv.std(ddof=1) / math.sqrt(n) if n > 1 else math.nan,
            "p_loss": np.mean(npv < 0),
            "p5": p5,
            "p50": p50,
            "p95": p95,
            "cvar5": min(worst.mean(), p5),  # CVaR ≤ VaR; min() only absorbs float rounding
            "p_failure": np.mean(self.switches > 0),
            "expected_switches": self.switches.mean(),
            "expected_switching_cost": self.switching_spend.mean(),
            "breakeven_month": median_be if np.isfinite(median_be) else math.nan,
            "p_breakeven": np.mean(~np.isnan(breakeven)),
        }
        return pd.Series({k: float(v) for k, v in values.items()}, name=self.scenario.name)

    def quantile_paths(self, quantiles=(0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
        """Quantiles of cumulative savings by month (month 0 = after up-front costs), for fan charts."""
        qs = np.asarray(quantiles, dtype=float)
        if qs.ndim != 1 or np.any((qs < 0) | (qs > 1)):
            raise ValueError(f"quantiles must lie in [0, 1] (got {list(quantiles)})")
        table = np.quantile(self.path, qs, axis=0).T
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
