"""A plain-Python, one-trial-at-a-time implementation of the model of docs/model.md.

Independent of the vectorised engine on purpose: the tests hold the engine's means to this
reference where the closed form does not reach (replacement vendors, scope creep, escalation,
incidents, transition), and the benchmark runs it through monaco, trial by trial.
Needs only the standard library and numpy (it runs in monaco's separate environment).
"""

from __future__ import annotations

import math

ACTIVE, DISRUPTED, INHOUSE = 0, 1, 2


def npv_one_trial(p: dict, rng) -> float:
    """NPV of savings of one trial; ``p`` holds point values, ``rng`` a numpy Generator."""
    horizon = int(p["horizon_months"])
    d = (1 + p["discount_rate_annual"]) ** (-1 / 12)
    eps = p["exit_readiness"]
    quality = (1 + p["clarity_weight"] * (1 - p["goal_clarity"])) * (
        1 + p["selection_weight"] * (1 - p["selection_score"])
    )
    h0 = 1 - (1 - p["vendor_failure_prob_annual"]) ** (1 / 12)
    base = h0 * quality * (1 + p["tension_weight"] * (1 - p["trust"]) ** 2)
    creep = p["scope_creep_annual"] * p["creep_strain"]
    rate = p["incident_rate_max"] * p["trust"] ** 2 * quality
    governance = p["governance_min"] + p["micromanagement_overhead"] * (1 - p["trust"]) ** 2
    switch_cost = p["switching_cost"] * (1 - p["exit_cost_reduction"] * eps)
    disruption = math.floor(p["switching_months"] * (1 - p["exit_time_reduction"] * eps) + 0.5)
    npv = -(p["transition_cost"] + eps * p["exit_plan_upfront_cost"])

    state, hazard_start, first_vendor, left = ACTIVE, 1, True, 0
    for t in range(1, horizon + 1):
        years = (t - 1) / 12
        inhouse = p["inhouse_monthly_cost"] * (1 + p["inhouse_escalation_annual"]) ** years
        fee = p["vendor_monthly_fee"] * (1 + p["fee_escalation_annual"]) ** years
        saving = 0.0
        if state == ACTIVE and t >= hazard_start:
            age = t - hazard_start + 1
            if rng.random() < min(1.0, base * (1 + creep * (age - 1) / 12)):
                saving -= switch_cost
                first_vendor = False
                if disruption > 0:
                    state, left = DISRUPTED, disruption
                elif p["after_failure"] == "insource":
                    state = INHOUSE
                else:
                    hazard_start = t + 1  # the replacement serves at once, may fail from next month
        if state == ACTIVE:
            saving += inhouse - fee * (1 + governance) - eps * p["exit_plan_monthly_cost"]
            saving -= rng.poisson(rate) * p["incident_cost"] if rate > 0 else 0.0
            if first_vendor and t <= p["transition_months"]:
                saving -= p["transition_overlap"] * inhouse
        elif state == DISRUPTED:
            saving -= inhouse * p["disruption_premium"]
            left -= 1
            if left == 0:
                if p["after_failure"] == "insource":
                    state = INHOUSE
                else:
                    state, hazard_start = ACTIVE, t + 1
        npv += d**t * saving
    return npv
