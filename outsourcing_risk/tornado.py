"""Tornado: how far the mean NPV swings when each input moves over its range."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .data import defaults_table
from .distributions import Distribution
from .model import simulate
from .scenario import Scenario, ScenarioError
from .sweeps import check_parameter

__all__ = ["DEFAULT_TORNADO_INPUTS", "tornado"]

#: The inputs a tornado shows unless told otherwise: the headline levers, the money and the mistakes.
DEFAULT_TORNADO_INPUTS = (
    "vendor_monthly_fee",
    "inhouse_monthly_cost",
    "vendor_failure_prob_annual",
    "switching_cost",
    "switching_months",
    "trust",
    "goal_clarity",
    "selection_score",
    "incident_cost",
    "transition_cost",
    "disruption_premium",
    "discount_rate_annual",
)


def input_range(scenario: Scenario, name: str, ranges: Mapping | None = None) -> tuple[float, float]:
    """Low and high of one input: given, else P10/P90 of its distribution, else its plausible range."""
    if ranges and name in ranges:
        low, high = ranges[name]
        return float(low), float(high)
    value = getattr(scenario, name)
    if isinstance(value, Distribution):
        return value.quantile(0.1), value.quantile(0.9)
    entry = defaults_table()[name]
    if "range" not in entry:
        raise ScenarioError(
            [f"{name} has no plausible range: pass ranges={{{name!r}: (low, high)}}"], "the tornado"
        )
    low, high = entry["range"]
    return float(low), float(high)


def tornado(
    scenario: Scenario,
    parameters: Sequence[str] | None = None,
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    n_trials: int = 20_000,
    seed: int = 0,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Mean NPV with each input at its low and at its high, sorted by swing (largest first).

    Other inputs keep their values in ``scenario`` (distributions included); all runs share
    their random numbers. Columns: ``low``, ``high`` (the input values), ``npv_low``,
    ``npv_high``, ``swing`` = |npv_high − npv_low|; ``.attrs["base_mean_npv"]`` is the scenario's
    own mean NPV.
    """
    names = list(parameters) if parameters is not None else list(DEFAULT_TORNADO_INPUTS)
    for extra in ranges or {}:
        if extra not in names:
            names.append(extra)
    for name in names:
        check_parameter(name)
    integer = {"switching_months", "transition_months", "horizon_months"}
    rows = []
    for name in names:
        low, high = input_range(scenario, name, ranges)
        if name in integer:
            low, high = round(low), round(high)
        npv = [
            simulate(
                scenario.replace(**{name: v}), n_trials=n_trials, seed=seed, **simulate_kwargs
            ).npv.mean()
            for v in (low, high)
        ]
        rows.append({"parameter": name, "low": low, "high": high, "npv_low": npv[0], "npv_high": npv[1]})
    table = pd.DataFrame(rows).set_index("parameter")
    table["swing"] = (table["npv_high"] - table["npv_low"]).abs()
    table = table.sort_values("swing", ascending=False)
    table.attrs["base_mean_npv"] = float(
        simulate(scenario, n_trials=n_trials, seed=seed, **simulate_kwargs).npv.mean()
    )
    return table
