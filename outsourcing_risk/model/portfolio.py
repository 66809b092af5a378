"""A book of contracts: one failure process per vendor, shared by every contract it runs.

docs/model.md, "A book of contracts", is the contract. Each contract is a scenario of the single
model. A vendor's **collapse** (its base hazard, from ``vendor_failure_prob_annual``) is shared
by every contract it runs and, for a group of closely connected vendors, a common shock fails
them all at once; the rest of each contract's hazard (distrust, unclear goals, a weak selection,
scope creep) is its own **relationship** breaking down. Switches that start while others are
under way compete for the firm's switching capacity. A contract alone in the book is the single
model trial for trial.

Trials run in blocks of :data:`~.sampling.BLOCK`; nothing grows with the trials but the book's
and each vendor's NPV per trial (and each contract's first failure month).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..io.errors import check_seed, check_trials
from .book import CONTRACT_COLUMNS, Book, Contract, check_book, contract_seed
from .book_table import book_from_table
from .book_trust import AdaptiveRun, vendor_quality_draw
from .book_trust import start as start_run
from .distributions import Distribution
from .rules import (
    calendar,
    collapse_month,
    collapse_rate,
    failure_age,
    hazard_curve,
    monthly_terms,
    relationship_age,
    replacement_start,
    take_slots,
)
from .sampling import BLOCK, sample_parameters
from .simulation import active_months, settle
from .streams import generator
from .workload import check_book_workload, refuse_beyond

__all__ = [
    "CONTRACT_COLUMNS",
    "Book",
    "BookResult",
    "Contract",
    "book_from_table",
    "check_book",
    "contract_seed",
    "simulate_book",
]


@dataclass
class BookResult:
    """What :func:`simulate_book` returns: per trial, the book's NPV and each vendor's (the sum of
    its contracts') and each shared vendor's collapse month; per contract, running sums for its
    figures (and, when kept, each trial's first failure month; H + 1: none)."""

    book: Book
    seed: int
    npv: np.ndarray  # (trials,)
    vendor_npv: np.ndarray  # (vendors, trials)
    first_failure: np.ndarray | None  # (contracts, trials), int16, with keep_months=True
    collapse: np.ndarray  # (vendors, trials), int16: the month a shared vendor collapses (H + 1: never)
    sums: dict[
        str, np.ndarray
    ]  # per contract: npv, npv2, losses, failed, switches, within_notice, over_rto, disrupted
    contract_npv: np.ndarray | None = None  # (contracts, trials), with keep_months=True

    @property
    def n_trials(self) -> int:
        return int(self.npv.size)


def simulate_book(
    book: Book,
    n_trials: int = 20_000,
    seed: int = 0,
    *,
    force: Mapping[str, int] | None = None,
    cap: Mapping[str, int] | None = None,
    split=(),
    keep_months: bool = False,
    executor=None,
) -> BookResult:
    """Simulate the book (docs/model.md, "A book of contracts").

    Parameters
    ----------
    book : Book
        The contracts, their vendors, groups and subcontractors (:class:`~.book.Book`, or
        :func:`~.book_table.book_from_table` for a table).
    n_trials : int
        Futures to simulate, in blocks of 10,000.
    seed : int
        Contract i draws what the single model draws with ``seed + i·2³²``.
    force : dict, optional
        ``{vendor: month}``: each named vendor collapses at the start of that month in every
        future (the stress "vendor X fails in month 12"), unless a contract's own relationship
        broke down earlier.
    cap : dict, optional
        ``{vendor: month}``: each named vendor collapses at the start of that month or earlier, as
        drawn (min(drawn, month): the stress "the group fails in month M" caps every vendor of
        the group).
    split : iterable of str
        Vendors whose collapse is drawn on its own even when they run one contract (as a forced
        vendor's is), so that a run with ``force`` and one without meet the same futures.
    keep_months : bool
        Keep each contract's first failure month and NPV per trial (contracts x trials, 10 bytes
        each; for checks); otherwise only the book's and each vendor's NPV per trial are kept.
    executor : optional
        An object with ``map`` (a ``concurrent.futures`` executor, or a dask ``Client``'s
        ``get_executor()``) that runs the blocks; the numbers are the same wherever they run.

    Returns
    -------
    BookResult
        Per trial the book's NPV and each vendor's; per contract running sums of its figures.

    Raises
    ------
    ScenarioError
        A book that breaks a rule of :func:`~.book.check_book`.
    TooMuchWork
        A book too large for this machine (hours of work, more memory than is free), refused at
        once with the estimate (:class:`~outsourcing_risk.model.workload.TooMuchWork`).

    Examples
    --------
    >>> from outsourcing_risk import Book, Contract, Scenario, simulate
    >>> desk = Scenario(name="Service desk", vendor_failure_prob_annual=0.08)
    >>> hosting = Scenario(name="Hosting", vendor_failure_prob_annual=0.08, vendor_monthly_fee=60_000)
    >>> book = Book((Contract(desk, "Atlas"), Contract(hosting, "Atlas")), capacity=1)
    >>> result = simulate_book(book, n_trials=2_000, seed=1)
    >>> result.npv.shape, result.vendor_npv.shape
    ((2000,), (1, 2000))
    >>> alone = simulate_book(Book((Contract(desk, "Atlas"),)), n_trials=2_000, seed=1)
    >>> bool((alone.npv == simulate(desk, n_trials=2_000, seed=1).npv).all())
    True
    """
    if not isinstance(book, Book) or not book.contracts:
        raise TypeError("simulate_book needs a Book with at least one contract (see book_from_table)")
    n_trials, seed = check_trials(n_trials), check_seed(seed)
    check_book(book)
    vendors = book.vendors
    check_book_workload(len(book.contracts), len(vendors), int(n_trials), keep_months=keep_months)
    _check_stepped_memory(book, int(n_trials))
    for what, given in (("force", force), ("cap", cap)):
        _check_months(what, given or {}, vendors, book.horizon_months)
    out = _empty(book, int(seed), n_trials, keep_months)
    starts = list(range(0, n_trials, BLOCK))
    job = functools.partial(
        _block_part,
        book,
        int(seed),
        force=dict(force or {}),
        cap=dict(cap or {}),
        split=set(split),
        keep_months=keep_months,
    )
    sizes = [min(BLOCK, n_trials - lo) for lo in starts]
    blocks = list(range(len(starts)))
    parts = map(job, blocks, sizes) if executor is None else executor.map(job, blocks, sizes)
    for lo, part in zip(starts, parts, strict=True):  # in block order: the same sums anywhere
        window = slice(lo, lo + part.n_trials)
        out.npv[window] = part.npv
        out.vendor_npv[:, window] = part.vendor_npv
        out.collapse[:, window] = part.collapse
        if out.first_failure is not None and part.first_failure is not None:
            out.first_failure[:, window] = part.first_failure
        if out.contract_npv is not None and part.contract_npv is not None:
            out.contract_npv[:, window] = part.contract_npv
        for key, values in part.sums.items():
            out.sums[key] += values
    return out


def _check_stepped_memory(book: Book, n_trials: int) -> None:
    """Contracts under trust over time that share switching slots are stepped month by month
    together, each holding its block's months (its incident uniforms, savings and trust: about 20
    bytes per trial and month): refused, with the estimate, where that passes the memory free."""
    stepped = sum(c.scenario.adaptive for c in book.contracts)
    if book.capacity and stepped:
        memory = stepped * min(BLOCK, n_trials) * book.horizon_months * 20.0
        refuse_beyond(
            f"{stepped:,} contracts under trust over time sharing {book.capacity} switching slots",
            0.0,
            memory,
            advice="leave the capacity out (each contract then runs on its own), or split the book",
        )


def _check_months(what: str, months: Mapping, vendors: list[str], horizon: int) -> None:
    """``force`` and ``cap`` name vendors of the book, each with a whole month 1..H."""
    unknown = sorted(set(months) - set(vendors))
    if unknown:
        raise ValueError(
            f"{what} names {unknown[0]!r}, which is not a vendor of the book ({', '.join(vendors)})"
        )
    for vendor, month in months.items():
        if isinstance(month, bool) or not isinstance(month, int | np.integer) or not 1 <= month <= horizon:
            raise ValueError(f"{what}[{vendor!r}] must be a whole month in 1..{horizon} (got {month!r})")


def _empty(book: Book, seed: int, n: int, keep_months: bool) -> BookResult:
    horizon = book.horizon_months
    n_c, n_v = len(book.contracts), len(book.vendors)
    return BookResult(
        book=book,
        seed=seed,
        npv=np.zeros(n),
        vendor_npv=np.zeros((n_v, n)),
        first_failure=np.full((n_c, n), horizon + 1, dtype=np.int16) if keep_months else None,
        collapse=np.full((n_v, n), horizon + 1, dtype=np.int16),
        sums={
            k: np.zeros(n_c)
            for k in ("npv", "npv2", "losses", "failed", "switches", "within_notice", "over_rto", "disrupted")
        },
        contract_npv=np.zeros((n_c, n)) if keep_months else None,
    )


def _block_part(
    book: Book, seed: int, b: int, n: int, *, force: dict, cap: dict, split: set, keep_months: bool
) -> BookResult:
    """Block ``b`` of ``n`` trials on its own (a task for an executor): its streams are the
    block's, so where it runs changes nothing."""
    part = _empty(book, seed, n, keep_months)
    _block(book, seed, b, 0, n, part, force, cap, split)
    return part


def _active(book: Book) -> list[int]:
    keep = getattr(book, "keep", None)
    return [i for i in range(len(book.contracts)) if keep is None or i in keep]


def _block(
    book: Book, seed: int, b: int, lo: int, n: int, out: BookResult, force: dict, cap: dict, split: set
) -> None:
    horizon = book.horizon_months
    months = calendar(horizon)
    vendors = book.vendors
    active = _active(book)
    shared = {v: book.shared(v) or v in force or v in cap or v in split for v in vendors}
    stepped = {c.vendor for c in book.contracts if c.scenario.adaptive}  # under trust over time
    # The vendors' and groups' own draws.
    collapse: dict[str, np.ndarray] = {}
    vendor_prob: dict[str, Any] = {}
    quality: dict[str, tuple] = {}  # a shared vendor's Z_v and collapse rate, under trust over time
    group_month = {}
    for g_i, group in enumerate(book.groups):
        p_g = book.group_shocks.get(group, 0.0)
        e_g = generator(seed, "group_shock", block=b, group=g_i).standard_exponential(n)
        group_month[group] = collapse_month(e_g, collapse_rate(p_g), horizon)
    for v_i, vendor in enumerate(vendors):
        if not shared[vendor]:
            continue
        lead = next(c for c in book.contracts if c.vendor == vendor)
        prob = lead.scenario.vendor_failure_prob_annual
        if isinstance(prob, Distribution):
            u = generator(seed, "vendor_failure_prob", block=b, vendor=v_i).random(n)
            prob = prob.ppf(np.clip(u, 1e-12, 1 - 1e-12))
        vendor_prob[vendor] = prob
        e_v = generator(seed, "vendor_collapse", block=b, vendor=v_i).standard_exponential(n)
        if vendor in stepped:
            spread = lead.scenario.vendor_quality_spread
            if isinstance(spread, Distribution):  # a vendor alone, drawn on its own for a stress:
                j = book.contracts.index(lead)  # its one contract's own draw of the spread
                spread = sample_parameters(lead.scenario, contract_seed(seed, j), b, n)[
                    "vendor_quality_spread"
                ]
            quality[vendor] = vendor_quality_draw(seed, b, v_i, n, spread, prob)
            month = collapse_month(e_v, quality[vendor][1], horizon)
        else:
            month = collapse_month(e_v, collapse_rate(prob), horizon)
        if lead.group in group_month:
            month = np.minimum(month, group_month[lead.group])
        if vendor in force:
            month = np.full(n, int(force[vendor]))
        if vendor in cap:
            month = np.minimum(month, int(cap[vendor]))
        collapse[vendor] = month
        out.collapse[v_i, lo : lo + n] = np.minimum(month, horizon + 1)

    sub_month = _subcontractor_months(book, seed, b, n)

    # Each contract's parameters, money terms, hazard and first failure.
    state: dict[int, dict] = {}
    runs: dict[int, AdaptiveRun] = {}
    free = np.zeros((n, book.capacity)) if book.capacity else None
    for i in active:
        contract = book.contracts[i]
        s = contract.scenario
        c_seed = contract_seed(seed, i)
        p = sample_parameters(s, c_seed, b, n)
        if shared[contract.vendor]:
            p["vendor_failure_prob_annual"] = vendor_prob[contract.vendor]
        if s.adaptive:  # trust over time: month by month, stepped with the others when slots are shared
            ends = collapse[contract.vendor] if shared[contract.vendor] else np.full(n, horizon + 1)
            for sub in contract.subcontractors:
                ends = np.minimum(ends, sub_month[sub])
            z, rate = quality.get(contract.vendor, (None, None))
            runs[i] = start_run(s, p, n, c_seed, b, z=z, forced=ends, rate=rate, free=free)
            if free is None:  # nothing shared month by month: run it now, keep only its outcome
                _record(book, i, lo, n, out, *runs.pop(i).outcome())
            continue
        t = monthly_terms(p, months)
        cum = hazard_curve(p, t.quality, months)
        rng_fail = generator(c_seed, "failures", block=b)
        e0 = rng_fail.standard_exponential(n)
        rows = np.arange(n)
        if shared[contract.vendor]:
            first = np.minimum(
                relationship_age(cum, p["vendor_failure_prob_annual"], e0, months), collapse[contract.vendor]
            )
        else:
            first = failure_age(cum, e0, rows)
        for sub in contract.subcontractors:  # the first vendor's service ends with its subcontractor
            first = np.minimum(first, sub_month[sub])
        state[i] = {"p": p, "t": t, "cum": cum, "rng": rng_fail, "e": [e0], "c_seed": c_seed}
        state[i]["next"] = np.where(first <= horizon, first, horizon + 1)
        state[i]["gen"] = np.zeros(n, dtype=np.int64)
        state[i]["events"] = []

    _run_months(book, state, runs, n, horizon, free)

    for i in active:
        if i in runs:
            _record(book, i, lo, n, out, *runs[i].outcome())
        elif i in state:
            _settle_contract(book, i, state[i], b, lo, n, out, months)


def _subcontractor_months(book: Book, seed: int, b: int, n: int) -> dict[str, np.ndarray]:
    """Each subcontractor's failure month per trial, drawn as a group's shock from its own
    exponential (docs/model.md, "A book of contracts": a shared subcontractor)."""
    horizon = book.horizon_months
    out = {}
    for s_i, sub in enumerate(book.subcontractors):
        e_s = generator(seed, "subcontractor_failure", block=b, subcontractor=s_i).standard_exponential(n)
        out[sub] = collapse_month(e_s, collapse_rate(book.subcontractor_shocks[sub]), horizon)
    return out


def _run_months(book: Book, state: dict, runs: dict, n: int, horizon: int, free) -> None:
    """Month by month: the switches that start, in order (critical first, larger spend, table
    order), take the first free switching slot; a switch that waits stays disrupted while it waits;
    a replacement's failure is drawn from its own exponential, as the single model draws it. A
    contract under trust over time (``runs``) steps its own month in its turn."""
    order = [i for i in book.priority() if i in state or i in runs]
    for month in range(1, horizon + 1):
        for i in order:
            if i in runs:
                runs[i].step()
                continue
            st = state[i]
            idx = np.flatnonzero(st["next"] == month)
            if idx.size == 0:
                continue
            d = np.broadcast_to(np.asarray(st["t"].disruption), (n,))[idx].astype(np.int64)
            wait = take_slots(free, idx, month, d) if free is not None else np.zeros(idx.size, dtype=np.int64)
            length = wait + d
            st["events"].append((idx, np.full(idx.size, month, dtype=np.int64), length))
            if book.contracts[i].scenario.after_failure == "insource":
                st["next"][idx] = horizon + 1
                continue
            # The replacement serves from month + length; its age is 1 then (or the next month).
            start_month = replacement_start(month, length)
            st["next"][idx] = horizon + 1
            alive = idx[start_month <= horizon]
            if alive.size == 0:
                continue
            gen = st["gen"][alive] + 1
            st["gen"][alive] = gen
            while len(st["e"]) <= int(gen.max()):  # drawn in order of generation, n at a time
                st["e"].append(st["rng"].standard_exponential(n))
            e = np.stack(st["e"])[gen, alive]
            age = failure_age(st["cum"], e, alive)
            nxt = start_month[start_month <= horizon] + age - 1
            st["next"][alive] = np.where(nxt <= horizon, nxt, horizon + 1)


def _settle_contract(book: Book, i: int, st: dict, b: int, lo: int, n: int, out: BookResult, months) -> None:
    contract = book.contracts[i]
    horizon = months.size
    t, p = st["t"], st["p"]
    if st["events"]:
        idx = np.concatenate([e[0] for e in st["events"]])
        when = np.concatenate([e[1] for e in st["events"]])
        length = np.concatenate([e[2] for e in st["events"]])
    else:
        idx = when = length = np.zeros(0, dtype=np.int64)
    first_failure = np.zeros(n, dtype=np.int64)
    order = np.argsort(when, kind="stable")[::-1]  # the earliest month written last: it wins
    first_failure[idx[order]] = when[order]
    s = np.empty((n, horizon))
    active_months(s, t.active_saving, p, t.quality, generator(st["c_seed"], "incidents", block=b))
    events = [(idx, when)] if idx.size else []
    npv = settle(contract.scenario, p, t, s, events, [length] if idx.size else [], first_failure)
    _record(book, i, lo, n, out, npv, first_failure, idx, when, length)


def _record(
    book: Book, i: int, lo: int, n: int, out: BookResult, npv, first_failure, idx, when, length
) -> None:
    """Contract ``i``'s block of trials into the result: its NPV per trial, its first failure month
    (0: none) and the running sums of its figures from its switches (trial, month, W + D)."""
    contract = book.contracts[i]
    horizon = book.horizon_months
    window = slice(lo, lo + n)
    out.npv[window] += npv
    out.vendor_npv[book.vendors.index(contract.vendor), window] += npv
    if out.first_failure is not None:
        out.first_failure[i, window] = np.where(first_failure > 0, first_failure, horizon + 1)
    if out.contract_npv is not None:
        out.contract_npv[i, window] = npv
    sums = out.sums
    sums["npv"][i] += npv.sum()
    sums["npv2"][i] += np.square(npv).sum()
    sums["losses"][i] += np.count_nonzero(npv < 0)
    sums["failed"][i] += np.count_nonzero(first_failure > 0)
    sums["switches"][i] += idx.size
    if not math.isnan(contract.notice_months):
        sums["within_notice"][i] += np.count_nonzero(length <= contract.notice_months)
    if not math.isnan(contract.rto_months) and idx.size:
        over = np.zeros(n, dtype=bool)
        over[idx[length > contract.rto_months]] = True
        sums["over_rto"][i] += np.count_nonzero(over)
    sums["disrupted"][i] += float(np.minimum(length, horizon + 1 - when).sum())
