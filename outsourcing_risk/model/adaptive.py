"""The month-by-month engine of "Trust over time" (docs/model.md): an unknown vendor, a trust ramp
by milestones and an exit trigger.

Here trust, and with it incidents, governance and the failure hazard, depends on what each trial
has seen so far, so the block walks the months in order, every step an array operation over the
trials. It draws the same random numbers as :mod:`.simulation` for the same purposes (one
exponential per trial and vendor for failures, one uniform per trial and month for incidents)
and one standard normal per trial and vendor from a stream of its own for the vendor's quality;
so a ramp that never moves and a trigger that never fires give the original model's trials.
Every rule of the spec comes from :mod:`.rules`; this module only walks them through the months.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .rules import (
    BAD_QUALITY,
    at,
    base_hazard,
    calendar,
    creep,
    finish,
    governance_factor,
    hazard,
    hazard_increment,
    hazard_level,
    incident_count,
    incident_loss,
    incident_rate,
    is_bad,
    is_good,
    milestone_reached,
    milestone_trust,
    monthly_terms,
    poisson_terms,
    replacement_start,
    trigger_fires,
    vendor_month,
    vendor_quality,
    window_incidents,
)

__all__ = [
    "BAD_QUALITY",
    "AdaptiveBlock",
    "BookHooks",
    "Review",
    "adaptive_months",
    "simulate_adaptive_block",
]

#: P(N = 0) of a trial without a vendor: above every uniform, so it has no incidents.
_NEVER = 2.0


@dataclass
class AdaptiveBlock:
    npv: np.ndarray
    first_failure: np.ndarray
    switches: np.ndarray
    switching_spend: np.ndarray
    upfront: np.ndarray
    events: list  # (trial indices, months) of each month's failures
    exit_events: list  # (trial indices, months) of each month's voluntary exits
    exits: np.ndarray  # voluntary exits per trial
    left_good: np.ndarray  # a voluntary exit left a vendor better than the median
    kept_bad: np.ndarray  # the vendor of month H is in the worst quarter
    first_quality: np.ndarray  # the normal score of the first vendor's quality
    trust: np.ndarray  # (trials, months) trust in each month with a vendor, NaN otherwise


@dataclass(frozen=True)
class Review:
    """Where a block starts instead of month 1 (docs/model.md, "Stay or leave at a review"): the
    first vendor has served months 1..``months`` and the block simulates months m + 1..H only
    (the months before save 0, with no up-front costs). ``z``: the vendor's quality score per
    trial; ``trust``: its trust from month m + 1; ``due`` and ``since``: the months of service to
    its next milestone and its incidents since the last one; ``leave``: the firm leaves it at the
    start of month m + 1. Its exponential E is the failure stream's first, as for any first
    vendor: given that it survived, what is left of it is again Exp(1)."""

    months: int
    z: np.ndarray
    trust: float
    due: int
    since: float
    leave: bool


@dataclass
class BookHooks:
    """What a book of contracts shares with one contract under "Trust over time" (docs/model.md,
    "A book of contracts": trust over time in a book). All optional: without them the contract is
    the single model.

    - ``first_z``: the first vendor's normal score, the vendor's own (shared by its contracts), in
      place of the contract's own first draw (which is still drawn).
    - ``forced``: per trial, the month the first vendor's service ends whatever its relationship
      (its collapse, its group's, a subcontractor's; H + 1: never).
    - ``rate``: per trial, the first vendor's collapse part of the hazard, λ_v, taken off its
      cumulative hazard month by month, so that the rest is the relationship's own part.
    - ``slots``: ``slots(idx, month, d)`` -> the months each switch waits for a free transition.
    - ``switches``: filled with (trials, month, W + D) of every switch, failure or exit.
    """

    first_z: np.ndarray | None = None
    forced: np.ndarray | None = None
    rate: np.ndarray | None = None
    slots: Callable[[np.ndarray, int, np.ndarray], np.ndarray] | None = None
    switches: list = field(default_factory=list)


class _Vendors:
    """Each vendor's fixed random numbers, drawn generation by generation as trials reach them:
    generation g's exponentials are the g-th ``standard_exponential(n)`` of the failure stream, as
    in the original engine; its quality scores the g-th ``standard_normal(n)`` of the quality stream."""

    def __init__(self, n: int, rng_fail, rng_quality):
        self.n, self.rng_fail, self.rng_quality = n, rng_fail, rng_quality
        self.exponential = np.empty((0, n))
        self.normal = np.empty((0, n))

    def draws(self, generation: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The exponentials and quality scores of the vendors ``generation`` of trials ``idx``."""
        have, need = self.exponential.shape[0], int(generation.max(initial=0)) + 1
        if need > have:
            more = max(need, 2 * have) - have
            e = [self.rng_fail.standard_exponential(self.n) for _ in range(more)]
            z = [self.rng_quality.standard_normal(self.n) for _ in range(more)]
            self.exponential = np.vstack([self.exponential, *e])
            self.normal = np.vstack([self.normal, *z])
        return self.exponential[generation, idx], self.normal[generation, idx]


