"""Value of information (docs/model.md, "Value of information")."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from outsourcing_risk import Scenario, ScenarioError
from outsourcing_risk.analyses.value_of_information import (
    QUALITY,
    choice_value,
    interview_value,
    value_from_samples,
    value_of_information,
)

#: A vendor whose fee, failure probability, switching cost and trust are uncertain, and vendors
#: that differ: the decision to outsource is close enough to its edge that learning can pay.
UNCERTAIN = Scenario(
    name="Uncertain vendor",
    vendor_failure_prob_annual="pert(0.02, 0.06, 0.3)",
    vendor_monthly_fee="pert(60000, 75000, 95000)",
    switching_cost="uniform(150000, 450000)",
    trust="uniform(0.2, 0.9)",
    exit_plan_upfront_cost="uniform(15000, 60000)",  # no exit plan: this input changes nothing
    vendor_quality_spread=1.0,
)


@pytest.fixture(scope="module")
def table():
    return value_of_information(UNCERTAIN, n_trials=20_000, seed=1)


@pytest.mark.parametrize(("mu", "sigma"), [(0.3, 1.0), (-0.5, 2.0), (1 / 3, 0.3 + 0.3), (2.0, 0.5)])
def test_evpi_of_a_normal_net_benefit_matches_its_closed_form(mu, sigma):
    """EVPI = σφ(μ/σ) + μΦ(μ/σ) − max(μ, 0) when the net benefit is μ + σZ and Z can be learned;
    noise that cannot be learned is averaged out by the regression."""
    rng = np.random.default_rng(7)
    n = 20_000
    z = rng.standard_normal(n)
    y = mu + sigma * z + 3 * rng.standard_normal(n)
    value, se, _ = value_from_samples(y, {"z": z})
    exact = sigma * norm.pdf(mu / sigma) + mu * norm.cdf(mu / sigma) - max(mu, 0)
    sampling = np.std(np.maximum(mu + sigma * z, 0)) / math.sqrt(n)  # the sample's own Monte Carlo error
    assert abs(value - exact) <= 4 * math.hypot(se, sampling) + 1e-12, (value, exact, se, sampling)


def test_nothing_uncertain_is_worth_nothing():
    y = np.random.default_rng(1).normal(5.0, 2.0, 5_000)
    assert value_from_samples(y, {"fixed": np.full(5_000, 0.3)}) == (0.0, 0.0, 0.0)
    with pytest.raises(ScenarioError, match="needs something to learn"):
        value_of_information(Scenario(), n_trials=2_000, seed=1)


def test_each_inputs_value_is_at_most_the_value_of_learning_everything(table):
    evpi = table.loc["all"]
    for name, row in table.drop(index="all").iterrows():
        assert row["value"] <= evpi["value"] + 2 * math.hypot(row["se"], evpi["se"]), name
    assert QUALITY in table.index
    assert table.attrs["decision_now"] == "outsource"


def test_an_input_that_cannot_change_the_decision_is_worth_nothing(table):
    row = table.loc["exit_plan_upfront_cost"]  # readiness 0: the plan is never paid for
    assert row["value"] <= 2 * row["se"] + 1.0
    # A scenario far from the decision's edge: nothing is worth learning.
    sure = Scenario(vendor_monthly_fee="pert(20000, 25000, 30000)", vendor_failure_prob_annual=0.01)
    far = value_of_information(sure, n_trials=5_000, seed=2)
    assert (far["value"] <= 2 * far["se"] + 1.0).all()


def test_the_interview_is_worth_more_the_sharper_it_is_and_at_most_knowing_the_quality(table):
    curve = interview_value(UNCERTAIN, n_trials=20_000, seed=1)
    values = curve["value"].to_numpy()
    assert values[0] <= 2 * curve["se"].iloc[0] + 1.0, "an interview that says nothing is worth nothing"
    steps = np.diff(values)
    assert (steps >= -2 * curve["se"].to_numpy()[1:]).all(), "a sharper interview is not worth less"
    assert values[-1] > values[1] > 0
    assert curve.attrs["evppi"] == pytest.approx(table.loc[QUALITY, "value"])


def test_same_seed_same_numbers():
    a = value_of_information(UNCERTAIN, n_trials=4_000, seed=5)
    b = value_of_information(UNCERTAIN, n_trials=4_000, seed=5)
    assert a.equals(b)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: interview_value(Scenario(), n_trials=2_000), "vendor_quality_spread must be above 0"),
        (
            lambda: interview_value(UNCERTAIN, accuracies=[0.5, 1.2], n_trials=2_000),
            r"accuracies must be numbers in \[0, 1\].*1\.2",
        ),
        (lambda: interview_value(UNCERTAIN, accuracies="half", n_trials=2_000), "accuracies must be numbers"),
        (lambda: value_of_information("base case"), "must be a Scenario"),
    ],
)
def test_bad_input_names_what_is_wrong(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


#: Two candidates that differ in price and in how much their vendors differ, away from round numbers.
CANDIDATES = [
    Scenario(
        name="Cheap", vendor_monthly_fee=61_333.33, vendor_failure_prob_annual=0.07, vendor_quality_spread=0.9
    ),
    Scenario(
        name="Solid", vendor_monthly_fee=70_250.5, vendor_failure_prob_annual=0.04, vendor_quality_spread=0.6
    ),
]


@pytest.fixture(scope="module")
def choice():
    return choice_value(CANDIDATES, n_trials=20_000, seed=5)


def test_interviewing_before_choosing_is_worth_more_the_sharper_it_is(choice):
    values, errors = choice["value"].to_numpy(), choice["se"].to_numpy()
    assert abs(values[0]) <= 2 * errors[0] + 1.0, "an interview that says nothing is worth nothing"
    assert all(
        b >= a - 2 * (ea + eb) for a, b, ea, eb in zip(values, values[1:], errors, errors[1:], strict=False)
    )
    assert values[-1] > 4 * errors[-1], "knowing both qualities can change the choice"
    assert choice.attrs["choice_now"] in ("Cheap", "Solid")
    assert set(choice.attrs["means"]) == {"Cheap", "Solid"}


def test_a_hopeless_second_candidate_leaves_the_one_vendor_interview():
    """Beside a candidate that always loses money, choosing is deciding on the first alone: the
    value equals the first vendor's interview (EVSI) in the same futures."""
    hopeless = Scenario(name="Hopeless", vendor_monthly_fee=400_000.0, vendor_quality_spread=0.5)
    table = choice_value([CANDIDATES[0], hopeless], n_trials=10_000, seed=8)
    first_seed = int(np.random.SeedSequence(8, spawn_key=(0, 9, 0)).generate_state(1)[0])
    alone = interview_value(CANDIDATES[0], n_trials=10_000, seed=first_seed)
    np.testing.assert_allclose(table["value"], alone["value"], rtol=1e-9, atol=1e-6)


def test_choice_same_seed_same_numbers(choice):
    again = choice_value(CANDIDATES, n_trials=20_000, seed=5)
    pd.testing.assert_frame_equal(choice, again)


@pytest.mark.parametrize(
    ("candidates", "message"),
    [
        (CANDIDATES[:1], "at least two candidate vendors"),
        ([CANDIDATES[0], Scenario(name="Alike")], "vendor 'Alike': vendor_quality_spread must be above 0"),
    ],
)
def test_a_choice_needs_two_candidates_that_differ(candidates, message):
    with pytest.raises(ScenarioError, match=message):
        choice_value(candidates, n_trials=1_000)
