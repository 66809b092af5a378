"""The rules of docs/model.md, section "Trust over time": an unknown vendor's quality, the trust
ramp's milestones and the exit trigger. The month-by-month engine (:mod:`..adaptive`) calls them;
the money, incidents and hazard of each month are the rules of :mod:`.cash_flows` with the trust
in force and the vendor's quality.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BAD_QUALITY",
    "is_bad",
    "is_good",
    "milestone_reached",
    "milestone_trust",
    "record_log_likelihood",
    "trigger_fires",
    "vendor_quality",
    "window_incidents",
]

#: A vendor is "bad" when its quality's normal score is above this: the worst quarter,
#: Φ⁻¹(0.75). "Good" is better than the median: a score below 0.
BAD_QUALITY = 0.6744897501960817


def vendor_quality(vendor_quality_spread, z):
    """Q = exp(s·Z − s²/2), a vendor's own multiplier on its incident rate and hazard from its
    normal score Z: mean 1 whatever the spread s, exactly 1 at s = 0 ("Trust over time": an
    unknown vendor).

    >>> float(vendor_quality(0.0, 1.7))
    1.0
    """
    return np.exp(vendor_quality_spread * z - vendor_quality_spread**2 / 2)


def is_good(z):
    """A vendor better than the median vendor: Z < 0 (meaningful only where vendors differ;
    "Trust over time": an unknown vendor)."""
    return z < 0


def is_bad(z):
    """A vendor of the worst quarter: Z > Φ⁻¹(0.75) (meaningful only where vendors differ;
    "Trust over time": an unknown vendor)."""
    return z > BAD_QUALITY


def milestone_reached(due, serving, milestone_months):
    """One more month of service for the trials ``serving`` (booleans): the trials (indices) that
    end a milestone with it. Milestone j is judged at the end of the vendor's service month j·M,
    M = ``milestone_months``; ``due`` (integers, changed in place) counts each trial's months of
    service left until its next milestone: M when a vendor is signed, M again after a milestone.
    Months without a vendor count towards none ("Trust over time": milestones).

    >>> due = np.array([1, 2, 1])
    >>> milestone_reached(due, np.array([True, True, False]), 3).tolist(), due.tolist()
    ([0], [3, 1, 1])
    """
    due -= serving
    judged = np.flatnonzero(due == 0)
    due[judged] = milestone_months
    return judged


def milestone_trust(trust, clean, trust_step, trust_cut, trust_ceiling):
    """The trust after a milestone: min(``trust_ceiling``, τ + ``trust_step``) when it saw no
    incident (``clean``), max(0, τ − ``trust_cut``) otherwise; in force from the next month
    ("Trust over time": a trust policy).

    >>> milestone_trust(np.array([0.5, 0.5]), np.array([True, False]), 0.1, 0.2, 0.55).tolist()
    [0.55, 0.3]
    """
    return np.where(clean, np.minimum(trust_ceiling, trust + trust_step), np.maximum(0.0, trust - trust_cut))


def window_incidents(counted, month: int, exit_trigger_window: int, signed_at):
    """The incidents of the vendor serving month t in calendar months max(t − w + 1, its first
    month)..t, w = ``exit_trigger_window``: ``counted`` holds each trial's incidents up to the end
    of every month (row m for month m, row 0 none), ``signed_at`` each trial's count when its
    vendor was signed, so a previous vendor's incidents count nothing ("Trust over time": the
    trigger's window)."""
    return counted[month] - np.maximum(counted[max(month - exit_trigger_window, 0)], signed_at)


def trigger_fires(recent, exit_trigger_incidents, month: int, horizon: int):
    """Whether the firm leaves the vendor at the start of month t + 1: at least
    ``exit_trigger_incidents`` incidents in the window at the end of month t, and t < H (none is
    decided at the end of the horizon; "Trust over time": an exit trigger)."""
    if month >= horizon:
        return np.zeros(np.shape(recent), dtype=bool)
    return recent >= exit_trigger_incidents


def record_log_likelihood(z, vendor_quality_spread, incidents, exposure, hazards):
    """log L(z) of a vendor's record, less the terms without z: N·(s·z − s²/2) − Q·Λ +
    Σ_a ln(1 − min(1, Q·h_a)), with N = ``incidents`` (the total), Λ = ``exposure`` (the incident
    rates at Q = 1 of the months served, summed) and h_a = ``hazards`` (each month's hazard at
    Q = 1, the trust of that month in it). −inf where the vendor could not have survived
    (Q·h_a ≥ 1). ``z`` a number or an array ("Trust over time": a vendor's record).

    >>> round(float(record_log_likelihood(0.5, 1.0, 2, 1.5, np.array([0.01, 0.01]))), 6)
    -1.520101
    """
    z = np.asarray(z, dtype=float)
    q = vendor_quality(vendor_quality_spread, z)
    log_l = incidents * (vendor_quality_spread * z - vendor_quality_spread**2 / 2) - q * exposure
    h = np.asarray(hazards, dtype=float)
    if h.size:
        risk = np.minimum(1.0, np.multiply.outer(q, h))
        with np.errstate(divide="ignore"):
            log_l = log_l + np.log1p(-risk).sum(axis=-1)
    return log_l
