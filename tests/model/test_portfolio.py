"""A book of contracts (docs/model.md, "A book of contracts")."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outsourcing_risk import Scenario, ScenarioError, simulate
from outsourcing_risk.analyses.portfolio import analyse_portfolio, diversify
from outsourcing_risk.io.data import data_dir, load_scenarios
from outsourcing_risk.model.parameters import PARAMETERS
from outsourcing_risk.model.portfolio import Book, Contract, book_from_table, contract_seed, simulate_book
from outsourcing_risk.model.results import cvar_of

_spec = importlib.util.spec_from_file_location(
    "reference_model", Path(__file__).resolve().parents[2] / "benchmarks" / "reference_model.py"
)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

#: Scenarios away from the defaults: uncertain inputs, insourcing, instant replacement, an exit
#: plan with a transition, and strain that makes the relationship's part of the hazard large.
ALONE = [
    Scenario(
        name="Uncertain", vendor_failure_prob_annual="pert(0.02, 0.0733, 0.31)", trust="uniform(0.3333, 0.9)"
    ),
    Scenario(
        name="Insource",
        after_failure="insource",
        switching_months="uniform(1, 5)",
        vendor_monthly_fee=70_000.1234567,
    ),
    Scenario(
        name="Instant",
        switching_months=0,
        vendor_failure_prob_annual=0.4,
        exit_readiness=0.6,
        transition_months=4,
    ),
    Scenario(
        name="Strained",
        trust=0.3 + 0.3 - 0.3,
        goal_clarity=1 / 3,
        scope_creep_annual=0.25,
        vendor_failure_prob_annual=0.13,
    ),
]


@pytest.mark.parametrize("scenario", ALONE, ids=lambda s: s.name)
@pytest.mark.parametrize("capacity", [None, 1])
def test_a_contract_alone_is_the_single_model_trial_for_trial(scenario, capacity):
    result = simulate_book(
        Book((Contract(scenario, "Vendor"),), capacity=capacity), 12_345, seed=7, keep_months=True
    )
    expected = simulate(scenario, n_trials=12_345, seed=7)
    np.testing.assert_array_equal(result.npv, expected.npv)
    first = np.where(
        expected.first_failure_month > 0, expected.first_failure_month, scenario.horizon_months + 1
    )
    np.testing.assert_array_equal(result.first_failure[0], first)


def test_contracts_of_different_vendors_are_independent_simulations():
    a, b = ALONE[0], ALONE[3]
    result = simulate_book(Book((Contract(a, "V1"), Contract(b, "V2"))), 20_000, seed=3)
    np.testing.assert_array_equal(
        result.vendor_npv[0], simulate(a, n_trials=20_000, seed=contract_seed(3, 0)).npv
    )
    np.testing.assert_array_equal(
        result.vendor_npv[1], simulate(b, n_trials=20_000, seed=contract_seed(3, 1)).npv
    )


def test_contracts_of_one_vendor_fail_in_the_same_month():
    """With no relationship hazard (full trust, clear goals, the best selection, no creep) a
    contract fails only when its vendor collapses: the same month for both, in every trial. With
    strain, neither fails later than the vendor's collapse."""
    calm = {"trust": 1.0, "goal_clarity": 1.0, "selection_score": 1.0, "scope_creep_annual": 0.0}
    one = Scenario(name="One", vendor_failure_prob_annual=0.11, **calm)
    two = Scenario(name="Two", vendor_failure_prob_annual=0.11, vendor_monthly_fee=65_000.25, **calm)
    result = simulate_book(Book((Contract(one, "V"), Contract(two, "V"))), 20_000, seed=5, keep_months=True)
    np.testing.assert_array_equal(result.first_failure[0], result.first_failure[1])
    np.testing.assert_array_equal(result.first_failure[0], result.collapse[0])
    assert 0.2 < np.mean(result.collapse[0] <= 60) < 0.5
    strained = simulate_book(
        Book((Contract(ALONE[3], "V"), Contract(ALONE[3].replace(name="B"), "V"))),
        20_000,
        seed=5,
        keep_months=True,
    )
    assert (strained.first_failure <= strained.collapse[0]).all()
    assert (strained.first_failure[0] == strained.first_failure[1]).mean() > 0.05


