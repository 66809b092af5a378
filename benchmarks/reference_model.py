"""A plain-Python, one-trial-at-a-time implementation of the model of docs/model.md.

Independent of the vectorised engines on purpose: the tests hold the engines' means to this
reference where the closed form does not reach (replacement vendors, scope creep, escalation,
incidents, transition; and "Trust over time": vendor quality, the trust ramp and the exit
trigger), and the benchmark runs it through monaco, trial by trial.
Needs only the standard library and numpy (it runs in monaco's separate environment).
"""

from __future__ import annotations

import math

ACTIVE, DISRUPTED, INHOUSE = 0, 1, 2


def npv_one_trial(p: dict, rng) -> float:
    """NPV of savings of one trial; ``p`` holds point values, ``rng`` a numpy Generator.

    The keys of "Trust over time" may be missing (then: fixed trust, no trigger, a spread of 0).
    """
    horizon = int(p["horizon_months"])
    d = (1 + p["discount_rate_annual"]) ** (-1 / 12)
    eps = p["exit_readiness"]
    q = (1 + p["clarity_weight"] * (1 - p["goal_clarity"])) * (
        1 + p["selection_weight"] * (1 - p["selection_score"])
    )
    h0 = 1 - (1 - p["vendor_failure_prob_annual"]) ** (1 / 12)
    creep = p["scope_creep_annual"] * p["creep_strain"]
    switch_cost = p["switching_cost"] * (1 - p["exit_cost_reduction"] * eps)
    disruption = math.floor(p["switching_months"] * (1 - p["exit_time_reduction"] * eps) + 0.5)
    ramp = p.get("trust_policy", "fixed") == "ramp"
    spread = p.get("vendor_quality_spread", 0.0)
    k, window = int(p.get("exit_trigger_incidents", 0)), int(p.get("exit_trigger_window", 0))
    milestone = int(p.get("milestone_months", 3))
    npv = -(p["transition_cost"] + eps * p["exit_plan_upfront_cost"])

    def new_vendor():
        z = rng.standard_normal() if spread > 0 else 0.0
        return {
            "Q": math.exp(spread * z - spread**2 / 2),
            "trust": p["trust"],
            "served": 0,
            "bad_months": 0,
            "history": [],
        }

    vendor = new_vendor()
    state, hazard_start, first_vendor, left, leave_next = ACTIVE, 1, True, 0, False
    for t in range(1, horizon + 1):
        years = (t - 1) / 12
        inhouse = p["inhouse_monthly_cost"] * (1 + p["inhouse_escalation_annual"]) ** years
        fee = p["vendor_monthly_fee"] * (1 + p["fee_escalation_annual"]) ** years
        saving = 0.0
        if state == ACTIVE and (leave_next or t >= hazard_start):
            tau = vendor["trust"]
            age = t - hazard_start + 1
            base = h0 * q * vendor["Q"] * (1 + p["tension_weight"] * (1 - tau) ** 2)
            if leave_next or rng.random() < min(1.0, base * (1 + creep * (age - 1) / 12)):
                saving -= switch_cost
                first_vendor, leave_next = False, False
                if disruption > 0:
                    state, left = DISRUPTED, disruption
                elif p["after_failure"] == "insource":
                    state = INHOUSE
                else:
                    hazard_start = t + 1  # the replacement serves at once, may fail from next month
                    vendor = new_vendor()
        if state == ACTIVE:
            tau = vendor["trust"]
            governance = p["governance_min"] + p["micromanagement_overhead"] * (1 - tau) ** 2
            rate = p["incident_rate_max"] * tau**2 * q * vendor["Q"]
            incidents = rng.poisson(rate) if rate > 0 else 0
            saving += inhouse - fee * (1 + governance) - eps * p["exit_plan_monthly_cost"]
            saving -= incidents * p["incident_cost"]
            if first_vendor and t <= p["transition_months"]:
                saving -= p["transition_overlap"] * inhouse
            vendor["history"].append(incidents)
            vendor["served"] += 1
            vendor["bad_months"] += incidents > 0
            if k > 0 and t < horizon and sum(vendor["history"][-window:]) >= k:
                leave_next = True
            if ramp and vendor["served"] % milestone == 0:
                if vendor["bad_months"] == 0:
                    vendor["trust"] = min(p["trust_ceiling"], tau + p["trust_step"])
                else:
                    vendor["trust"] = max(0.0, tau - p["trust_cut"])
                vendor["bad_months"] = 0
        elif state == DISRUPTED:
            saving -= inhouse * p["disruption_premium"]
            left -= 1
            if left == 0:
                if p["after_failure"] == "insource":
                    state = INHOUSE
                else:
                    state, hazard_start = ACTIVE, t + 1
                    vendor = new_vendor()
        npv += d**t * saving
    return npv
