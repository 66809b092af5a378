"""What a risk committee reads of a book of contracts: the book's outcome, concentration by
vendor, each vendor's stress and share of the worst futures, each contract's exit figures, and
the value of moving one contract to another vendor (docs/model.md, "A book of contracts").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.portfolio import Book, BookResult, contract_seed, simulate_book
from ..model.results import cvar_of
from ..model.simulation import simulate
from ..model.streams import generator
from .parallel import as_executor

__all__ = [
    "HIGHLY_CONCENTRATED",
    "STRESS_MONTH",
    "PortfolioAnalysis",
    "analyse_portfolio",
    "book_summary",
    "contract_table",
    "diversify",
    "vendor_table",
]

#: The month of the deterministic stress "vendor X fails in month 12".
STRESS_MONTH = 12
#: An HHI of spend by vendor above this (on the 0-10,000 scale) is called highly concentrated: a
#: threshold borrowed from the U.S. Department of Justice and FTC Merger Guidelines (2023), §2.1,
#: for markets; for a book of contracts it is our assumption.
HIGHLY_CONCENTRATED = 1_800


@dataclass
class PortfolioAnalysis:
    """The figures of :func:`analyse_portfolio`."""

    book: Book
    result: BookResult
    summary: dict
    contracts: pd.DataFrame
    vendors: pd.DataFrame
    diversification: dict | None


def book_summary(result: BookResult) -> dict:
    """The book's outcome: mean NPV and its standard error, P(loss), the worst-5 % average
    (CVaR 5 %), percentiles, and the HHI of annual spend by vendor (0-10,000)."""
    npv = result.npv
    n = npv.size
    spend = _vendor_spend(result.book)
    shares = spend / spend.sum() if spend.sum() > 0 else spend
    return {
        "mean_npv": float(npv.mean()),
        "se_npv": float(npv.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
        "p_loss": float(np.mean(npv < 0)),
        "cvar5": float(cvar_of(npv, 0.05)),
        "p5": float(np.quantile(npv, 0.05)),
        "p50": float(np.quantile(npv, 0.5)),
        "p95": float(np.quantile(npv, 0.95)),
        "hhi": float(10_000 * np.sum(shares**2)),
        "contracts": len(result.book.contracts),
        "vendors": len(result.book.vendors),
        "capacity": result.book.capacity,
        "n_trials": n,
        "seed": result.seed,
    }


def _vendor_spend(book: Book) -> np.ndarray:
    return np.array([sum(c.annual_spend for c in book.contracts if c.vendor == v) for v in book.vendors])


def contract_table(
    result: BookResult, exit_plans: dict[int, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """One row per contract: its vendor, group, whether critical, annual spend; mean NPV (± se),
    P(loss), P(failure), expected switches; P(an exit completes within the notice period), the
    share of its switches whose disruption, waiting included, lasts at most ``notice_months``;
    P(a disruption longer than the recovery-time objective) in the horizon; the value of its exit
    plan (NaN without one)."""
    book = result.book
    n = result.n_trials
    sums = result.sums
    rows = []
    for i, c in enumerate(book.contracts):
        mean = sums["npv"][i] / n
        var = max(sums["npv2"][i] / n - mean**2, 0.0) * n / max(n - 1, 1)
        switches = sums["switches"][i]
        plan = (exit_plans or {}).get(i, (math.nan, math.nan))
        rows.append(
            {
                "contract": c.name,
                "vendor": c.vendor,
                "vendor_group": c.group,
                "critical": c.critical,
                "annual_spend": c.annual_spend,
                "mean_npv": mean,
                "se_npv": math.sqrt(var / n),
                "p_loss": sums["losses"][i] / n,
                "p_failure": sums["failed"][i] / n,
                "expected_switches": switches / n,
                "notice_months": c.notice_months,
                "p_exit_within_notice": (
                    sums["within_notice"][i] / switches
                    if switches and not math.isnan(c.notice_months)
                    else math.nan
                ),
                "rto_months": c.rto_months,
                "p_disruption_over_rto": sums["over_rto"][i] / n
                if not math.isnan(c.rto_months)
                else math.nan,
                "exit_plan_value": plan[0],
                "exit_plan_value_se": plan[1],
            }
        )
    return pd.DataFrame(rows).set_index("contract")


def vendor_table(result: BookResult, stress: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """One row per vendor: contracts, critical contracts, annual spend and its share of the
    book's, its part of the HHI; P(the vendor fails) in the horizon (a shared vendor's collapse,
    or its one contract's first failure); its share of the book's worst 5 % (of the shortfall
    below the book's mean in those futures, so the shares add up to 100 %); the stress loss when
    it fails in month 12 (± se)."""
    book = result.book
    spend = _vendor_spend(book)
    share = spend / spend.sum() if spend.sum() > 0 else spend
    npv = result.npv
    worst = np.argsort(npv, kind="stable")[: max(1, math.ceil(0.05 * npv.size))]
    shortfall = result.vendor_npv.mean(axis=1) - result.vendor_npv[:, worst].mean(axis=1)
    total = shortfall.sum()
    horizon = book.horizon_months
    rows = []
    for v, vendor in enumerate(book.vendors):
        members = [i for i, c in enumerate(book.contracts) if c.vendor == vendor]
        if book.shared(vendor):
            p_fail = float(np.mean(result.collapse[v] <= horizon))
        else:
            p_fail = float(result.sums["failed"][members[0]] / result.n_trials)
        loss = (stress or {}).get(vendor, (math.nan, math.nan))
        rows.append(
            {
                "vendor": vendor,
                "vendor_group": book.contracts[members[0]].group,
                "contracts": len(members),
                "critical_contracts": sum(book.contracts[i].critical for i in members),
                "annual_spend": spend[v],
                "spend_share": share[v],
                "hhi_part": 10_000 * share[v] ** 2,
                "p_vendor_fails": p_fail,
                "worst5_share": shortfall[v] / total if total > 0 else math.nan,
                "stress_loss": loss[0],
                "stress_loss_se": loss[1],
            }
        )
    return pd.DataFrame(rows).set_index("vendor")


def stress_losses(
    book: Book, n_trials: int, seed: int, month: int = STRESS_MONTH, executor=None
) -> dict[str, tuple[float, float]]:
    """For each vendor, what the book loses on average when the vendor fails at the start of
    ``month`` in every future (its contracts only, with the same futures: paired), ± se."""
    if not 1 <= month <= book.horizon_months:
        raise ValueError(f"the stress month must lie in 1..{book.horizon_months} (got {month!r})")
    out = {}
    for vendor in book.vendors:
        members = [i for i, c in enumerate(book.contracts) if c.vendor == vendor]
        part = book.subset(members)
        base = simulate_book(part, n_trials, seed, split={vendor}, executor=executor)
        hit = simulate_book(part, n_trials, seed, force={vendor: month}, executor=executor)
        diff = base.npv - hit.npv
        out[vendor] = (
            float(diff.mean()),
            float(diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else math.nan,
        )
    return out


def exit_plan_values(book: Book, n_trials: int, seed: int) -> dict[int, tuple[float, float]]:
    """For each contract with an exit plan (``exit_readiness`` > 0): its NPV with the plan less
    without it (readiness 0), the contract on its own, in the same futures, ± se."""
    out = {}
    for i, c in enumerate(book.contracts):
        readiness = c.scenario.exit_readiness
        if not (isinstance(readiness, float) and readiness > 0) and not hasattr(readiness, "ppf"):
            continue
        s = contract_seed(seed, i)
        with_plan = simulate(c.scenario, n_trials=n_trials, seed=s).npv
        without = simulate(c.scenario.replace(exit_readiness=0.0), n_trials=n_trials, seed=s).npv
        diff = with_plan - without
        out[i] = (
            float(diff.mean()),
            float(diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else math.nan,
        )
    return out


def diversify(
    book: Book,
    contract: int | str,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
    base: BookResult | None = None,
    executor=None,
) -> dict:
    """The same book with one contract moved to a vendor of its own (new, independent, in no
    group), in the same futures: the change of the book's mean NPV (± se, paired) and of its
    worst-5 % average (± a bootstrap se)."""
    names = [c.name for c in book.contracts]
    index = names.index(contract) if isinstance(contract, str) else int(contract)
    if not 0 <= index < len(names):
        raise ValueError(f"contract must name one of the book's contracts (got {contract!r})")
    moved_to = f"{book.contracts[index].vendor} → a vendor of its own"
    taken = set(book.vendors)
    vendor = "new vendor"
    while vendor in taken:
        vendor += "'"
    other = book.replace_contract(index, vendor=vendor, group="")
    base = base or simulate_book(book, n_trials, seed, executor=executor)
    moved = simulate_book(other, base.n_trials, seed, executor=executor)
    diff = moved.npv - base.npv
    rng = generator(seed, "bootstrap")
    boot = [
        cvar_of(moved.npv[idx], 0.05) - cvar_of(base.npv[idx], 0.05)
        for idx in (rng.integers(0, diff.size, diff.size) for _ in range(100))
    ]
    return {
        "contract": names[index],
        "from_vendor": book.contracts[index].vendor,
        "moved_to": moved_to,
        "mean_gain": float(diff.mean()),
        "mean_gain_se": float(diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else math.nan,
        "cvar_gain": float(cvar_of(moved.npv, 0.05) - cvar_of(base.npv, 0.05)),
        "cvar_gain_se": float(np.std(boot, ddof=1)),
        "hhi_after": book_summary(moved)["hhi"],
    }


def _diversification_candidate(book: Book) -> int | None:
    """The contract a committee would move first: the largest of the vendor with the largest
    spend among vendors running several contracts."""
    spend = dict(zip(book.vendors, _vendor_spend(book), strict=True))
    many = [v for v in book.vendors if sum(c.vendor == v for c in book.contracts) > 1]
    if not many:
        return None
    top = max(many, key=lambda v: spend[v])
    members = [i for i, c in enumerate(book.contracts) if c.vendor == top]
    return max(members, key=lambda i: (book.contracts[i].annual_spend, -i))


def analyse_portfolio(
    book: Book, *, n_trials: int = 20_000, seed: int = 0, stress_month: int = STRESS_MONTH, executor=None
) -> PortfolioAnalysis:
    """Everything the portfolio report shows. The stress runs use a quarter of the trials (at
    least 2,000): a paired difference of one forced event needs fewer. ``executor``: a
    ``concurrent.futures`` executor or a dask ``Client`` that runs the blocks of trials (the
    numbers are the same wherever they run)."""
    executor = as_executor(executor) if executor is not None else None
    result = simulate_book(book, n_trials, seed, executor=executor)
    fewer = min(n_trials, max(2_000, n_trials // 4))
    stress = stress_losses(book, fewer, seed, stress_month, executor=executor)
    plans = exit_plan_values(book, fewer, seed)
    candidate = _diversification_candidate(book)
    moved = (
        diversify(book, candidate, n_trials=n_trials, seed=seed, base=result, executor=executor)
        if candidate is not None
        else None
    )
    summary = book_summary(result)
    summary["stress_month"] = stress_month
    return PortfolioAnalysis(
        book=book,
        result=result,
        summary=summary,
        contracts=contract_table(result, plans),
        vendors=vendor_table(result, stress),
        diversification=moved,
    )