def test_each_contract_keeps_the_single_models_law_inside_a_shared_vendor():
    """The split of the hazard leaves each contract's own outcome as the single model's: its mean
    NPV and P(failure) agree within 4 standard errors (different random numbers)."""
    a = ALONE[3]
    b = a.replace(name="B", vendor_monthly_fee=71_000.5, trust=0.7)
    result = simulate_book(Book((Contract(a, "V"), Contract(b, "V"))), 60_000, seed=11)
    n = result.n_trials
    for i, scenario in enumerate((a, b)):
        mean = result.sums["npv"][i] / n
        se = np.sqrt(result.sums["npv2"][i] / n - mean**2) / np.sqrt(n)
        single = simulate(scenario, n_trials=n, seed=100 + i).summary()
        assert abs(mean - single["mean_npv"]) <= 4 * np.hypot(se, single["se_npv"])
        p = result.sums["failed"][i] / n
        assert abs(p - single["p_failure"]) <= 4 * np.sqrt(2 * p * (1 - p) / n)


def _reference_params(scenario: Scenario, vendor: str, group: str, critical: bool) -> dict:
    values = {p.name: getattr(scenario, p.name) for p in PARAMETERS}
    values.update(
        horizon_months=scenario.horizon_months,
        after_failure=scenario.after_failure,
        vendor=vendor,
        group=group,
        critical=critical,
        spend=12 * scenario.vendor_monthly_fee,
    )
    return values


def test_the_book_agrees_with_the_reference_implementation():
    """Shared vendor, a group shock and a capacity of one transition: every contract's mean NPV
    within 4 standard errors of the plain month-by-month reference."""
    a = Scenario(name="A", vendor_failure_prob_annual=0.2, switching_months=5, trust=0.45, goal_clarity=0.6)
    b = Scenario(
        name="B",
        vendor_failure_prob_annual=0.2,
        switching_months=3,
        vendor_monthly_fee=61_234.5,
        after_failure="insource",
    )
    c = Scenario(name="C", vendor_failure_prob_annual=0.1, switching_months=4, exit_readiness=0.5)
    contracts = (Contract(a, "V", "G", True), Contract(b, "V", "G"), Contract(c, "W", "G"))
    book = Book(contracts, {"G": 0.08}, capacity=1)
    result = simulate_book(book, 40_000, seed=2)
    rng = np.random.default_rng(9)
    params = [_reference_params(x.scenario, x.vendor, x.group, x.critical) for x in contracts]
    ref = np.array([reference.book_one_trial(params, {"G": 0.08}, 1, rng) for _ in range(3_000)])
    n = result.n_trials
    for i in range(3):
        mean = result.sums["npv"][i] / n
        se = np.sqrt(result.sums["npv2"][i] / n - mean**2) / np.sqrt(n)
        z = (mean - ref[:, i].mean()) / np.hypot(se, ref[:, i].std(ddof=1) / np.sqrt(len(ref)))
        assert abs(z) <= 4, (i, z)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_concentrating_a_book_on_one_vendor_never_lowers_its_worst_5_percent_loss(seed):
    """Four contracts with four vendors, then all with one: the same contracts, the same seeds.
    The worst-5 % average of the concentrated book is never above the spread book's beyond its
    Monte Carlo error (comonotone failures make the tail heavier)."""
    rng = np.random.default_rng(seed)
    scenarios = [
        Scenario(
            name=f"C{i}",
            vendor_failure_prob_annual=0.12,
            switching_months=int(rng.integers(2, 9)),
            vendor_monthly_fee=float(rng.uniform(55_000, 80_000)),
            switching_cost=float(rng.uniform(100_000, 400_000)),
        )
        for i in range(4)
    ]
    spread = Book(tuple(Contract(s, f"V{i}") for i, s in enumerate(scenarios)), capacity=2)
    concentrated = Book(tuple(Contract(s, "V") for s in scenarios), capacity=2)
    a, b = simulate_book(spread, 20_000, seed), simulate_book(concentrated, 20_000, seed)
    boot = np.random.default_rng(0)
    diffs = [
        cvar_of(b.npv[idx]) - cvar_of(a.npv[idx])
        for idx in (boot.integers(0, a.n_trials, a.n_trials) for _ in range(50))
    ]
    assert cvar_of(b.npv) - cvar_of(a.npv) <= 2 * np.std(diffs)
    assert cvar_of(b.npv) < cvar_of(a.npv), "with a concentrated vendor the tail is clearly worse"


