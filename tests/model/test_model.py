import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outsourcing_risk import Pert, Scenario, ScenarioError, simulate
from outsourcing_risk.model.closed_form import expected_npv
from outsourcing_risk.model.simulation import simulate_failure_levels

from ..conftest import CLOSED_FORM

# Independent parameter sets for the closed form: hazard, readiness, horizon, disruption, discount.
CLOSED_FORM_CASES = [
    dict(),
    dict(vendor_failure_prob_annual=0.3, exit_readiness=0.7),
    dict(vendor_failure_prob_annual=0.9, switching_months=12, horizon_months=24),
    dict(vendor_failure_prob_annual=0.15, switching_months=0, discount_rate_annual=0.0, trust=0.2),
    dict(vendor_failure_prob_annual=0.5, exit_readiness=1, exit_time_reduction=1, horizon_months=120),
    dict(vendor_failure_prob_annual=0.2, switching_months=30, horizon_months=36, discount_rate_annual=0.25),
]
# The rules the closed form takes from model.rules beyond that corner, one set each: a hazard that
# grows with age and strain, unclear goals, incidents, escalation and a transition cut short.
RULE_CASES = {
    "creep and tension": dict(scope_creep_annual=0.8, creep_strain=1.5, tension_weight=2, trust=0.3),
    "clarity and selection": dict(goal_clarity=0.2, selection_score=0.4, incident_rate_max=0.4),
    "incidents at blind trust": dict(trust=1.0, incident_rate_max=2.5, incident_cost=20_000),
    "escalation": dict(
        inhouse_escalation_annual=0.2, fee_escalation_annual=-0.1, vendor_failure_prob_annual=0.2
    ),
    "a transition cut short": dict(transition_months=9, vendor_failure_prob_annual=0.6, exit_readiness=0.4),
}


@pytest.mark.parametrize(
    "extra", CLOSED_FORM_CASES, ids=lambda d: ",".join(f"{k}={v}" for k, v in d.items()) or "defaults"
)
def test_mean_npv_agrees_with_the_closed_form(extra):
    s = Scenario(**CLOSED_FORM, **extra)
    summary = simulate(s, n_trials=40_000, seed=11).summary()
    assert abs(summary["mean_npv"] - expected_npv(s)) < 4 * summary["se_npv"]


@pytest.mark.parametrize("changes", RULE_CASES.values(), ids=RULE_CASES.keys())
def test_the_closed_form_holds_every_rule_of_the_first_vendor(changes):
    s = Scenario(after_failure="insource", **changes)
    summary = simulate(s, n_trials=40_000, seed=12).summary()
    assert abs(summary["mean_npv"] - expected_npv(s)) < 4 * summary["se_npv"]


def test_zero_hazard_matches_the_closed_form_exactly():
    s = Scenario(**CLOSED_FORM, vendor_failure_prob_annual=0, exit_readiness=0.4)
    npv = simulate(s, n_trials=1_000, seed=0).npv
    assert np.allclose(npv, expected_npv(s), rtol=1e-12, atol=0)
    assert np.ptp(npv) == pytest.approx(0, abs=1e-6)


def test_closed_form_refuses_scenarios_it_does_not_cover():
    with pytest.raises(ValueError, match=r"after_failure must be 'insource' \(got 'replace'\)"):
        expected_npv(Scenario())
    with pytest.raises(ValueError, match=r"uncertain: trust.*Trust over time"):
        expected_npv(Scenario(after_failure="insource", trust=Pert(0.2, 0.5, 0.9), vendor_quality_spread=0.5))


