"""The outcome: what outsourcing saves, how often it loses, how bad the worst futures are, how
likely a vendor failure is and why (the report's cards, fan chart and spread)."""

from __future__ import annotations

import math

import numpy as np

from ..claims import binomial_se, difference, level, mean_se, note, tail_mean_se
from .base import Run, Section, SectionResult

__all__ = ["SECTION", "failure_base", "failure_raisers"]


def failure_base(run: Run) -> tuple[float, float]:
    """The chance that a well-run relationship fails within the horizon at the vendor's yearly
    figure alone, 1 − (1 − p)^(H/12), averaged over the trials' draws of p when it is uncertain:
    (value, its standard error; 0 when p is a number)."""
    scenario = run.scenario
    years = scenario.horizon_months / 12
    p = run.result.inputs.get("vendor_failure_prob_annual")
    if p is None:
        return 1 - (1 - float(scenario.vendor_failure_prob_annual)) ** years, 0.0
    values = 1 - (1 - np.asarray(p, dtype=float)) ** years
    return float(values.mean()), mean_se(values)


def failure_raisers(run: Run) -> list[str]:
    """The mistakes that raise this scenario's failure hazard above a well-run relationship's
    (docs/model.md, "Month by month, exactly": the hazard's factors), by name: each is a factor
    above 1 here. Exact: read off the parameters, no simulation."""
    s = run.scenario

    def above(weight, gap) -> bool:
        w, g = _centre(weight), _centre(gap)
        return w > 0 and g > 0

    raisers = []
    if above(s.tension_weight, 1 - _centre(s.trust)):
        raisers.append("trust")
    if above(s.clarity_weight, 1 - _centre(s.goal_clarity)):
        raisers.append("goal_clarity")
    if above(s.selection_weight, 1 - _centre(s.selection_score)):
        raisers.append("selection_score")
    if above(s.creep_strain, s.scope_creep_annual):
        raisers.append("scope_creep_annual")
    return raisers


def _centre(value) -> float:
    from ...model.distributions import centre

    return float(centre(value))


def compute(run: Run) -> SectionResult:
    r, s, n = run.result, run.result.summary(), run.result.n_trials

    def figure(key: str, stat: str, value: float, se: float, unit: str, **detail):
        return level(
            key,
            stat,
            value,
            se,
            unit,
            section="outcome",
            evidence=run.evidence("summary", stat=stat),
            **detail,
        )

    claims = [
        figure("outcome/mean", "mean_npv", s["mean_npv"], s["se_npv"], "money"),
        figure("outcome/p_loss", "p_loss", s["p_loss"], binomial_se(s["p_loss"], n), "chance"),
        figure("outcome/cvar5", "cvar5", s["cvar5"], tail_mean_se(r.npv), "money"),
        figure("outcome/p_failure", "p_failure", s["p_failure"], binomial_se(s["p_failure"], n), "chance"),
        figure("outcome/breakeven", "breakeven_month", s["breakeven_month"], math.nan, "month"),
    ]
    losing = r.npv < 0
    if losing.any():
        share = float(np.mean(r.failure_count[losing] > 0))
        claims.append(
            level(
                "outcome/losses_with_failure",
                "losses_with_failure",
                share,
                binomial_se(share, int(losing.sum())),
                "share",
                section="spread",
                evidence=run.evidence("losses_with_failure"),
            )
        )
    base, base_se = failure_base(run)
    claims.append(
        level(
            "outcome/failure_base",
            "failure_base",
            base,
            base_se,
            "chance",
            section="outcome",
            evidence=run.evidence("failure_base"),
        )
    )
    p_fail = claims[3]
    claims.append(
        difference(
            "outcome/failure_raised",
            "failure_raised",
            p_fail.value - base,
            math.hypot(p_fail.se, base_se),
            "chance",
            section="outcome",
            evidence=run.evidence("failure_raised"),
        )
    )
    claims.append(
        note(
            "outcome/failure_raisers",
            "failure_raisers",
            section="outcome",
            basis=("outcome/failure_raised",),
            raisers=failure_raisers(run),
        )
    )
    return SectionResult("outcome", "The outcome", claims=claims, columns={"cvar5_se": claims[2].se})


SECTION = Section("outcome", "The outcome", 10, compute)