@pytest.mark.parametrize("after", ["insource", "replace"])
def test_more_switching_capacity_never_lengthens_a_disruption(after):
    """Seven contracts of one vendor, all failing together: each contract's disrupted months over
    all trials never grow with the capacity (trial by trial the switches wait less)."""
    contracts = tuple(
        Contract(
            Scenario(
                name=f"C{i}", vendor_failure_prob_annual=0.3, switching_months=2 + i % 4, after_failure=after
            ),
            "V",
            critical=i % 3 == 0,
        )
        for i in range(7)
    )
    previous = None
    for capacity in (1, 2, 3, 5, None):
        sums = simulate_book(Book(contracts, capacity=capacity), 5_000, seed=4).sums["disrupted"]
        if previous is not None:
            assert (sums <= previous + 1e-9).all(), (capacity, sums, previous)
        previous = sums


def test_bad_tables_name_the_row_and_the_rule():
    rows = [
        {"name": "A", "vendor": "V", "vendor_group": "Cloud", "notice_months": "3"},
        {"name": "A", "vendor": "V", "notice_months": "-1", "critical": "maybe"},
        {"name": "B", "vendor": "", "rto_months": "0"},
        {
            "name": "C",
            "vendor": "V",
            "vendor_group": "Cloud",
            "trust_policy": "ramp",
            "vendor_quality_spread": "0.5",
        },
        {"name": "D", "vendor": "V", "vendor_failure_prob_annual": "0.2"},
    ]
    with pytest.raises(ScenarioError) as err:
        book_from_table(pd.DataFrame(rows).fillna(""))
    text = str(err.value)
    assert "row 2 ('A'): name 'A' repeats row 1" in text
    assert "row 2 ('A'): notice_months must be a number of months ≥ 0 (got '-1')" in text
    assert "row 2 ('A'): critical must be yes or no (got 'maybe')" in text
    assert "row 3 ('B'): vendor is empty" in text
    assert "row 3 ('B'): rto_months must be a number of months > 0 (got '0')" in text
    assert "row 4 ('C'): vendor 'V' has vendor_quality_spread 0.5 here but 0.0 in row 1" in text
    assert "row 5 ('D'): vendor 'V' has vendor_failure_prob_annual 0.2 here but 0.06 in row 1" in text
    assert "unknown vendor group 'Cloud'" in text
    with pytest.raises(ScenarioError, match="unknown column 'vendr' \\(did you mean 'vendor'\\?\\)"):
        book_from_table([{"name": "A", "vendr": "V"}])
    with pytest.raises(ScenarioError, match="switching capacity must be a whole number"):
        book_from_table([{"name": "A", "vendor": "V"}], capacity=0)


def test_a_book_built_in_code_is_held_to_the_tables_rules():
    """A vendor's quality is one draw per vendor: its contracts share one spread, a number."""
    a = Contract(Scenario(name="Desk", vendor_quality_spread="uniform(0.2, 0.8)"), "V")
    b = Contract(Scenario(name="Hosting", vendor_quality_spread="uniform(0.2, 0.8)"), "V")
    with pytest.raises(ScenarioError) as err:
        simulate_book(Book((a, b)), 100, seed=1)
    assert "vendor 'V': vendor_quality_spread must be a number for a vendor that runs several" in str(
        err.value
    )
    short = Contract(Scenario(name="Payroll", horizon_months=36), "V")
    with pytest.raises(ScenarioError, match=r"the same horizon_months \(got \[36, 60\]\)"):
        simulate_book(Book((Contract(Scenario(name="Desk"), "V"), short)), 100, seed=1)


def test_the_example_books_read_and_the_bank_is_concentrated():
    small = book_from_table(load_scenarios(data_dir() / "portfolio.csv"))
    bank = book_from_table(load_scenarios(data_dir() / "portfolio_bank.csv"), capacity=2)
    assert 3 <= len(small.contracts) <= 8
    assert len(bank.contracts) >= 24
    counts = pd.Series([c.vendor for c in bank.contracts]).value_counts()
    assert (counts >= 5).sum() == 2, "two vendors run many contracts"


