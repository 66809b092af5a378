"""The Monte Carlo model of docs/model.md (``outsourcing-risk docs model``), vectorised over trials.

One block of trials is simulated at a time; within a block every step is an array operation over
``(trials,)`` or ``(trials, months)``. Vendor failures are drawn by inverse transform of the
cumulative hazard (one exponential per trial and vendor), so there is no loop over months. Every
rule of the spec comes from :mod:`.rules`; this module only arranges them over a block.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from ..io.environment import progress_disabled
from ..io.errors import check_seed, check_trials
from .adaptive import simulate_adaptive_block
from .parameters import PARAMETERS, spec
from .results import SimulationResult
from .rules import (
    at,
    calendar,
    col,
    extra_incidents,
    failure_age,
    finish,
    hazard_curve,
    incident_rate,
    monthly_terms,
    poisson_terms,
    replacement_start,
    whole_months,
)
from .sampling import BLOCK, Correlation, sample_parameters
from .scenario import Scenario, ScenarioError, did_you_mean
from .streams import fresh_seed, generator

__all__ = ["simulate", "simulate_inputs"]

_NUMERIC = frozenset(p.name for p in PARAMETERS)

#: Trials per pass over the incident draws: small enough for the CPU cache. Does not change results.
_CHUNK = 1_000
#: Below this many trial-months a run shows no progress bar unless asked (about 200,000 trials).
_PROGRESS_CELLS = 12_000_000


@dataclass
class _Block:
    npv: np.ndarray
    first_failure: np.ndarray
    switches: np.ndarray
    switching_spend: np.ndarray
    upfront: np.ndarray
    inputs: dict
    events: list  # (trial indices, failure months) per vendor generation
    adaptive: object = None  # the extra outcomes of "Trust over time" (adaptive.AdaptiveBlock)


def _failures(policy: str, n: int, horizon: int, cum_hazard, disruption, rng):
    """Failure events as (trial indices, failure months) per vendor generation."""
    alive = np.arange(n)
    hazard_start = np.ones(n, dtype=np.int64)  # month in which the current vendor's age is 1
    events = []
    while alive.size:
        e = rng.standard_exponential(n)[alive]  # always draw n: common random numbers per trial
        age = failure_age(cum_hazard, e, alive)
        month = hazard_start[alive] + age - 1
        fails = month <= horizon
        idx, month = alive[fails], month[fails]
        if idx.size == 0:
            break
        events.append((idx, month))
        if policy == "insource":
            break
        # The replacement serves from month + D; it cannot fail before the next month begins.
        hazard_start[idx] = replacement_start(month, at(disruption, idx))
        alive = idx[hazard_start[idx] <= horizon]
    return events


def _tally(events, n: int, switch_cost):
    """First failure month (0: none), number of switches and switching spend per trial."""
    first_failure = np.zeros(n, dtype=np.int64)
    switches = np.zeros(n, dtype=np.int64)
    spend = np.zeros(n)
    for idx, month in events:
        first_failure[idx] = np.where(first_failure[idx] == 0, month, first_failure[idx])
        switches[idx] += 1
        spend[idx] += at(switch_cost, idx)
    return first_failure, switches, spend


def _simulate_block(
    scenario: Scenario, p: dict, n: int, rng_fail, rng_inc, out_path, shared=None, b: int = 0
) -> _Block:
    """Block ``b`` of trials into ``out_path``. ``shared`` (a dict, see
    :func:`simulate_failure_levels`) keeps each block's monthly terms and months with the vendor
    (savings less incidents) for runs that differ only in the failure probability, which changes
    neither: the first run computes them, the others reuse them."""
    horizon = scenario.horizon_months
    months = calendar(horizon)
    kept = shared.get(b) if shared is not None else None
    t = monthly_terms(p, months) if kept is None else kept[0]
    cum_hazard = hazard_curve(p, t.quality, months)
    events = _failures(scenario.after_failure, n, horizon, cum_hazard, t.disruption, rng_fail)
    first_failure, switches, spend = _tally(events, n, t.switch_cost)

    # Savings by month, turned into the cumulative path in place at the end. Every month starts as
    # a month with the vendor; months after a failure are then overwritten, which also removes
    # the incidents drawn for them.
    s = out_path
    if kept is not None:
        s[...] = kept[1]
    else:
        active_months(s, t.active_saving, p, t.quality, rng_inc)
        if shared is not None:
            shared[b] = (t, s.copy())
    lengths = [at(t.disruption, idx) for idx, _ in events]
    npv = settle(scenario, p, t, s, events, lengths, first_failure)
    upfront = np.broadcast_to(t.upfront, (n,)).astype(float)
    inputs = {name: p[name] for name in scenario.uncertain}
    return _Block(npv, first_failure, switches, spend, upfront, inputs, events)


def settle(scenario: Scenario, p: dict, t, s: np.ndarray, events, lengths, first_failure) -> np.ndarray:
    """The NPV of each trial, once ``s`` holds every month as a month with the vendor (savings less
    incidents) and the failures are known: the first vendor's overlap given back from its failure
    on, the disruption months and switching costs of every event, the in-house months after an
    ``insource`` failure, discounting. ``events`` are (trial indices, failure months), ``lengths``
    the disruption months of each (a number or one per trial of the event). ``s`` becomes the
    cumulative savings path. Shared by :func:`simulate` and the book of contracts
    (:mod:`.portfolio`), so that a contract costs the same in either."""
    horizon = s.shape[1]
    months = calendar(horizon)
    _first_vendor_only(s, t.overlap, first_failure, p["transition_months"])
    if scenario.after_failure == "insource" and events:
        # In-house from the end of the disruption on: those months save nothing.
        back = np.full(s.shape[0], horizon)
        idx, month = events[0]
        back[idx] = month - 1 + lengths[0]
        s *= months <= back[:, None]
    flat = s.reshape(-1)
    for (idx, month), d in zip(events, lengths, strict=True):
        _disruptions(s, idx, month, d, t.disrupt_saving)
        flat[idx * horizon + month - 1] -= at(t.switch_cost, idx)

    return finish(s, p["discount_rate_annual"], months, t.upfront)


def _first_vendor_only(s, overlap, first_failure, transition_months):
    """The transition overlap belongs to the first vendor: give it back from its failure on.

    Every month was charged the overlap of its calendar month. Only trials whose first vendor
    failed inside the transition are touched; their disruption and in-house months are
    overwritten afterwards anyway.
    """
    width = min(int(np.max(transition_months)), s.shape[1])
    idx = np.flatnonzero((first_failure > 0) & (first_failure <= width))
    if idx.size == 0:
        return
    after = np.arange(width) >= (first_failure[idx] - 1)[:, None]
    charged = overlap[idx, :width] if np.ndim(overlap) == 2 else overlap[:width]
    s[idx, :width] += after * charged


def _disruptions(s, idx, month, d, disrupt_saving):
    """Overwrite the D disruption months after each failure (flat indices: cheaper than 2-D)."""
    horizon = s.shape[1]
    width = int(np.max(d)) if np.size(d) else 0
    if width == 0:
        return
    offset = np.arange(width)
    cols = (month - 1)[:, None] + offset
    ok = (cols < horizon) & (offset < col(d))
    flat = (idx[:, None] * horizon + cols)[ok]
    cols = cols[ok]
    values = disrupt_saving.reshape(-1)[flat] if np.ndim(disrupt_saving) == 2 else disrupt_saving[cols]
    s.reshape(-1)[flat] = values


def active_months(s, active_saving, p, quality, rng):
    """Savings of months with the vendor, less undetected problems (quality incidents).

    Incidents are Poisson counts per month, by inverse transform of one uniform each: the two
    steps of :func:`.rules.incident_count` (one incident above P(N = 0), more above P(N ≤ 1)),
    applied in place. The uniforms are drawn into ``s`` itself, a few hundred trials at a time so
    that every pass over them stays in the CPU cache; the draws are the same as one draw of the
    whole block.
    """
    rate = incident_rate(p["incident_rate_max"], p["trust"], quality)
    if not np.any(rate > 0):
        s[...] = active_saving
        return
    p0, cdf1, term1 = poisson_terms(rate)
    cost = p["incident_cost"]
    for lo in range(0, s.shape[0], _CHUNK):
        part = slice(lo, lo + _CHUNK)
        u = s[part]
        rng.random(out=u)
        multi = np.flatnonzero(u > col(at(cdf1, part)))  # two or more incidents: rare
        rows, cols = np.divmod(multi, s.shape[1])
        u_multi = u[rows, cols]
        np.multiply(u > col(at(p0, part)), -col(at(cost, part)), out=u)  # at least one
        u += active_saving[part] if np.ndim(active_saving) == 2 else active_saving
        if multi.size:
            rows += lo
            extra = extra_incidents(u_multi, at(rate, rows), at(cdf1, rows), at(term1, rows))
            s[rows, cols] -= extra * at(cost, rows)


def _check_trials(n_trials, horizon: int) -> int:
    n_trials = check_trials(n_trials)
    need = n_trials * (horizon * 8 + 64)
    limit = _memory_limit()
    if need > limit:
        raise ValueError(
            f"n_trials={n_trials:,} over horizon_months={horizon} needs about {need / 1e9:.1f} GB "
            f"for the savings paths, more than the {limit / 1e9:.1f} GB allowed here: lower n_trials "
            "(100,000 trials already give a standard error about 0.3 % of the spread) or pass "
            "target_se=... to stop as soon as the mean is precise enough"
        )
    return int(n_trials)


def _memory_limit() -> float:
    physical: float
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        physical = 16e9
    return min(0.5 * physical, 32e9)


def simulate(
    scenario: Scenario | None = None,
    n_trials: int | None = None,
    seed: int | None = None,
    *,
    correlation=None,
    target_se: float | None = None,
    max_trials: int = 1_000_000,
    progress: bool | None = None,
) -> SimulationResult:
    """Simulate the savings of outsourcing under ``scenario``.

    Parameters
    ----------
    scenario
        The decision's parameters (default: the sourced defaults).
    n_trials
        Number of Monte Carlo trials (default 10,000). With ``target_se``, the minimum.
    seed
        Seed of all randomness; the same scenario, seed and trials give identical numbers in any
        process. ``None`` draws fresh entropy, recorded in ``result.seed``.
    correlation
        Rank correlations between uncertain parameters, ``{("a", "b"): rho}`` or a DataFrame.
    target_se
        Keep adding blocks of 10,000 trials until the standard error of the mean NPV is at most
        this (currency), or ``max_trials`` is reached; ``result.convergence`` holds the trace.
    progress
        Show a progress bar (default: only for runs of more than about 200,000 trials, and only
        when standard error is a terminal, so notebooks and reports never carry one). The
        environment variable ``TQDM_DISABLE=1`` turns it off.

    Examples
    --------
    >>> result = simulate(Scenario(), n_trials=20_000, seed=1)
    >>> result.npv.shape
    (20000,)
    """
    scenario = Scenario() if scenario is None else scenario
    if not isinstance(scenario, Scenario):
        raise TypeError(
            f"simulate needs a Scenario (got {type(scenario).__name__}); build one with Scenario(...)"
        )
    seed = fresh_seed() if seed is None else _check_seed(seed)
    horizon = scenario.horizon_months
    corr = None if correlation is None else Correlation(correlation, scenario)
    if target_se is None:
        n = _check_trials(10_000 if n_trials is None else n_trials, horizon)
        sizes = [min(BLOCK, n - lo) for lo in range(0, n, BLOCK)]
        return _run(scenario, seed, sizes, corr=corr, progress=progress)
    if not (isinstance(target_se, (int, float)) and target_se > 0):
        raise ValueError(f"target_se must be a positive amount of currency (got {target_se!r})")
    cap = _check_trials(max_trials, horizon)
    first = -(-(n_trials or 2 * BLOCK) // BLOCK)
    sizes = [BLOCK] * max(first, 2)
    return _run(
        scenario,
        seed,
        sizes,
        corr=corr,
        progress=progress,
        target_se=target_se,
        cap=max(cap, BLOCK * len(sizes)),
    )


def simulate_failure_levels(scenario: Scenario, levels, n_trials: int, seed: int):
    """``simulate(scenario.replace(vendor_failure_prob_annual=v), n_trials, seed)`` for each ``v``
    of ``levels`` (numbers or distributions), one result at a time, number for number as
    :func:`simulate` gives them, for less work: the months with the vendor and their incidents do
    not depend on the failure probability, so they are drawn for the first level only (and the
    monthly costs and savings computed once).
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"simulate_failure_levels needs a Scenario (got {type(scenario).__name__})")
    seed = _check_seed(seed)
    n = _check_trials(n_trials, scenario.horizon_months)
    sizes = [min(BLOCK, n - lo) for lo in range(0, n, BLOCK)]
    shared: dict[int, tuple] = {}  # block -> (monthly terms, months with the vendor)
    for level in levels:
        yield _run(
            scenario.replace(vendor_failure_prob_annual=level), seed, sizes, progress=False, shared=shared
        )


