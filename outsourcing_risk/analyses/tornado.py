"""Tornado: how far the mean NPV swings when each input moves over its range."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..model.distributions import Distribution, centre
from ..model.parameters import spec
from ..model.scenario import Scenario, require_scenario
from .claims import mean_se
from .parallel import pair_differences, summaries
from .sweeps import check_parameter

__all__ = ["BAND", "DEFAULT_TORNADO_INPUTS", "default_inputs", "tornado"]

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


def default_inputs(scenario: Scenario) -> list[str]:
    """:data:`DEFAULT_TORNADO_INPUTS` and the rules of "Trust over time" the scenario uses: the
    ramp's step, cut, ceiling and milestone under the ramp policy, the trigger's incidents and
    window when it has one, the vendors' quality spread when they differ."""
    names = list(DEFAULT_TORNADO_INPUTS)
    if scenario.trust_policy == "ramp":
        names += ["trust_step", "trust_cut", "trust_ceiling", "milestone_months"]
    if scenario.exit_trigger_incidents > 0:
        names += ["exit_trigger_incidents", "exit_trigger_window"]
    if scenario.vendors_differ:
        names.append("vendor_quality_spread")
    return names


def _policy_bounds(scenario: Scenario, name: str, low: float, high: float) -> tuple[float, float]:
    """What the policy rules need of a moved input: a trigger stays on (at least one incident in
    at least one month); under the ramp, the ceiling stays at or above the start."""
    if name in ("exit_trigger_incidents", "exit_trigger_window") and scenario.exit_trigger_incidents > 0:
        low = max(low, 1)
    if scenario.trust_policy == "ramp" and name == "trust_ceiling":
        low = max(low, scenario.trust)
    if scenario.trust_policy == "ramp" and name == "trust":
        high = min(high, scenario.trust_ceiling)
    return low, high


#: How far a fixed input moves each way, relative to the scenario's own value.
BAND = 0.2


def input_range(scenario: Scenario, name: str, ranges: Mapping | None = None) -> tuple[float, float, str]:
    """Low, high and the rule that chose them, for one input of the tornado.

    In order: the ``ranges`` given; P10 and P90 of the input's distribution when it is uncertain
    in the scenario; otherwise the scenario's own value ± :data:`BAND` (20 %), clipped to the
    input's allowed range. Whole-month inputs are rounded and move at least one month each way.
    """
    p = spec(name)
    if ranges and name in ranges:
        low, high = _pair(name, ranges[name])
        return low, high, "given"
    value = getattr(scenario, name)
    if isinstance(value, Distribution):
        return value.quantile(0.1), value.quantile(0.9), "P10–P90"
    low, high = value * (1 - BAND), value * (1 + BAND)
    if p.integer:
        low, high = min(round(low), value - 1), max(round(high), value + 1)
    low, high = max(p.low, min(low, high)), min(p.high, max(low, high))
    low, high = _policy_bounds(scenario, name, low, high)
    return (
        (float(low), float(high), f"±{BAND:.0%}") if not p.integer else (int(low), int(high), f"±{BAND:.0%}")
    )


def _pair(name: str, given) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in given)
    except (TypeError, ValueError):
        raise TypeError(f"ranges[{name!r}] must be a pair of numbers (low, high) (got {given!r})") from None
    return low, high


def base_value(scenario: Scenario, name: str) -> float:
    """The value an input's bar is drawn around: its fixed value, or its distribution's median."""
    value = getattr(scenario, name)
    return centre(value)


def tornado(
    scenario: Scenario,
    parameters: Sequence[str] | None = None,
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    n_trials: int = 20_000,
    seed: int = 0,
    executor=None,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Mean NPV with each input at its low and at its high, sorted by swing (largest first).

    Each input moves around this scenario's own value (see :func:`input_range`: ± 20 %, or
    P10–P90 of a distribution); other inputs keep their values in ``scenario``, distributions
    included; all runs share their random numbers. Columns: ``value`` (the scenario's value, or
    its distribution's median), ``low``, ``high``, ``rule``, ``npv_low``, ``npv_high``,
    ``swing`` = |npv_high − npv_low| with ``swing_se``, its standard error from the paired trials,
    and ``lead_se``, the standard error of a bar's lead over the next one (NaN for the last), so
    that "moves the mean most" is claimed only where the lead is beyond its error;
    ``.attrs["base_mean_npv"]`` is the scenario's mean NPV
    and ``.attrs["currency"]`` its currency. ``executor`` (a ``concurrent.futures`` executor or a
    dask ``Client``) runs the simulations on its workers, with identical numbers.
    """
    require_scenario(scenario)
    names = _names(parameters, ranges, scenario)
    ranges_of = {name: input_range(scenario, name, ranges) for name in names}
    pairs = [
        (scenario.replace(**{n: ranges_of[n][0]}), scenario.replace(**{n: ranges_of[n][1]})) for n in names
    ]
    base = summaries(
        [scenario], n_trials=n_trials, seed=seed, executor=executor, simulate_kwargs=simulate_kwargs
    )
    done = pair_differences(
        pairs, n_trials=n_trials, seed=seed, executor=executor, simulate_kwargs=simulate_kwargs
    )
    rows = []
    for name, (low_summary, high_summary, _) in zip(names, done, strict=True):
        low, high, rule = ranges_of[name]
        rows.append(
            {
                "parameter": name,
                "value": base_value(scenario, name),
                "low": low,
                "high": high,
                "rule": rule,
                "npv_low": low_summary["mean_npv"],
                "npv_high": high_summary["mean_npv"],
            }
        )
    columns = ["parameter", "value", "low", "high", "rule", "npv_low", "npv_high"]
    table = pd.DataFrame(rows, columns=columns).set_index("parameter")
    table["swing"] = (table["npv_high"] - table["npv_low"]).abs()
    # The swing's error and the error of its lead over the next bar, from the paired trials.
    signed = {name: np.sign(d.mean()) * d for name, (_, _, d) in zip(names, done, strict=True)}
    table["swing_se"] = [mean_se(signed[name]) for name in names]
    order = table.sort_values("swing", ascending=False, kind="stable").index
    gap_se = {a: mean_se(signed[a] - signed[b]) for a, b in itertools.pairwise(order)}
    table["lead_se"] = [gap_se.get(name, math.nan) for name in table.index]
    table = table.loc[order]
    table.attrs["base_mean_npv"] = float(base[0]["mean_npv"])
    table.attrs["currency"] = scenario.currency
    table.attrs["band"] = BAND
    table.attrs["n_trials"], table.attrs["seed"] = int(n_trials), int(seed)
    return table


def _names(parameters, ranges, scenario: Scenario) -> list[str]:
    """The inputs to show, checked: a list of parameter names (a lone string is refused)."""
    if isinstance(parameters, str):
        raise TypeError(
            f"parameters must be a list of parameter names (got the string {parameters!r}; "
            f"did you mean [{parameters!r}]?)"
        )
    if ranges is not None and not isinstance(ranges, Mapping):
        raise TypeError(f"ranges must be a mapping {{name: (low, high)}} (got {type(ranges).__name__})")
    try:
        names = list(parameters) if parameters is not None else default_inputs(scenario)
    except TypeError:
        raise TypeError(
            f"parameters must be a list of parameter names (got {type(parameters).__name__})"
        ) from None
    for extra in ranges or {}:
        if extra not in names:
            names.append(extra)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"parameters must be parameter names (got {name!r})")
        check_parameter(name)
    return names
