"""docs/model.md, "Trust over time": an unknown vendor, the trust ramp and the exit trigger."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outsourcing_risk import Scenario, ScenarioError, simulate
from outsourcing_risk.model.adaptive import BAD_QUALITY

#: Scenarios away from the defaults: insource, instant replacement, no creep, uncertain inputs,
#: trust 1/3 with a certain failure, a horizon shorter than the transition.
WORLDS = {
    "defaults": {},
    "insource": {"after_failure": "insource", "vendor_failure_prob_annual": 0.3},
    "instant replacement": {"switching_months": 0, "vendor_failure_prob_annual": 0.3},
    "no creep, exit plan": {
        "scope_creep_annual": 0,
        "vendor_failure_prob_annual": 0.4,
        "exit_readiness": 0.5,
    },
    "uncertain inputs": {
        "incident_rate_max": "uniform(0.1, 2)",
        "switching_months": "triangular(0, 3, 8)",
        "switching_cost": 250000.1234567,
    },
    "trust 1/3, certain failure": {
        "trust": 1 / 3,
        "incident_rate_max": 3.3,
        "vendor_failure_prob_annual": 1.0,
    },
    "short horizon": {"horizon_months": 7, "transition_months": 9},
}

#: Rules that are on but can never change anything.
INERT = {
    "a ramp that never moves": {"trust_policy": "ramp", "trust_step": 0, "trust_cut": 0, "trust_ceiling": 1},
    "a trigger that cannot fire": {"exit_trigger_incidents": 1000, "exit_trigger_window": 1},
    "both, with a spread of 0": {
        "trust_policy": "ramp",
        "trust_step": 0,
        "trust_cut": 0,
        "vendor_quality_spread": 0.0,
        "exit_trigger_incidents": 999,
        "exit_trigger_window": 120,
    },
}


@pytest.mark.parametrize("world", WORLDS.values(), ids=WORLDS.keys())
@pytest.mark.parametrize("inert", INERT.values(), ids=INERT.keys())
def test_inert_rules_give_the_original_model_trial_for_trial(world, inert):
    scenario = Scenario(**world)
    changed = scenario.replace(**inert)
    assert changed.adaptive
    assert not scenario.adaptive
    before = simulate(scenario, n_trials=3_001, seed=7)
    after = simulate(changed, n_trials=3_001, seed=7)
    assert after.exits is not None
    assert not after.exits.any()
    np.testing.assert_array_equal(after.first_failure_month, before.first_failure_month)
    np.testing.assert_array_equal(after.switches, before.switches)
    # The same failures (listed by month here, by vendor in the original engine).
    assert sorted(zip(*after.failures, strict=True)) == sorted(zip(*before.failures, strict=True))
    # The same money in another order of operations: equal to a few units in the last place.
    np.testing.assert_allclose(after.npv, before.npv, rtol=0, atol=1e-6)
    np.testing.assert_allclose(after.path, before.path, rtol=0, atol=1e-6)
    assert after.summary()["p_failure"] == before.summary()["p_failure"]


def test_defaults_use_the_original_engine():
    result = simulate(Scenario(), n_trials=500, seed=1)
    assert result.exits is None
    assert result.trust_path is None
    assert result.policy_summary()["p_voluntary_exit"] == 0


@settings(max_examples=25, deadline=None)
@given(
    k=st.integers(1, 5),
    window=st.integers(1, 18),
    spread=st.sampled_from([0.0, 1 / 3, 0.3 + 0.3, 1.4]),
    ramp=st.booleans(),
    replace=st.booleans(),
    switching=st.integers(0, 7),
)
def test_a_higher_threshold_never_adds_a_voluntary_exit(k, window, spread, ramp, replace, switching):
    """On common random numbers each trial's history is the same until its first exit; so a
    trial that leaves at the higher threshold also leaves at the lower one."""
    base = Scenario(
        incident_rate_max=1.1,
        vendor_quality_spread=spread,
        trust_policy="ramp" if ramp else "fixed",
        after_failure="replace" if replace else "insource",
        switching_months=switching,
        exit_trigger_window=window,
        exit_trigger_incidents=k,
    )
    low = simulate(base, n_trials=1_500, seed=11)
    high = simulate(base.replace(exit_trigger_incidents=k + 1), n_trials=1_500, seed=11)
    assert not np.any((high.exits > 0) & (low.exits == 0))
    assert high.policy_summary()["p_voluntary_exit"] <= low.policy_summary()["p_voluntary_exit"]


def test_switches_are_failures_or_voluntary_exits():
    s = Scenario(
        vendor_quality_spread=1.0,
        incident_rate_max=1.5,
        exit_trigger_incidents=3,
        exit_trigger_window=6,
        vendor_failure_prob_annual=0.2,
    )
    r = simulate(s, n_trials=4_000, seed=3)
    failures = np.bincount(r.failures[0], minlength=r.n_trials)
    exits = np.bincount(r.exit_events[0], minlength=r.n_trials)
    np.testing.assert_array_equal(failures + exits, r.switches)
    np.testing.assert_array_equal(exits, r.exits)
    assert r.exits.any()
    assert (r.switches - r.exits).any()
    assert r.summary()["p_failure"] == pytest.approx(np.mean(failures > 0))
    # An exit lands the month after a month with a vendor; never in month 1.
    assert r.exit_events[1].min() >= 2
    # left_good only where there was an exit.
    assert not np.any(r.left_good & (r.exits == 0))


def test_a_ramp_moves_trust_only_at_milestones_within_its_bounds():
    s = Scenario(
        trust_policy="ramp",
        trust=0.3,
        trust_step=0.15,
        trust_cut=0.25,
        trust_ceiling=0.85,
        milestone_months=4,
        incident_rate_max=1.0,
        vendor_failure_prob_annual=0.0,
        scope_creep_annual=0,
    )
    r = simulate(s, n_trials=2_000, seed=5)
    path = r.trust_path.astype(float)
    assert np.all(path[:, :4] == np.float32(0.3))  # the first milestone is judged after month 4
    changes = np.flatnonzero(np.any(path[:, 1:] != path[:, :-1], axis=0)) + 2  # month of the new trust
    assert set(changes) <= {5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57}
    assert path.min() >= 0
    assert path.max() <= np.float32(0.85)
    # With no failures and no trigger every month has the first vendor.
    assert np.isfinite(path).all()


def test_quality_is_a_mean_one_multiplier_drawn_per_vendor():
    spread = 0.8
    r = simulate(Scenario(vendor_quality_spread=spread), n_trials=20_000, seed=2)
    z = r.first_quality
    assert abs(z.mean()) < 0.03
    assert abs(z.std() - 1) < 0.03
    # Another spread gives the same scores: the quality stream does not depend on it.
    r2 = simulate(Scenario(vendor_quality_spread=0.3), n_trials=20_000, seed=2)
    np.testing.assert_array_equal(r2.first_quality, z)
    assert np.mean(z > BAD_QUALITY) == pytest.approx(0.25, abs=0.01)


def test_a_bad_vendor_is_left_more_often_than_a_good_one():
    s = Scenario(
        vendor_quality_spread=1.2, incident_rate_max=0.6, exit_trigger_incidents=4, exit_trigger_window=12
    )
    r = simulate(s, n_trials=10_000, seed=4)
    first_exit = np.zeros(r.n_trials, dtype=bool)
    first_exit[r.exit_events[0]] = True  # some vendor was left; the first one when it was early
    bad, good = r.first_quality > BAD_QUALITY, r.first_quality < 0
    assert first_exit[bad].mean() > 3 * first_exit[good].mean()


def test_good_and_bad_vendors_are_not_counted_where_vendors_cannot_differ():
    """With a spread of 0 no vendor is better or worse than another: the scores are drawn (the
    stream is the same at every spread) but the summary does not count them."""
    trigger = {"exit_trigger_incidents": 2, "exit_trigger_window": 6, "incident_rate_max": 0.9}
    alike = simulate(Scenario(**trigger), n_trials=3_000, seed=6)
    assert alike.exits.any()
    assert alike.kept_bad.any()
    summary = alike.policy_summary()
    assert np.isnan(summary["p_left_good"])
    assert np.isnan(summary["p_kept_bad"])
    assert summary["p_voluntary_exit"] > 0
    assert np.isnan(simulate(Scenario(), n_trials=100, seed=6).policy_summary()["p_left_good"])
    differ = simulate(Scenario(**trigger, vendor_quality_spread=0.5), n_trials=3_000, seed=6)
    assert differ.policy_summary()["p_kept_bad"] == np.mean(differ.kept_bad) > 0
    assert differ.policy_summary()["p_left_good"] == np.mean(differ.left_good) > 0


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"trust_policy": "ramp", "trust": 0.7, "trust_ceiling": 0.6}, "trust_ceiling must be at least"),
        ({"trust_policy": "ramp", "trust_step": 1.5}, "trust_step must be in [0, 1] (got 1.5)"),
        ({"trust_policy": "ramp", "trust_cut": -0.1}, "trust_cut must be in [0, 1] (got -0.1)"),
        ({"exit_trigger_incidents": 3}, "exit_trigger_window must be at least 1 month"),
        (
            {"exit_trigger_incidents": 3, "exit_trigger_window": 0},
            "exit_trigger_window must be at least 1 month",
        ),
        ({"exit_trigger_window": 6}, "exit_trigger_incidents must be at least 1"),
        ({"exit_trigger_incidents": 2.5, "exit_trigger_window": 6}, "a whole number of incidents (got 2.5)"),
        ({"trust_step": 0.3}, "trust_step is used only by the ramp policy (got 0.3"),
        ({"trust_policy": "grow"}, "trust_policy must be one of fixed, ramp (got 'grow')"),
        ({"trust_policy": "ramp", "trust": "pert(0.2, 0.4, 0.6)"}, "trust is where every vendor starts"),
        ({"milestone_months": 0, "trust_policy": "ramp"}, "milestone_months must be in [1, 60] (got 0)"),
        ({"vendor_quality_spread": 3.5}, "vendor_quality_spread must be in [0, 3] (got 3.5)"),
    ],
)
def test_bad_policy_input_names_the_field_and_value(changes, named):
    with pytest.raises(ScenarioError) as info:
        Scenario(**changes)
    assert named in str(info.value)


def test_policy_fields_come_from_a_table_row():
    import pandas as pd

    from outsourcing_risk import scenarios_from_table

    table = pd.DataFrame(
        [
            {"name": "ramp", "trust_policy": "Ramp ", "trust": "0.3", "trust_step": "0.2"},
            {"name": "fixed", "trust_policy": "", "trust_step": ""},
        ]
    )
    ramp, fixed = scenarios_from_table(table)
    assert ramp.trust_policy == "ramp"
    assert ramp.trust_step == 0.2
    assert not fixed.adaptive
    bad = table.assign(trust_step=["0.2", "0.3"])
    with pytest.raises(ScenarioError, match=r"row 2 \('fixed'\): trust_step is used only by the ramp policy"):
        scenarios_from_table(bad)
