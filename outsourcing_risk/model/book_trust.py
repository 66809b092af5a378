"""Trust over time in a book of contracts (docs/model.md, "A book of contracts": trust over time
in a book): a contract under a ramp, an exit trigger or vendors that differ runs the month-by-month
engine of "Trust over time" (:func:`~.adaptive.adaptive_months`), with what the book shares handed
in as :class:`~.adaptive.BookHooks`: its vendor's quality score (one per vendor and trial), the
month its first vendor's service ends whatever the relationship (the vendor's collapse, its group's
shock, a subcontractor's failure), the vendor's part of the hazard, and the switching slots.
"""

from __future__ import annotations

import functools

import numpy as np

from .adaptive import AdaptiveBlock, BookHooks, adaptive_months
from .rules import quality_collapse_rate, take_slots, vendor_quality
from .streams import generator

__all__ = ["AdaptiveRun", "start", "vendor_quality_draw"]


def vendor_quality_draw(seed: int, b: int, v_i: int, n: int, spread, prob) -> tuple[np.ndarray, np.ndarray]:
    """A shared vendor's normal score Z_v for each of the block's ``n`` trials (stream
    ``vendor_quality``) and the rate of its collapse, λ_v = −ln(1 − min(1, h_v·Q_v)) with
    Q_v = exp(s·Z_v − s²/2)."""
    z = generator(seed, "vendor_quality", block=b, vendor=v_i).standard_normal(n)
    return z, quality_collapse_rate(prob, vendor_quality(spread, z))


class AdaptiveRun:
    """One contract under trust over time, one block: its months stepped by the book (when the
    contracts compete for switching slots) or all at once (when they do not)."""

    def __init__(self, scenario, p: dict, n: int, c_seed: int, b: int, hooks: BookHooks) -> None:
        self.hooks = hooks
        self.path = np.empty((n, scenario.horizon_months))
        self.months = adaptive_months(
            scenario,
            p,
            n,
            generator(c_seed, "failures", block=b),
            generator(c_seed, "incidents", block=b),
            generator(c_seed, "quality", block=b),
            self.path,
            hooks=hooks,
        )
        self.block: AdaptiveBlock | None = None

    def step(self) -> None:
        """The next month (the last one keeps the engine's result)."""
        try:
            next(self.months)
        except StopIteration as done:
            self.block = done.value

    def run(self) -> None:
        """Every month left."""
        while self.block is None:
            self.step()

    def outcome(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """NPV per trial, first failure month per trial (0: none), and every switch's trial, month
        and length W + D (failures and voluntary exits)."""
        self.run()
        assert self.block is not None
        switches = self.hooks.switches
        empty = np.zeros(0, dtype=np.int64)
        idx = np.concatenate([empty, *(s[0] for s in switches)])
        when = np.concatenate([empty, *(s[1] for s in switches)])
        length = np.concatenate([empty, *(s[2] for s in switches)])
        return self.block.npv, self.block.first_failure, idx, when, length


def start(scenario, p: dict, n: int, c_seed: int, b: int, *, z=None, forced=None, rate=None, free=None):
    """An :class:`AdaptiveRun` with the book's hooks: the vendor's score ``z`` and collapse ``rate``
    (a shared vendor), the month ``forced`` its first vendor's service ends (H + 1: never), and the
    switching slots ``free`` (None: as many as needed)."""
    slots = functools.partial(take_slots, free) if free is not None else None
    return AdaptiveRun(scenario, p, n, c_seed, b, BookHooks(z, forced, rate, slots))
