"""Concentration of a book of contracts by vendor and by group (docs/model.md, "What the
portfolio report computes"): the HHI of spend against its two named thresholds, the group a
vendor is counted in (its declared group, a register's ultimate parent, else itself), each
group's share of spend and of the worst futures, and the stress "the group fails in month M".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..model.portfolio import Book, BookResult, simulate_book

__all__ = [
    "HIGHLY_CONCENTRATED",
    "HIGHLY_CONCENTRATED_2010",
    "STRESS_MONTH",
    "THRESHOLD_SOURCES",
    "concentration_level",
    "group_of",
    "group_stress_losses",
    "group_table",
    "hhi",
    "vendor_spend",
    "with_groups",
]

#: The month of the deterministic stresses "vendor X fails in month 12" and "group G fails in month 12".
STRESS_MONTH = 12
#: An HHI of spend by vendor or by group above this (on the 0-10,000 scale) is called highly
#: concentrated: a threshold borrowed from the U.S. Department of Justice and FTC Merger Guidelines
#: (2023), §2.1, for markets; for a book of contracts it is our assumption.
HIGHLY_CONCENTRATED = 1_800
#: Above this the book is highly concentrated under the older test too: the U.S. Horizontal Merger
#: Guidelines (2010), §5.3 (1,500-2,500 "moderately concentrated"); our assumption for a book.
HIGHLY_CONCENTRATED_2010 = 2_500
#: Where each threshold comes from, as the page and the claims name it.
THRESHOLD_SOURCES = {
    HIGHLY_CONCENTRATED: "U.S. Merger Guidelines 2023, §2.1",
    HIGHLY_CONCENTRATED_2010: "U.S. Horizontal Merger Guidelines 2010, §5.3",
}


def concentration_level(value: float) -> str:
    """The words for an HHI against the two named thresholds (docs/model.md, "What the portfolio
    report computes"): above 2,500, above 1,800, or neither (at a threshold is not above it).

    >>> concentration_level(1_790), concentration_level(1_964), concentration_level(2_600)
    ('not highly concentrated', 'highly concentrated (above 1,800)', 'highly concentrated (above 2,500 too)')
    """
    if value > HIGHLY_CONCENTRATED_2010:
        return f"highly concentrated (above {HIGHLY_CONCENTRATED_2010:,} too)"
    if value > HIGHLY_CONCENTRATED:
        return f"highly concentrated (above {HIGHLY_CONCENTRATED:,})"
    return "not highly concentrated"


def vendor_spend(book: Book) -> np.ndarray:
    """Each vendor's annual spend (the sum of its contracts'), in the order of ``book.vendors``."""
    return np.array([sum(c.annual_spend for c in book.contracts if c.vendor == v) for v in book.vendors])


def hhi(spend) -> float:
    """The Herfindahl-Hirschman index of ``spend`` on the 0-10,000 scale: 10,000·Σ share².

    >>> hhi([50, 30, 20])
    3800.0
    """
    spend = np.asarray(spend, dtype=float)
    shares = spend / spend.sum() if spend.sum() > 0 else spend
    return float(10_000 * np.sum(shares**2))


def group_of(book: Book, vendor: str) -> str:
    """The group a vendor is counted in for concentration: its declared group (a register's
    ultimate parent), else itself."""
    group = next(c.group for c in book.contracts if c.vendor == vendor)
    return group or vendor


def group_spend(book: Book) -> dict[str, float]:
    """Each group's annual spend (the sum of its vendors'), in order of first appearance."""
    out: dict[str, float] = {}
    for v, spend in zip(book.vendors, vendor_spend(book), strict=True):
        out[group_of(book, v)] = out.get(group_of(book, v), 0.0) + float(spend)
    return out


def group_table(
    result: BookResult, vendors: pd.DataFrame, stress: dict[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """Concentration by group (a declared ``vendor_group``, else the vendor alone): vendors,
    contracts, critical contracts, annual spend, its share and part of the group HHI, the group's
    share of the book's worst 5 % (the sum of its vendors'), and the loss when the whole group
    fails in the stress month (``stress``, from :func:`group_stress_losses`; ± se)."""
    book = result.book
    rows: dict[str, dict] = {}
    for vendor, row in vendors.iterrows():
        g = group_of(book, str(vendor))
        r = rows.setdefault(
            g,
            {
                "group": g,
                "vendors": 0,
                "contracts": 0,
                "critical_contracts": 0,
                "annual_spend": 0.0,
                "worst5_share": 0.0,
            },
        )
        r["vendors"] += 1
        r["contracts"] += int(row["contracts"])
        r["critical_contracts"] += int(row["critical_contracts"])
        r["annual_spend"] += float(row["annual_spend"])
        r["worst5_share"] += float(row["worst5_share"])
    table = pd.DataFrame(list(rows.values())).set_index("group")
    total = table["annual_spend"].sum()
    table["spend_share"] = table["annual_spend"] / total if total > 0 else 0.0
    table["hhi_part"] = 10_000 * table["spend_share"] ** 2
    losses = [(stress or {}).get(str(g), (math.nan, math.nan)) for g in table.index]
    table["stress_loss"] = [x[0] for x in losses]
    table["stress_loss_se"] = [x[1] for x in losses]
    return table


def with_groups(vendors: pd.DataFrame, groups: pd.DataFrame, book: Book) -> pd.DataFrame:
    """The vendor table with its group's figures beside each vendor (``vendors.csv``): the group it
    is counted in, the group's share of spend, part of the group HHI, share of the worst 5 % and
    stress loss (± se)."""
    out = vendors.copy()
    names = [group_of(book, str(v)) for v in out.index]
    out["concentration_group"] = names
    for column in ("spend_share", "hhi_part", "worst5_share", "stress_loss", "stress_loss_se"):
        out[f"group_{column}"] = groups[column].reindex(names).to_numpy(dtype=float)
    return out


def group_stress_losses(
    book: Book, n_trials: int, seed: int, month: int = STRESS_MONTH, executor=None
) -> dict[str, tuple[float, float]]:
    """For each group (:func:`group_of`), what the book loses on average when every vendor of the
    group collapses at the start of ``month`` or earlier, as drawn (min(drawn, month); docs/model.md,
    "What the portfolio report computes"): the group's contracts only, in the same futures, ± se."""
    if not 1 <= month <= book.horizon_months:
        raise ValueError(f"the stress month must lie in 1..{book.horizon_months} (got {month!r})")
    members: dict[str, list[str]] = {}
    for vendor in book.vendors:
        members.setdefault(group_of(book, vendor), []).append(vendor)
    out = {}
    for group, vendors in members.items():
        part = book.subset([i for i, c in enumerate(book.contracts) if c.vendor in vendors])
        base = simulate_book(part, n_trials, seed, split=set(vendors), executor=executor)
        hit = simulate_book(part, n_trials, seed, cap=dict.fromkeys(vendors, month), executor=executor)
        diff = base.npv - hit.npv
        out[group] = (
            float(diff.mean()),
            float(diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else math.nan,
        )
    return out
