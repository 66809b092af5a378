"""The rules of docs/model.md, section "A book of contracts": a vendor's collapse shared by its
contracts, each relationship's own part of the hazard, and the switching slots the contracts
compete for. :mod:`..portfolio` calls them; each contract's money is the single model's.
"""

from __future__ import annotations

import numpy as np

from ..distributions import centre
from .cash_flows import base_hazard

__all__ = [
    "annual_spend",
    "collapse_month",
    "collapse_rate",
    "quality_collapse_rate",
    "relationship_age",
    "switch_order",
    "take_slots",
]


def collapse_rate(prob_annual):
    """λ = −ln(1 − h) of the constant monthly hazard h = 1 − (1 − p)^(1/12) of an annual chance
    ``prob_annual``: the cumulative hazard of one month of a vendor's collapse (λ_v) or of a
    group's shock ("A book of contracts")."""
    with np.errstate(divide="ignore"):
        return -np.log1p(-np.asarray(prob_annual, dtype=float)) / 12


def quality_collapse_rate(prob_annual, quality):
    """λ_v = −ln(1 − min(1, h_v·Q_v)): a month of the collapse of a vendor whose quality multiplier
    is Q_v (its hazard h_v = 1 − (1 − p)^(1/12) times Q_v, as "Trust over time" multiplies every
    vendor's hazard; "A book of contracts": trust over time in a book).

    >>> round(float(quality_collapse_rate(0.12, 2.0)), 6)
    0.02142
    """
    h = np.minimum(1.0, base_hazard(np.asarray(prob_annual, dtype=float)) * quality)
    with np.errstate(divide="ignore"):
        return -np.log1p(-h)


def collapse_month(e: np.ndarray, rate, horizon: int) -> np.ndarray:
    """The month of a collapse drawn from the exponential ``e``: the first month a whose
    cumulative hazard a·λ exceeds it, ⌊e/λ⌋ + 1; H + 1 (never) when that is past the horizon
    or λ = 0 ("A book of contracts": a vendor's collapse, a group's shock).

    >>> collapse_month(np.array([0.5, 5.0]), 0.1, 24).tolist()
    [6, 25]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.floor(e / rate) + 1
    return np.where(np.isfinite(a) & (a <= horizon), a, horizon + 1).astype(np.int64)


def relationship_age(cum: np.ndarray, prob_annual, e: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The first age a whose cumulative relationship hazard P(a) = Λ(a) − a·λ_v (the contract's
    cumulative hazard ``cum`` less its vendor's collapse, ``prob_annual`` its vendor's annual
    chance) exceeds ``e``: when the relationship breaks down on its own ("A book of contracts":
    a contract's first failure)."""
    rate = collapse_rate(prob_annual)
    if cum.ndim == 1 and np.ndim(rate) == 0:
        return np.searchsorted(cum - months * rate, e, side="right") + 1
    survival = cum if cum.ndim == 2 else np.exp(-cum)[None, :]
    with np.errstate(over="ignore", invalid="ignore"):
        relation = survival * np.exp(months * np.reshape(rate, (-1, 1)))
    relation = np.nan_to_num(relation, nan=0.0)
    return (relation >= np.exp(-e)[:, None]).sum(axis=1) + 1


def annual_spend(vendor_monthly_fee) -> float:
    """What a contract costs a year at its first-year fee: 12 × the fee, or 12 × its median when
    the fee is a distribution (its centre, :func:`~..distributions.centre`); it orders switches
    and weighs concentration ("A book of contracts")."""
    return 12 * float(centre(vendor_monthly_fee))


def switch_order(critical, spend) -> list[int]:
    """The order in which switches of one month take the free slots: critical contracts first,
    then the larger annual spend, then the table's order (contracts 0-based; "A book of
    contracts": switching capacity).

    >>> switch_order([False, True, False], [10.0, 5.0, 20.0])
    [1, 2, 0]
    """
    return sorted(range(len(critical)), key=lambda i: (not critical[i], -spend[i], i))


def take_slots(free: np.ndarray, idx: np.ndarray, month: int, length) -> np.ndarray:
    """Switches at the start of ``month`` of the trials ``idx`` (one contract), each needing a
    slot for ``length`` months (``free``: per trial, the month each of the firm's slots is free
    again; changed in place). Each takes the slot free soonest (the lowest-numbered on a tie) and
    starts when it is free; a switch of 0 months needs none ("A book of contracts": switching
    capacity). ``length``: one per trial of ``idx``.
    Returns the months each waits, W."""
    slot = free[idx].argmin(axis=1)
    ready = free[idx, slot]
    start = np.maximum(month, ready)
    busy = length > 0
    free[idx, slot] = np.where(busy, start + length, ready)
    return np.where(busy, start - month, 0).astype(np.int64)
