"""One-way sweeps, the trust curve with its optimum, and two-way grids.

Every point of a sweep or grid is simulated with the same seed and trial count, so all points
share their random numbers (common random numbers): the differences between points come from
the parameter, not from noise.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..model import rules
from ..model.distributions import expected
from ..model.parameters import PARAMETERS
from ..model.scenario import Scenario, ScenarioError, did_you_mean, require_scenario
from ..model.simulation import simulate
from .parallel import check_work, summaries

__all__ = ["grid", "sweep", "trust_curve"]

_NUMERIC = tuple(p.name for p in PARAMETERS)


def check_parameter(name: str) -> str:
    """``name`` if it is a numeric scenario parameter, else a ScenarioError with a suggestion."""
    if not isinstance(name, str):
        raise TypeError(f"the parameter must be a name such as 'trust' (got {name!r})")
    if name not in _NUMERIC:
        raise ScenarioError([f"unknown parameter {name!r}{did_you_mean(name, _NUMERIC)}"], "the analysis")
    return name


def check_simulate_kwargs(function: str, kwargs: Mapping) -> None:
    """The keyword arguments an analysis passes on to :func:`simulate` must be simulate's own; any
    other is refused naming the analysis the user called (not ``simulate()``, which they did not).

    >>> check_simulate_kwargs("trust_curve", {"bogus": 1})
    Traceback (most recent call last):
    ...
    TypeError: trust_curve() got an unexpected keyword argument 'bogus' (it passes correlation, max_trials, progress and target_se on to simulate())
    """
    known = sorted(set(inspect.signature(simulate).parameters) - {"scenario", "n_trials", "seed"})
    for name in kwargs:
        if name not in known:
            raise TypeError(
                f"{function}() got an unexpected keyword argument {name!r} (it passes "
                f"{', '.join(known[:-1])} and {known[-1]} on to simulate())"
            )


def _values(name: str, values) -> list:
    if values is None or isinstance(values, Mapping) or not (isinstance(values, str) or np.iterable(values)):
        raise TypeError(f"the values of {name} must be a list of numbers (got {type(values).__name__})")
    if isinstance(values, str):
        values = [values]
    else:  # a generator or any iterable, read once; an array flattened
        values = np.asarray(values).ravel().tolist() if isinstance(values, np.ndarray) else list(values)
    if not values:
        raise ValueError(f"give at least one value for {name}")
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def sweep(
    scenario: Scenario,
    parameter: str,
    values: Sequence,
    *,
    n_trials: int = 10_000,
    seed: int = 0,
    executor=None,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Summary figures of ``scenario`` with ``parameter`` set to each of ``values``.

    Returns a DataFrame indexed by the values (named after the parameter), one column per
    summary figure (see ``SimulationResult.summary``). ``executor`` (a ``concurrent.futures``
    executor or a dask ``Client``) runs the points on its workers, with identical numbers; see
    :mod:`outsourcing_risk.analyses.parallel`.

    Examples
    --------
    >>> table = sweep(Scenario(), "exit_readiness", [0, 0.5, 1], n_trials=2_000, seed=1)
    >>> list(table.index)
    [0.0, 0.5, 1.0]
    """
    require_scenario(scenario)
    check_simulate_kwargs("sweep", simulate_kwargs)
    check_parameter(parameter)
    values = _values(parameter, values)
    scenarios = [scenario.replace(**{parameter: v}) for v in values]  # validate all before running
    rows = summaries(
        scenarios, n_trials=n_trials, seed=seed, executor=executor, simulate_kwargs=simulate_kwargs
    )
    return pd.DataFrame(rows, index=pd.Index(values, name=parameter)).rename_axis(columns=None)


