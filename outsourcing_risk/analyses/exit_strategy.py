"""What an exit strategy is worth: mean NPV with a readiness level versus none, paired."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ..model.scenario import Scenario, require_scenario
from ..model.simulation import simulate
from .sweeps import positions_with

__all__ = ["ReadinessRun", "exit_strategy_value", "exit_table", "readiness_levels", "readiness_trials"]


@dataclass(frozen=True)
class ReadinessRun:
    """What a run at one readiness level keeps: its summary, each trial's NPV and whether the
    trial saw a vendor failure (for paired comparisons; the paths are not kept)."""

    summary: pd.Series
    npv: np.ndarray
    failed: np.ndarray


def readiness_trials(
    scenario: Scenario, levels: Sequence[float], *, n_trials: int, seed: int, **simulate_kwargs
) -> dict[float, ReadinessRun]:
    """The scenario simulated at each exit-readiness level of ``levels`` on common random
    numbers (each level validated as the scenario would be)."""
    scenarios = {float(r): scenario.replace(exit_readiness=r) for r in levels}
    out = {}
    for level, s in scenarios.items():
        result = simulate(s, n_trials=n_trials, seed=seed, **simulate_kwargs)
        out[level] = ReadinessRun(result.summary(), result.npv, result.failure_count > 0)
    return out


def exit_strategy_value(
    scenario: Scenario,
    readiness: float = 1.0,
    *,
    levels: Sequence[float] | None = None,
    n_trials: int = 20_000,
    seed: int = 0,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Figures at each exit-readiness level, paired against no exit plan.

    Returns a DataFrame indexed by readiness (the ``levels``, default 0, 0.1, …, 1, plus
    ``readiness``) with ``mean_npv``, ``p_loss``, ``cvar5``, ``p5``, and ``value`` = mean paired
    difference of NPV against readiness 0 with its standard error ``se_value``. ``.attrs``:
    ``readiness``, ``value`` and ``se_value`` at that readiness; ``best_for_mean`` and
    ``best_for_cvar``: the levels that maximise the mean NPV and the CVaR 5 % (least bad tail).

    Examples
    --------
    >>> table = exit_strategy_value(Scenario(), 0.8, n_trials=2_000, seed=3)
    >>> table.attrs["readiness"]
    0.8
    """
    require_scenario(scenario)
    if isinstance(readiness, bool) or not isinstance(readiness, Real):
        raise TypeError(
            f"readiness must be one exit-plan readiness level in [0, 1] (got {readiness!r}); "
            "the levels to compare go in levels=[...]"
        )
    try:
        grid_levels = readiness_levels(readiness, levels)
    except (TypeError, ValueError):
        raise TypeError(f"levels must be a list of readiness levels in [0, 1] (got {levels!r})") from None
    trials = readiness_trials(scenario, grid_levels, n_trials=n_trials, seed=seed, **simulate_kwargs)
    return exit_table(trials, readiness)


def readiness_levels(readiness: float, levels=None) -> list[float]:
    """The levels an exit-plan table shows: ``levels`` (default 0, 0.1, …, 1), 0 and ``readiness``
    itself, exactly as given."""
    base = np.linspace(0, 1, 11) if levels is None else np.asarray(levels, dtype=float).reshape(-1)
    return positions_with(readiness, [0.0, *base.tolist()], digits=10)


def exit_table(trials: dict[float, ReadinessRun], readiness: float) -> pd.DataFrame:
    """The table of :func:`exit_strategy_value` from runs at each level (0 among them)."""
    levels = sorted(trials)
    baseline = trials[0.0].npv
    rows = []
    for level in levels:
        run = trials[level]
        diff = run.npv - baseline
        rows.append(
            {
                "mean_npv": run.summary["mean_npv"],
                "p_loss": run.summary["p_loss"],
                "cvar5": run.summary["cvar5"],
                "p5": run.summary["p5"],
                "value": diff.mean(),
                "se_value": diff.std(ddof=1) / math.sqrt(diff.size) if diff.size > 1 else math.nan,
            }
        )
    table = pd.DataFrame(rows, index=pd.Index(levels, name="exit_readiness"))
    at: Any = table.loc[float(readiness)]
    best_mean: Any = table["mean_npv"].idxmax()
    best_tail: Any = table["cvar5"].idxmax()
    table.attrs.update(
        readiness=float(readiness),
        value=float(at["value"]),
        se_value=float(at["se_value"]),
        best_for_mean=float(best_mean),
        best_for_cvar=float(best_tail),
    )
    return table
