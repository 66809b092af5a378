"""Concentration by vendor and by group, the thresholds, and the stress "the group fails in month M"
(outsourcing_risk/analyses/concentration.py; docs/model.md, "What the portfolio report computes")."""

import numpy as np
import pytest

from outsourcing_risk import Scenario
from outsourcing_risk.analyses.book_claims import book_claims
from outsourcing_risk.analyses.concentration import (
    HIGHLY_CONCENTRATED,
    HIGHLY_CONCENTRATED_2010,
    concentration_level,
    group_stress_losses,
    group_table,
)
from outsourcing_risk.analyses.portfolio import analyse_portfolio, book_summary, vendor_table
from outsourcing_risk.analyses.recheck import recheck_book
from outsourcing_risk.model.portfolio import Book, Contract, simulate_book
from outsourcing_risk.present.book_story import book_sentences


def _book(merged: bool) -> Book:
    """Five contracts; Atlas Hyperscale and Atlas Managed Services one group, or (``merged``)
    written as one vendor by hand."""
    rows = [
        ("Core banking", "Atlas Hyperscale", 90_000, 0.03),
        ("Payments", "Atlas Managed Services", 60_000, 0.03),
        ("Cards", "Atlas Hyperscale", 40_000, 0.03),
        ("Desk", "Orion", 70_000, 0.06),
        ("Print", "Quanta", 20_000, 0.05),
    ]
    contracts = []
    for name, vendor, fee, p in rows:
        atlas = vendor.startswith("Atlas")
        scenario = Scenario(name=name, vendor_monthly_fee=fee, vendor_failure_prob_annual=p)
        if merged:
            contracts.append(Contract(scenario, "Atlas" if atlas else vendor))
        else:
            contracts.append(Contract(scenario, vendor, "Atlas" if atlas else ""))
    return Book(tuple(contracts), {} if merged else {"Atlas": 0.01}, capacity=2)


def test_group_concentration_equals_a_hand_merged_vendor_table():
    grouped, merged = _book(merged=False), _book(merged=True)
    result = simulate_book(grouped, 6_000, seed=1)
    groups = group_table(result, vendor_table(result))
    by_hand = vendor_table(simulate_book(merged, 2_000, seed=1))
    for column in ("annual_spend", "spend_share", "hhi_part"):
        np.testing.assert_allclose(groups[column].to_numpy(), by_hand[column].to_numpy(), rtol=1e-12)
    assert list(groups.index) == list(by_hand.index)
    assert book_summary(result)["hhi_group"] == pytest.approx(
        book_summary(simulate_book(merged, 10, 1))["hhi"]
    )
    assert book_summary(result)["hhi_group"] > book_summary(result)["hhi"]
    # The group's share of the worst 5 %, computed on the group's own NPV (the sum of its vendors').
    npv = result.npv
    worst = np.argsort(npv, kind="stable")[: int(np.ceil(0.05 * npv.size))]
    atlas = result.vendor_npv[0] + result.vendor_npv[1]
    share = (atlas.mean() - atlas[worst].mean()) / (npv.mean() - npv[worst].mean())
    assert groups.loc["Atlas", "worst5_share"] == pytest.approx(share, rel=1e-9)
    assert groups["worst5_share"].sum() == pytest.approx(1.0)


def test_the_thresholds_are_named_where_they_are_used():
    assert concentration_level(HIGHLY_CONCENTRATED) == "not highly concentrated"
    assert concentration_level(HIGHLY_CONCENTRATED + 1) == "highly concentrated (above 1,800)"
    assert concentration_level(HIGHLY_CONCENTRATED_2010 + 1) == "highly concentrated (above 2,500 too)"
    a = analyse_portfolio(_book(merged=False), n_trials=2_000, seed=2)
    text = " ".join(s for s, _ in book_sentences(a, book_claims(a)))
    assert (
        "1,800 above which a market is called highly concentrated (U.S. Merger Guidelines 2023, §2.1)" in text
    )
    assert "2,500 under the older test (U.S. Horizontal Merger Guidelines 2010, §5.3)" in text
    assert "The group Atlas (2 vendors, 3 contracts" in text
    assert a.summary["concentration_group"].startswith("highly concentrated")


def test_the_group_stress_takes_the_earlier_month_for_every_vendor_of_the_group():
    """cap={vendor: M}: each vendor of the group collapses at min(drawn, M), trial by trial, in the
    futures of the run that draws it on its own; the loss is the paired difference."""
    book = _book(merged=False)
    atlas = ["Atlas Hyperscale", "Atlas Managed Services"]
    base = simulate_book(book, 4_000, seed=3, split=set(atlas))
    capped = simulate_book(book, 4_000, seed=3, cap=dict.fromkeys(atlas, 12))
    for v in (0, 1):
        np.testing.assert_array_equal(capped.collapse[v], np.minimum(base.collapse[v], 12))
    # Without a switching capacity to share, the other vendors' futures are untouched.
    free = Book(book.contracts, book.group_shocks)
    np.testing.assert_array_equal(
        simulate_book(free, 4_000, seed=3, cap=dict.fromkeys(atlas, 12)).vendor_npv[2],
        simulate_book(free, 4_000, seed=3, split=set(atlas)).vendor_npv[2],
    )
    losses = group_stress_losses(book, 4_000, seed=3)
    part = book.subset([0, 1, 2])
    diff = (
        simulate_book(part, 4_000, 3, split=set(atlas)).npv
        - simulate_book(part, 4_000, 3, cap=dict.fromkeys(atlas, 12)).npv
    )
    assert losses["Atlas"][0] == pytest.approx(diff.mean(), rel=1e-12)
    assert losses["Atlas"][0] > 0
    assert set(losses) == {"Atlas", "Orion", "Quanta"}
    with pytest.raises(ValueError, match=r"cap\['Orion'\] must be a whole month in 1\.\.60 \(got 0\)"):
        simulate_book(book, 100, seed=1, cap={"Orion": 0})


def test_the_group_claims_recheck():
    book = _book(merged=False)
    a = analyse_portfolio(book, n_trials=2_000, seed=4)
    claims = [
        c for c in book_claims(a) if c.key in ("tail/group_top", "stress/group_top", "concentration/group")
    ]
    assert len(claims) == 3
    assert recheck_book(claims, book) == []
    assert (
        a.vendors.loc["Atlas Managed Services", "group_stress_loss"] == a.groups.loc["Atlas", "stress_loss"]
    )


def test_the_fingerprint_tells_books_apart_by_their_subcontractors():
    from dataclasses import replace

    from outsourcing_risk.analyses.book_claims import book_fingerprint

    plain = _book(merged=False)
    contracts = list(plain.contracts)
    contracts[3] = replace(contracts[3], subcontractors=("DC",))
    with_chance = Book(
        tuple(contracts), plain.group_shocks, plain.capacity, subcontractor_shocks={"DC": 0.01}
    )
    other_chance = Book(
        tuple(contracts), plain.group_shocks, plain.capacity, subcontractor_shocks={"DC": 0.02}
    )
    prints = {book_fingerprint(b) for b in (plain, with_chance, other_chance)}
    assert len(prints) == 3
