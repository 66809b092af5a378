"""What the book's page says, as claims (docs/analyses.md, "Claims"): the book's outcome, its
concentration by vendor and by group against the thresholds it is judged by, who drives the worst
futures and what that vendor's failure would do, the group that drives them and what the whole
group's failure would do, the contracts that lose money on average, the
contracts whose every failure breaches the recovery-time objective, the critical contracts that
could not be exited within notice, and the move that would spread the risk.

A book cannot travel inside each claim's evidence (32 contracts in every row of ``claims.csv``), so
the evidence names the book by a fingerprint of its contracts, and rechecking recomputes
the claims with the book given beside them
(``recheck(claim, context={"book_object": book})``, or :func:`~.recheck.recheck_book`).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from ..model.portfolio import Book
from .claim_checks import register_check
from .claims import Claim, against_limit, binomial_se, difference, level, tail_mean_se
from .portfolio import HIGHLY_CONCENTRATED, PortfolioAnalysis, analyse_portfolio, group_of

__all__ = ["book_claims", "book_fingerprint"]


def book_fingerprint(book: Book) -> str:
    """A short hash of everything that defines the book (its contracts, groups' shocks, capacity,
    subcontractors and their chances; the last two only where given, so that a book without them
    keeps the fingerprint it had before they existed)."""
    rows = [
        {
            **c.scenario.to_dict(),
            "vendor": c.vendor,
            "group": c.group,
            "critical": c.critical,
            "notice": repr(c.notice_months),
            "rto": repr(c.rto_months),
            **({"subcontractors": list(c.subcontractors)} if c.subcontractors else {}),
        }
        for c in book.contracts
    ]
    whole: dict = {"rows": rows, "shocks": dict(book.group_shocks), "capacity": book.capacity}
    if book.subcontractor_shocks:
        whole["subcontractor_shocks"] = dict(book.subcontractor_shocks)
    blob = json.dumps(whole, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def book_claims(analysis: PortfolioAnalysis) -> list[Claim]:
    """Every claim the book's page makes, in the order the page makes them."""
    book, s, vendors, contracts = analysis.book, analysis.summary, analysis.vendors, analysis.contracts
    n = s["n_trials"]

    def ev(stat: str, **more) -> dict:
        return {
            "method": "book",
            "book": book_fingerprint(book),
            "n_trials": n,
            "seed": s["seed"],
            "stat": stat,
            **more,
        }

    claims = [
        level(
            "book/mean",
            "mean_npv",
            s["mean_npv"],
            s["se_npv"],
            "money",
            section="book",
            evidence=ev("mean_npv"),
        ),
        level(
            "book/p_loss",
            "p_loss",
            s["p_loss"],
            binomial_se(s["p_loss"], n),
            "chance",
            section="book",
            evidence=ev("p_loss"),
        ),
        level(
            "book/cvar5",
            "cvar5",
            s["cvar5"],
            tail_mean_se(analysis.result.npv),
            "money",
            section="book",
            evidence=ev("cvar5"),
        ),
        against_limit(
            "concentration/vendor",
            "hhi",
            s["hhi"],
            0.0,
            "hhi",
            limit=HIGHLY_CONCENTRATED,
            bad="above",
            section="concentration",
            evidence=ev("hhi"),
        ),
    ]
    if analysis.groups is not None and len(analysis.groups) < len(vendors):
        claims.append(
            against_limit(
                "concentration/group",
                "hhi_group",
                s["hhi_group"],
                0.0,
                "hhi",
                limit=HIGHLY_CONCENTRATED,
                bad="above",
                section="concentration",
                evidence=ev("hhi_group"),
            )
        )
    claims += _group_claims(analysis, ev)
    top = str(vendors["worst5_share"].idxmax())
    row: Any = vendors.loc[top]
    claims.append(
        level(
            "tail/top",
            top,
            row["worst5_share"],
            math.nan,
            "share",
            section="concentration",
            evidence=ev("worst5_share", vendor=top),
            spend_share=float(row["spend_share"]),
            contracts=int(row["contracts"]),
            group=group_of(book, top),
        )
    )
    loss, loss_se = float(row["stress_loss"]), float(row["stress_loss_se"])
    claims.append(
        difference(
            "stress/top",
            top,
            -loss,
            loss_se,
            "money",
            section="stress",
            evidence=ev("stress", vendor=top),
            month=int(s["stress_month"]),
            before=float(s["mean_npv"]),
            after=float(s["mean_npv"] - loss),
        )
    )
    for name, row in contracts.iterrows():
        claims.append(
            difference(
                f"contract/{name}/mean",
                str(name),
                row["mean_npv"],
                row["se_npv"],
                "money",
                section="contracts",
                evidence=ev("contract_mean", contract=str(name)),
                critical=bool(row["critical"]),
                vendor=str(row["vendor"]),
            )
        )
    breach = contracts[contracts["rto_breach_share"] == 1.0]
    with_rto = contracts[contracts["rto_breach_share"].notna()]
    claims.append(
        level(
            "contracts/rto_always",
            "rto_always",
            len(breach),
            0.0,
            "count",
            section="contracts",
            evidence=ev("rto_always"),
            of=len(with_rto),
            names=[str(x) for x in breach.index],
        )
    )
    critical = contracts[contracts["critical"] & contracts["p_exit_within_notice"].notna()]
    for name, row in critical.iterrows():
        switches = max(round(row["expected_switches"] * n), 1)
        claims.append(
            level(
                f"contract/{name}/notice",
                str(name),
                row["p_exit_within_notice"],
                binomial_se(row["p_exit_within_notice"], switches),
                "share",
                section="contracts",
                evidence=ev("notice", contract=str(name)),
            )
        )
    moved = analysis.diversification
    if moved:
        detail = {k: moved[k] for k in ("kind", "contract", "from_vendor", "hhi_after", "readiness_before")}
        claims.append(
            difference(
                "move/mean",
                moved["contract"],
                moved["mean_gain"],
                moved["mean_gain_se"],
                "money",
                section="move",
                evidence=ev("move_mean"),
                **detail,
            )
        )
        claims.append(
            difference(
                "move/cvar",
                moved["contract"],
                moved["cvar_gain"],
                moved["cvar_gain_se"],
                "money",
                section="move",
                evidence=ev("move_cvar"),
                **detail,
            )
        )
    return claims


