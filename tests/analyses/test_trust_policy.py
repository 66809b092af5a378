"""Comparing trust policies (docs/model.md, "Comparing policies")."""

import numpy as np
import pytest

from outsourcing_risk import Scenario, simulate
from outsourcing_risk.analyses.trust_policy import (
    TRIGGER_GRID,
    compare_policies,
    policy_scenario,
    trust_quantiles,
)

#: The documented scenario where learning pays: the defaults with vendors that differ.
DIFFERENT_VENDORS = Scenario(name="Vendors differ", vendor_quality_spread=1.0)


@pytest.fixture(scope="module")
def wide():
    return compare_policies(DIFFERENT_VENDORS, n_trials=20_000, seed=0)


def test_with_vendors_alike_no_trigger_beats_no_trigger():
    """Spread 0: incidents say nothing about the vendor, so leaving one only costs a switch."""
    base = Scenario(trust=0.55)
    plain = simulate(base, n_trials=10_000, seed=3)
    for k, w in TRIGGER_GRID:
        triggered = simulate(
            base.replace(exit_trigger_incidents=k, exit_trigger_window=w), n_trials=10_000, seed=3
        )
        diff = triggered.npv - plain.npv
        se = diff.std(ddof=1) / np.sqrt(diff.size)
        assert diff.mean() <= 2 * se, (k, w, diff.mean(), se)


def test_with_vendors_that_differ_a_policy_beats_the_best_fixed_trust_by_more_than_4_se(wide):
    winner = wide.attrs["winner"]
    assert winner in ("best ramp", "ramp + trigger")
    row = wide.loc[winner]
    assert row["gain"] > 4 * row["se_gain"]


def test_the_table_is_paired_on_the_check_run(wide):
    assert list(wide.index) == ["as given", "best fixed trust", "best ramp", "ramp + trigger"]
    assert wide.loc["best fixed trust", "gain"] == 0
    assert wide.loc["best fixed trust", "se_gain"] == 0
    # The "as given" row is the scenario's own simulation at the table's seed.
    own = simulate(DIFFERENT_VENDORS, n_trials=20_000, seed=0).summary()
    assert wide.loc["as given", "mean_npv"] == own["mean_npv"]
    assert wide.loc["as given", "p_loss"] == own["p_loss"]
    # The trigger row has voluntary exits; the others none.
    assert wide.loc["ramp + trigger", "p_voluntary_exit"] > 0
    assert (wide.loc[["as given", "best fixed trust", "best ramp"], "p_voluntary_exit"] == 0).all()


def test_vendors_alike_a_trigger_costs_money():
    table = compare_policies(Scenario(), n_trials=6_000, seed=2)
    assert table.loc["ramp + trigger", "gain"] < 0


def test_the_search_does_not_reuse_the_check_run():
    a = compare_policies(DIFFERENT_VENDORS, n_trials=4_000, seed=5)
    b = compare_policies(DIFFERENT_VENDORS, n_trials=4_000, seed=5)
    pd_equal = a.equals(b)
    assert pd_equal  # deterministic
    assert a.attrs["search_trials"] == 2_000


def test_policy_scenario_resets_what_the_policy_does_not_use():
    ramp = Scenario(trust_policy="ramp", trust_step=0.2, exit_trigger_incidents=3, exit_trigger_window=6)
    fixed = policy_scenario(ramp, trust=0.7)
    assert fixed.trust_policy == "fixed"
    assert fixed.trust == 0.7
    assert not fixed.adaptive
    again = policy_scenario(fixed, "ramp", trigger=(2, 12), trust=0.3, trust_step=0.05)
    assert (again.exit_trigger_incidents, again.exit_trigger_window, again.trust_step) == (2, 12, 0.05)


def test_trust_quantiles_follow_the_ramp():
    r = simulate(Scenario(trust_policy="ramp", trust=0.3, incident_rate_max=0.1), n_trials=3_000, seed=1)
    q = trust_quantiles(r)
    assert list(q.columns) == ["p10", "p50", "p90", "served"]
    assert q.loc[1, "p50"] == pytest.approx(0.3, abs=1e-6)  # stored as 32-bit floats
    assert 0.95 < q.loc[1, "served"] < 1  # a vendor can fail at the start of its first month
    assert q["p50"].iloc[-1] > 0.5  # most vendors have earned trust by the end
    fixed = trust_quantiles(simulate(Scenario(trust=0.45), n_trials=500, seed=1))
    assert (fixed["p50"] == 0.45).all()


def test_the_tornado_adds_the_rules_a_scenario_uses_within_their_bounds():
    from outsourcing_risk import tornado
    from outsourcing_risk.analyses.tornado import DEFAULT_TORNADO_INPUTS, default_inputs, input_range

    assert default_inputs(Scenario()) == list(DEFAULT_TORNADO_INPUTS)
    ramp = Scenario(
        trust_policy="ramp",
        trust=0.8,
        trust_ceiling=0.85,
        exit_trigger_incidents=1,
        exit_trigger_window=1,
        vendor_quality_spread=1 / 3,
    )
    names = default_inputs(ramp)
    for name in ("trust_step", "trust_cut", "trust_ceiling", "milestone_months"):
        assert name in names
    assert names[-3:] == ["exit_trigger_incidents", "exit_trigger_window", "vendor_quality_spread"]
    assert input_range(ramp, "trust_ceiling")[0] == 0.8  # never below the start
    assert input_range(ramp, "trust")[1] == 0.85  # the start never above the ceiling
    assert input_range(ramp, "exit_trigger_incidents")[:2] == (1, 2)  # the trigger stays on
    table = tornado(ramp, n_trials=1_000, seed=1)
    assert set(names) == set(table.index)
