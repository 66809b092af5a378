"""Global sensitivity: Sobol indices of the NPV over the uncertain inputs, through SALib.

docs/model.md, "Value of information", section "Sobol indices", is the contract. SALib draws the
design (Saltelli's scheme on a scrambled Sobol sequence: matrices A, B and, for each input, A
with that input's column from B) and computes the first-order and total indices with bootstrap
intervals. This module maps the design's uniforms through each input's distribution and runs one
trial of the model per row.

The model's own randomness (when failures happen, incidents, each vendor's quality) is one more
input, ``chance``: rows of A and of A-with-one-input-from-B meet the same chance (common random
numbers, :func:`~outsourcing_risk.model.simulation.simulate_inputs`), rows of B another; A with
chance from B is A's inputs in B's chance. So every index is a share of the NPV's whole variance,
chance included, and an input's total index includes its interactions with chance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ..model.scenario import Scenario, ScenarioError, require_scenario
from ..model.simulation import simulate_inputs
from ..model.streams import generator, sequence

__all__ = ["CHANCE", "INDEPENDENCE_NOTE", "TARGET_WIDTH", "sobol_from_model", "sobol_indices"]

#: The name of the model's own randomness among the inputs of the indices.
CHANCE = "chance"
#: The widest 95 % interval of a total index that :func:`sobol_indices` accepts before it stops
#: doubling its sample.
TARGET_WIDTH = 0.05
#: What the chart and the table say when inputs are correlated.
INDEPENDENCE_NOTE = (
    "Sobol indices assume independent inputs; these inputs are correlated, so they are not shown. "
    "The value of learning each input (EVPPI, from the simulation's own samples) stays valid."
)
_EDGE = 1e-9  # uniforms are kept off 0 and 1, where an unbounded distribution's quantile is infinite


def sobol_from_model(
    evaluate: Callable[[dict[str, np.ndarray], int], np.ndarray],
    quantiles: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    *,
    n_base: int,
    seed: int = 0,
    chance: bool = False,
    resamples: int = 200,
) -> pd.DataFrame:
    """First-order and total Sobol indices of ``evaluate`` over the inputs of ``quantiles``.

    ``quantiles[name]`` maps uniforms in (0, 1) to the input's values (its quantile function);
    ``evaluate(values, stream)`` returns one output per row of ``values`` (a dict of equal-length
    arrays). With ``chance`` the output is random too: ``stream`` (0 or 1) says which chance a row
    meets, and must give row ``i`` the same chance in every call with the same stream; ``chance``
    then has indices of its own. ``n_base`` is Saltelli's N (a power of 2); the model runs
    N·(k + 2) times for k inputs (``chance`` counted).

    Returns a DataFrame indexed by input with ``first``, ``first_conf``, ``total``, ``total_conf``
    (half-widths of 95 % bootstrap intervals, SALib's ``S1_conf`` and ``ST_conf``);
    ``.attrs["n_base"]`` and ``.attrs["runs"]``.
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    names = list(quantiles)
    k = len(names) + int(chance)
    labels: list[str] = names + ([CHANCE] if chance else [])
    problem = {"num_vars": k, "names": labels, "bounds": [[0.0, 1.0]] * k}
    design = sample.sample(problem, n_base, calc_second_order=False, seed=seed).reshape(n_base, k + 2, k)
    u = np.clip(design, _EDGE, 1 - _EDGE)
    out = np.empty((n_base, k + 2))
    for m in range(k + 2):  # A, A with input i from B (i = 1..k), B
        stream = int(chance and m >= len(names) + 1)  # B's chance: B, and A with chance from B
        values = {name: np.asarray(quantiles[name](u[:, m, i]), dtype=float) for i, name in enumerate(names)}
        out[:, m] = evaluate(values, stream)
    found = analyze.analyze(
        problem,
        out.reshape(-1),
        calc_second_order=False,
        num_resamples=resamples,
        conf_level=0.95,
        seed=generator(seed, "sobol_bootstrap"),  # SALib takes a seed of 0 for none: numpy's global state
    )
    table = pd.DataFrame(
        {
            "first": found["S1"],
            "first_conf": found["S1_conf"],
            "total": found["ST"],
            "total_conf": found["ST_conf"],
        },
        index=pd.Index(labels, name="input"),
    )
    table.attrs.update(n_base=n_base, runs=n_base * (k + 2))
    return table


def sobol_indices(
    scenario: Scenario,
    *,
    seed: int = 0,
    n_base: int | None = None,
    target_width: float = TARGET_WIDTH,
    max_base: int = 2**15,
    correlation=None,
) -> pd.DataFrame:
    """Sobol indices of the NPV of ``scenario`` over its uncertain inputs and ``chance``.

    Without ``n_base``, the sample starts at N = 1,024 and doubles until every total index's 95 %
    interval is at most ``target_width`` wide (or N reaches ``max_base``); ``.attrs["n_base"]``
    and ``.attrs["runs"]`` say what it took, ``.attrs["width"]`` the widest interval. With
    ``correlation`` (rank correlations as :func:`~outsourcing_risk.model.simulation.simulate`
    takes them) the indices do not apply: the table's indices are NaN and ``.attrs["note"]``
    says why (:data:`INDEPENDENCE_NOTE`).

    Examples
    --------
    >>> s = Scenario(vendor_failure_prob_annual="pert(0.02, 0.06, 0.3)", trust="uniform(0.3, 0.9)")
    >>> table = sobol_indices(s, n_base=1024, seed=1)
    >>> list(table.index)
    ['trust', 'vendor_failure_prob_annual', 'chance']
    """
    require_scenario(scenario)
    names = list(scenario.uncertain)
    if not names:
        raise ScenarioError(
            [
                (
                    "Sobol indices need at least one uncertain input: give a parameter as a distribution "
                    "(e.g. trust = pert(0.4, 0.6, 0.8)); the scenario has none"
                )
            ],
            f"scenario {scenario.name!r}",
        )
    if not (isinstance(target_width, (int, float)) and 0 < target_width < 1):
        raise ValueError(f"target_width must be a width in (0, 1) (got {target_width!r})")
    if correlation is not None:
        table = pd.DataFrame(
            np.nan,
            index=pd.Index([*names, CHANCE], name="input"),
            columns=["first", "first_conf", "total", "total_conf"],
        )
        table.attrs.update(note=INDEPENDENCE_NOTE, n_base=0, runs=0, width=np.nan)
        return table
    quantiles = {name: getattr(scenario, name).ppf for name in names}
    streams = [int(x) for x in sequence(seed, "sobol_chance").generate_state(2)]

    def evaluate(values: dict[str, np.ndarray], stream: int) -> np.ndarray:
        return simulate_inputs(scenario, values, seed=streams[stream]).npv

    size = n_base or 1024
    while True:
        table = sobol_from_model(evaluate, quantiles, n_base=size, seed=seed, chance=True)
        width = float(2 * table["total_conf"].max())
        if n_base is not None or width <= target_width or 2 * size > max_base:
            break
        size *= 2
    table.attrs.update(width=width, target_width=target_width, note="")
    return table