def _month(x, c: int):
    """Month ``c`` (0-based) of a (months,) or (trials, months) array."""
    return x[:, c] if np.ndim(x) == 2 else x[c]


def simulate_adaptive_block(
    scenario, p: dict, n: int, rng_fail, rng_inc, rng_quality, out, review: Review | None = None
) -> AdaptiveBlock:
    """One block of ``n`` trials under the rules of "Trust over time"; the cumulative savings path
    is written into ``out`` (trials, months). ``review``: start at a review instead (:class:`Review`)."""
    months = adaptive_months(scenario, p, n, rng_fail, rng_inc, rng_quality, out, review)
    while True:
        try:
            next(months)
        except StopIteration as done:
            return done.value


def adaptive_months(
    scenario,
    p: dict,
    n: int,
    rng_fail,
    rng_inc,
    rng_quality,
    out,
    review: Review | None = None,
    hooks: BookHooks | None = None,
):
    """:func:`simulate_adaptive_block` month by month: a generator that yields after each month
    (a book steps its contracts' months in turn, so that their switches meet in the transition
    slots in order) and returns the :class:`AdaptiveBlock`. ``review``: start at a review
    (:class:`Review`); ``hooks``: what a book shares (:class:`BookHooks`).

    What depends on a trial's trust and vendor (the hazard's level, the incident rate and its
    Poisson terms, governance) is kept per trial and recomputed only for the trials whose trust or
    vendor changed: at a milestone or a signing. Each month then costs a few comparisons.
    """
    horizon = scenario.horizon_months
    months = calendar(horizon)
    t = monthly_terms(p, months)
    replace = scenario.after_failure == "replace"
    ramp = scenario.trust_policy == "ramp"
    k, window = scenario.exit_trigger_incidents, scenario.exit_trigger_window
    start, step, cut = p["trust"], p["trust_step"], p["trust_cut"]
    ceiling, milestone = p["trust_ceiling"], p["milestone_months"]
    spread = p["vendor_quality_spread"]
    h0 = base_hazard(p["vendor_failure_prob_annual"])
    growth = creep(p["scope_creep_annual"], p["creep_strain"])
    ageless = np.ndim(growth) == 0 and growth == 0  # the hazard does not grow with the vendor's age
    upkeep = t.upkeep
    cost = p["incident_cost"]
    disruption = np.broadcast_to(t.disruption, (n,))
    switch_cost = np.broadcast_to(t.switch_cost, (n,)).astype(float)
    overlap_months = int(np.max(p["transition_months"]))

    # The incident uniforms, drawn as the original engine draws them (row by row), read month by
    # month; the savings are written month by month and put into ``out`` at the end.
    s = out
    rng_inc.random(out=s)
    uniforms = s.T.copy()  # month c's row holds its uniforms, then (step 3) its savings

    everyone = np.arange(n)
    vendors = _Vendors(n, rng_fail, rng_quality)
    active = np.ones(n, dtype=bool)  # a vendor serves the trial this month
    resume = np.zeros(n, dtype=np.int64)  # month in which a disruption ends (0: none)
    generation = np.zeros(n, dtype=np.int64)
    e, z = vendors.draws(generation, everyone)
    if hooks is not None and hooks.first_z is not None:
        z = np.array(hooks.first_z, dtype=float)  # the vendor's own score, shared by its contracts
    first_quality = z.copy()
    multiplier = vendor_quality(spread, z)  # mean 1; exactly 1 when the spread is 0
    trust = np.broadcast_to(np.asarray(start, dtype=float), (n,)).copy()
    cum_hazard = np.zeros(n)
    hazard_start = np.ones(n, dtype=np.int64)  # month in which the vendor's age is 1
    age_one = np.ones(n, dtype=np.int64)  # the same for the vendor signed after a switch
    due = np.full(n, milestone, dtype=np.int64)  # months of service until the next milestone
    milestone_incidents = np.zeros(n)
    first_vendor = np.ones(n, dtype=bool)
    exit_next = np.zeros(n, dtype=bool)
    # Incidents up to the end of each month (row m), and each trial's count when its vendor was
    # signed: the count is non-decreasing, so the current vendor's incidents in the window
    # ending in month m are counted[m] - max(counted[m - w], signed_at).
    counted = np.zeros((horizon + 1, n)) if k > 0 else None
    signed_at = np.zeros(n)

    # Per trial, what its trust and vendor make of the month (refreshed on a change).
    strain = np.empty(n)  # the hazard before scope creep
    hazard_term = np.empty(n)  # -ln(1 - hazard), when the hazard does not grow with age
    p0, cdf1, term1 = np.empty(n), np.empty(n), np.empty(n)  # P(N = 0), P(N ≤ 1), P(N = 1)
    fee_factor = np.empty(n)  # 1 + governance, per unit of fee
    rates = np.empty(n)

    def refresh(idx) -> None:
        if idx.size > n // 4:  # cheaper for every trial than through an index; the same values
            idx = slice(None)
        tr = trust[idx]
        strain[idx] = hazard_level(
            at(h0, idx), at(t.quality, idx), tr, at(p["tension_weight"], idx), multiplier[idx]
        )
        if ageless:
            hazard_term[idx] = hazard_increment(hazard(strain[idx], growth, 1))
        rate = incident_rate(at(p["incident_rate_max"], idx), tr, at(t.quality, idx), multiplier[idx])
        rates[idx] = rate
        p0[idx], cdf1[idx], term1[idx] = poisson_terms(rate)
        fee_factor[idx] = governance_factor(
            at(p["governance_min"], idx), at(p["micromanagement_overhead"], idx), tr
        )

    def sign(idx: np.ndarray, month: int) -> None:
        """A new vendor for trials ``idx``, serving from ``month``; its age is 1 as
        :func:`.rules.replacement_start` says (``age_one``, set when the last vendor left)."""
        generation[idx] += 1
        e[idx], z[idx] = vendors.draws(generation[idx], idx)
        multiplier[idx] = vendor_quality(at(spread, idx), z[idx])
        trust[idx] = at(start, idx)
        cum_hazard[idx] = 0.0
        hazard_start[idx] = age_one[idx]
        due[idx] = milestone
        milestone_incidents[idx] = 0.0
        if counted is not None:
            signed_at[idx] = counted[month - 1, idx]
        active[idx] = True
        refresh(idx)

    def leave(idx: np.ndarray, month: int) -> None:
        """The vendor of trials ``idx`` is gone at the start of ``month``: a disruption, then (or at
        once) the next vendor or the service back in-house."""
        active[idx] = False
        first_vendor[idx] = False
        p0[idx] = cdf1[idx] = _NEVER  # no vendor, no incidents (a new one refreshes them)
        d = disruption[idx]
        if hooks is not None:
            if hooks.slots is not None:
                d = d + hooks.slots(idx, month, d)  # W + D: waiting for a free transition first
            hooks.switches.append(
                (idx, np.full(idx.size, month, dtype=np.int64), np.asarray(d, dtype=np.int64))
            )
        age_one[idx] = replacement_start(month, d)
        waits = d > 0
        resume[idx[waits]] = month + d[waits]
        now = idx[~waits]
        if now.size:
            if replace:
                sign(now, month)
            else:
                pass  # in-house from now on: no vendor, no money

    if review is not None:
        z[:] = first_quality[:] = review.z
        multiplier = vendor_quality(spread, z)
        trust[:] = review.trust
        due[:] = review.due
        milestone_incidents[:] = review.since
        exit_next = np.full(n, review.leave)
        uniforms[: review.months] = 0.0  # the months before the review are not counted
        months = months[review.months :]
    refresh(everyone)
    first_failure = np.zeros(n, dtype=np.int64)
    switches = np.zeros(n, dtype=np.int64)
    exits = np.zeros(n, dtype=np.int64)
    spend = np.zeros(n)
    left_good = np.zeros(n, dtype=bool)
    trust_path = np.full((horizon, n), np.nan, dtype=np.float32)
    events, exit_events = [], []

    for m in months:
        c = m - 1
        # 1. A disruption that ended last month: the next vendor, or the service back in-house.
        ending = resume == m
        if ending.any():
            back = np.flatnonzero(ending)
            resume[back] = 0
            if replace:
                sign(back, m)
            else:
                pass
        # 2. Switches at the start of the month: an exit decided last month, else a failure.
        at_risk = active & (hazard_start <= m)
        leaving = exit_next
        if leaving.any():
            at_risk &= ~leaving
        term = hazard_term if ageless else hazard_increment(hazard(strain, growth, m, hazard_start))
        cum_hazard += np.where(at_risk, term, 0.0)
        if hooks is not None and hooks.rate is not None:  # the relationship's own part
            cum_hazard -= np.where(at_risk & first_vendor, hooks.rate, 0.0)
        failing = at_risk & (cum_hazard > e)
        if hooks is not None and hooks.forced is not None:  # the vendor's collapse, a shock
            failing |= at_risk & first_vendor & (hooks.forced == m)
        switching = failing | leaving
        switched = switching.any()
        if switched:
            idx = np.flatnonzero(switching)
            fail_idx, exit_idx = np.flatnonzero(failing), np.flatnonzero(leaving)
            if fail_idx.size:
                events.append((fail_idx, np.full(fail_idx.size, m, dtype=np.int64)))
                first_failure[fail_idx] = np.where(first_failure[fail_idx] == 0, m, first_failure[fail_idx])
            if exit_idx.size:
                exit_events.append((exit_idx, np.full(exit_idx.size, m, dtype=np.int64)))
                exits[exit_idx] += 1
                left_good[exit_idx] |= is_good(z[exit_idx])
            switches[idx] += 1
            spend[idx] += switch_cost[idx]
            leave(idx, m)
        # 3. The month's money.
        u = uniforms[c]
        incidents = incident_count(u, rates, p0, cdf1, term1)  # months without a vendor: p0 = 2, none
        row = u  # the uniforms are used: the row takes the month's savings
        vendor_month(_month(t.inhouse, c), _month(t.fee, c), fee_factor, upkeep, out=row)
        row -= incident_loss(incidents, cost)
        if c < overlap_months:
            row -= first_vendor * _month(t.overlap, c)
        everyone_served = active.all()
        if not everyone_served:
            elsewhere = np.where(resume > 0, _month(t.disrupt_saving, c), 0.0)  # disrupted, or in-house
            np.copyto(row, np.where(active, row, elsewhere))
        if switched:
            row[idx] -= switch_cost[idx]
        trust_path[c] = np.where(active, trust, np.nan) if not everyone_served else trust
        # 4. The month's end: the trigger and the milestone judged.
        if counted is not None:
            np.add(counted[c], incidents, out=counted[m])
            exit_next = trigger_fires(window_incidents(counted, m, window, signed_at), k, m, horizon) & active
        else:
            exit_next = np.zeros(n, dtype=bool) if switched else exit_next
        if ramp:
            milestone_incidents += incidents
            judged = milestone_reached(due, active, milestone)
            if judged.size:
                clean = milestone_incidents[judged] == 0
                trust[judged] = milestone_trust(trust[judged], clean, step, cut, at(ceiling, judged))
                milestone_incidents[judged] = 0.0
                refresh(judged)
        yield m

    kept_bad = active & is_bad(z)  # a vendor serves month H, and it is of the worst quarter
    s[...] = uniforms.T
    upfront = np.broadcast_to(t.upfront if review is None else 0.0, (n,)).astype(float)
    npv = finish(s, p["discount_rate_annual"], calendar(horizon), upfront)
    return AdaptiveBlock(
        npv=npv,
        first_failure=first_failure,
        switches=switches,
        switching_spend=spend,
        upfront=upfront,
        events=events,
        exit_events=exit_events,
        exits=exits,
        left_good=left_good,
        kept_bad=kept_bad,
        first_quality=first_quality,
        trust=trust_path.T,
    )
