"""Stay or leave at a review (docs/model.md, "Stay or leave at a review"): the engine's rest of the
horizon against a direct simulation from the posterior (the reference model, one trial at a time,
its own posterior draws), against the closed form where there is one, a value whose truth is 0,
a spread of 0, the claim rechecked, and the refusals."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from outsourcing_risk import Scenario
from outsourcing_risk.analyses.recheck import recheck
from outsourcing_risk.analyses.stay_or_leave import review_claims, stay_or_leave
from outsourcing_risk.analyses.vendor_record import RecordError
from outsourcing_risk.io.errors import SettingError

_spec = importlib.util.spec_from_file_location(
    "reference_model", Path(__file__).resolve().parents[2] / "benchmarks" / "reference_model.py"
)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

CASES = {
    "replace, failures and creep": (
        {
            "vendor_quality_spread": 1.0,
            "vendor_failure_prob_annual": 0.3,
            "scope_creep_annual": 0.5,
            "switching_months": 2,
            "incident_cost": 80_000,
        },
        6,
        4,
    ),
    "ramp, insource, inside the transition": (
        {
            "vendor_quality_spread": 0.8,
            "trust_policy": "ramp",
            "trust": 0.4,
            "milestone_months": 4,
            "after_failure": "insource",
            "transition_months": 9,
            "incident_rate_max": 1.0,
            "horizon_months": 36,
        },
        6,
        [0, 1, 0, 0, 0, 1],
    ),
    "vendors alike: a busy record says nothing": (
        {"vendor_failure_prob_annual": 0.3, "switching_months": 3, "switching_cost": 100_000},
        6,
        9,
    ),
    "instant replacement, a quiet year": (
        {"vendor_quality_spread": 1.2, "switching_months": 0, "vendor_failure_prob_annual": 0.25},
        12,
        1,
    ),
}


def _direct(scenario: Scenario, result, leave: bool, n: int, seed: int) -> np.ndarray:
    """The rest of the horizon one trial at a time by the reference model, the reviewed vendor's
    quality drawn from the reference's own posterior."""
    params = scenario.to_dict()
    record = result.posterior.record
    monthly = (
        result.incidents
        if isinstance(result.incidents, list)
        else [record.incidents] + [0] * (record.months - 1)
    )
    post = reference.record_posterior(params, monthly, list(record.trust), points=6_001)
    rng = np.random.default_rng(seed)
    start = {
        "months": record.months,
        "trust": record.trust_next,
        "since": record.since_milestone,
        "leave": leave,
    }
    return np.array(
        [
            reference.npv_one_trial(params, rng, start={**start, "z": post["draw"](rng.random())})
            for _ in range(n)
        ]
    )


@pytest.mark.parametrize("name", list(CASES))
def test_each_action_against_a_direct_simulation_from_the_posterior(name):
    changes, months, incidents = CASES[name]
    scenario = Scenario(**changes)
    result = stay_or_leave(scenario, months=months, incidents=incidents, n_trials=20_000, seed=3)
    for leave, engine in ((False, result.stay), (True, result.leave)):
        direct = _direct(scenario, result, leave, 3_000, seed=7 + leave)
        se = math.hypot(
            engine.std(ddof=1) / math.sqrt(engine.size), direct.std(ddof=1) / math.sqrt(direct.size)
        )
        assert abs(engine.mean() - direct.mean()) < 4 * se, (leave, engine.mean(), direct.mean(), se)


def test_the_closed_form_where_the_vendor_cannot_fail():
    """No failures, insource: staying is worth Σ_{t>m} d^t (B_t − F_t(1 + g) − upkeep − E[Q | record]·λ·c),
    leaving −S·d^(m+1) − Σ of the disruption months d^t·B_t·π and nothing after."""
    s = Scenario(
        vendor_quality_spread=0.7, vendor_failure_prob_annual=0.0, after_failure="insource",
        horizon_months=36, transition_months=3, incident_rate_max=0.6, switching_months=3, exit_readiness=0.5,
    )  # fmt: skip
    m = 12
    result = stay_or_leave(s, months=m, incidents=5, n_trials=20_000, seed=5)
    p = s.to_dict()
    t = np.arange(m + 1, 37)
    d = (1 + p["discount_rate_annual"]) ** (-t / 12)
    inhouse = p["inhouse_monthly_cost"] * (1 + p["inhouse_escalation_annual"]) ** ((t - 1) / 12)
    fee = p["vendor_monthly_fee"] * (1 + p["fee_escalation_annual"]) ** ((t - 1) / 12)
    gov = p["governance_min"] + p["micromanagement_overhead"] * (1 - p["trust"]) ** 2
    q = (1 + p["clarity_weight"] * (1 - p["goal_clarity"])) * (
        1 + p["selection_weight"] * (1 - p["selection_score"])
    )
    rate = p["incident_rate_max"] * p["trust"] ** 2 * q * result.posterior.mean_quality()
    eps = p["exit_readiness"]
    stay = np.sum(
        d * (inhouse - fee * (1 + gov) - eps * p["exit_plan_monthly_cost"] - rate * p["incident_cost"])
    )
    switch = p["switching_cost"] * (1 - p["exit_cost_reduction"] * eps)
    months_out = math.floor(p["switching_months"] * (1 - p["exit_time_reduction"] * eps) + 0.5)
    leave = -switch * d[0] - np.sum(d[:months_out] * inhouse[:months_out] * p["disruption_premium"])
    assert result.leave.mean() == pytest.approx(leave, rel=1e-12)  # leaving draws nothing here
    se = result.stay.std(ddof=1) / math.sqrt(result.n_trials)
    assert abs(result.stay.mean() - stay) < 4 * se, (result.stay.mean(), stay, se)


