"""What learning is worth: the value of information of the outsourcing decision.

docs/model.md, "Value of information", is the contract. The decision is the workbook's: outsource
(net benefit: the NPV of the savings) or keep the service in-house (0). What can be learned before
signing is the uncertain inputs (every parameter given as a distribution, and the first vendor's
own quality where vendors differ); when failures and incidents happen cannot be learned, so it
stays averaged inside each decision's value.

The expected value of a decision given an input, E[NPV | input], is estimated from the
simulation's own samples by regression (Strong, Oakley & Brennan, "Estimating multiparameter
partial expected value of perfect information from a probabilistic sensitivity analysis sample:
a nonparametric regression approach", Medical Decision Making 34(3), 2014): a natural cubic
spline of each input, and for all inputs together their splines with the pairwise products.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..model.results import SimulationResult
from ..model.scenario import Scenario, ScenarioError, require_scenario
from ..model.simulation import simulate
from ..model.streams import generator, sequence

__all__ = [
    "QUALITY",
    "choice_value",
    "evppi_table",
    "interview_from_result",
    "interview_value",
    "learnable_inputs",
    "value_from_samples",
    "value_of_information",
]

#: The name of the first vendor's own quality among the learnable inputs.
QUALITY = "vendor_quality"
#: Knots of each input's natural cubic spline, at these quantiles of its draws.
_KNOTS = (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95)
#: Draws of the regression coefficients for the standard error of a value (Strong et al., 2014).
_SE_DRAWS = 200


def _natural_spline(x: np.ndarray) -> np.ndarray:
    """The columns of a natural cubic spline of ``x`` (linear beyond its outer knots), without
    the constant: ``x`` and one column per inner knot (Hastie, Tibshirani & Friedman, The
    Elements of Statistical Learning, eq. 5.4-5.5). An input with few distinct values (whole
    months) gets fewer knots; one with a single value, none."""
    x = np.asarray(x, dtype=float)
    scale = x.std()
    if not scale > 0:
        return np.zeros((x.size, 0))
    z = (x - x.mean()) / scale
    knots = np.unique(np.quantile(z, _KNOTS))
    if knots.size < 3:
        return z[:, None]
    last = knots[-1]

    def d(k: float) -> np.ndarray:
        return (np.maximum(z - k, 0) ** 3 - np.maximum(z - last, 0) ** 3) / (last - k)

    before_last = d(knots[-2])
    columns = [z] + [d(k) - before_last for k in knots[:-2]]
    return np.column_stack(columns)


def _fit(y: np.ndarray, basis: np.ndarray):
    """Least squares of ``y`` on a constant and ``basis``: fitted values, coefficients, their
    covariance and the design matrix."""
    design = np.column_stack([np.ones(y.size), basis])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    fitted = design @ beta
    dof = max(y.size - design.shape[1], 1)
    sigma2 = float(np.sum((y - fitted) ** 2) / dof)
    cov = sigma2 * np.linalg.pinv(design.T @ design)
    return fitted, beta, cov, design


def _gain(fitted: np.ndarray) -> float:
    """E[max(decide knowing, in-house 0)] − max(decide now): the value of what the fit knows.
    ``fitted`` is one option's expected NPV per sample, or one row per option (the best is
    taken, in-house 0 among them)."""
    if fitted.ndim == 1:
        return float(np.mean(np.maximum(fitted, 0.0)) - max(float(np.mean(fitted)), 0.0))
    return float(np.mean(np.maximum(fitted.max(axis=0), 0.0)) - max(float(fitted.mean(axis=1).max()), 0.0))


def value_from_samples(
    net_benefit, inputs: Mapping[str, np.ndarray], *, interactions: bool = True, seed: int = 0
):
    """The value of learning ``inputs`` before a decision between an option with per-sample
    ``net_benefit`` and one worth 0: (value, standard error, share of the variance of the net
    benefit that the inputs explain). With several inputs their pairwise products enter the
    regression too (``interactions``). The standard error is that of the regression (coefficients
    drawn from their sampling distribution, 200 times); it does not include the Monte Carlo error
    of the samples themselves."""
    y = np.asarray(net_benefit, dtype=float)
    columns = [_natural_spline(np.asarray(v, dtype=float)) for v in inputs.values()]
    if interactions and len(columns) > 1:
        linear = [c[:, 0] for c in columns if c.shape[1]]
        columns += [
            (linear[i] * linear[j])[:, None] for i in range(len(linear)) for j in range(i + 1, len(linear))
        ]
    basis = np.column_stack(columns) if columns else np.zeros((y.size, 0))
    if basis.shape[1] == 0:
        return 0.0, 0.0, 0.0
    fitted, beta, cov, design = _fit(y, basis)
    value = _gain(fitted)
    rng = generator(seed, "regression_coefficients")
    draws = rng.multivariate_normal(beta, cov, size=_SE_DRAWS, method="cholesky", check_valid="ignore")
    spread = np.std([_gain(design @ b) for b in draws], ddof=1)
    explained = 1 - float(np.var(y - fitted)) / float(np.var(y)) if np.var(y) > 0 else 0.0
    return value, float(spread), explained


def learnable_inputs(result: SimulationResult) -> dict[str, np.ndarray]:
    """What can be learned before signing, per trial: each input given as a distribution, and the
    first vendor's own quality (its normal score) when vendors differ."""
    learn = {name: np.asarray(v, dtype=float) for name, v in result.inputs.items()}
    if result.scenario.vendors_differ and result.first_quality is not None:
        learn[QUALITY] = result.first_quality
    return learn


