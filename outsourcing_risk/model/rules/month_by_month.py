"""The rules of docs/model.md, section "Month by month, exactly": when a vendor fails, who serves
after a switch, how a month's incidents are counted, and how the months become the NPV and the
cumulative savings path. Each one function, for every engine (see :mod:`.cash_flows`).
"""

from __future__ import annotations

import numpy as np

from .cash_flows import base_hazard, col, creep, discount_factors, hazard, hazard_level

__all__ = [
    "extra_incidents",
    "failure_age",
    "finish",
    "hazard_curve",
    "hazard_increment",
    "incident_count",
    "poisson_terms",
    "replacement_start",
]


def hazard_increment(h):
    """−ln(1 − h): what a month of hazard h adds to the cumulative hazard Λ (infinite at h = 1;
    "Month by month, exactly": failure at the start of a month)."""
    with np.errstate(divide="ignore"):
        return -np.log1p(-h)


def hazard_curve(p: dict, quality_, months: np.ndarray) -> np.ndarray:
    """By age a of a vendor (``months`` = 1..H) at the scenario's trust, for the parameters ``p``:
    the cumulative hazard Λ(a) (months,) when it is the same for every trial; otherwise each trial's
    survival curve exp(−Λ(a)) = Π(1 − h_i) (trials, months), far cheaper than n x H logs ("Month by
    month, exactly": failure at the start of a month)."""
    level = hazard_level(
        base_hazard(p["vendor_failure_prob_annual"]), quality_, p["trust"], p["tension_weight"]
    )
    h = hazard(col(level), col(creep(p["scope_creep_annual"], p["creep_strain"])), months)
    if h.ndim == 1:
        return np.cumsum(hazard_increment(h))
    np.subtract(1.0, h, out=h)
    return np.cumprod(h, axis=1, out=h)


def failure_age(cum_hazard: np.ndarray, e: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The age at which vendors fail: the first age a whose cumulative hazard Λ(a) exceeds their
    exponential ``e`` (one per trial of ``rows``), so that a vendor serves age a with probability
    Π(1 − h_i) exactly; past the horizon when none does. ``cum_hazard`` as :func:`hazard_curve`
    gives it ("Month by month, exactly": failure at the start of a month)."""
    if cum_hazard.ndim == 2:  # survival S(a) here: Λ(a) ≤ E  ⇔  S(a) ≥ exp(-E)
        return (cum_hazard[rows] >= np.exp(-e)[:, None]).sum(axis=1) + 1
    return np.searchsorted(cum_hazard, e, side="right") + 1


def replacement_start(month, length):
    """The month in which the next vendor's age is 1, after a switch at the start of ``month``
    followed by ``length`` months without a vendor: ``month + length``, or ``month + 1`` when
    ``length`` is 0 (the instant replacement serves month K itself but cannot fail in it: at most
    one switch a month; "Month by month, exactly")."""
    return month + np.maximum(length, 1)


def poisson_terms(rate):
    """P(N = 0), P(N ≤ 1) and P(N = 1) of a Poisson count of mean ``rate``: where the inverse
    transform of a month's uniform starts (see :func:`incident_count`; "Month by month, exactly":
    incidents of a month)."""
    p0 = np.exp(-rate)
    return p0, p0 * (1 + rate), p0 * rate


#: Above this rate a month's incident count is read from scipy's Poisson inverse CDF: the term
#: by term sum below would need hundreds of steps, and exp(-rate) underflows past ~745.
_DIRECT_RATE = 30.0


def extra_incidents(u, lam, cdf, term):
    """Incidents beyond the first, continuing the Poisson inverse CDF from P(N ≤ 1) (``cdf``, with
    ``term`` = P(N = 1)): for the uniforms ``u`` above P(N ≤ 1), the smallest k with
    P(N ≤ k) ≥ u, less 1. The same inverse transform at every rate ("Month by month, exactly":
    incidents of a month)."""
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


def incident_count(u, rate, p0, cdf1, term1):
    """A month's incidents from its uniform ``u``: the smallest k with P(N ≤ k) ≥ u for N ~
    Poisson(``rate``) ("Uncertainty and random numbers": an incident count is the Poisson inverse
    CDF of a fixed uniform); ``p0``, ``cdf1``, ``term1`` from :func:`poisson_terms`. A ``p0`` above
    every uniform (2, say) gives none. The bulk engine applies the same two steps in place."""
    count = np.greater(u, p0, out=np.empty(np.shape(u)))  # 1.0 for at least one, in one pass
    several = u > cdf1
    if several.any():  # two or more: rare
        multi = np.flatnonzero(several)
        count[multi] = 1 + extra_incidents(u[multi], rate[multi], cdf1[multi], term1[multi])
    return count


def finish(s: np.ndarray, discount_rate_annual, months: np.ndarray, upfront) -> np.ndarray:
    """The NPV of each trial, Σ d^t s_t − up-front costs, from its monthly savings ``s`` (trials,
    months); ``s`` becomes the cumulative savings path in place, nominal, the up-front costs
    counted from month 1 on ("Month by month, exactly": NPV, cumulative savings path)."""
    discount = discount_factors(discount_rate_annual, months)
    npv = (s @ discount if np.ndim(discount) == 1 else np.einsum("ij,ij->i", s, discount)) - upfront
    npv = np.broadcast_to(npv, (s.shape[0],)).astype(float)
    s[:, 0] -= upfront
    np.cumsum(s, axis=1, out=s)
    return npv
