"""The closed-form expected NPV of the model (docs/model.md, "Checks"; ``outsourcing-risk docs model``), for checking the simulation.

Valid with point parameters, constant hazard (goal clarity and selection score 1, tension and
scope creep off), no incidents, ``after_failure = "insource"``, no escalation and no transition.
"""

from __future__ import annotations

import math

from .scenario import Scenario

__all__ = ["expected_npv"]

_REQUIRED = {
    "goal_clarity": 1.0,
    "selection_score": 1.0,
    "tension_weight": 0.0,
    "scope_creep_annual": 0.0,
    "incident_rate_max": 0.0,
    "inhouse_escalation_annual": 0.0,
    "fee_escalation_annual": 0.0,
    "transition_months": 0,
}


def expected_npv(s: Scenario) -> float:
    """E[NPV of savings] in closed form; ``ValueError`` naming each condition that does not hold.

    Examples
    --------
    >>> from outsourcing_risk import simulate
    >>> s = Scenario(goal_clarity=1, selection_score=1, tension_weight=0, scope_creep_annual=0,
    ...              incident_rate_max=0, inhouse_escalation_annual=0, fee_escalation_annual=0,
    ...              transition_months=0, after_failure="insource", vendor_failure_prob_annual=0)
    >>> round(expected_npv(s)) == round(simulate(s, n_trials=10, seed=0).npv.mean())
    True
    """
    problems = [f"{k} must be {v} (got {getattr(s, k)})" for k, v in _REQUIRED.items() if getattr(s, k) != v]
    if s.after_failure != "insource":
        problems.append(f"after_failure must be 'insource' (got {s.after_failure!r})")
    if s.uncertain:
        problems.append(f"every parameter must be a number (uncertain: {', '.join(s.uncertain)})")
    if problems:
        raise ValueError("the closed form does not apply: " + "; ".join(problems))
    H = s.horizon_months
    d = (1 + s.discount_rate_annual) ** (-1 / 12)
    h = 1 - (1 - s.vendor_failure_prob_annual) ** (1 / 12)
    eps = s.exit_readiness
    B, F = s.inhouse_monthly_cost, s.vendor_monthly_fee
    G = F * (s.governance_min + s.micromanagement_overhead * (1 - s.trust) ** 2)
    S = s.switching_cost * (1 - s.exit_cost_reduction * eps)
    D = math.floor(s.switching_months * (1 - s.exit_time_reduction * eps) + 0.5)
    pi = s.disruption_premium
    active = sum(d**t * (1 - h) ** t for t in range(1, H + 1))
    failures = sum(
        (1 - h) ** (k - 1) * h * (S * d**k + sum(d**j * B * pi for j in range(k, min(k + D - 1, H) + 1)))
        for k in range(1, H + 1)
    )
    upfront = s.transition_cost + eps * s.exit_plan_upfront_cost
    return active * (B - F - G) - failures - upfront - active * eps * s.exit_plan_monthly_cost