def test_same_seed_same_numbers_in_another_process():
    s = Scenario(vendor_monthly_fee=Pert(60_000, 70_000, 85_000))
    here = simulate(s, n_trials=25_000, seed=42).npv
    code = (
        "from outsourcing_risk import Scenario, Pert, simulate;"
        "r = simulate(Scenario(vendor_monthly_fee=Pert(60_000, 70_000, 85_000)), n_trials=25_000, seed=42);"
        "print(repr(float(r.npv.sum())), repr(float(r.npv[12345])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert [float(x) for x in out] == [float(here.sum()), float(here[12345])]


def test_different_seeds_differ_and_seed_is_recorded():
    a, b = simulate(n_trials=5_000, seed=1), simulate(n_trials=5_000, seed=2)
    assert a.seed == 1
    assert not np.array_equal(a.npv, b.npv)
    fresh = simulate(n_trials=100)
    assert np.array_equal(simulate(n_trials=100, seed=fresh.seed).npv, fresh.npv)


def test_result_shapes():
    r = simulate(Scenario(horizon_months=36), n_trials=12_345, seed=1)
    assert r.npv.shape == (12_345,)
    assert r.path.shape == (12_345, 36)
    assert r.first_failure_month.max() <= 36
    assert np.all((r.first_failure_month > 0) == (r.switches > 0))


@pytest.mark.parametrize(
    ("n_trials", "message"),
    [
        (0, r"n_trials must be a whole number ≥ 1 \(got 0\)"),
        (-5, "≥ 1"),
        (2.5, "whole number"),
        (10**10, "needs about .* GB"),
    ],
)
def test_bad_trial_counts_are_refused_clearly(n_trials, message):
    with pytest.raises((ValueError, TypeError), match=message):
        simulate(n_trials=n_trials, seed=1)


def test_bad_seed_and_scenario_type():
    with pytest.raises(ValueError, match="seed must be a whole number ≥ 0"):
        simulate(n_trials=10, seed=-1)
    with pytest.raises(TypeError, match="simulate needs a Scenario"):
        simulate({"trust": 0.5}, n_trials=10, seed=1)


def test_insource_policy_means_at_most_one_switch():
    r = simulate(Scenario(after_failure="insource", vendor_failure_prob_annual=0.6), n_trials=5_000, seed=3)
    assert r.switches.max() == 1
    replace = simulate(
        Scenario(after_failure="replace", vendor_failure_prob_annual=0.6), n_trials=5_000, seed=3
    )
    assert replace.switches.max() > 1


def test_certain_failure_each_month_is_simulated_without_hanging():
    r = simulate(Scenario(vendor_failure_prob_annual=1, switching_months=0), n_trials=200, seed=1)
    assert np.all(r.first_failure_month == 1)
    assert np.all(r.switches == 60)  # a replacement each month: it serves one month, then fails


def test_exit_readiness_shortens_disruption_and_cuts_switching_cost():
    base = dict(vendor_failure_prob_annual=0.3, after_failure="insource")
    none = simulate(Scenario(**base), n_trials=20_000, seed=5)
    ready = simulate(Scenario(**base, exit_readiness=1), n_trials=20_000, seed=5)
    assert np.array_equal(none.first_failure_month, ready.first_failure_month), "common random numbers"
    failed = none.switches > 0
    assert ready.switching_spend[failed].mean() == pytest.approx(0.5 * none.switching_spend[failed].mean())


def test_correlation_is_validated_with_a_clear_message():
    s = Scenario(vendor_monthly_fee=Pert(50_000, 60_000, 80_000))
    with pytest.raises(ScenarioError, match="'trust', which is not an uncertain parameter"):
        simulate(s, n_trials=100, seed=1, correlation={("vendor_monthly_fee", "trust"): 0.5})


# --- properties under common random numbers -------------------------------------------------

_small = settings(max_examples=25, deadline=None)
_probs = st.floats(0.0, 0.6)


@_small
@given(
    p=_probs,
    dp=st.floats(0.001, 0.4),
    policy=st.sampled_from(["insource", "replace"]),
    seed=st.integers(0, 10**6),
)
def test_higher_failure_probability_never_raises_npv_when_the_vendor_saves_money(p, dp, policy, seed):
    # Incidents and transition overlap off: every active month then saves money, so losing the
    # vendor earlier can only cost. (During the overlap an active month costs more than in-house.)
    s = Scenario(vendor_failure_prob_annual=p, incident_rate_max=0, transition_months=0, after_failure=policy)
    low = simulate(s, n_trials=2_000, seed=seed)
    high = simulate(s.replace(vendor_failure_prob_annual=min(1.0, p + dp)), n_trials=2_000, seed=seed)
    assert high.npv.mean() <= low.npv.mean() + 1e-6
    if policy == "insource":
        assert np.all(high.npv <= low.npv + 1e-6), "per trial, an earlier failure never helps"


@_small
@given(cost=st.floats(0, 1e6), extra=st.floats(1, 1e6), seed=st.integers(0, 10**6))
def test_higher_switching_cost_never_raises_npv(cost, extra, seed):
    s = Scenario(switching_cost=cost, vendor_failure_prob_annual=0.2)
    low = simulate(s, n_trials=2_000, seed=seed)
    high = simulate(s.replace(switching_cost=cost + extra), n_trials=2_000, seed=seed)
    assert np.all(high.npv <= low.npv)


@_small
@given(
    trust=st.floats(0, 1),
    p=_probs,
    fee=st.floats(20_000, 150_000),
    readiness=st.floats(0, 1),
    seed=st.integers(0, 10**6),
)
def test_summary_is_coherent(trust, p, fee, readiness, seed):
    s = Scenario(trust=trust, vendor_failure_prob_annual=p, vendor_monthly_fee=fee, exit_readiness=readiness)
    a = simulate(s, n_trials=1_000, seed=seed)
    summary = a.summary()
    assert 0 <= summary["p_loss"] <= 1
    assert 0 <= summary["p_failure"] <= 1
    assert summary["cvar5"] <= summary["p5"] <= summary["p50"] <= summary["p95"]
    assert np.array_equal(a.npv, simulate(s, n_trials=1_000, seed=seed).npv)


def test_trust_has_the_interior_optimum_of_the_model_design():
    # With tension off, expected trust cost F m (1-t)^2 + c lambda' t^2 is least at t* = Fm / (Fm + c lambda').
    s = Scenario(tension_weight=0, fee_escalation_annual=0, after_failure="insource", exit_readiness=0)
    lam = (
        s.incident_rate_max
        * (1 + s.clarity_weight * (1 - s.goal_clarity))
        * (1 + s.selection_weight * (1 - s.selection_score))
    )
    fm = s.vendor_monthly_fee * s.micromanagement_overhead
    t_star = fm / (fm + s.incident_cost * lam)
    grid = np.round(t_star + np.array([-0.15, -0.05, 0, 0.05, 0.15]), 4)
    means = [simulate(s.replace(trust=t), n_trials=20_000, seed=9).npv.mean() for t in grid]
    assert int(np.argmax(means)) == 2


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(),
        Scenario(after_failure="insource", trust=0.3),
        Scenario(
            trust=Pert(0.3, 0.5, 0.9),
            incident_cost=Pert(1_000, 5_000, 20_000),
            vendor_monthly_fee=Pert(60_000, 70_000, 90_000),
        ),
    ],
    ids=["defaults", "insource", "uncertain"],
)
def test_failure_levels_share_work_but_give_simulates_numbers(scenario):
    levels = [0.0, 0.06, Pert(0.02, 0.06, 0.2), 0.5, 1.0]
    shared = simulate_failure_levels(scenario, levels, 12_345, 11)
    for level, got in zip(levels, shared, strict=True):
        want = simulate(scenario.replace(vendor_failure_prob_annual=level), n_trials=12_345, seed=11)
        for field in ("npv", "path", "first_failure_month", "switches", "switching_spend", "upfront"):
            assert np.array_equal(getattr(got, field), getattr(want, field)), (level, field)
        assert got.inputs.keys() == want.inputs.keys()
        assert all(np.array_equal(got.inputs[k], want.inputs[k]) for k in want.inputs)
        assert all(np.array_equal(a, b) for a, b in zip(got.failures, want.failures, strict=True))