def _group_claims(analysis: PortfolioAnalysis, ev) -> list[Claim]:
    """Where vendors are grouped (a declared group, a register's ultimate parent): the group of
    several vendors that drives most of the worst 5 %, its share, and what the book loses if the whole group fails in
    the stress month (docs/model.md, "What the portfolio report computes")."""
    groups, s = analysis.groups, analysis.summary
    if groups is None or len(groups) == len(analysis.vendors):
        return []
    grouped = groups[groups["vendors"] > 1]  # a group of one vendor is that vendor's claims
    top = str(grouped["worst5_share"].idxmax())
    row: Any = groups.loc[top]
    loss, loss_se = float(row["stress_loss"]), float(row["stress_loss_se"])
    return [
        level(
            "tail/group_top",
            top,
            row["worst5_share"],
            math.nan,
            "share",
            section="concentration",
            evidence=ev("group_worst5_share", group=top),
            spend_share=float(row["spend_share"]),
            vendors=int(row["vendors"]),
            contracts=int(row["contracts"]),
        ),
        difference(
            "stress/group_top",
            top,
            -loss,
            loss_se,
            "money",
            section="stress",
            evidence=ev("group_stress", group=top),
            month=int(s["stress_month"]),
            before=float(s["mean_npv"]),
            after=float(s["mean_npv"] - loss),
        ),
    ]


_ANALYSES: dict[tuple, PortfolioAnalysis] = {}


def _analysis(ev) -> PortfolioAnalysis:
    book = ev["book_object"]
    if book_fingerprint(book) != ev["book"]:
        raise ValueError("the book given is not the book the claim was made of (fingerprints differ)")
    key = (ev["book"], int(ev["n_trials"]), int(ev["seed"]))
    if key not in _ANALYSES:
        _ANALYSES.clear()
        _ANALYSES[key] = analyse_portfolio(book, n_trials=int(ev["n_trials"]), seed=int(ev["seed"]))
    return _ANALYSES[key]


@register_check("book")
def _book(ev) -> tuple:
    a = _analysis(ev)
    s, stat = a.summary, ev["stat"]
    n = s["n_trials"]
    if stat == "mean_npv":
        return s["mean_npv"], s["se_npv"]
    if stat == "p_loss":
        return s["p_loss"], binomial_se(s["p_loss"], n)
    if stat == "cvar5":
        return s["cvar5"], tail_mean_se(a.result.npv)
    if stat in ("hhi", "hhi_group"):
        return s[stat], 0.0
    if stat == "worst5_share":
        return float(a.vendors.loc[ev["vendor"], "worst5_share"]), math.nan
    if stat == "group_worst5_share":
        return float(a.groups.loc[ev["group"], "worst5_share"]), math.nan  # type: ignore[union-attr]
    if stat == "group_stress":
        loss, se = a.groups.loc[ev["group"], ["stress_loss", "stress_loss_se"]]  # type: ignore[union-attr]
        return -float(loss), float(se), {"before": s["mean_npv"], "after": s["mean_npv"] - float(loss)}
    if stat == "stress":
        loss, se = a.vendors.loc[ev["vendor"], ["stress_loss", "stress_loss_se"]]
        return -float(loss), float(se), {"before": s["mean_npv"], "after": s["mean_npv"] - float(loss)}
    if stat == "contract_mean":
        row = a.contracts.loc[ev["contract"]]
        return float(row["mean_npv"]), float(row["se_npv"])
    if stat == "rto_always":
        return float((a.contracts["rto_breach_share"] == 1.0).sum()), 0.0
    if stat == "notice":
        row = a.contracts.loc[ev["contract"]]
        switches = max(round(row["expected_switches"] * n), 1)
        return float(row["p_exit_within_notice"]), binomial_se(float(row["p_exit_within_notice"]), switches)
    moved = a.diversification or {}
    if stat == "move_mean":
        return moved["mean_gain"], moved["mean_gain_se"]
    if stat == "move_cvar":
        return moved["cvar_gain"], moved["cvar_gain_se"]
    raise ValueError(f"no book figure {stat!r}")
