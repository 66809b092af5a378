"""The vendor choice's claims against direct API runs: the ranking's paired differences, the
interview's value at half the uncertainty and net of its cost; planted false claims fail."""

import dataclasses

import numpy as np
import pytest

from outsourcing_risk import compare_vendors, load_vendors, simulate
from outsourcing_risk.analyses.claims import mean_se, score_se
from outsourcing_risk.analyses.recheck import recheck, recheck_all
from outsourcing_risk.analyses.value_of_information import choice_value
from outsourcing_risk.analyses.vendor_choice import interview_claims, ranking_claims
from outsourcing_risk.analyses.vendors import vendor_scenarios

#: The shipped candidates with Delta Lowball's bid cut to 50,000 a month: clearly the best on
#: average, and still the worst in its worst 5 % of futures.
VENDORS = load_vendors()
VENDORS.loc[VENDORS["name"] == "Delta Lowball", "vendor_monthly_fee"] = "50000"
TRIALS, SEED = 2_000, 7


@pytest.fixture(scope="module")
def scenarios():
    return {s.name: s for s, _ in vendor_scenarios(VENDORS)}


@pytest.fixture(scope="module")
def ranking():
    return compare_vendors(VENDORS, risk_aversion=0.5, n_trials=TRIALS, seed=SEED)


@pytest.fixture(scope="module")
def claims(ranking):
    return ranking_claims(VENDORS, risk_aversion=0.5, n_trials=TRIALS, seed=SEED, ranking=ranking)


def test_the_best_on_average_and_the_best_risk_adjusted_are_compared_on_the_rankings_runs(
    ranking, claims, scenarios
):
    """The two differ on the shipped vendors: the claims compare exactly those two, on the
    ranking's own runs (the same seed for both: paired trial by trial)."""
    first, on_average = ranking.index[0], ranking["mean_npv"].idxmax()
    assert (first, on_average) == ("Acme Offshore", "Delta Lowball")
    by_key = {c.key: c for c in claims}
    assert set(by_key) == {"choice/mean_gap", "choice/tail_gap", "choice/score_gap"}
    a = simulate(scenarios[first], n_trials=TRIALS, seed=SEED).npv
    b = simulate(scenarios[on_average], n_trials=TRIALS, seed=SEED).npv
    mean = by_key["choice/mean_gap"]
    assert (mean.subject, mean.detail["worse"]) == (on_average, first)
    assert mean.value == pytest.approx(b.mean() - a.mean(), rel=1e-12)
    assert mean.value == pytest.approx(ranking.loc[on_average, "mean_npv"] - ranking.loc[first, "mean_npv"])
    assert mean.se == pytest.approx(mean_se(b - a), rel=1e-12)
    assert mean.se < np.hypot(*ranking.loc[[first, on_average], "se_npv"]), "pairing narrows the error"
    score = by_key["choice/score_gap"]
    assert (score.detail["before"], score.detail["after"]) == pytest.approx(
        (ranking.loc[on_average, "score"], ranking.loc[first, "score"]), rel=1e-12
    )
    assert score.se == pytest.approx(score_se(b, a, risk_aversion=0.5), rel=1e-12)
    tail = by_key["choice/tail_gap"]
    assert tail.value == pytest.approx(ranking.loc[first, "cvar5"] - ranking.loc[on_average, "cvar5"])
    assert mean.significant
    assert tail.significant
    assert score.significant
    assert recheck_all(claims) == []


def test_when_one_vendor_is_best_both_ways_it_is_compared_with_each_runner_up():
    three = VENDORS[VENDORS["name"].isin(["Acme Offshore", "Beta Nearshore", "Epsilon Global"])]
    claims = ranking_claims(three, risk_aversion=0.6, n_trials=TRIALS, seed=SEED)
    assert [c.key for c in claims] == ["choice/mean_gap", "choice/score_gap"]
    assert {c.detail["better"] for c in claims} == {c.detail["first"] for c in claims} == {"Acme Offshore"}
    assert {c.detail["worse"] for c in claims} == {"Beta Nearshore"}
    assert recheck_all(claims) == []


@pytest.mark.parametrize(
    "plant",
    [
        lambda c: dataclasses.replace(c, value=c.value * 1.01),
        lambda c: dataclasses.replace(c, direction="lower" if c.direction != "lower" else "higher"),
        lambda c: dataclasses.replace(c, se=c.se * 2),
        lambda c: dataclasses.replace(c, detail={**c.detail, "after": c.detail["after"] + 1_000}),
    ],
    ids=["shifted", "flipped", "error doubled", "a quoted level moved"],
)
def test_a_planted_false_vendor_claim_fails_its_recheck(claims, plant):
    for claim in claims:
        assert recheck(plant(claim)), claim.key


def test_the_interviews_value_is_choice_values_at_half_the_uncertainty_net_of_its_cost(scenarios):
    candidates = [s.replace(vendor_quality_spread=0.8) for s in scenarios.values()][:3]
    table = choice_value(candidates, n_trials=TRIALS, seed=SEED)
    half = float(np.interp(0.5, table.index.to_numpy(dtype=float), table["value"].to_numpy()))
    error = float(np.interp(0.5, table.index.to_numpy(dtype=float), table["se"].to_numpy()))
    worth, net = interview_claims(candidates, table, cost=half / 3, n_trials=TRIALS, seed=SEED)
    assert (worth.key, worth.value, worth.se) == ("choice/interview", half, error)
    assert (net.key, net.value, net.detail["cost"]) == ("choice/interview_net", half - half / 3, half / 3)
    assert worth.direction == ("higher" if half > 2 * error else "none")
    assert recheck_all([worth, net]) == []
    assert recheck(dataclasses.replace(net, value=half + half / 3)), "a cost added, not taken away"
    assert recheck(dataclasses.replace(worth, evidence={**worth.evidence, "seed": SEED + 1}))
    (alone,) = interview_claims(candidates, table, n_trials=TRIALS, seed=SEED)
    assert alone == worth, "without a cost, the value alone"
