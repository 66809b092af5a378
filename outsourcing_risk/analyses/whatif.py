"""The kernel-free what-if: every combination of three levers, precomputed exactly, for the shared
HTML (:mod:`outsourcing_risk.present.whatif` labels it, :mod:`outsourcing_risk.workbook.whatif_page`
draws the page).

The levers are trust, the annual vendor failure probability and the switching cost, each with at
least nine positions around the scenario's own value (which is one of them). Every position shows
what :func:`~outsourcing_risk.simulate` gives at that setting with the report's seed and trials,
so moving one lever never shows Monte Carlo noise as an effect.

The structure that makes it cheap: the switching cost changes no failure, only what each failure
costs. Given a trial's failures, its NPV and its cumulative savings are affine in the switching
cost, so one simulation per (trust, failure probability) pair serves every switching-cost
position exactly. The fan chart is kept by quarter; the KPIs (mean saving, chance of a loss,
worst-5 % average, chance of a failure, break-even month) are exact at every position.
"""

from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..io.environment import core_share
from ..model.distributions import Distribution, centre
from ..model.results import FAN_QUANTILES, SimulationResult, breakeven
from ..model.scenario import Scenario, require_scenario
from ..model.simulation import simulate_failure_levels
from .sweeps import positions_with, significant

__all__ = ["LEVERS", "LeverPositions", "grid_numbers", "lever_positions"]

LEVERS = ("trust", "vendor_failure_prob_annual", "switching_cost")
#: Positions of each lever as multiples of the scenario's value (failure and switching cost).
_MULTIPLES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
_TRUST = tuple(round(0.1 * i, 1) for i in range(1, 10))
_BINS = 40
_DIGITS = 6  # significant digits of a lever's positions


@dataclass(frozen=True)
class LeverPositions:
    """One lever: its values (numbers, or the scenario's own distribution) and the position of
    the scenario's own setting."""

    name: str
    values: tuple
    start: int


def _multiples(base: float, high: float) -> list[float]:
    """Positions around ``base``: the multiples of :data:`_MULTIPLES`, capped at ``high``. Near
    the cap (a 50 % failure probability: 2×, 3× and 4× are all 100 %) the positions above ``base``
    are spread evenly up to the cap instead, and more go below it, so that a lever keeps its nine
    positions after rounding (see :func:`~outsourcing_risk.analyses.sweeps.positions_with`)."""
    wanted = len(_MULTIPLES)
    below = [base * m for m in _MULTIPLES if m < 1]
    above = _distinct_above(base, [min(high, base * m) for m in _MULTIPLES if m > 1])
    if len(below) + len(above) + 1 < wanted:
        even = [base + (high - base) * k / 4 for k in range(1, 5)] if base < high else []
        above = _distinct_above(base, even)
        n_below = wanted - 1 - len(above)
        below = [base * k / n_below for k in range(n_below)]
    return [*below, base, *above]


def _round_number(x: float) -> float:
    """The round number nearest ``x`` (by ratio) among 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k:
    0.1665 → 0.15, 280,000 → 300,000. The positions around an uncertain input are multiples of it.

    >>> _round_number(0.1665), _round_number(280_000.0), _round_number(0.068)
    (0.15, 300000.0, 0.06)
    """
    power = 10.0 ** math.floor(math.log10(x))
    steps = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    best = min(steps, key=lambda m: abs(math.log(x / (m * power))))
    return significant(best * power, 6)


def _distinct_above(base: float, values: list[float]) -> list[float]:
    key = significant(base, _DIGITS)
    return sorted({significant(v, _DIGITS) for v in values} - {key})


