"""Random streams and parameter draws.

All randomness comes from the streams of :mod:`.streams`, ``SeedSequence(seed, spawn_key=(block,
stream))``: trials are simulated in blocks of :data:`BLOCK`, and each block has its own stream for
each purpose (vendor failures, incidents, vendor quality, and one per parameter, by its name). So
a parameter made uncertain or correlated never shifts another parameter's draws, and the same seed
gives the same numbers in any process.

Uncertain parameters are drawn as ``dist.ppf(Φ(z))`` from standard normals ``z``; a rank
correlation mixes the ``z`` of the parameters it names (a Gaussian copula). With no correlation
the draws are exactly the uncorrelated ones.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import special

from .parameters import PARAMETERS
from .rules import whole_months
from .scenario import Scenario, ScenarioError
from .streams import parameter_generator

__all__ = ["BLOCK", "Correlation", "sample_parameters"]

#: Trials per block. Part of the definition of the numbers: changing it changes every result.
BLOCK = 10_000


class Correlation:
    """A validated rank (Spearman) correlation between uncertain parameters of a scenario.

    ``spec`` is a mapping ``{(name_a, name_b): rho}`` or a square DataFrame indexed and labelled
    by parameter names. Checked: names are uncertain parameters of the scenario, each rho is in
    [-1, 1], and the matrix is positive semi-definite.
    """

    def __init__(self, spec, scenario: Scenario):
        self.names, target = _as_matrix(spec)
        problems = [
            (
                f"correlation names {n!r}, which is not an uncertain parameter of scenario "
                f"{scenario.name!r} (uncertain: {', '.join(scenario.uncertain) or 'none'}); "
                "give it a distribution first"
            )
            for n in self.names
            if n not in scenario.uncertain
        ]
        off = target[~np.eye(len(self.names), dtype=bool)]
        if np.any(np.abs(off) > 1) or not np.allclose(target, target.T):
            problems.append("correlation values must lie in [-1, 1] and the matrix must be symmetric")
        if problems:
            raise ScenarioError(problems, "the correlation")
        # Spearman's rho between normals corresponds to Pearson's r = 2 sin(pi rho / 6).
        pearson = 2 * np.sin(np.pi * target / 6)
        np.fill_diagonal(pearson, 1.0)
        eig, vec = np.linalg.eigh(pearson)
        if eig.min() < -1e-9:
            raise ScenarioError(
                [
                    (
                        "the correlation matrix is not positive semi-definite "
                        f"(smallest eigenvalue {eig.min():.3f}): these correlations contradict each "
                        "other; weaken the strongest ones"
                    )
                ],
                "the correlation",
            )
        self.target = target
        self._mix = vec * np.sqrt(np.clip(eig, 0, None))  # z_corr = z @ mix.T

    def apply(self, normals: dict[str, np.ndarray]) -> None:
        """Correlate the named parameters' standard normals in place."""
        stacked = np.stack([normals[n] for n in self.names], axis=1)
        mixed = stacked @ self._mix.T
        for i, name in enumerate(self.names):
            normals[name] = mixed[:, i]


def _as_matrix(spec) -> tuple[list[str], np.ndarray]:
    if isinstance(spec, pd.DataFrame):
        if list(spec.index) != list(spec.columns):
            raise ScenarioError(
                ["a correlation DataFrame needs the same names as index and columns"], "the correlation"
            )
        return list(spec.columns), spec.to_numpy(dtype=float)
    if not isinstance(spec, Mapping):
        raise ScenarioError(
            ["give the correlation as {('param_a', 'param_b'): rho, ...} or a square DataFrame"],
            "the correlation",
        )
    names: list[str] = []
    for pair in spec:
        for n in pair:
            if n not in names:
                names.append(n)
    matrix = np.eye(len(names))
    for (a, b), rho in spec.items():
        i, j = names.index(a), names.index(b)
        if i == j:
            raise ScenarioError([f"correlation pairs {a!r} with itself"], "the correlation")
        matrix[i, j] = matrix[j, i] = float(rho)
    return names, matrix


def sample_parameters(
    scenario: Scenario, seed: int, block: int, size: int, correlation: Correlation | None = None
) -> dict[str, float | np.ndarray]:
    """Every numeric parameter: a float when fixed, an array of ``size`` draws when uncertain."""
    values = {p.name: getattr(scenario, p.name) for p in PARAMETERS}
    uncertain = scenario.uncertain
    if correlation is None:  # each parameter's draws depend on nothing else: reuse them
        for name in uncertain:
            values[name] = _draws(name, values[name], seed, block, size)
        return values
    normals = {n: parameter_generator(seed, block, n).standard_normal(size) for n in uncertain}
    correlation.apply(normals)
    for name in uncertain:
        values[name] = _to_values(name, values[name], normals[name])
    return values


def _to_values(name: str, dist, normals: np.ndarray) -> np.ndarray:
    draws = dist.ppf(special.ndtr(normals))
    if name in _INTEGER:
        draws = whole_months(draws)
    draws.flags.writeable = False  # shared between runs: nobody may change them
    return draws


@functools.lru_cache(maxsize=64)
def _draws(name: str, dist, seed: int, block: int, size: int) -> np.ndarray:
    """One uncertain parameter's draws in one block. Sweeps, tornados and the what-if grid run the
    same scenario many times with one lever changed, so the (slow) inverse CDFs are computed once."""
    return _to_values(name, dist, parameter_generator(seed, block, name).standard_normal(size))


_INTEGER = frozenset(p.name for p in PARAMETERS if p.integer)