def test_the_bank_book_reads_as_a_banks_risk_officer_expects():
    """Core banking, payments and cards are critical with RTOs of hours; print and mail,
    developer tooling and archive storage are not critical; the file says it is illustrative."""
    bank = book_from_table(load_scenarios(data_dir() / "portfolio_bank.csv"))
    by_name = {c.name: c for c in bank.contracts}
    for name in ("Core banking hosting", "Payments gateway", "Card processing", "General ledger hosting"):
        assert by_name[name].critical, name
        assert by_name[name].rto_months * 730.5 <= 24, f"{name}: an RTO of hours"
    for name in ("Print and mail", "Developer tooling", "Archive storage", "Test environments"):
        assert not by_name[name].critical, name
    assert by_name["Core banking hosting"].notice_months >= 12
    assert "ILLUSTRATIVE" in (data_dir() / "portfolio_bank.csv").read_text().splitlines()[0]


@pytest.fixture(scope="module")
def small_book():
    return book_from_table(load_scenarios(data_dir() / "portfolio.csv"), capacity=1)


def test_the_analysis_adds_up(small_book):
    a = analyse_portfolio(small_book, n_trials=8_000, seed=3)
    assert a.vendors["worst5_share"].sum() == pytest.approx(1.0)
    assert a.vendors["spend_share"].sum() == pytest.approx(1.0)
    assert a.summary["hhi"] == pytest.approx(a.vendors["hhi_part"].sum())
    assert a.summary["mean_npv"] == pytest.approx(a.contracts["mean_npv"].sum())
    assert (a.vendors["stress_loss"] > 0).all(), "a forced collapse costs every vendor's contracts"
    plans = a.contracts["exit_plan_value"]
    assert plans.notna().sum() == sum(c.scenario.exit_readiness > 0 for c in small_book.contracts)
    assert a.diversification["contract"] in a.contracts.index


def test_diversifying_is_paired_and_same_seed_same_numbers(small_book):
    first = diversify(small_book, "Payroll system", n_trials=6_000, seed=5)
    again = diversify(small_book, "Payroll system", n_trials=6_000, seed=5)
    assert first == again
    assert first["hhi_after"] < analyse_portfolio(small_book, n_trials=2_000, seed=5).summary["hhi"]


def test_a_shared_subcontractor_fails_its_dependants_first_vendors_in_one_month():
    """Two contracts of two vendors that name one subcontractor: with no other hazard, both fail
    exactly when it does, in every trial; a third contract of one of those vendors that does not
    name it never fails; the subcontractor's chance of failing is its own."""
    calm = {"trust": 1.0, "goal_clarity": 1.0, "selection_score": 1.0, "vendor_failure_prob_annual": 0.0}
    a = Contract(Scenario(name="A", **calm), "V1", subcontractors=("Gamma DC",))
    b = Contract(Scenario(name="B", **calm), "V2", subcontractors=("Gamma DC",))
    c = Contract(Scenario(name="C", **calm), "V1")
    book = Book((a, b, c), subcontractor_shocks={"Gamma DC": 0.1})
    result = simulate_book(book, 20_000, seed=3, keep_months=True)
    horizon = book.horizon_months
    np.testing.assert_array_equal(result.first_failure[0], result.first_failure[1])
    assert (result.first_failure[2] == horizon + 1).all()
    p_fail = np.mean(result.first_failure[0] <= horizon)
    expected = 1 - 0.9**5
    assert abs(p_fail - expected) <= 4 * np.sqrt(expected * (1 - expected) / 20_000)


def test_a_subcontractor_leaves_a_book_without_one_unchanged_and_adds_only_failures():
    """Naming a subcontractor of chance 0 changes no number (its stream is its own); of chance
    above 0 it only brings failures earlier, trial by trial."""
    s = ALONE[3]
    plain = simulate_book(Book((Contract(s, "V"),)), 12_000, seed=4, keep_months=True)
    zero = Book((Contract(s, "V", subcontractors=("S",)),), subcontractor_shocks={"S": 0.0})
    np.testing.assert_array_equal(simulate_book(zero, 12_000, seed=4).npv, plain.npv)
    some = Book((Contract(s, "V", subcontractors=("S",)),), subcontractor_shocks={"S": 0.3})
    hit = simulate_book(some, 12_000, seed=4, keep_months=True)
    assert (hit.first_failure[0] <= plain.first_failure[0]).all()
    assert (hit.first_failure[0] < plain.first_failure[0]).mean() > 0.1


