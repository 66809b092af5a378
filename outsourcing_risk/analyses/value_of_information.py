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
spline of each input, and for all inputs together their splines with the pairwise products. What
acting on that regression is worth is estimated by cross-fitting, with a bootstrap standard error
(:mod:`~outsourcing_risk.analyses.voi_estimator`), so that a value whose truth is 0 reads 0
within its error.
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
from .voi_estimator import Estimate, decision_value, design

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
#: A value rests on too few trials for its standard error to be trusted when the learned
#: decision differs from the decision now in fewer trials than this (but in some).
_FEW_CHANGED = 100
#: The value of nothing to learn, or of a reading that carries no information (an interview of
#: accuracy 0): exactly 0.
_NOTHING = Estimate(0.0, 0.0, 0.0, 0)


def _estimate(
    net_benefit, inputs: Mapping[str, np.ndarray], *, interactions: bool = True, seed: int = 0
) -> Estimate:
    """:func:`~outsourcing_risk.analyses.voi_estimator.decision_value` of one option against 0,
    learning ``inputs``; nothing to learn (no input with more than one value) is worth exactly 0."""
    y = np.asarray(net_benefit, dtype=float)
    basis = design(inputs, interactions=interactions) if inputs else np.ones((y.size, 1))
    if basis.shape[1] == 1:  # the constant alone: nothing to learn
        return _NOTHING
    return decision_value([y], [basis], seed=seed)


def value_from_samples(
    net_benefit, inputs: Mapping[str, np.ndarray], *, interactions: bool = True, seed: int = 0
):
    """The value of learning ``inputs`` before a decision between an option with per-sample
    ``net_benefit`` and one worth 0: (value, standard error, share of the variance of the net
    benefit that the inputs explain out of fold). With several inputs their pairwise products
    enter the regression too (``interactions``). The value is the cross-fitted estimate, taken as 0
    where it falls below 0 (the value of information is never negative; an estimate below 0 is 0
    within its error); the standard error is the bootstrap's, of the Monte Carlo error and the fit's
    together (docs/model.md, "Value of information", "Its error"). ``seed`` seeds the bootstrap.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> noise = rng.standard_normal(10_000)  # an input that says nothing about the net benefit
    >>> value, se, explained = value_from_samples(rng.normal(0.0, 1.0, 10_000), {"noise": noise})
    >>> value <= 2 * se
    True
    """
    est = _estimate(net_benefit, inputs, interactions=interactions, seed=seed)
    return max(est.value, 0.0), est.se, est.explained


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

    Returns a DataFrame indexed by input (``all`` first: the EVPI, then the inputs from the most
    worth learning) with ``value`` (the estimate, 0 where it falls below 0), ``se`` (its bootstrap
    standard error: the Monte Carlo error and the fit's together), ``explained`` (share of the
    NPV's variance the input explains, out of fold), ``reliable`` (False when learning the input
    changes the decision in some trials but fewer than 100: the value and its error then rest on
    too few trials to be trusted), ``worth_learning`` (``value`` > 2 ``se``: a value within two
    standard errors of 0 is not told apart from 0), ``estimate`` (the estimate before it is
    taken as 0 below 0: it scatters around 0 where the truth is 0) and ``changed`` (in how many
    trials the fit's choice differs from the decision now). ``.attrs``: ``decision_now``
    ("outsource" or "in-house"), ``mean_npv``, ``currency``. docs/model.md, "Value of
    information", says exactly how each is computed.

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
    rows = {"all": _estimate(y, learn, seed=seed)}
    for name, values in learn.items():
        rows[name] = _estimate(y, {name: values}, seed=seed)
    table = _table({k: (e.value, e.se) for k, e in rows.items()})
    table.insert(2, "explained", [rows[k].explained for k in table.index])
    changed = np.array([rows[k].changed for k in table.index])
    table.insert(3, "reliable", (changed == 0) | (changed >= _FEW_CHANGED))
    table["changed"] = changed
    order = ["all", *table.drop(index="all").sort_values("value", ascending=False, kind="stable").index]
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

    Returns a DataFrame indexed by accuracy with ``value``, ``se``, ``worth_learning`` and
    ``estimate`` as :func:`value_of_information`'s; at accuracy 0 the reading is noise independent
    of everything, so its value is exactly 0 (± 0). ``.attrs["evppi"]`` is the value of learning
    the quality exactly (accuracy 1). Needs vendors that differ
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
        est = _estimate(result.npv, {"interview": readings(a)}, seed=seed) if a > 0 else _NOTHING
        rows[a] = (est.value, est.se)
    table = _table(rows)
    table.index.name = "accuracy"
    table.attrs["evppi"] = max(rows[1.0][0], 0.0) if 1.0 in rows else math.nan
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
    same accuracy. Returns a DataFrame indexed by accuracy with ``value``, ``se``,
    ``worth_learning`` and ``estimate`` as :func:`value_of_information`'s (exactly 0 at accuracy 0,
    where every reading is noise); ``.attrs``:
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
    rows = {}
    for a in levels:
        if a == 0:  # readings of pure noise: worth exactly nothing
            rows[a] = (0.0, 0.0)
            continue
        bases = [design({"interview": readings(a)}) for readings in interviews]
        est = decision_value([r.npv for r in results], bases, seed=seed)
        rows[a] = (est.value, est.se)
    table = _table(rows)
    table.index.name = "accuracy"
    means = {s.name: float(r.npv.mean()) for s, r in zip(candidates, results, strict=True)}
    best = max(means, key=means.__getitem__)
    table.attrs.update(
        choice_now=best if means[best] > 0 else "in-house", means=means, currency=candidates[0].currency
    )
    return table


def _table(rows: Mapping) -> pd.DataFrame:
    """Estimates (estimate, se) by row as a table: ``value`` (the estimate, 0 below 0), ``se``,
    ``worth_learning`` (``value`` > 2 ``se``) and ``estimate``."""
    raw = pd.DataFrame.from_dict(dict(rows), orient="index", columns=["estimate", "se"])
    table = pd.DataFrame({"value": raw["estimate"].clip(lower=0.0), "se": raw["se"]}, index=raw.index)
    table["worth_learning"] = table["value"] > 2 * table["se"]
    table["estimate"] = raw["estimate"]
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
