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


def npv_one_trial(p: dict, rng, record: dict | None = None, start: dict | None = None) -> float:
    """NPV of savings of one trial; ``p`` holds point values, ``rng`` a numpy Generator.

    The keys of "Trust over time" may be missing (then: fixed trust, no trigger, a spread of 0).
    ``record``, when given, receives the trial's ``path`` (cumulative nominal savings at the end
    of months 1..H, up-front costs from month 1 on), ``switches`` and ``exits`` (voluntary ones).
    ``start``, when given, is a review at the end of month ``months`` ("Stay or leave at a
    review"): the first vendor has served months 1..m with quality score ``z``, its trust from
    month m + 1 is ``trust``, it had ``since`` incidents since its last milestone, and ``leave``
    says whether the firm leaves it now; the trial then runs months m + 1..H only and returns
    their discounted savings (no up-front costs).
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

    def new_vendor(z=None):
        if z is None:
            z = rng.standard_normal() if spread > 0 else 0.0
        return {
            "Q": math.exp(spread * z - spread**2 / 2),
            "trust": p["trust"],
            "served": 0,
            "bad_months": 0,
            "history": [],
        }

    vendor = new_vendor(None if start is None else start["z"])
    state, hazard_start, first_vendor, left, leave_next = ACTIVE, 1, True, 0, False
    first_month = 1
    if start is not None:
        npv, first_month, leave_next = 0.0, start["months"] + 1, start["leave"]
        vendor.update(trust=start["trust"], served=start["months"], bad_months=start["since"])
    cumulative, path, switches, exits = npv, [], 0, 0
    for t in range(first_month, horizon + 1):
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


def record_posterior(p: dict, incidents: list[int], trust: list[float], points: int = 30_001) -> dict:
    """The posterior of the first vendor's quality score from its record ("A vendor's record"):
    ``incidents`` and ``trust`` month by month for the months it served. Simpson's rule on
    [−15, 15] with ``points`` points (odd), each month's Poisson probability and survival written
    out. Returns ``mean``, ``sd``, ``p_bad``, ``mean_q`` and ``draw(u)``, a posterior draw by
    the inverse of the cumulative distribution, linear between points."""
    s = p["vendor_quality_spread"]
    q = (1 + p["clarity_weight"] * (1 - p["goal_clarity"])) * (
        1 + p["selection_weight"] * (1 - p["selection_score"])
    )
    h0 = 1 - (1 - p["vendor_failure_prob_annual"]) ** (1 / 12)
    creep = p["scope_creep_annual"] * p["creep_strain"]
    width = 30 / (points - 1)
    zs = [-15 + i * width for i in range(points)]
    logs = []
    for z in zs:
        big_q = math.exp(s * z - s * s / 2)
        log_l = -z * z / 2
        for a, (n, tau) in enumerate(zip(incidents, trust, strict=False), start=1):
            rate = p["incident_rate_max"] * tau**2 * q * big_q
            log_l += (
                n * math.log(rate) - rate - math.lgamma(n + 1) if rate > 0 else (0 if n == 0 else -math.inf)
            )
            h = min(
                1.0, big_q * h0 * q * (1 + p["tension_weight"] * (1 - tau) ** 2) * (1 + creep * (a - 1) / 12)
            )
            log_l += math.log1p(-h) if h < 1 else -math.inf
        logs.append(log_l)
    top = max(logs)
    dens = [math.exp(v - top) for v in logs]
    simpson = [width / 3 * (1 if i in (0, points - 1) else 4 if i % 2 else 2) for i in range(points)]
    total = sum(d * w for d, w in zip(dens, simpson, strict=False))

    def expect(f):
        return sum(d * w * f(z) for z, d, w in zip(zs, dens, simpson, strict=False)) / total

    mean = expect(lambda z: z)
    cum, acc = [0.0], 0.0
    for i in range(1, points):
        acc += (dens[i - 1] + dens[i]) / 2 * width
        cum.append(acc)

    def draw(u: float) -> float:
        target = u * cum[-1]
        lo, hi = 0, points - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if cum[mid] < target else (lo, mid)
        frac = (target - cum[lo]) / (cum[hi] - cum[lo]) if cum[hi] > cum[lo] else 0.0
        return zs[lo] + frac * width

    return {
        "mean": mean,
        "sd": math.sqrt(expect(lambda z: (z - mean) ** 2)),
        "p_bad": expect(lambda z: z > 0.6744897501960817),
        "mean_q": expect(lambda z: math.exp(s * z - s * s / 2)),
        "draw": draw,
    }


def book_one_trial(
    contracts: list[dict],
    group_shocks: dict,
    capacity: int | None,
    rng,
    subcontractor_shocks: dict | None = None,
) -> list[float]:
    """NPV of each contract of a book in one trial (docs/model.md, "A book of contracts"), month by
    month with a Bernoulli draw for every hazard. ``contracts`` hold point values as for
    :func:`npv_one_trial` (the keys of "Trust over time" optional: a ramp, a trigger, a spread,
    each the contract's own) plus ``vendor``, ``group``, ``critical`` and ``spend`` and optionally
    ``subcontractors`` (a list of names); ``group_shocks`` maps a group to its chance per year,
    ``subcontractor_shocks`` a subcontractor to its chance per year of failing (which ends the
    first vendor's service of every contract that names it). A vendor has one quality score Z per
    trial, its contracts' first vendors' (each with its contract's spread, which a vendor's
    contracts share); its collapse hazard is min(1, h_v·Q_v), the rest of a first vendor's hazard
    the relationship's."""
    horizon = int(contracts[0]["horizon_months"])
    order = sorted(
        range(len(contracts)), key=lambda i: (not contracts[i]["critical"], -contracts[i]["spend"], i)
    )
    spread = {c["vendor"]: c.get("vendor_quality_spread", 0.0) for c in contracts}
    z_v = {v: rng.standard_normal() for v in spread}
    q_v = {v: math.exp(s * z_v[v] - s**2 / 2) for v, s in spread.items()}
    vendor_h = {
        c["vendor"]: min(1.0, (1 - (1 - c["vendor_failure_prob_annual"]) ** (1 / 12)) * q_v[c["vendor"]])
        for c in contracts
    }
    group_h = {g: 1 - (1 - p) ** (1 / 12) for g, p in group_shocks.items()}
    collapsed: dict[str, bool] = dict.fromkeys(vendor_h, False)
    shocked: dict[str, bool] = dict.fromkeys(group_h, False)
    sub_h = {s: 1 - (1 - p) ** (1 / 12) for s, p in (subcontractor_shocks or {}).items()}
    sub_failed: dict[str, bool] = dict.fromkeys(sub_h, False)
    slots = [0] * capacity if capacity else None  # the month each slot is free again
    state = [_book_contract(c, q_v[c["vendor"]]) for c in contracts]
    for t in range(1, horizon + 1):
        for g, hg in group_h.items():
            if not shocked[g] and rng.random() < hg:
                shocked[g] = True
        hit_now: set = set()
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
            _book_month(contracts[i], state[i], t, horizon, vendor_h, hit_now, slots, rng)
    return [s["npv"] for s in state]


def _book_contract(c: dict, quality: float) -> dict:
    eps = c["exit_readiness"]
    return {
        "mode": ACTIVE,
        "first": True,
        "start": 1,
        "left": 0,
        "leave_next": False,
        "vendor": _vendor(c, quality),
        "npv": -(c["transition_cost"] + eps * c["exit_plan_upfront_cost"]),
        "q": (1 + c["clarity_weight"] * (1 - c["goal_clarity"]))
        * (1 + c["selection_weight"] * (1 - c["selection_score"])),
        "switch": c["switching_cost"] * (1 - c["exit_cost_reduction"] * eps),
        "D": math.floor(c["switching_months"] * (1 - c["exit_time_reduction"] * eps) + 0.5),
    }


def _vendor(c: dict, quality: float) -> dict:
    return {"Q": quality, "trust": c["trust"], "served": 0, "bad_months": 0, "history": []}


def _book_month(c: dict, s: dict, t: int, horizon: int, vendor_h: dict, hit_now: set, slots, rng) -> None:
    """Month ``t`` of one contract of a book: a switch at its start (a voluntary exit decided last
    month, else a failure), its money, then the trigger and the milestone."""
    eps = c["exit_readiness"]
    spread = c.get("vendor_quality_spread", 0.0)
    k, window = int(c.get("exit_trigger_incidents", 0)), int(c.get("exit_trigger_window", 0))
    inhouse = c["inhouse_monthly_cost"] * (1 + c["inhouse_escalation_annual"]) ** ((t - 1) / 12)
    fee = c["vendor_monthly_fee"] * (1 + c["fee_escalation_annual"]) ** ((t - 1) / 12)
    saving = 0.0
    if s["mode"] == ACTIVE and (s["leave_next"] or t >= s["start"]):
        v, age = s["vendor"], t - s["start"] + 1
        creep = c["scope_creep_annual"] * c["creep_strain"]
        h0 = 1 - (1 - c["vendor_failure_prob_annual"]) ** (1 / 12)
        strain = 1 + c["tension_weight"] * (1 - v["trust"]) ** 2
        h = min(1.0, h0 * s["q"] * v["Q"] * strain * (1 + creep * (age - 1) / 12))
        if s["leave_next"]:
            switching = True
        elif s["first"]:  # the vendor's collapse, a subcontractor's failure, or the relationship's own part
            hv = vendor_h[c["vendor"]]
            rho = 1 - (1 - h) / (1 - hv) if hv < 1 else 1.0
            by_sub = any(("subcontractor", x) in hit_now for x in c.get("subcontractors", ()))
            switching = c["vendor"] in hit_now or by_sub or rng.random() < rho
        else:
            switching = rng.random() < h
        if switching:
            saving -= s["switch"]
            s["first"], s["leave_next"] = False, False
            wait = 0
            if slots is not None and s["D"] > 0:
                j = min(range(len(slots)), key=lambda x: (slots[x], x))
                begin = max(t, slots[j])
                wait, slots[j] = begin - t, begin + s["D"]
            length = wait + s["D"]
            if length > 0:
                s["mode"], s["left"] = DISRUPTED, length
            elif c["after_failure"] == "insource":
                s["mode"] = INHOUSE
            else:
                s["start"] = t + 1
                s["vendor"] = _vendor(c, _quality(spread, rng))
    if s["mode"] == ACTIVE:
        v = s["vendor"]
        tau = v["trust"]
        governance = c["governance_min"] + c["micromanagement_overhead"] * (1 - tau) ** 2
        rate = c["incident_rate_max"] * tau**2 * s["q"] * v["Q"]
        incidents = rng.poisson(rate) if rate > 0 else 0
        saving += inhouse - fee * (1 + governance) - eps * c["exit_plan_monthly_cost"]
        saving -= incidents * c["incident_cost"]
        if s["first"] and t <= c["transition_months"]:
            saving -= c["transition_overlap"] * inhouse
        v["history"].append(incidents)
        v["served"] += 1
        v["bad_months"] += incidents > 0
        if k > 0 and t < horizon and sum(v["history"][-window:]) >= k:
            s["leave_next"] = True
        if c.get("trust_policy", "fixed") == "ramp" and v["served"] % int(c.get("milestone_months", 3)) == 0:
            if v["bad_months"] == 0:
                v["trust"] = min(c["trust_ceiling"], tau + c["trust_step"])
            else:
                v["trust"] = max(0.0, tau - c["trust_cut"])
            v["bad_months"] = 0
    elif s["mode"] == DISRUPTED:
        saving -= inhouse * c["disruption_premium"]
        s["left"] -= 1
        if s["left"] == 0:
            if c["after_failure"] == "insource":
                s["mode"] = INHOUSE
            else:
                s["mode"], s["start"] = ACTIVE, t + 1
                s["vendor"] = _vendor(c, _quality(spread, rng))
    s["npv"] += (1 + c["discount_rate_annual"]) ** (-t / 12) * saving


def _quality(spread: float, rng) -> float:
    """A new vendor's quality multiplier Q = exp(s·Z − s²/2), Z drawn afresh (1 at s = 0)."""
    z = rng.standard_normal() if spread > 0 else 0.0
    return math.exp(spread * z - spread**2 / 2)