def _require_learnable(scenario: Scenario, learn: Mapping) -> None:
    if not learn:
        raise ScenarioError(
            [
                (
                    "the value of information needs something to learn: give at least one parameter as a "
                    "distribution (e.g. vendor_failure_prob_annual = pert(0.03, 0.06, 0.15)) or let vendors "
                    "differ (vendor_quality_spread > 0)"
                )
            ],
            f"scenario {scenario.name!r}",
        )


def value_of_information(scenario: Scenario, *, n_trials: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """EVPI and each input's EVPPI for the decision to outsource under ``scenario`` or keep the
    service in-house, in the scenario's currency, from one simulation.

    Returns a DataFrame indexed by input (``all`` first: the EVPI) with ``value``, ``se`` (of the
    regression), ``explained`` (share of the NPV's variance the input explains) and
    ``reliable`` (False when the regression explains less than 1 % of the variance while the
    value is not 0 within two standard errors: a value then says more about the fit than about
    the input). ``.attrs``: ``decision_now`` ("outsource" or "in-house"), ``mean_npv``,
    ``currency``.

    Examples
    --------
    >>> s = Scenario(vendor_failure_prob_annual="pert(0.02, 0.06, 0.3)")
    >>> table = value_of_information(s, n_trials=4_000, seed=1)
    >>> list(table.index)
    ['all', 'vendor_failure_prob_annual']
    """
    require_scenario(scenario)
    result = simulate(scenario, n_trials=n_trials, seed=seed)
    learn = learnable_inputs(result)
    _require_learnable(scenario, learn)
    return evppi_table(result.npv, learn, currency=scenario.currency, seed=seed)


def evppi_table(
    net_benefit, learn: Mapping[str, np.ndarray], *, currency: str = "USD", seed: int = 0
) -> pd.DataFrame:
    """The table of :func:`value_of_information` from samples: net benefits and the learnable
    inputs' draws."""
    y = np.asarray(net_benefit, dtype=float)
    rows = {"all": value_from_samples(y, learn, seed=seed)}
    for name, values in learn.items():
        rows[name] = value_from_samples(y, {name: values}, seed=seed)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "se", "explained"])
    table["reliable"] = ~((table["explained"] < 0.01) & (table["value"] > 2 * table["se"]))
    order = ["all", *table.drop(index="all").sort_values("value", ascending=False).index]
    table = table.loc[order]
    table.index.name = "input"
    table.attrs.update(
        decision_now="outsource" if y.mean() > 0 else "in-house", mean_npv=float(y.mean()), currency=currency
    )
    return table


#: Accuracies of the interview's curve: the share of the uncertainty about the vendor's quality
#: it removes (0: it says nothing; 0.5: it halves the variance; 1: it reveals the quality).
ACCURACIES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


def interview_value(
    scenario: Scenario,
    accuracies: Sequence[float] = ACCURACIES,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
) -> pd.DataFrame:
    """The expected value of sample information (EVSI) of an interview that measures the first
    vendor's quality, at each accuracy: the share ``a`` of the uncertainty about the quality that
    it removes. Its reading is X = √a·Z + √(1 − a)·ε, Z the vendor's quality score and ε
    independent noise (the same ε at every accuracy, so the curve is one interview made sharper).

    Returns a DataFrame indexed by accuracy with ``value`` and ``se``; ``.attrs["evppi"]`` is the
    value of learning the quality exactly (accuracy 1). Needs vendors that differ
    (``vendor_quality_spread`` > 0): otherwise there is nothing for an interview to measure.
    """
    require_scenario(scenario)
    if not scenario.vendors_differ:
        raise ScenarioError(
            [
                (
                    "vendor_quality_spread must be above 0 for an interview to be worth anything (got 0): with "
                    "every vendor alike there is no quality to measure"
                )
            ],
            f"scenario {scenario.name!r}",
        )
    levels = _accuracies(accuracies)
    return interview_from_result(simulate(scenario, n_trials=n_trials, seed=seed), levels)


