"""The rules of docs/model.md, section "Cash flows": each one function, for every engine.

Each rule takes numbers or arrays. The bulk engine (:mod:`..simulation`) calls a rule once for a
whole block, its per-trial values as columns (:func:`col`) against the months; the month-by-month
engine (:mod:`..adaptive`) calls it month by month, its per-trial values flat; the closed form and
the sweeps call it with numbers. Arguments named like a scenario parameter take that parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Terms",
    "at",
    "base_hazard",
    "calendar",
    "col",
    "creep",
    "discount_factors",
    "disruption_months",
    "disruption_saving",
    "escalated",
    "governance_factor",
    "hazard",
    "hazard_level",
    "incident_loss",
    "incident_rate",
    "monthly_terms",
    "quality",
    "switching_cost",
    "transition_overlap",
    "upfront",
    "vendor_month",
    "vendor_upkeep",
    "whole_months",
]


def col(x):
    """A scalar stays a scalar; a per-trial array becomes a column that broadcasts over months."""
    return x[:, None] if np.ndim(x) == 1 else x


def at(x, idx):
    """The values of the trials ``idx`` (indices or a slice): a fixed parameter is the same for all."""
    return x[idx] if np.ndim(x) >= 1 else x


def calendar(horizon_months: int) -> np.ndarray:
    """The months t = 1..H ("Cash flows": month t = 1..H)."""
    return np.arange(1, horizon_months + 1)


def escalated(amount, annual_growth, months):
    """B_t or F_t: ``amount``·(1 + ``annual_growth``)^((t − 1)/12), by calendar month t ("Cash
    flows"; "Month by month, exactly": escalation follows the calendar, for every vendor).

    >>> float(escalated(100.0, 0.1, np.array([13]))[0])
    110.00000000000001
    """
    return col(amount) * (1 + col(annual_growth)) ** ((months - 1) / 12.0)


def governance_factor(governance_min, micromanagement_overhead, trust):
    """1 + G_t/F_t, what a month of the fee costs with its governance per unit of fee: governance
    is the share ``governance_min`` + ``micromanagement_overhead``·(1 − τ)² of the fee ("Cash
    flows"; with the trust in force, "Trust over time").

    >>> float(governance_factor(0.03, 0.12, 0.5))
    1.06
    """
    return 1 + (governance_min + micromanagement_overhead * (1 - trust) ** 2)


def vendor_upkeep(exit_readiness, exit_plan_monthly_cost):
    """What a month with a vendor costs besides its fee, governance and incidents: the exit
    plan's upkeep ε·``exit_plan_monthly_cost`` ("Cash flows"). A new cost of every month with a
    vendor belongs here, so that both engines pay it."""
    return exit_readiness * exit_plan_monthly_cost


def vendor_month(inhouse, fee, fee_factor, upkeep, out=None):
    """The saving of a month with a vendor (any vendor) before incidents and the transition:
    B_t − F_t·(1 + G_t/F_t) − upkeep, ``fee_factor`` from :func:`governance_factor` ("Month by
    month, exactly": a month with a vendor). Months, factor and upkeep shaped alike (columns
    against months, or one month's trials); ``out``: an array to write it into (the month-by-month
    engine's row).

    >>> float(vendor_month(100.0, 50.0, 1.5, 2.0))
    23.0
    """
    if out is None:
        saving = inhouse - fee * fee_factor
    else:
        saving = np.multiply(fee, fee_factor, out=out)
        np.subtract(inhouse, saving, out=saving)
    if isinstance(upkeep, np.ndarray) or upkeep != 0:  # x − 0 is x: the same number either way
        saving = np.subtract(saving, upkeep, out=out)
    return saving


def transition_overlap(inhouse, months, transition_months, transition_overlap):
    """``transition_overlap``·B_t in the calendar months 1..``transition_months`` (0 after), charged
    while the **first** vendor serves ("Cash flows"; who carries it: "Month by month, exactly")."""
    return (months <= col(transition_months)) * (inhouse * col(transition_overlap))


def quality(clarity_weight, goal_clarity, selection_weight, selection_score):
    """q = (1 + ``clarity_weight``(1 − κ))·(1 + ``selection_weight``(1 − σ)): how unclear goals
    and a weak selection multiply the incident rate and the hazard ("Cash flows")."""
    return (1 + clarity_weight * (1 - goal_clarity)) * (1 + selection_weight * (1 - selection_score))


def incident_rate(incident_rate_max, trust, quality_, multiplier=None):
    """λ = ``incident_rate_max``·τ²·q (·Q, the vendor's own quality, under "Trust over time"):
    incidents a month with a vendor, Poisson ("Cash flows")."""
    rate = incident_rate_max * trust**2 * quality_
    return rate if multiplier is None else rate * multiplier


def incident_loss(incidents, incident_cost):
    """What a month's incidents cost: N_t·``incident_cost`` ("Month by month, exactly"; with N_t
    at its mean λ in the closed form). The bulk engine subtracts the same product in place, one
    incident and then the rest (:func:`~.month_by_month.incident_count`)."""
    return incidents * incident_cost


def base_hazard(vendor_failure_prob_annual):
    """h0 = 1 − (1 − ``vendor_failure_prob_annual``)^(1/12), the monthly hazard of a well-run
    relationship ("Cash flows"), computed as −expm1(log1p(−p)/12): exact for small p."""
    with np.errstate(divide="ignore"):
        return -np.expm1(np.log1p(-vendor_failure_prob_annual) / 12)


def creep(scope_creep_annual, creep_strain):
    """How fast the hazard grows with the relationship's age: ``scope_creep_annual``·``creep_strain``
    a year ("Cash flows")."""
    return scope_creep_annual * creep_strain


def hazard_level(h0, quality_, trust, tension_weight, multiplier=None):
    """The hazard before scope creep: h0·q·Q·(1 + ``tension_weight``(1 − τ)²), Q the vendor's
    own quality (omitted: 1). With :func:`hazard`, the rule h_a of "Cash flows" and "Trust over
    time" (τ the trust in force that month)."""
    level = h0 * quality_ if multiplier is None else h0 * quality_ * multiplier
    return level * (1 + tension_weight * (1 - trust) ** 2)


def hazard(level, creep_, month, age_one=1):
    """h_a = min(1, level·(1 + creep·(a − 1)/12)) in calendar month ``month`` of a vendor whose age
    a is 1 in month ``age_one`` (so a − 1 = month − age_one; the first vendor's age is the month):
    the monthly hazard of "Cash flows", ``level`` from :func:`hazard_level`, ``creep_`` from
    :func:`creep`.

    >>> round(float(hazard(0.01, 0.1, 13)), 12), float(hazard(0.5, 1.0, 30, age_one=6))
    (0.011, 1.0)
    """
    return np.minimum(1.0, level * (1 + creep_ * (month - age_one) / 12.0))


def switching_cost(switching_cost, exit_cost_reduction, exit_readiness):
    """S = ``switching_cost``·(1 − ``exit_cost_reduction``·ε): paid in the month of every switch
    ("Cash flows")."""
    return switching_cost * (1 - exit_cost_reduction * exit_readiness)


def disruption_months(switching_months, exit_time_reduction, exit_readiness):
    """D = ⌊``switching_months``·(1 − ``exit_time_reduction``·ε) + ½⌋, half up ("Cash flows",
    "Month by month, exactly"): a whole number, or whole numbers per trial.

    >>> disruption_months(5, 0.5, 1.0)
    3
    """
    d = np.floor(np.asarray(switching_months) * (1 - exit_time_reduction * exit_readiness) + 0.5)
    return d.astype(np.int64) if d.ndim else int(d)


def whole_months(value):
    """A draw of a whole-month parameter (``transition_months``, ``switching_months``) rounded half
    up, before anything else uses it ("Uncertainty and random numbers").

    >>> whole_months(np.array([2.5, 2.49])).tolist()
    [3.0, 2.0]
    """
    return np.floor(value + 0.5)


def disruption_saving(inhouse, disruption_premium):
    """The saving of a disruption month, a loss: −B_t·``disruption_premium`` (the business pays
    B_t·(1 + π) for emergency cover instead of B_t; "Month by month, exactly")."""
    return -inhouse * col(disruption_premium)


def upfront(transition_cost, exit_readiness, exit_plan_upfront_cost):
    """The up-front costs at t = 0, not discounted: ``transition_cost`` + ε·``exit_plan_upfront_cost``
    ("Cash flows"), paid once, never again for a replacement."""
    return transition_cost + exit_readiness * exit_plan_upfront_cost


def discount_factors(discount_rate_annual, months):
    """d^t = (1 + r)^(−t/12) for each month t ("Month by month, exactly": months and money)."""
    return (1 + col(discount_rate_annual)) ** (-months / 12.0)


@dataclass
class Terms:
    """The month-by-month money of a block: scalars and (months,) arrays, or (trials, months)."""

    inhouse: np.ndarray  # in-house cost B_t of each month
    fee: np.ndarray  # vendor fee F_t of each month
    active_saving: np.ndarray  # saving of a month with the first vendor at fixed trust, before incidents
    overlap: np.ndarray  # in-house cost still carried in the transition months
    disrupt_saving: np.ndarray  # saving (a loss) of a disruption month
    quality: float | np.ndarray  # q: multiplier of incidents and hazard from clarity and selection
    disruption: int | np.ndarray  # D: disruption months after a switch
    switch_cost: float | np.ndarray  # S
    upfront: float | np.ndarray
    upkeep: float | np.ndarray  # the exit plan's upkeep of a month with a vendor


def monthly_terms(p: dict, months: np.ndarray) -> Terms:
    """The rules of "Cash flows" for the parameters ``p`` (numbers, or arrays of one value per
    trial) over ``months`` (1..H), the first vendor's months at the scenario's trust."""
    eps = p["exit_readiness"]
    inhouse = escalated(p["inhouse_monthly_cost"], p["inhouse_escalation_annual"], months)
    fee = escalated(p["vendor_monthly_fee"], p["fee_escalation_annual"], months)
    factor = governance_factor(p["governance_min"], p["micromanagement_overhead"], p["trust"])
    overlap = transition_overlap(inhouse, months, p["transition_months"], p["transition_overlap"])
    upkeep = vendor_upkeep(eps, p["exit_plan_monthly_cost"])
    return Terms(
        inhouse=inhouse,
        fee=fee,
        active_saving=vendor_month(inhouse, fee, col(factor), col(upkeep)) - overlap,
        overlap=overlap,
        disrupt_saving=disruption_saving(inhouse, p["disruption_premium"]),
        quality=quality(p["clarity_weight"], p["goal_clarity"], p["selection_weight"], p["selection_score"]),
        disruption=disruption_months(p["switching_months"], p["exit_time_reduction"], eps),
        switch_cost=switching_cost(p["switching_cost"], p["exit_cost_reduction"], eps),
        upfront=upfront(p["transition_cost"], eps, p["exit_plan_upfront_cost"]),
        upkeep=upkeep,
    )