def test_a_value_whose_truth_is_zero_reads_zero_within_its_error():
    """Leaving at no cost, at once, for a vendor drawn from the same prior as the one kept (an
    empty record), with no failures: leaving and staying are worth the same in expectation."""
    s = Scenario(
        vendor_quality_spread=0.6, vendor_failure_prob_annual=0.0, switching_cost=0.0,
        switching_months=0, transition_months=0, incident_rate_max=1.0,
    )  # fmt: skip
    scores = []
    for seed in range(5):
        r = stay_or_leave(s, months=0, incidents=0, n_trials=10_000, seed=seed)
        assert r.se > 0
        scores.append(r.difference / r.se)
    assert all(abs(z) < 3 for z in scores), scores
    assert abs(sum(scores) / math.sqrt(len(scores))) < 3, scores


def test_at_a_spread_of_zero_the_record_says_nothing():
    s = Scenario(vendor_failure_prob_annual=0.3, switching_months=2)
    quiet = stay_or_leave(s, months=6, incidents=0, n_trials=4_000, seed=2)
    busy = stay_or_leave(s, months=6, incidents=9, n_trials=4_000, seed=2)
    assert not quiet.posterior.informative
    np.testing.assert_array_equal(quiet.stay, busy.stay)
    np.testing.assert_array_equal(quiet.leave, busy.leave)


def test_the_actions_are_paired_and_the_same_seed_gives_the_same_numbers():
    s = Scenario(**CASES["replace, failures and creep"][0])
    a = stay_or_leave(s, months=6, incidents=4, n_trials=12_000, seed=9)
    b = stay_or_leave(s, months=6, incidents=4, n_trials=12_000, seed=9)
    assert a.difference == b.difference
    assert a.se == b.se
    unpaired = math.hypot(a.stay.std(ddof=1), a.leave.std(ddof=1)) / math.sqrt(a.n_trials)
    assert a.se < 0.9 * unpaired


def test_the_claim_holds_on_recheck_and_a_planted_one_does_not():
    s = Scenario(vendor_quality_spread=1.0, switching_months=2, incident_cost=80_000)
    (claim,) = review_claims(stay_or_leave(s, months=6, incidents=[1, 0, 1, 0, 1, 1], n_trials=3_000, seed=4))
    assert claim.direction == "higher"
    assert claim.detail["incidents"] == 4
    assert recheck(claim) == []
    from dataclasses import replace

    assert recheck(replace(claim, value=claim.value * 1.01))
    assert recheck(replace(claim, direction="none"))


@pytest.mark.parametrize(
    ("scenario", "kwargs", "words"),
    [
        ({"exit_trigger_incidents": 2, "exit_trigger_window": 6}, {}, "exit_trigger_incidents is 2"),
        ({}, {"months": 60}, "months must be below the horizon (60) for a review (got 60)"),
        ({}, {"incidents": -1}, "incidents must be a whole number ≥ 0 (got -1)"),
        ({"incident_rate_max": None}, {}, ""),
    ],
)
def test_a_review_that_cannot_run_is_refused_in_words(scenario, kwargs, words):
    if not words:
        with pytest.raises(SettingError, match="n_trials must be a whole number"):
            stay_or_leave(Scenario(vendor_quality_spread=0.5), months=6, incidents=1, n_trials=0)
        return
    s = Scenario(vendor_quality_spread=0.5, **scenario)
    with pytest.raises(RecordError) as caught:
        stay_or_leave(s, **{"months": 6, "incidents": 1, **kwargs})
    assert words in str(caught.value)