def test_a_book_with_a_shared_subcontractor_agrees_with_the_reference_implementation():
    """Two vendors sharing a subcontractor, one of them in a group with a third vendor, a
    capacity of one: every contract's mean NPV within 4 standard errors of the reference."""
    a = Scenario(name="A", vendor_failure_prob_annual=0.05, switching_months=5, trust=0.5)
    b = Scenario(name="B", vendor_failure_prob_annual=0.08, switching_months=3, after_failure="insource")
    c = Scenario(name="C", vendor_failure_prob_annual=0.05, switching_months=4, exit_readiness=0.5)
    contracts = (
        Contract(a, "V", "G", True, subcontractors=("S",)),
        Contract(b, "W", subcontractors=("S", "T")),
        Contract(c, "X", "G"),
    )
    subs = {"S": 0.15, "T": 0.05}
    book = Book(contracts, {"G": 0.05}, capacity=1, subcontractor_shocks=subs)
    result = simulate_book(book, 40_000, seed=2)
    rng = np.random.default_rng(12)
    params = [_reference_params(x.scenario, x.vendor, x.group, x.critical) for x in contracts]
    for p, x in zip(params, contracts, strict=True):
        p["subcontractors"] = list(x.subcontractors)
    ref = np.array([reference.book_one_trial(params, {"G": 0.05}, 1, rng, subs) for _ in range(3_000)])
    n = result.n_trials
    for i in range(3):
        mean = result.sums["npv"][i] / n
        se = np.sqrt(result.sums["npv2"][i] / n - mean**2) / np.sqrt(n)
        z = (mean - ref[:, i].mean()) / np.hypot(se, ref[:, i].std(ddof=1) / np.sqrt(len(ref)))
        assert abs(z) <= 4, (i, z)


#: Trust over time away from the defaults (as tests/pinned's worlds): a ramp, a trigger, vendors
#: that differ, an uncertain fee, scope creep, both policies after a failure.
TRUSTING = [
    Scenario(
        name="Ramp",
        trust_policy="ramp",
        trust=0.35,
        trust_step=0.15,
        trust_cut=0.25,
        trust_ceiling=0.85,
        vendor_monthly_fee="pert(61000, 68500, 83000)",
        scope_creep_annual=0.17,
    ),
    Scenario(name="Trigger", exit_trigger_incidents=3, exit_trigger_window=9, incident_rate_max=0.41),
    Scenario(name="Spread", vendor_quality_spread=0.8, after_failure="insource", switching_months=3),
    Scenario(
        name="All",
        trust_policy="ramp",
        trust=0.45,
        exit_trigger_incidents=2,
        exit_trigger_window=7,
        vendor_quality_spread=1.1,
        switching_months=0,
        incident_rate_max=0.33,
    ),
]


@pytest.mark.parametrize("scenario", TRUSTING, ids=lambda s: s.name)
@pytest.mark.parametrize("capacity", [None, 1])
def test_a_contract_under_trust_over_time_alone_is_the_single_model_trial_for_trial(scenario, capacity):
    result = simulate_book(
        Book((Contract(scenario, "Vendor"),), capacity=capacity), 12_345, seed=7, keep_months=True
    )
    expected = simulate(scenario, n_trials=12_345, seed=7)
    np.testing.assert_array_equal(result.npv, expected.npv)
    first = np.where(
        expected.first_failure_month > 0, expected.first_failure_month, scenario.horizon_months + 1
    )
    np.testing.assert_array_equal(result.first_failure[0], first)
    assert result.sums["switches"][0] == expected.switches.sum()


def test_two_contracts_of_one_vendor_share_its_quality():
    """Vendors that differ (a spread of 1), no failures: a vendor's two contracts have correlated
    incident costs, as its quality multiplies both incident rates; two vendors' do not."""
    calm = {"vendor_failure_prob_annual": 0.0, "vendor_quality_spread": 1.0, "incident_rate_max": 0.5}
    a, b = Scenario(name="A", **calm), Scenario(name="B", vendor_monthly_fee=65_000, **calm)
    one = simulate_book(Book((Contract(a, "V"), Contract(b, "V"))), 20_000, seed=2, keep_months=True)
    two = simulate_book(Book((Contract(a, "V"), Contract(b, "W"))), 20_000, seed=2, keep_months=True)
    shared = np.corrcoef(one.contract_npv)[0, 1]
    apart = np.corrcoef(two.contract_npv)[0, 1]
    assert shared > 0.3, shared
    assert abs(apart) < 4 / np.sqrt(20_000), apart
    # Each contract alone keeps the single model's law of its NPV (different random numbers).
    for i, s in enumerate((a, b)):
        single = simulate(s, n_trials=20_000, seed=50 + i).npv
        se = np.hypot(one.contract_npv[i].std(), single.std()) / np.sqrt(20_000)
        assert abs(one.contract_npv[i].mean() - single.mean()) <= 4 * se