def simulate_inputs(scenario: Scenario, values: Mapping[str, np.ndarray], seed: int) -> SimulationResult:
    """``simulate`` with chosen inputs: trial ``i`` runs with parameter ``name`` at
    ``values[name][i]`` (every array as long as the run), the scenario's other parameters as it
    gives them. Failures, incidents and vendors' quality are drawn as :func:`simulate` draws them,
    so trial ``i`` of two calls with the same seed and length meets the same chance (common random
    numbers), whatever the inputs. Values outside a parameter's allowed range are refused, naming
    the parameter; whole-month parameters are rounded. For designs such as Sobol's, which choose
    the inputs of every trial."""
    if not isinstance(scenario, Scenario):
        raise TypeError(f"simulate_inputs needs a Scenario (got {type(scenario).__name__})")
    seed = _check_seed(seed)
    arrays = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    sizes = {a.shape for a in arrays.values()}
    if len(sizes) != 1 or len(next(iter(sizes))) != 1:
        raise ValueError(
            f"simulate_inputs needs one 1-D array per parameter, all as long (got shapes {sizes})"
        )
    problems = []
    for name, a in arrays.items():
        if name not in _NUMERIC:
            problems.append(f"{name!r} is not a numeric parameter{did_you_mean(name, _NUMERIC)}")
            continue
        p = spec(name)
        if p.integer:
            arrays[name] = a = whole_months(a)
        bad = a[~((a >= p.low) & (a <= p.high))]
        if bad.size:
            problems.append(f"{name} must be {p.bounds()} (got {float(bad[0])!r})")
    if problems:
        raise ScenarioError(problems, "the inputs given")
    n = _check_trials(next(iter(sizes))[0], scenario.horizon_months)
    sizes_ = [min(BLOCK, n - lo) for lo in range(0, n, BLOCK)]
    return _run(scenario, seed, sizes_, progress=False, given=arrays)