def lever_positions(scenario: Scenario) -> list[LeverPositions]:
    """The positions of each lever for ``scenario``: at least nine, its own setting among them.

    The positions are rounded to six decimals; the scenario's own setting is one of them exactly
    as given (1/3 stays 0.333…, not 0.333333), so its position simulates the report's own numbers.
    """
    axes = []
    for name in LEVERS:
        own = getattr(scenario, name)
        middle = centre(own)
        candidates: list[float]
        if name == "trust" and scenario.trust_policy == "ramp":  # where vendors start: up to the ceiling
            top = scenario.trust_ceiling
            candidates = [round(float(v), 6) for v in np.linspace(min(0.1, top), top, 9)]
        elif name == "trust":
            candidates = list(_TRUST)
        else:
            base = middle if middle > 0 else (0.05 if name == "vendor_failure_prob_annual" else 100_000.0)
            high = 1.0 if name == "vendor_failure_prob_annual" else 1e12
            if isinstance(own, Distribution):  # round numbers around it: its median is no setting of its own
                base = _round_number(base)
            candidates = _multiples(base, high)
            if isinstance(own, Distribution):
                candidates = [significant(c, 2) for c in candidates]
        if isinstance(own, Distribution):  # the scenario's own uncertainty is a position of its own
            numbers = sorted({round(c, 6) for c in candidates})
            values: list = list(numbers)
            start = int(np.searchsorted(numbers, middle))
            values.insert(start, own)
        else:
            values = positions_with(middle, candidates, _DIGITS)
            start = values.index(middle)
        axes.append(LeverPositions(name, tuple(values), start))
    return axes


def _per_trial(result: SimulationResult, name: str):
    """A parameter's value in each trial: its draws when uncertain, else the fixed number."""
    return result.inputs[name] if name in result.inputs else float(getattr(result.scenario, name))