def interview_from_result(result: SimulationResult, accuracies: Sequence[float] = ACCURACIES) -> pd.DataFrame:
    """:func:`interview_value` from a simulation already run (a report has one); its seed seeds the
    interview's noise. Needs a result whose vendors differ."""
    if result.first_quality is None:
        raise ValueError(
            "interview_from_result needs a simulation whose vendors differ (vendor_quality_spread > 0)"
        )
    levels = _accuracies(accuracies)
    seed = result.seed
    readings = _interview(result)
    rows = {}
    for a in levels:
        value, se, _ = value_from_samples(result.npv, {"interview": readings(a)}, seed=seed)
        rows[a] = (value, se)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "se"])
    table.index.name = "accuracy"
    table.attrs["evppi"] = rows[1.0][0] if 1.0 in rows else math.nan
    table.attrs["currency"] = result.scenario.currency
    return table


def _interview(result: SimulationResult):
    """The interview of the result's first vendor as a function of its accuracy a: the reading
    X = √a·Z + √(1 − a)·ε per trial, ε drawn once from ``SeedSequence(result.seed, spawn_key=(0, 7))``
    (docs/model.md), so that every accuracy reads the same futures with the same noise."""
    z = result.first_quality
    assert z is not None  # vendors differ: checked by every caller
    noise = generator(result.seed, "interview_noise").standard_normal(z.size)
    return lambda a: math.sqrt(a) * z + math.sqrt(1 - a) * noise


def choice_value(
    scenarios: Sequence[Scenario],
    accuracies: Sequence[float] = ACCURACIES,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
) -> pd.DataFrame:
    """What interviewing every candidate before choosing among them (or in-house) is worth, at
    each accuracy (docs/model.md, "Value of information", "Choosing among vendors").

    ``scenarios``: one per candidate (e.g. from :func:`~outsourcing_risk.analyses.vendors.vendor_scenarios`),
    at least two, each with vendors that differ. Each candidate is simulated with its own seed, so
    the candidates' qualities are independent; the interview reads each one's quality with the
    same accuracy. Returns a DataFrame indexed by accuracy with ``value`` and ``se``; ``.attrs``:
    ``choice_now`` (the best candidate on its mean, or "in-house"), ``means`` (each candidate's
    mean NPV), ``currency``.
    """
    candidates = list(scenarios) if not isinstance(scenarios, Scenario) else [scenarios]
    for i, s in enumerate(candidates, start=1):
        require_scenario(s, f"scenarios[{i - 1}]")
    if len(candidates) < 2:
        raise ScenarioError(
            [f"a choice needs at least two candidate vendors (got {len(candidates)})"], "the candidates"
        )
    alike = [s.name for s in candidates if not s.vendors_differ]
    if alike:
        raise ScenarioError(
            [
                f"vendor {name!r}: vendor_quality_spread must be above 0 for an interview to tell "
                "candidates apart (got 0)"
                for name in alike
            ],
            "the candidates",
        )
    levels = _accuracies(accuracies)
    results = [
        simulate(
            s,
            n_trials=n_trials,
            seed=int(sequence(seed, "candidate_seed", candidate=j).generate_state(1)[0]),
        )
        for j, s in enumerate(candidates)
    ]
    interviews = [_interview(r) for r in results]
    rng = generator(seed, "regression_coefficients")
    rows = {}
    for a in levels:
        fits = [
            _fit(r.npv, _natural_spline(readings(a))) for r, readings in zip(results, interviews, strict=True)
        ]
        value = _gain(np.vstack([f[0] for f in fits]))
        draws = [
            rng.multivariate_normal(beta, cov, size=_SE_DRAWS, method="cholesky", check_valid="ignore")
            for _, beta, cov, _ in fits
        ]
        spread = np.std(
            [
                _gain(np.vstack([f[3] @ d[i] for f, d in zip(fits, draws, strict=True)]))
                for i in range(_SE_DRAWS)
            ],
            ddof=1,
        )
        rows[a] = (value, float(spread))
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "se"])
    table.index.name = "accuracy"
    means = {s.name: float(r.npv.mean()) for s, r in zip(candidates, results, strict=True)}
    best = max(means, key=means.__getitem__)
    table.attrs.update(
        choice_now=best if means[best] > 0 else "in-house", means=means, currency=candidates[0].currency
    )
    return table


def _accuracies(accuracies) -> list[float]:
    try:
        levels = [float(a) for a in accuracies]
    except (TypeError, ValueError):
        raise ValueError(f"accuracies must be numbers in [0, 1] (got {accuracies!r})") from None
    bad = [a for a in levels if not 0 <= a <= 1]
    if bad or not levels:
        raise ValueError(
            f"accuracies must be numbers in [0, 1], the share of the uncertainty the interview removes "
            f"(got {bad or 'none'})"
        )
    return sorted(set(levels))