def _check_seed(seed) -> int:
    return check_seed(seed)


def _run(
    scenario: Scenario,
    seed: int,
    sizes: list[int],
    *,
    corr: Correlation | None = None,
    progress: bool | None = None,
    target_se: float | None = None,
    cap: int | None = None,
    shared: dict | None = None,
    given: Mapping[str, np.ndarray] | None = None,
) -> SimulationResult:
    """Simulate block after block and put the blocks together into one result.

    ``sizes`` are the trials of each block (each at most :data:`BLOCK`, block ``b`` drawing from
    its own streams, so a block's numbers do not depend on the others). With ``target_se`` the
    run goes on past ``sizes`` a block at a time until the mean's standard error is at most
    ``target_se`` or ``cap`` trials are reached. ``progress``: None shows a bar on a terminal for
    large runs; ``shared`` lets :func:`simulate_failure_levels` reuse what the failure
    probability does not change; ``given`` holds per-trial values that replace parameters'
    draws (see :func:`simulate_inputs`).
    """
    horizon = scenario.horizon_months
    paths, blocks, trace = [], [], []
    total = sum(sizes) if target_se is None or cap is None else cap
    # A fixed-size run writes every block straight into one array: no copy at the end.
    whole = np.empty((total, horizon)) if target_se is None else None
    show = progress if progress is not None else total * horizon > _PROGRESS_CELLS and _terminal()
    bar = tqdm(total=total, unit="trial", desc=f"simulating {scenario.name}", disable=not show)
    sum_x = sum_x2 = 0.0
    b = 0
    while b < len(sizes) or target_se is not None:
        size = sizes[b] if b < len(sizes) else BLOCK
        p = sample_parameters(scenario, seed, b, size, corr)
        lo = b * BLOCK
        for name, values in (given or {}).items():
            p[name] = values[lo : lo + size]
        path = whole[lo : lo + size] if whole is not None else np.empty((size, horizon))
        blk = _block(scenario, p, size, seed, b, path, shared)
        paths.append(path)
        blocks.append(blk)
        bar.update(size)
        b += 1
        if target_se is not None:
            sum_x += blk.npv.sum()
            sum_x2 += np.square(blk.npv).sum()
            n = b * BLOCK
            var = max(sum_x2 / n - (sum_x / n) ** 2, 0.0) * n / (n - 1)
            se = math.sqrt(var / n)
            trace.append((n, sum_x / n, se))
            if b >= len(sizes) and (se <= target_se or n + BLOCK > total):
                break
    bar.close()
    npv = np.concatenate([x.npv for x in blocks])
    if not np.isfinite(npv).all():  # the bounds of the parameters keep this from happening
        raise ValueError(
            f"scenario {scenario.name!r} gives figures too large to represent: bring its money "
            "amounts, escalation, discount rate or horizon closer to a real contract"
        )
    return SimulationResult(
        scenario=scenario,
        seed=seed,
        npv=npv,
        path=whole if whole is not None else np.concatenate(paths),
        first_failure_month=np.concatenate([x.first_failure for x in blocks]),
        switches=np.concatenate([x.switches for x in blocks]),
        switching_spend=np.concatenate([x.switching_spend for x in blocks]),
        upfront=np.concatenate([x.upfront for x in blocks]),
        inputs={k: np.concatenate([x.inputs[k] for x in blocks]) for k in scenario.uncertain},
        failures=_failure_table(blocks),
        convergence=_trace_frame(trace, target_se),
        **_adaptive_outcomes(blocks),
    )


