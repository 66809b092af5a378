"""The closed-form expected NPV of the model (docs/model.md, "Checks"; ``outsourcing-risk docs model``), for checking the simulation.

Valid with point parameters, ``after_failure = "insource"`` (one vendor: the month it fails in is
the only switch) and none of the rules of "Trust over time". Every rule it uses is the engines'
own (:mod:`.rules`): what it checks is how the engines put them together (when failures fall,
which months they overwrite, discounting), by expectation instead of by sampling.
"""

from __future__ import annotations

import numpy as np

from . import rules
from .scenario import Scenario

__all__ = ["expected_npv"]


def expected_npv(s: Scenario) -> float:
    """E[NPV of savings] in closed form; ``ValueError`` naming each condition that does not hold.

    With S_t = Π_{i≤t}(1 − h_i) the chance that the vendor serves month t (it fails at the start
    of month K with chance S_{K−1}·h_K), a month with it worth its expected saving v_t (incidents
    at their mean λ·``incident_cost``) and d_t the discount factor:
    E[NPV] = Σ_t d_t S_t v_t − Σ_K S_{K−1} h_K (S·d_K + Σ_{j=K}^{K+D−1} d_j B_j π) − up-front.

    Examples
    --------
    >>> from outsourcing_risk import simulate
    >>> s = Scenario(after_failure="insource", vendor_failure_prob_annual=0, incident_rate_max=0)
    >>> round(expected_npv(s)) == round(simulate(s, n_trials=10, seed=0).npv.mean())
    True
    """
    problems = []
    if s.after_failure != "insource":
        problems.append(f"after_failure must be 'insource' (got {s.after_failure!r})")
    if s.uncertain:
        problems.append(f"every parameter must be a number (uncertain: {', '.join(s.uncertain)})")
    if s.adaptive:
        problems.append(
            "the rules of 'Trust over time' must be off (trust_policy fixed, no trigger, spread 0)"
        )
    if problems:
        raise ValueError("the closed form does not apply: " + "; ".join(problems))
    p = s.to_dict()
    months = rules.calendar(s.horizon_months)
    t = rules.monthly_terms(p, months)
    level = rules.hazard_level(
        rules.base_hazard(s.vendor_failure_prob_annual), t.quality, s.trust, s.tension_weight
    )
    h = rules.hazard(level, rules.creep(s.scope_creep_annual, s.creep_strain), months)
    serves = np.cumprod(1 - h)  # S_t
    fails = np.concatenate([[1.0], serves[:-1]]) * h  # S_{K-1} h_K
    d = rules.discount_factors(s.discount_rate_annual, months)
    incidents = rules.incident_loss(
        rules.incident_rate(s.incident_rate_max, s.trust, t.quality), s.incident_cost
    )
    active = float(np.sum(d * serves * (t.active_saving - incidents)))
    lost = d * t.disrupt_saving  # a disruption month's discounted saving (a loss)
    ends = np.minimum(months + t.disruption - 1, s.horizon_months)
    switches = sum(
        fails[k - 1] * (t.switch_cost * d[k - 1] - lost[k - 1 : ends[k - 1]].sum()) for k in months
    )
    return active - float(switches) - float(t.upfront)
