"""What every month of a block costs and saves, shared by the two engines of the model.

:mod:`.simulation` draws failures first and fills the months in bulk (the original model);
:mod:`.adaptive` walks month by month because trust, incidents and exits there depend on what
happened before (docs/model.md, "Trust over time"). Both take their money from here, so that the
same scenario costs the same in either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Terms", "at", "col", "discounted", "extra_incidents", "monthly_terms"]


def col(x):
    """A scalar stays a scalar; a per-trial array becomes a column that broadcasts over months."""
    return x[:, None] if np.ndim(x) == 1 else x


def at(x, idx):
    """The values of the trials ``idx`` (indices or a slice): a fixed parameter is the same for all."""
    return x[idx] if np.ndim(x) >= 1 else x


@dataclass
class Terms:
    """The month-by-month money of a block: scalars and (months,) arrays, or (trials, months)."""

    inhouse: np.ndarray  # in-house cost B_t of each month
    fee: np.ndarray  # vendor fee F_t of each month
    active_saving: np.ndarray  # saving of a month with the vendor at fixed trust, before incidents
    overlap: np.ndarray  # in-house cost still carried in the transition months
    disrupt_saving: np.ndarray  # saving (a loss) of a disruption month
    quality: float | np.ndarray  # multiplier of incidents and hazard from clarity and selection
    disruption: int | np.ndarray  # disruption months after a failure
    switch_cost: float | np.ndarray
    upfront: float | np.ndarray


def monthly_terms(p: dict, months: np.ndarray) -> Terms:
    """The money of months ``months`` (1..H) for the parameters ``p`` (docs/model.md, "Cash flows")."""
    years = (months - 1) / 12.0
    eps = p["exit_readiness"]
    inhouse = col(p["inhouse_monthly_cost"]) * (1 + col(p["inhouse_escalation_annual"])) ** years
    fee = col(p["vendor_monthly_fee"]) * (1 + col(p["fee_escalation_annual"])) ** years
    governance = p["governance_min"] + p["micromanagement_overhead"] * (1 - p["trust"]) ** 2
    overlap = (months <= col(p["transition_months"])) * (inhouse * col(p["transition_overlap"]))
    disruption = np.floor(np.asarray(p["switching_months"]) * (1 - p["exit_time_reduction"] * eps) + 0.5)
    clarity = 1 + p["clarity_weight"] * (1 - p["goal_clarity"])
    return Terms(
        inhouse=inhouse,
        fee=fee,
        active_saving=inhouse
        - fee * (1 + col(governance))
        - col(eps * p["exit_plan_monthly_cost"])
        - overlap,
        overlap=overlap,
        disrupt_saving=-inhouse * col(p["disruption_premium"]),
        quality=clarity * (1 + p["selection_weight"] * (1 - p["selection_score"])),
        disruption=disruption.astype(np.int64) if disruption.ndim else int(disruption),
        switch_cost=p["switching_cost"] * (1 - p["exit_cost_reduction"] * eps),
        upfront=p["transition_cost"] + eps * p["exit_plan_upfront_cost"],
    )


#: Above this rate a month's incident count is read from scipy's Poisson inverse CDF: the term
#: by term sum below would need hundreds of steps, and exp(-rate) underflows past ~745.
_DIRECT_RATE = 30.0


def extra_incidents(u, lam, cdf, term):
    """Incidents beyond the first, continuing the Poisson inverse CDF from P(N ≤ 1).

    The count is the smallest k with P(N ≤ k) ≥ u, the same inverse transform at every rate.
    """
    count = np.zeros(u.size)
    lam = np.broadcast_to(lam, u.shape)
    high = lam > _DIRECT_RATE
    if high.any():
        from scipy import stats

        count[high] = stats.poisson.ppf(u[high], lam[high]) - 1
        keep = ~high
        u, lam, count_low = u[keep], lam[keep], count[keep]
        cdf, term = np.broadcast_to(cdf, keep.shape)[keep], np.broadcast_to(term, keep.shape)[keep]
    else:
        keep, count_low = None, count
    k = 1
    more = np.ones(u.size, dtype=bool)
    while more.any():
        count_low += more
        k += 1
        term = term * lam / k
        cdf = cdf + term
        more &= u > cdf
    if keep is not None:
        count[keep] = count_low
    return count


def discounted(s: np.ndarray, p: dict, months: np.ndarray, upfront) -> np.ndarray:
    """The NPV of each trial's monthly savings ``s`` (trials, months), less the up-front costs."""
    discount = (1 + col(p["discount_rate_annual"])) ** (-months / 12.0)
    npv = (s @ discount if np.ndim(discount) == 1 else np.einsum("ij,ij->i", s, discount)) - upfront
    return np.broadcast_to(npv, (s.shape[0],)).astype(float)