def trust_curve(
    scenario: Scenario,
    values: Sequence | None = None,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
    executor=None,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Mean NPV, P(loss) and the other figures against trust, with the optimal trust.

    The optimum is found numerically on the full model (bounded Brent search on the mean NPV,
    common random numbers) and stored in ``.attrs``: ``optimal_trust``, ``optimal_mean_npv``, and
    ``design_optimum``, the closed-form τ* = F̄·m / (F̄·m + c·λ′) of the model design (docs/analyses.md), which the
    numerical optimum matches when tension (``tension_weight``) is off; it is NaN otherwise.
    ``executor`` runs the curve's points on its workers (the search itself runs here).
    """
    require_scenario(scenario)
    check_simulate_kwargs("trust_curve", simulate_kwargs)
    points = np.linspace(0, 1, 21).tolist() if values is None else values
    curve = sweep(
        scenario, "trust", points, n_trials=n_trials, seed=seed, executor=executor, **simulate_kwargs
    )

    def loss(t: float) -> float:
        return -simulate(
            scenario.replace(trust=float(t)), n_trials=n_trials, seed=seed, **simulate_kwargs
        ).npv.mean()

    from scipy import optimize  # imported here: it costs every report kernel 0.3 s otherwise

    found = optimize.minimize_scalar(loss, bounds=(0.0, 1.0), method="bounded", options={"xatol": 1e-3})
    best = int(curve["mean_npv"].to_numpy().argmax())
    optimum, value = float(found.x), float(-found.fun)
    if curve["mean_npv"].iloc[best] > value:  # a grid point beats the local search: keep the better
        optimum, value = float(curve.index[best]), float(curve["mean_npv"].iloc[best])
    curve.attrs.update(optimal_trust=optimum, optimal_mean_npv=value, design_optimum=design_optimum(scenario))
    return curve


def design_optimum(s: Scenario) -> float:
    """τ* of the model design: least expected trust cost with tension off (NaN when it is on).

    τ* = F̄·m / (F̄·m + c·λ′), where F̄ is the fee averaged over the months with the vendor,
    weighted by discounting (and, under ``insource``, by the chance that the vendor is still
    there), so that fee escalation is included; with a flat fee F̄ is the fee itself.
    """
    if s.tension_weight != 0:
        return float("nan")
    p = {name: expected(getattr(s, name)) for name in _NUMERIC}  # the inputs' means, not their centres
    q = rules.quality(p["clarity_weight"], p["goal_clarity"], p["selection_weight"], p["selection_score"])
    months = rules.calendar(s.horizon_months)
    level = rules.hazard_level(
        rules.base_hazard(p["vendor_failure_prob_annual"]), q, p["trust"], p["tension_weight"]
    )
    hazard = rules.hazard(level, rules.creep(p["scope_creep_annual"], p["creep_strain"]), months)
    # With a replacement there is almost always a vendor; after insourcing only until the failure.
    present = np.cumprod(1 - hazard) if s.after_failure == "insource" else 1.0
    weight = rules.discount_factors(p["discount_rate_annual"], months) * present
    fee = rules.escalated(p["vendor_monthly_fee"], p["fee_escalation_annual"], months)
    average_fee = float(weight @ fee / weight.sum()) if weight.sum() > 0 else p["vendor_monthly_fee"]
    fm = average_fee * p["micromanagement_overhead"]
    # d/dτ of the trust costs: governance F·m·(1 − τ)² and incidents c·λ′·τ² (rules.incident_rate at τ = 1)
    cost = p["incident_cost"] * rules.incident_rate(p["incident_rate_max"], 1.0, q)
    return float(fm / (fm + cost)) if fm + cost > 0 else float("nan")


def positions_with(own: float, candidates, digits: int) -> list[float]:
    """Sorted distinct positions: ``candidates`` rounded to ``digits`` significant digits (so an
    axis reads 0.3, not 0.30000000000000004), and ``own`` exactly as given, unrounded, in place of a
    candidate that rounds to the same number. A position that stands for the scenario's own setting
    must be that setting to the last bit: it is simulated, and looked up, as the scenario's own.

    >>> positions_with(1 / 3, [0.3, 0.33333333, 0.4], 6)
    [0.3, 0.3333333333333333, 0.4]
    >>> positions_with(0.1 + 0.2, [0.1, 0.3], 6)
    [0.1, 0.30000000000000004]
    """
    own = float(own)
    key = significant(own, digits)
    return sorted({r for c in candidates if (r := significant(c, digits)) != key} | {own})


def significant(value, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    return float(f"{float(value):.{digits}g}")


def _round(values: np.ndarray) -> list[float]:
    """Grid values to 3 significant digits, so axes read 0.0417 rather than 0.041666…"""
    return [float(f"{v:.3g}") for v in values]


def grid(
    scenario: Scenario,
    x: str = "vendor_failure_prob_annual",
    x_values: Sequence | None = None,
    y: str = "switching_cost",
    y_values: Sequence | None = None,
    *,
    n_trials: int = 10_000,
    seed: int = 0,
    executor=None,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Summary figures over a two-way grid of parameters (default: failure probability × switching cost).

    Returns a long DataFrame with a (x, y) MultiIndex; ``.unstack()`` a column for a matrix, e.g.
    ``grid(s)["p_loss"].unstack()``. Default values span each parameter's plausible range.
    ``executor`` runs the cells on its workers (see :func:`sweep`).
    """
    from ..io.data import defaults_table

    require_scenario(scenario)
    check_simulate_kwargs("grid", simulate_kwargs)
    check_parameter(x)
    check_parameter(y)
    if x == y:
        raise ValueError(f"grid needs two different parameters (got {x!r} twice)")
    axes = []
    for name, values in ((x, x_values), (y, y_values)):
        if values is None:
            lo, hi = defaults_table()[name].get("range", (None, None))
            values = _round(np.linspace(lo, hi, 7)) if lo is not None else [getattr(scenario, name)]
        axes.append(_values(name, values))
    check_work(len(axes[0]) * len(axes[1]), n_trials, f"a {len(axes[0])} × {len(axes[1])} grid")
    cells = [(a, b, scenario.replace(**{x: a, y: b})) for a in axes[0] for b in axes[1]]
    rows = summaries(
        [s for _, _, s in cells],
        n_trials=n_trials,
        seed=seed,
        executor=executor,
        simulate_kwargs=simulate_kwargs,
    )
    index = pd.MultiIndex.from_tuples([(a, b) for a, b, _ in cells], names=[x, y])
    return pd.DataFrame(rows, index=index).rename_axis(columns=None)
