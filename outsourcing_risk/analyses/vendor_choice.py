"""The vendor choice as claims (docs/analyses.md, "Claims"): which candidate is best on average and
which risk-adjusted, and why they differ when they do; what interviewing every candidate before
choosing is worth, net of its cost.

Which runs each claim compares, exactly:

- **The ranking's runs** (:func:`~outsourcing_risk.analyses.vendors.compare_vendors`): every
  candidate simulated with the same seed, so that the candidates meet the same futures trial for
  trial (common random numbers). The best on average and the best risk-adjusted are compared on
  these runs, paired trial by trial: the difference of their means (its error the standard
  deviation of the per-trial differences over √n), of their worst-5 % averages and of their
  risk-adjusted scores (by the influence functions, :func:`~outsourcing_risk.analyses.claims.score_se`).
- **The interview's runs** (:func:`~outsourcing_risk.analyses.value_of_information.choice_value`):
  each candidate simulated with a seed of its own and the interview's spread of quality, so that
  the candidates' qualities are independent. Its value at the accuracy that halves the
  uncertainty, and that value less the interviews' cost, are read from ``choice_value``'s table
  (``value``, ``se`` by accuracy) and are never compared with the ranking's figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..model.results import cvar_of
from ..model.scenario import Scenario
from ..model.simulation import simulate
from .claim_checks import paired_difference, register_check
from .claims import Claim, difference, score_se
from .sections.information import HALF, half_uncertainty
from .value_of_information import ACCURACIES, QUALITY, choice_value
from .vendors import compare_vendors, vendor_scenarios

__all__ = ["interview_claims", "ranking_claims", "risk_adjusted_score", "score_difference"]

#: The anchors of the claims: the ranking, and the value of interviewing before choosing.
RANKING, INTERVIEW = "ranking", "interview"


def risk_adjusted_score(npv, risk_aversion: float) -> float:
    """The ranking's score of one run, (1 − ρ)·mean + ρ·CVaR 5 % (as
    :func:`~outsourcing_risk.analyses.vendors.compare_vendors` ranks)."""
    npv = np.asarray(npv, dtype=float)
    return (1 - risk_aversion) * float(npv.mean()) + risk_aversion * cvar_of(npv, 0.05)


def score_difference(a_npv, b_npv, risk_aversion: float) -> tuple[float, float, dict]:
    """(score of b − score of a, its standard error, {"before": a's score, "after": b's}) of two
    runs on common random numbers, paired trial by trial."""
    before, after = risk_adjusted_score(a_npv, risk_aversion), risk_adjusted_score(b_npv, risk_aversion)
    se = score_se(a_npv, b_npv, risk_aversion=risk_aversion)
    return after - before, se, {"before": before, "after": after}


def ranking_claims(
    vendors: pd.DataFrame,
    base: Scenario | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    risk_aversion: float = 0.25,
    n_trials: int = 20_000,
    seed: int = 0,
    ranking: pd.DataFrame | None = None,
) -> list[Claim]:
    """The best on average against the best risk-adjusted, as claims on the ranking's runs.

    When they are two vendors: ``choice/mean_gap`` (the best on average's mean less the first's),
    ``choice/tail_gap`` (the first's worst-5 % average less the best on average's) and
    ``choice/score_gap`` (the first's score less the best on average's). When one vendor is both:
    ``choice/mean_gap`` over the runner-up on average and ``choice/score_gap`` over the runner-up
    risk-adjusted. Each is paired over the same futures; its ``detail`` names the two vendors
    (``first``, ``other``) and the risk aversion. ``ranking``: the
    :func:`~outsourcing_risk.analyses.vendors.compare_vendors` table of the same arguments, when it
    is already computed.

    Examples
    --------
    >>> from outsourcing_risk import load_vendors
    >>> claims = ranking_claims(load_vendors(), n_trials=2_000, seed=1)
    >>> [(c.key, c.detail["better"], c.detail["worse"], c.direction) for c in claims]
    [('choice/mean_gap', 'Acme Offshore', 'Delta Lowball', 'none'), ('choice/score_gap', 'Acme Offshore', 'Delta Lowball', 'higher')]

    Acme Offshore ranks first and has the highest mean, level on average with Delta Lowball (its
    lead within two standard errors) and ahead of it risk-adjusted.
    """
    if ranking is None:
        ranking = compare_vendors(
            vendors, base, weights=weights, risk_aversion=risk_aversion, n_trials=n_trials, seed=seed
        )
    scenarios = {s.name: s for s, _ in vendor_scenarios(vendors, base, weights)}
    by_score = [str(name) for name in ranking.index]
    by_mean = [str(name) for name in ranking["mean_npv"].sort_values(ascending=False, kind="stable").index]
    first, on_average = by_score[0], by_mean[0]
    runs: dict[str, np.ndarray] = {}

    def npv(name: str) -> np.ndarray:
        if name not in runs:
            runs[name] = simulate(scenarios[name], n_trials=n_trials, seed=seed).npv
        return runs[name]

    def claim(key: str, stat: str, worse: str, better: str) -> Claim:
        a, b = npv(worse), npv(better)
        if stat == "score":
            value, se, levels = score_difference(a, b, risk_aversion)
        else:
            value, se, levels = paired_difference(a, b, stat, seed)
        evidence = {
            "method": "vendor_score" if stat == "score" else "paired",
            "a": scenarios[worse].to_dict(),
            "b": scenarios[better].to_dict(),
            "stat": stat,
            "n_trials": n_trials,
            "seed": seed,
            **({"risk_aversion": risk_aversion} if stat == "score" else {}),
        }
        detail = {"first": first, "on_average": on_average, "better": better, "worse": worse}
        return difference(
            key,
            better,
            value,
            se,
            "money",
            section=RANKING,
            evidence=evidence,
            risk_aversion=risk_aversion,
            **detail,
            **levels,
        )

    if len(by_score) < 2:
        return []
    if first != on_average:
        return [
            claim("choice/mean_gap", "mean_npv", first, on_average),
            claim("choice/tail_gap", "cvar5", on_average, first),
            claim("choice/score_gap", "score", on_average, first),
        ]
    return [
        claim("choice/mean_gap", "mean_npv", by_mean[1], first),
        claim("choice/score_gap", "score", by_score[1], first),
    ]


def interview_claims(
    candidates: Sequence[Scenario],
    table: pd.DataFrame | None = None,
    *,
    cost: float | None = None,
    n_trials: int = 20_000,
    seed: int = 0,
    accuracies: Sequence[float] = ACCURACIES,
) -> list[Claim]:
    """What interviewing every candidate before choosing is worth, as claims on the interview's
    runs: ``choice/interview``, the value at the accuracy that halves the uncertainty about each
    candidate's quality, with its error; and, when ``cost`` is given, ``choice/interview_net``,
    that value less the cost (higher: the interviews cost less than they are worth). ``table``:
    :func:`~outsourcing_risk.analyses.value_of_information.choice_value` of the same arguments,
    when it is already computed; only its ``value`` and ``se`` by accuracy are read.

    Examples
    --------
    >>> from outsourcing_risk import load_vendors
    >>> from outsourcing_risk.analyses.vendors import vendor_scenarios
    >>> candidates = [s.replace(vendor_quality_spread=0.5) for s, _ in vendor_scenarios(load_vendors())][:2]
    >>> [c.key for c in interview_claims(candidates, cost=20_000, n_trials=2_000, seed=1)]
    ['choice/interview', 'choice/interview_net']
    """
    candidates = list(candidates)
    if table is None:
        table = choice_value(candidates, accuracies, n_trials=n_trials, seed=seed)
    value, se = half_uncertainty(table)
    evidence = {
        "method": "choice_interview",
        "candidates": [s.to_dict() for s in candidates],
        "accuracies": [float(a) for a in table.index],
        "n_trials": n_trials,
        "seed": seed,
    }
    claims = [
        difference(
            "choice/interview",
            QUALITY,
            value,
            se,
            "money",
            section=INTERVIEW,
            evidence=evidence,
            accuracy=HALF,
            candidates=len(candidates),
        )
    ]
    if cost is not None:
        claims.append(
            difference(
                "choice/interview_net",
                QUALITY,
                value - cost,
                se,
                "money",
                section=INTERVIEW,
                evidence={**evidence, "cost": float(cost)},
                basis=("choice/interview",),
                cost=float(cost),
                worth=value,
            )
        )
    return claims


# --- how each new kind of evidence is recomputed (for recheck) -----------------------------------


@register_check("vendor_score")
def _vendor_score(ev: Mapping) -> tuple:
    a, b = (
        simulate(Scenario.from_dict(dict(ev[k])), n_trials=int(ev["n_trials"]), seed=int(ev["seed"])).npv
        for k in ("a", "b")
    )
    return score_difference(a, b, float(ev["risk_aversion"]))


@register_check("choice_interview")
def _choice_interview(ev: Mapping) -> tuple[float, float]:
    candidates = [Scenario.from_dict(dict(s)) for s in ev["candidates"]]
    table = choice_value(candidates, ev["accuracies"], n_trials=int(ev["n_trials"]), seed=int(ev["seed"]))
    value, se = half_uncertainty(table)
    return value - float(ev.get("cost") or 0.0), se