def _median_nonpositive(below: np.ndarray, n: int, values_of) -> np.ndarray:
    """Per month, whether the median over ``n`` trials is ≤ 0, exactly as ``np.quantile(·, 0.5)``
    says, from the count of values at or below zero; a tie between the two middle values (rare)
    is settled by numpy on that month's values, ``values_of(month)``."""
    if n % 2:
        return below >= (n + 1) // 2
    out = below >= n // 2 + 1
    for m in np.flatnonzero(below == n // 2):
        out[m] = np.quantile(values_of(m), 0.5) <= 0
    return out


def _scaled_integers(values: np.ndarray) -> list:
    """[scale, integers...]: the values to 4 significant digits of the largest, as whole multiples
    of ``scale`` (a power of ten), which keeps the page small; the chart cannot show the difference."""
    top = float(np.max(np.abs(values))) or 1.0
    scale = 10.0 ** max(0, math.floor(math.log10(top)) - 3)
    return [scale, *np.rint(values.ravel() / scale).astype(np.int64).tolist()]


def _breakeven_from(nonpos: np.ndarray) -> float:
    """:func:`outsourcing_risk.model.results.breakeven` from the months at or below zero."""
    return breakeven(np.where(nonpos, -1.0, 1.0))


def _quantile_plan(n: int) -> list[tuple[int, int, float]]:
    """Per fan quantile, the two order statistics and the weight of numpy's linear quantile."""
    plan = []
    for q in FAN_QUANTILES:
        pos = q * (n - 1)
        lo = math.floor(pos)
        plan.append((lo, min(lo + 1, n - 1), pos - lo))
    return plan


def _histogram(npv: np.ndarray) -> list:
    """[first edge, bin width, counts...]: bins of equal width with zero as an edge."""
    lo, hi = float(npv.min()), float(npv.max())
    width = (hi - lo) / _BINS or 1.0
    width = float(f"{width:.3g}")
    first = math.floor(lo / width)
    counts = np.bincount(np.floor(npv / width).astype(np.int64) - first)
    return [first * width, width, *counts.tolist()]


class _Pair:
    """One simulation (a trust and a failure position) and what each switching cost does to it.

    The failed trials are kept in the order in which they first pay for a switch, so that in any
    month the trials whose value the switching cost moves come first: ``moving[m]`` of them.
    """

    def __init__(self, result: SimulationResult, cols: np.ndarray):
        n = result.n_trials
        horizon = result.path.shape[1]
        self.result = result
        self.own_cost = np.broadcast_to(_per_trial(result, "switching_cost"), (n,)).astype(float)
        factor = np.broadcast_to(
            1 - _per_trial(result, "exit_cost_reduction") * _per_trial(result, "exit_readiness"), (n,)
        )
        trials, months = result.switch_events  # failures and voluntary exits: each pays a switch
        rate = _per_trial(result, "discount_rate_annual")
        rate = rate[trials] if np.ndim(rate) else rate
        # Per unit of switching cost: its present value in each trial, and the nominal amount paid
        # by the end of each month (a switch is paid in its failure month).
        self.pv_per_unit = np.bincount(trials, (1 + rate) ** (-months / 12), minlength=n) * factor
        failed = np.flatnonzero(result.switches > 0)
        # A failed trial pays from its first failure on, unless a full exit plan makes switching
        # free (factor 0): then it never moves. Order the failed trials by that month.
        first_paid = np.where(factor[failed] > 0, result.first_switch_month[failed], horizon + 1)
        order = np.argsort(first_paid, kind="stable")
        failed = failed[order]
        self.failed = failed
        self.moving = np.searchsorted(first_paid[order], np.arange(1, horizon + 1), side="right")
        # The failed trials, month by month: (months, failed trials), one contiguous row per month.
        where = np.empty(n, dtype=np.int64)
        where[failed] = np.arange(failed.size)
        paid = np.bincount(
            months * failed.size + where[trials], factor[trials], minlength=(horizon + 1) * failed.size
        )
        paid = paid.reshape(horizon + 1, failed.size)
        for m in range(1, horizon + 1):  # a cumulative sum down the months, row by contiguous row
            paid[m] += paid[m - 1]  # (np.cumsum along the first axis is ten times slower here)
        self.paid = paid[1:]
        self.path_failed = np.ascontiguousarray(result.path[failed].T)
        # Months at or below zero among the trials that never fail: the switching cost cannot move them.
        self.below_steady = np.count_nonzero(result.path <= 0, axis=0) - np.count_nonzero(
            self.path_failed <= 0, axis=1
        )
        # The fan's months. Per month, the trials no switching cost moves (those that never fail,
        # and those that have not paid for a switch yet) sorted once, padded with +inf to n
        # values; the moving trials' values are shifted and sorted per position.
        steady = np.ones(n, dtype=bool)
        steady[failed] = False
        steady_values = result.path[:, cols][steady].T.astype(np.float32)
        self.cols = cols
        self.fan_failed = self.path_failed[cols].astype(np.float32)
        self.fan_paid = self.paid[cols].astype(np.float32)
        self.fan_fixed = np.full((cols.size, n), np.inf, dtype=np.float32)
        for i, m in enumerate(cols):
            fixed = np.concatenate([steady_values[i], self.fan_failed[i, self.moving[m] :]])
            fixed.sort()
            self.fan_fixed[i, : fixed.size] = fixed

    def fan_moving(self, shifts: np.ndarray, scratch: np.ndarray) -> np.ndarray:
        """(positions, fan months, k): per position and month, the moving trials' values sorted,
        padded with +inf to the most trials moving in any of the fan's months. Written into
        ``scratch`` (float32, large enough for every trial): memory the previous pair has used
        already, where new memory would be zeroed by the system page by page first."""
        shifts = shifts[:, self.failed].astype(np.float32)
        widest = int(self.moving[self.cols].max(initial=0))
        shape = (shifts.shape[0], self.cols.size, widest)
        out = scratch[: math.prod(shape)].reshape(shape)
        for i, m in enumerate(self.cols):
            k = self.moving[m]
            moved = out[:, i, :k]
            np.multiply(shifts[:, :k], self.fan_paid[i, :k], out=moved)
            np.subtract(self.fan_failed[i, :k], moved, out=moved)
            moved.sort(axis=1)
            out[:, i, k:] = np.inf
        return out

    def below_counts(self, costs) -> np.ndarray:
        """(positions, months): how many trials are at or below zero at each switching position.

        Trials that do not move count by the sign of their value. A moving trial that has paid
        ``paid`` switches' worth by a month is at or below zero at switching cost c exactly when
        path − (c − own cost)·paid ≤ 0, i.e. path / paid + own cost ≤ c: each position counts
        the ratios at or below it. The scenario's own distribution (no shift) is counted directly.
        """
        own = self.own_cost[self.failed]
        counts = np.empty((len(costs), self.paid.shape[0]), dtype=np.int64)
        numbers = [(k, c) for k, c in enumerate(costs) if not isinstance(c, Distribution)]
        for m, n_moving in enumerate(self.moving):
            path, paid = self.path_failed[m], self.paid[m]
            ratio = path[:n_moving] / paid[:n_moving]
            ratio += own[:n_moving]
            fixed = np.count_nonzero(path[n_moving:] <= 0)
            for k, cost in numbers:  # a comparison per position: cheaper than sorting the ratios
                counts[k, m] = fixed + np.count_nonzero(ratio <= cost)
        for k, cost in enumerate(costs):
            if isinstance(cost, Distribution):
                counts[k] = np.count_nonzero(self.path_failed <= 0, axis=1)
        return self.below_steady[None] + counts

    def month_values(self, shift: np.ndarray, m: int) -> np.ndarray:
        """Every trial's cumulative savings at month index ``m`` when switches cost ``shift`` more."""
        paid = np.zeros(self.result.n_trials)
        paid[self.failed] = self.paid[m]
        return self.result.path[:, m] - shift * paid

    def shifts(self, costs) -> np.ndarray:
        """(positions, trials): how much more each trial pays per switch at each position."""
        return np.stack(
            [
                np.zeros_like(self.own_cost) if isinstance(c, Distribution) else c - self.own_cost
                for c in costs
            ]
        )


def _ranked(a: np.ndarray, b: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Order statistics of the union of sorted rows: ``a`` (rows, na) shared by every position,
    ``b`` (positions, rows, nb); returns (positions, rows, len(ranks)), the value of 0-based rank
    ``ranks[q]`` among the row's na + nb values, as sorting the union would give it.

    Rows may end in +inf padding: a rank below the row's count of real values is unaffected.

    A bisection per query on how many of the first rank + 1 values come from ``a``: about 15
    steps over a few thousand queries, where sorting the union again costs a sort of everything.
    """
    positions, rows, nb = b.shape
    na = a.shape[1]
    shape = (positions, rows, ranks.size)
    row = np.broadcast_to(np.arange(rows)[None, :, None], shape)
    pos = np.broadcast_to(np.arange(positions)[:, None, None], shape)
    take = np.broadcast_to(ranks + 1, shape)  # how many values are at or below the rank

    def a_at(i):  # a[i], +inf past the end
        return np.where(i < na, a[row, np.minimum(i, na - 1)], np.inf) if na else np.full(shape, np.inf)

    def b_before(j):  # b[j - 1], -inf before the start
        return (
            np.where(j > 0, b[pos, row, np.clip(j - 1, 0, nb - 1)], -np.inf)
            if nb
            else np.full(shape, -np.inf)
        )

    lo = np.maximum(0, take - nb)  # values taken from ``a``: at least, and at most
    hi = np.minimum(take, na)
    # Smallest i in [lo, hi] with a[i] >= b[take - i - 1]: fewer would leave a value of ``a``
    # smaller than one taken from ``b``.
    while np.any(open_ := lo < hi):
        mid = (lo + hi) // 2
        too_few = a_at(mid) < b_before(take - mid)
        lo = np.where(open_ & too_few, mid + 1, lo)
        hi = np.where(open_ & ~too_few, mid, hi)
    from_a = np.where(lo > 0, a[row, np.maximum(lo - 1, 0)], -np.inf) if na else np.full(shape, -np.inf)
    return np.maximum(from_a, b_before(take - lo)).astype(a.dtype)


def _row_blocks(scenario, costs, trust, failures, *, cols, plan, n_trials, seed) -> list[dict]:
    """The pairs of one trust position and some failure positions (one simulation each, sharing
    the months with the vendor, which the failure probability does not change)."""
    results = simulate_failure_levels(scenario.replace(trust=trust), failures, n_trials, seed)
    scratch = np.empty(len(costs) * cols.size * n_trials, dtype=np.float32)
    return [_pair_block(result, costs, cols=cols, plan=plan, scratch=scratch) for result in results]


def _pair_block(result: SimulationResult, costs, *, cols, plan, scratch) -> dict:
    """KPIs, fan and histogram at every switching position for one (trust, failure) pair."""
    n_trials = result.n_trials
    pair = _Pair(result, cols)
    shifts = pair.shifts(costs)
    start = np.quantile(-result.upfront, FAN_QUANTILES)[:, None]
    p_failure = float(np.mean(result.failure_count > 0))
    worst = max(1, math.ceil(0.05 * n_trials))
    # Every switching position at once. The fan: per month, the values of the trials that have
    # paid for a switch, shifted and sorted at each position, merged by rank with the others,
    # sorted once; the exact break-even month: only those trials move, so only they are counted
    # again.
    ranks = np.array([r for lo, hi, _t in plan for r in (lo, hi)])
    ranked = _ranked(pair.fan_fixed, pair.fan_moving(shifts, scratch), ranks)  # (positions, months, ranks)
    below = pair.below_counts(costs)
    npvs = result.npv[None] - shifts * pair.pv_per_unit[None]
    # Each position's row: the same numpy reductions as on one array, so the same numbers.
    tails = np.partition(npvs, worst - 1, axis=1)[:, :worst].mean(axis=1)
    kpis = {
        "mean_npv": npvs.mean(axis=1).tolist(),
        "p_loss": np.mean(npvs < 0, axis=1).tolist(),
        "cvar5": np.minimum(tails, np.quantile(npvs, 0.05, axis=1)).tolist(),
        "p_failure": [p_failure] * len(costs),
        "breakeven_month": [],
    }
    fans = np.stack(
        [
            ranked[:, :, 2 * i] + t * (ranked[:, :, 2 * i + 1] - ranked[:, :, 2 * i])
            for i, (_lo, _hi, t) in enumerate(plan)
        ],
        axis=1,
    )  # (positions, quantiles, months)
    out: dict[str, Any] = {"kpi": kpis, "fan": [], "hist": []}
    for k, npv in enumerate(npvs):
        nonpos = _median_nonpositive(below[k], n_trials, functools.partial(pair.month_values, shifts[k]))
        be = _breakeven_from(nonpos)
        kpis["breakeven_month"].append(None if math.isnan(be) else be)
        out["fan"].append(_scaled_integers(np.hstack([start, fans[k]])))
        out["hist"].append(_histogram(npv))
    return out


def grid_numbers(scenario: Scenario, n_trials: int = 20_000, seed: int = 0) -> dict:
    """Every combination of the levers' positions (:func:`lever_positions`): KPIs, quarterly fan
    and NPV histogram.

    Returns a JSON-ready dict: ``months`` of the fan, the fan's ``quantiles``, and per combination (index ``(i·n_j + j)·n_k + k`` over trust i, failure j, switching k)
    ``kpi`` values and the ``fan`` (``[scale, integers...]``, P5, P25, P50, P75, P95 by month, to
    4 significant digits) and ``hist`` (``[first edge, width, counts...]``) data.
    """
    require_scenario(scenario)
    trust_axis, fail_axis, switch_axis = lever_positions(scenario)
    horizon = scenario.horizon_months
    months = sorted({0, *range(3, horizon + 1, 3), horizon})
    cols = np.asarray([m - 1 for m in months if m > 0])
    plan = _quantile_plan(n_trials)
    # Tasks: a trust position and half its failure positions. Tasks are independent;
    # numpy releases the GIL in the heavy parts (simulation, sorting), so threads use the
    # machine's cores without copying results between processes: as many as the process's share
    # (OMP_NUM_THREADS, which the batch's workers set) or the cores.
    half = (len(fail_axis.values) + 1) // 2
    tasks = [(t, fs) for t in trust_axis.values for fs in (fail_axis.values[:half], fail_axis.values[half:])]
    # The higher failure probabilities take longer (more trials fail and move): run those tasks
    # first, so that the last tasks, when one core may have nothing left to do, are short.
    order = sorted(range(len(tasks)), key=lambda i: i % 2 == 0)
    row = functools.partial(
        _row_blocks, scenario, switch_axis.values, cols=cols, plan=plan, n_trials=n_trials, seed=seed
    )
    # One BLAS thread meanwhile: OpenBLAS otherwise spins a core after every simulation's one
    # matrix product, the core the second task needs (4.8 s for the grid instead of 5.6 s).
    with (
        threadpool_limits(limits=1, user_api="blas"),
        ThreadPoolExecutor(max_workers=min(len(tasks), core_share())) as pool,
    ):
        done = dict(zip(order, pool.map(lambda i: row(*tasks[i]), order), strict=True))
    blocks = [b for i in range(len(tasks)) for b in done[i]]
    kpis = {k: [v for b in blocks for v in b["kpi"][k]] for k in blocks[0]["kpi"]}
    fans = [f for b in blocks for f in b["fan"]]
    hists = [h for b in blocks for h in b["hist"]]
    return {
        "months": months,
        "quantiles": list(FAN_QUANTILES),
        "kpi": kpis,
        "fan": fans,
        "hist": hists,
        "n_trials": n_trials,
        "seed": seed,
    }