def _block(scenario: Scenario, p: dict, size: int, seed: int, b: int, path, shared) -> _Block:
    """Block ``b``: the original engine, or the month-by-month one when the scenario uses the
    rules of "Trust over time" (which ``shared`` cannot help: trust changes every month's money)."""
    rng_fail, rng_inc = generator(seed, "failures", block=b), generator(seed, "incidents", block=b)
    if not scenario.adaptive:
        return _simulate_block(scenario, p, size, rng_fail, rng_inc, path, shared, b)
    a = simulate_adaptive_block(
        scenario, p, size, rng_fail, rng_inc, generator(seed, "quality", block=b), path
    )
    inputs = {name: p[name] for name in scenario.uncertain}
    return _Block(a.npv, a.first_failure, a.switches, a.switching_spend, a.upfront, inputs, a.events, a)


def _adaptive_outcomes(blocks) -> dict:
    """The per-trial outcomes only the month-by-month engine has, put together over the blocks."""
    if blocks[0].adaptive is None:
        return {}
    parts = [b.adaptive for b in blocks]
    exit_trials = [np.zeros(0, dtype=np.int64)] + [
        idx + b * BLOCK for b, a in enumerate(parts) for idx, _ in a.exit_events
    ]
    exit_months = [np.zeros(0, dtype=np.int64)] + [m for a in parts for _, m in a.exit_events]
    return {
        "exits": np.concatenate([a.exits for a in parts]),
        "exit_events": (np.concatenate(exit_trials), np.concatenate(exit_months)),
        "left_good": np.concatenate([a.left_good for a in parts]),
        "kept_bad": np.concatenate([a.kept_bad for a in parts]),
        "first_quality": np.concatenate([a.first_quality for a in parts]),
        "trust_path": np.concatenate([a.trust for a in parts]),
    }


def _terminal() -> bool:
    """Standard error is a terminal (not a notebook, a pipe or a log) and TQDM_DISABLE is not set."""
    if progress_disabled():
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _failure_table(blocks) -> tuple[np.ndarray, np.ndarray]:
    """Every failure of every trial as (trial index, month), trial indices across all blocks."""
    trials, months = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for b, blk in enumerate(blocks):
        for idx, month in blk.events:
            trials.append(idx + b * BLOCK)
            months.append(np.asarray(month, dtype=np.int64))
    return np.concatenate(trials), np.concatenate(months)


def _trace_frame(trace, target_se):
    if target_se is None:
        return None
    import pandas as pd

    frame = pd.DataFrame(trace, columns=["n_trials", "mean_npv", "se_npv"])
    frame.attrs["target_se"] = target_se
    frame.attrs["converged"] = bool(frame["se_npv"].iloc[-1] <= target_se)
    return frame