def test_trust_over_time_competes_for_the_switching_slots():
    """Seven contracts of one vendor under a ramp and a trigger, all failing together: each
    contract's disrupted months never grow with the capacity, and the months are the same whatever
    the executor (one block at a time)."""
    contracts = tuple(
        Contract(
            Scenario(
                name=f"C{i}",
                vendor_failure_prob_annual=0.3,
                switching_months=2 + i % 4,
                trust_policy="ramp",
                exit_trigger_incidents=3,
                exit_trigger_window=6,
            ),
            "V",
            critical=i % 3 == 0,
        )
        for i in range(7)
    )
    previous = None
    for capacity in (1, 2, 5, None):
        sums = simulate_book(Book(contracts, capacity=capacity), 3_000, seed=4).sums["disrupted"]
        if previous is not None:
            assert (sums <= previous + 1e-9).all(), (capacity, sums, previous)
        previous = sums


def test_a_book_under_trust_over_time_agrees_with_the_reference_implementation():
    """Two contracts of one vendor that differ from other vendors (a spread of 0.8), one under a
    ramp and one under a trigger, a third of another vendor of the same group, a subcontractor
    shared by both vendors and a capacity of one: every contract's mean NPV within 4 standard
    errors of the plain month-by-month reference."""
    spread = {"vendor_quality_spread": 0.8, "incident_rate_max": 0.4}
    a = Scenario(
        name="A",
        vendor_failure_prob_annual=0.12,
        switching_months=4,
        trust_policy="ramp",
        trust=0.4,
        trust_step=0.2,
        **spread,
    )
    b = Scenario(
        name="B",
        vendor_failure_prob_annual=0.12,
        switching_months=2,
        exit_trigger_incidents=2,
        exit_trigger_window=6,
        after_failure="insource",
        **spread,
    )
    c = Scenario(
        name="C", vendor_failure_prob_annual=0.06, switching_months=0, trust_policy="ramp", trust=0.5
    )
    contracts = (
        Contract(a, "V", "G", True, subcontractors=("S",)),
        Contract(b, "V", "G"),
        Contract(c, "W", "G", subcontractors=("S",)),
    )
    book = Book(contracts, {"G": 0.05}, capacity=1, subcontractor_shocks={"S": 0.08})
    result = simulate_book(book, 40_000, seed=2)
    rng = np.random.default_rng(21)
    params = [_reference_params(x.scenario, x.vendor, x.group, x.critical) for x in contracts]
    for p, x in zip(params, contracts, strict=True):
        p["subcontractors"] = list(x.subcontractors)
        p["trust_policy"] = x.scenario.trust_policy
    ref = np.array([reference.book_one_trial(params, {"G": 0.05}, 1, rng, {"S": 0.08}) for _ in range(4_000)])
    n = result.n_trials
    for i in range(3):
        mean = result.sums["npv"][i] / n
        se = np.sqrt(result.sums["npv2"][i] / n - mean**2) / np.sqrt(n)
        z = (mean - ref[:, i].mean()) / np.hypot(se, ref[:, i].std(ddof=1) / np.sqrt(len(ref)))
        assert abs(z) <= 4, (i, z)


def test_a_vendor_alone_with_an_uncertain_spread_is_stressed_on_its_own_draws():
    """A vendor alone may have an uncertain vendor_quality_spread (its one contract draws it); the
    stress draws its collapse on its own, with that contract's draw of the spread."""
    alone = Contract(Scenario(name="A", vendor_quality_spread="uniform(0.2, 0.8)"), "V")
    book = Book((alone, Contract(Scenario(name="B"), "W")))
    base = simulate_book(book, 3_000, seed=1)
    split = simulate_book(book, 3_000, seed=1, split={"V"})
    forced = simulate_book(book, 3_000, seed=1, force={"V": 12})
    np.testing.assert_array_equal(base.vendor_npv[1], split.vendor_npv[1])
    assert (forced.vendor_npv[0] - split.vendor_npv[0]).mean() < 0, "a forced collapse in month 12 costs"
