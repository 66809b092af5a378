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
from .claims import tail_mean_se
from .concentration import (
    HIGHLY_CONCENTRATED,
    HIGHLY_CONCENTRATED_2010,
    STRESS_MONTH,
    THRESHOLD_SOURCES,
    concentration_level,
    group_of,
    group_spend,
    group_stress_losses,
    group_table,
    hhi,
    vendor_spend,
    with_groups,
)
from .parallel import as_executor

__all__ = [
    "HIGHLY_CONCENTRATED",
    "HIGHLY_CONCENTRATED_2010",
    "STRESS_MONTH",
    "THRESHOLD_SOURCES",
    "PortfolioAnalysis",
    "analyse_portfolio",
    "book_summary",
    "concentration_level",
    "contract_table",
    "diversify",
    "group_of",
    "group_stress_losses",
    "group_table",
    "prepare_exit",
    "vendor_table",
]


@dataclass
class PortfolioAnalysis:
    """The figures of :func:`analyse_portfolio`."""

    book: Book
    result: BookResult
    summary: dict
    contracts: pd.DataFrame
    vendors: pd.DataFrame
    diversification: dict | None
    groups: pd.DataFrame | None = None


def book_summary(result: BookResult) -> dict:
    """The book's outcome: mean NPV and its standard error, P(loss), the worst-5 % average
    (CVaR 5 %), percentiles, and the HHI of annual spend by vendor and by group (0-10,000), each
    in words against the named thresholds (:func:`concentration_level`)."""
    npv = result.npv
    n = npv.size
    by_vendor = hhi(vendor_spend(result.book))
    by_group = hhi(list(group_spend(result.book).values()))
    return {
        "mean_npv": float(npv.mean()),
        "se_npv": float(npv.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
        "p_loss": float(np.mean(npv < 0)),
        "cvar5": float(cvar_of(npv, 0.05)),
        "p5": float(np.quantile(npv, 0.05)),
        "p50": float(np.quantile(npv, 0.5)),
        "p95": float(np.quantile(npv, 0.95)),
        "hhi": by_vendor,
        "hhi_group": by_group,
        "concentration": concentration_level(by_vendor),
        "concentration_group": concentration_level(by_group),
        "contracts": len(result.book.contracts),
        "vendors": len(result.book.vendors),
        "capacity": result.book.capacity,
        "n_trials": n,
        "seed": result.seed,
    }


def contract_table(
    result: BookResult, exit_plans: dict[int, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """One row per contract: its vendor, group, whether critical, annual spend; mean NPV (± se),
    P(loss), P(failure), expected switches; P(an exit completes within the notice period), the
    share of its switches whose disruption, waiting included, lasts at most ``notice_months``;
    P(a disruption longer than the recovery-time objective) in the horizon, and
    ``rto_breach_share``, the share of its futures with a failure in which a disruption exceeds the
    objective (1: every failure breaches it); the value of its exit plan (NaN without one)."""
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
                "rto_breach_share": sums["over_rto"][i] / sums["failed"][i]
                if sums["failed"][i] and not math.isnan(c.rto_months)
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
    spend = vendor_spend(book)
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
    group), in the same futures.

    Parameters
    ----------
    book : Book
    contract : int or str
        The contract's index (0-based) or name.
    n_trials, seed : int
        The runs' size and seed (both books meet the same futures).
    base : BookResult, optional
        The book's own run, when already made with the same trials and seed.
    executor : optional
        As for :func:`~outsourcing_risk.model.portfolio.simulate_book`.

    Returns
    -------
    dict
        ``mean_gain`` (± ``mean_gain_se``, paired), ``cvar_gain`` (± ``cvar_gain_se``, by the
        influence function of the expected shortfall), ``hhi_after`` and what moved.

    Examples
    --------
    >>> from outsourcing_risk import Book, Contract, Scenario
    >>> book = Book((Contract(Scenario(name="Desk"), "V"), Contract(Scenario(name="Hosting"), "V")))
    >>> moved = diversify(book, "Hosting", n_trials=2_000, seed=1)
    >>> moved["moved_to"], round(moved["hhi_after"])
    ('V → a vendor of its own', 5000)
    """
    index = _contract_index(book, contract)
    taken = set(book.vendors)
    vendor = "new vendor"
    while vendor in taken:
        vendor += "'"
    other = book.replace_contract(index, vendor=vendor, group="")
    return _book_change(book, other, index, "move", n_trials, seed, base, executor)


def prepare_exit(
    book: Book,
    contract: int | str,
    readiness: float = 1.0,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
    base: BookResult | None = None,
    executor=None,
) -> dict:
    """The same book with one contract's exit plan made ready to ``readiness``, in the same
    futures.

    Parameters
    ----------
    book : Book
    contract : int or str
        The contract's index (0-based) or name.
    readiness : float
        The exit plan's readiness after the change, in [0, 1].
    n_trials, seed, base, executor
        As for :func:`diversify`.

    Returns
    -------
    dict
        ``mean_gain`` and ``cvar_gain`` with their standard errors, as :func:`diversify`.

    Examples
    --------
    >>> from outsourcing_risk import Book, Contract, Scenario
    >>> book = Book((Contract(Scenario(name="Desk", exit_readiness=0.0), "V"),))
    >>> change = prepare_exit(book, "Desk", 1.0, n_trials=2_000, seed=1)
    >>> change["kind"], change["readiness_before"], change["readiness"]
    ('exit plan', 0.0, 1.0)
    """
    index = _contract_index(book, contract)
    c = book.contracts[index]
    other = book.replace_contract(index, scenario=c.scenario.replace(exit_readiness=readiness))
    return _book_change(book, other, index, "exit plan", n_trials, seed, base, executor, readiness=readiness)


def _contract_index(book: Book, contract: int | str) -> int:
    names = [c.name for c in book.contracts]
    if isinstance(contract, str):
        if contract not in names:
            raise ValueError(f"contract must name one of the book's contracts (got {contract!r})")
        return names.index(contract)
    index = int(contract)
    if not 0 <= index < len(names):
        raise ValueError(f"contract must name one of the book's contracts (got {contract!r})")
    return index


def _book_change(book, other, index, kind, n_trials, seed, base, executor, **extra) -> dict:
    base = base or simulate_book(book, n_trials, seed, executor=executor)
    changed = simulate_book(other, base.n_trials, seed, executor=executor)
    diff = changed.npv - base.npv
    c = book.contracts[index]
    return {
        "kind": kind,
        "contract": c.name,
        "from_vendor": c.vendor,
        "moved_to": f"{c.vendor} → a vendor of its own" if kind == "move" else c.vendor,
        "readiness_before": float(c.scenario.exit_readiness)
        if not hasattr(c.scenario.exit_readiness, "ppf")
        else math.nan,
        "mean_gain": float(diff.mean()),
        "mean_gain_se": float(diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else math.nan,
        "cvar_gain": float(cvar_of(changed.npv, 0.05) - cvar_of(base.npv, 0.05)),
        "cvar_gain_se": tail_mean_se(base.npv, changed.npv),
        "hhi_after": book_summary(changed)["hhi"],
        **extra,
    }


def _diversification_candidate(book: Book, vendors: pd.DataFrame) -> tuple[str, int] | None:
    """The change a committee would make first, aimed at the vendor that drives most of the
    book's worst-5 % shortfall: move its largest contract to a vendor of its own when it runs
    several; when it runs one (moving it spreads nothing), prepare that contract's exit plan
    fully, if it is not already; else the largest contract of the next such vendor."""
    shares = vendors["worst5_share"].fillna(0.0).to_dict()
    for top in sorted(book.vendors, key=lambda v: (-shares.get(v, 0.0), book.vendors.index(v))):
        members = [i for i, c in enumerate(book.contracts) if c.vendor == top]
        largest = max(members, key=lambda i: (book.contracts[i].annual_spend, -i))
        if len(members) > 1:
            return "move", largest
        readiness = book.contracts[largest].scenario.exit_readiness
        if not hasattr(readiness, "ppf") and float(readiness) < 1.0:
            return "exit plan", largest
    return None


def analyse_portfolio(
    book: Book, *, n_trials: int = 20_000, seed: int = 0, stress_month: int = STRESS_MONTH, executor=None
) -> PortfolioAnalysis:
    """Everything the portfolio report shows (docs/model.md, "What the portfolio report computes").

    Parameters
    ----------
    book : Book
        The book (:class:`~outsourcing_risk.model.book.Book`, or ``book_from_table``).
    n_trials : int
        Futures of the main run. The stress runs use a quarter of them (at least 2,000): a paired
        difference of one forced event needs fewer.
    seed : int
        The seed of every run (all paired: the same futures).
    stress_month : int
        The month of the stresses "vendor X fails" and "the group fails" (default 12).
    executor : optional
        A ``concurrent.futures`` executor or a dask ``Client`` that runs the blocks of trials (the
        numbers are the same wherever they run).

    Returns
    -------
    PortfolioAnalysis
        ``summary`` (the book, HHI by vendor and by group with their levels), ``vendors`` (with
        their groups' figures), ``groups``, ``contracts`` and the change that spreads the risk.

    Examples
    --------
    >>> from outsourcing_risk import Book, Contract, Scenario
    >>> book = Book(
    ...     (Contract(Scenario(name="Hosting", vendor_monthly_fee=60_000), "Atlas Hyperscale", "Atlas"),
    ...      Contract(Scenario(name="Payments"), "Atlas Managed", "Atlas"),
    ...      Contract(Scenario(name="Print"), "Quanta")),
    ...     group_shocks={"Atlas": 0.01},
    ... )
    >>> a = analyse_portfolio(book, n_trials=2_000, seed=1)
    >>> round(a.summary["hhi"]), round(a.summary["hhi_group"]), a.summary["concentration_group"]
    (3350, 5450, 'highly concentrated (above 2,500 too)')
    >>> list(a.groups.index)
    ['Atlas', 'Quanta']
    """
    executor = as_executor(executor) if executor is not None else None
    result = simulate_book(book, n_trials, seed, executor=executor)
    fewer = min(n_trials, max(2_000, n_trials // 4))
    stress = stress_losses(book, fewer, seed, stress_month, executor=executor)
    group_stress = group_stress_losses(book, fewer, seed, stress_month, executor=executor)
    plans = exit_plan_values(book, fewer, seed)
    vendors = vendor_table(result, stress)
    groups = group_table(result, vendors, group_stress)
    candidate = _diversification_candidate(book, vendors)
    moved = None
    if candidate is not None:
        change = diversify if candidate[0] == "move" else prepare_exit
        moved = change(book, candidate[1], n_trials=n_trials, seed=seed, base=result, executor=executor)
    summary = book_summary(result)
    summary["stress_month"] = stress_month
    return PortfolioAnalysis(
        book=book,
        result=result,
        summary=summary,
        contracts=contract_table(result, plans),
        vendors=with_groups(vendors, groups, book),
        diversification=moved,
        groups=groups,
    )
