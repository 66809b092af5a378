"""How each kind of claim's evidence is recomputed through the public API (for
:func:`~outsourcing_risk.analyses.claims.recheck`). Each recipe takes the evidence a claim carries
and returns (value, standard error) computed afresh: the same scenario, trials and seed give the
same numbers, so a claim that its evidence supports matches to the last digits."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping

import numpy as np

from ..model.results import cvar_of
from ..model.scenario import Scenario
from ..model.simulation import simulate
from .claims import binomial_se, mean_se, tail_mean_se

__all__ = ["CHECKS", "paired_difference", "register_check"]

#: How each kind of evidence is recomputed: evidence["method"] -> function(evidence) -> (value, se).
CHECKS: dict[str, Callable[[Mapping], tuple]] = {}


def register_check(method: str):
    """Register the function that recomputes evidence of ``method`` (a decorator)."""

    def add(fn: Callable[[Mapping], tuple]):
        CHECKS[method] = fn
        return fn

    return add


_SOBOL_Z95 = 1.959963984540054


@functools.lru_cache(maxsize=8)
def _run(scenario_json: str, n_trials: int, seed: int):
    return simulate(Scenario.from_dict(json.loads(scenario_json)), n_trials=n_trials, seed=seed)


def _result(evidence: Mapping, which: str = "scenario"):
    return _run(
        json.dumps(dict(evidence[which]), sort_keys=True), int(evidence["n_trials"]), int(evidence["seed"])
    )


def _scenario(evidence: Mapping) -> Scenario:
    return Scenario.from_dict(dict(evidence["scenario"]))


@register_check("summary")
def _summary(ev: Mapping) -> tuple[float, float]:
    r = _result(ev)
    stat, n = ev["stat"], r.n_trials
    s = r.summary()
    if stat in s.index:
        value = float(s[stat])
    else:
        value = float(r.policy_summary()[stat])
    if stat == "mean_npv":
        return value, float(s["se_npv"])
    if stat == "cvar5":
        return value, tail_mean_se(r.npv)
    if stat.startswith("p_"):
        return value, binomial_se(value, n)
    return value, math.nan


@register_check("losses_with_failure")
def _losses_with_failure(ev: Mapping) -> tuple[float, float]:
    r = _result(ev)
    losing = r.npv < 0
    share = float(np.mean(r.failure_count[losing] > 0))
    return share, binomial_se(share, int(losing.sum()))


def _failure_base(ev: Mapping) -> tuple[float, float]:
    r = _result(ev)
    years = r.scenario.horizon_months / 12
    p = r.inputs.get("vendor_failure_prob_annual")
    if p is None:
        return 1 - (1 - float(r.scenario.vendor_failure_prob_annual)) ** years, 0.0
    values = 1 - (1 - np.asarray(p, dtype=float)) ** years
    return float(values.mean()), mean_se(values)


register_check("failure_base")(_failure_base)


@register_check("failure_raised")
def _failure_raised(ev: Mapping) -> tuple[float, float]:
    p, p_se = _summary({**ev, "stat": "p_failure"})
    base, base_se = _failure_base(ev)
    return p - base, math.hypot(p_se, base_se)


@register_check("paired")
def _paired(ev: Mapping) -> tuple:
    a, b = _result(ev, "a"), _result(ev, "b")
    return paired_difference(
        a.npv, b.npv, ev["stat"], int(ev["seed"]), a.failure_count > 0, b.failure_count > 0
    )


def paired_difference(a_npv, b_npv, stat: str, seed: int, a_failed=None, b_failed=None) -> tuple:
    """(difference b − a, its standard error, {"before": a's figure, "after": b's}) of a summary
    figure between two runs on common random numbers: paired trial by trial (a bootstrap of the
    same resamples for the worst-5 % average)."""
    if stat == "mean_npv":
        d = b_npv - a_npv
        return float(d.mean()), mean_se(d), {"before": float(a_npv.mean()), "after": float(b_npv.mean())}
    if stat == "cvar5":
        before, after = cvar_of(a_npv), cvar_of(b_npv)
        return after - before, tail_mean_se(a_npv, b_npv), {"before": before, "after": after}
    if stat == "p_loss":
        ia, ib = a_npv < 0, b_npv < 0
    elif stat == "p_failure":
        ia, ib = a_failed, b_failed
    else:
        raise ValueError(f"paired evidence cannot compare {stat!r}")
    d = ib.astype(float) - ia.astype(float)
    se = mean_se(d)
    return (
        float(d.mean()),
        0.0 if math.isnan(se) else se,
        {"before": float(ia.mean()), "after": float(ib.mean())},
    )


def _once(fn):
    """Recompute one analysis once for every claim that stands on it (keyed by its scenario,
    trials and seed)."""
    cached = functools.lru_cache(maxsize=4)(lambda key: fn(*json.loads(key)))

    def call(ev: Mapping):
        return cached(
            json.dumps([dict(ev["scenario"]), int(ev.get("n_trials", 0)), int(ev["seed"])], sort_keys=True)
        )

    return call


@_once
def _tornado_table(scenario: dict, n_trials: int, seed: int):
    from .tornado import tornado

    return tornado(Scenario.from_dict(scenario), n_trials=n_trials, seed=seed)


@_once
def _information_table(scenario: dict, n_trials: int, seed: int):
    from .value_of_information import value_of_information

    return value_of_information(Scenario.from_dict(scenario), n_trials=n_trials, seed=seed)


@_once
def _interview_table(scenario: dict, n_trials: int, seed: int):
    from .value_of_information import interview_value

    return interview_value(Scenario.from_dict(scenario), n_trials=n_trials, seed=seed)


@_once
def _sobol_table(scenario: dict, n_trials: int, seed: int):
    from .sobol import sobol_indices

    return sobol_indices(Scenario.from_dict(scenario), seed=seed)


@register_check("tornado")
def _tornado(ev: Mapping) -> tuple[float, float]:
    table = _tornado_table(ev)
    name = ev["input"]
    if ev["stat"] == "swing":
        return float(table.loc[name, "swing"]), float(table.loc[name, "swing_se"])
    at = list(table.index).index(name)
    second = table.index[at + 1]
    return float(table.loc[name, "swing"] - table.loc[second, "swing"]), float(table.loc[name, "lead_se"])


@register_check("information")
def _information(ev: Mapping) -> tuple[float, float]:
    row = _information_table(ev).loc[ev["input"]]
    return float(row["value"]), float(row["se"])


@register_check("interview")
def _interview(ev: Mapping) -> tuple[float, float]:
    from .sections.information import half_uncertainty

    value, se = half_uncertainty(_interview_table(ev))
    return value - float(ev.get("cost") or 0.0), se


@register_check("sobol")
def _sobol(ev: Mapping) -> tuple[float, float]:
    table = _sobol_table(ev)
    row = table.loc[ev["input"]]
    stat = ev["stat"]
    if stat in ("first", "total"):
        return float(row[stat]), float(row[f"{stat}_conf"]) / _SOBOL_Z95
    if stat == "interactions":
        return float(row["total"] - row["first"]), math.hypot(
            row["total_conf"], row["first_conf"]
        ) / _SOBOL_Z95
    other = table.loc[stat.split(":", 1)[1]]
    return float(row["total"] - other["total"]), math.hypot(
        row["total_conf"], other["total_conf"]
    ) / _SOBOL_Z95
