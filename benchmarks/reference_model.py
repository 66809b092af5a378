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


def npv_one_trial(p: dict, rng, record: dict | None = None) -> float:
    """NPV of savings of one trial; ``p`` holds point values, ``rng`` a numpy Generator.

    The keys of "Trust over time" may be missing (then: fixed trust, no trigger, a spread of 0).
    ``record``, when given, receives the trial's ``path`` (cumulative nominal savings at the end
    of months 1..H, up-front costs from month 1 on), ``switches`` and ``exits`` (voluntary ones).
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
    cumulative, path, switches, exits = npv, [], 0, 0
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
                switches, exits = switches + 1, exits + leave_next
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
        cumulative += saving
        path.append(cumulative)
    if record is not None:
        record.update(path=path, switches=switches, exits=exits)
    return npv


def book_one_trial(
    contracts: list[dict],
    group_shocks: dict,
    capacity: int | None,
    rng,
    subcontractor_shocks: dict | None = None,
) -> list[float]:
    """NPV of each contract of a book in one trial (docs/model.md, "A book of contracts"), month by
    month with a Bernoulli draw for every hazard. ``contracts`` hold point values as for
    :func:`npv_one_trial` (fixed trust, no trigger, no spread) plus ``vendor``, ``group``,
    ``critical`` and ``spend`` and optionally ``subcontractors`` (a list of names);
    ``group_shocks`` maps a group to its chance per year, ``subcontractor_shocks`` a subcontractor
    to its chance per year of failing (which ends the first vendor's service of every contract
    that names it)."""
    horizon = int(contracts[0]["horizon_months"])
    order = sorted(
        range(len(contracts)), key=lambda i: (not contracts[i]["critical"], -contracts[i]["spend"], i)
    )
    vendor_h = {c["vendor"]: 1 - (1 - c["vendor_failure_prob_annual"]) ** (1 / 12) for c in contracts}
    group_h = {g: 1 - (1 - p) ** (1 / 12) for g, p in group_shocks.items()}
    collapsed: dict[str, bool] = dict.fromkeys(vendor_h, False)
    shocked: dict[str, bool] = dict.fromkeys(group_h, False)
    sub_h = {s: 1 - (1 - p) ** (1 / 12) for s, p in (subcontractor_shocks or {}).items()}
    sub_failed: dict[str, bool] = dict.fromkeys(sub_h, False)
    slots = [0] * capacity if capacity else None  # the month each slot is free again
    state = []
    for c in contracts:
        eps = c["exit_readiness"]
        state.append(
            {
                "mode": ACTIVE,
                "first": True,
                "start": 1,
                "left": 0,
                "npv": -(c["transition_cost"] + eps * c["exit_plan_upfront_cost"]),
                "q": (1 + c["clarity_weight"] * (1 - c["goal_clarity"]))
                * (1 + c["selection_weight"] * (1 - c["selection_score"])),
                "switch": c["switching_cost"] * (1 - c["exit_cost_reduction"] * eps),
                "D": math.floor(c["switching_months"] * (1 - c["exit_time_reduction"] * eps) + 0.5),
            }
        )
    for t in range(1, horizon + 1):
        for g, hg in group_h.items():
            if not shocked[g] and rng.random() < hg:
                shocked[g] = True
        hit_now = set()
        for v, h in vendor_h.items():
            group = next(c["group"] for c in contracts if c["vendor"] == v)
            if not collapsed[v] and (shocked.get(group, False) or rng.random() < h):
                collapsed[v] = True
                hit_now.add(v)
        for sub, hs in sub_h.items():  # a subcontractor fails once: its dependants' first vendors
            if not sub_failed[sub] and rng.random() < hs:
                sub_failed[sub] = True
                hit_now.add(("subcontractor", sub))
        for i in order:
            c, s = contracts[i], state[i]
            eps, tau = c["exit_readiness"], c["trust"]
            inhouse = c["inhouse_monthly_cost"] * (1 + c["inhouse_escalation_annual"]) ** ((t - 1) / 12)
            fee = c["vendor_monthly_fee"] * (1 + c["fee_escalation_annual"]) ** ((t - 1) / 12)
            saving = 0.0
            if s["mode"] == ACTIVE and t >= s["start"]:
                age = t - s["start"] + 1
                h0 = 1 - (1 - c["vendor_failure_prob_annual"]) ** (1 / 12)
                creep = c["scope_creep_annual"] * c["creep_strain"]
                h = min(
                    1.0,
                    h0 * s["q"] * (1 + c["tension_weight"] * (1 - tau) ** 2) * (1 + creep * (age - 1) / 12),
                )
                if s["first"]:  # the vendor's collapse, or the relationship's own part
                    hv = vendor_h[c["vendor"]]
                    rho = 1 - (1 - h) / (1 - hv) if hv < 1 else 1.0
                    by_sub = any(("subcontractor", x) in hit_now for x in c.get("subcontractors", ()))
                    fails = c["vendor"] in hit_now or by_sub or rng.random() < rho
                else:
                    fails = rng.random() < h
                if fails:
                    saving -= s["switch"]
                    s["first"] = False
                    wait = 0
                    if slots is not None and s["D"] > 0:
                        j = min(range(len(slots)), key=lambda k: (slots[k], k))
                        begin = max(t, slots[j])
                        wait, slots[j] = begin - t, begin + s["D"]
                    length = wait + s["D"]
                    if length > 0:
                        s["mode"], s["left"] = DISRUPTED, length
                    elif c["after_failure"] == "insource":
                        s["mode"] = INHOUSE
                    else:
                        s["start"] = t + 1
            if s["mode"] == ACTIVE:
                governance = c["governance_min"] + c["micromanagement_overhead"] * (1 - tau) ** 2
                rate = c["incident_rate_max"] * tau**2 * s["q"]
                saving += inhouse - fee * (1 + governance) - eps * c["exit_plan_monthly_cost"]
                saving -= (rng.poisson(rate) if rate > 0 else 0) * c["incident_cost"]
                if s["first"] and t <= c["transition_months"]:
                    saving -= c["transition_overlap"] * inhouse
            elif s["mode"] == DISRUPTED:
                saving -= inhouse * c["disruption_premium"]
                s["left"] -= 1
                if s["left"] == 0:
                    if c["after_failure"] == "insource":
                        s["mode"] = INHOUSE
                    else:
                        s["mode"], s["start"] = ACTIVE, t + 1
            s["npv"] += (1 + c["discount_rate_annual"]) ** (-t / 12) * saving
    return [s["npv"] for s in state]
