"""What an exit strategy is worth: mean NPV with a readiness level versus none, paired."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

import numpy as np
import pandas as pd

from ..model.scenario import Scenario, require_scenario
from ..model.simulation import simulate
from .sweeps import positions_with

__all__ = ["exit_strategy_value"]


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
        base_levels = np.linspace(0, 1, 11) if levels is None else np.asarray(levels, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"levels must be a list of readiness levels in [0, 1] (got {levels!r})") from None
    grid_levels = positions_with(readiness, [0.0, *base_levels.tolist()], digits=10)
    scenarios = [scenario.replace(exit_readiness=r) for r in grid_levels]  # validates every level
    baseline = simulate(scenarios[0], n_trials=n_trials, seed=seed, **simulate_kwargs)
    rows = []
    for level, s in zip(grid_levels, scenarios, strict=True):
        result = baseline if level == 0 else simulate(s, n_trials=n_trials, seed=seed, **simulate_kwargs)
        diff = result.npv - baseline.npv
        summary = result.summary()
        rows.append(
            {
                "mean_npv": summary["mean_npv"],
                "p_loss": summary["p_loss"],
                "cvar5": summary["cvar5"],
                "p5": summary["p5"],
                "value": diff.mean(),
                "se_value": diff.std(ddof=1) / math.sqrt(diff.size) if diff.size > 1 else math.nan,
            }
        )
    table = pd.DataFrame(rows, index=pd.Index(grid_levels, name="exit_readiness"))
    at = table.loc[float(readiness)]
    table.attrs.update(
        readiness=float(readiness),
        value=float(at["value"]),
        se_value=float(at["se_value"]),
        best_for_mean=float(table["mean_npv"].idxmax()),
        best_for_cvar=float(table["cvar5"].idxmax()),
    )
    return table
