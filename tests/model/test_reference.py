"""The vectorised engine against an independent one-trial-at-a-time implementation.

The closed form covers only a corner of the model; this covers the rest: replacement vendors,
scope creep, escalation, incidents, transition overlap, exit readiness and tension.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from outsourcing_risk import Scenario, simulate

_spec = importlib.util.spec_from_file_location(
    "reference_model", Path(__file__).resolve().parents[2] / "benchmarks" / "reference_model.py"
)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

CASES = {
    "defaults (replace, creep, incidents, transition)": {},
    "insource after failure": {"after_failure": "insource", "vendor_failure_prob_annual": 0.15},
    "instant replacement (no disruption)": {"switching_months": 0, "vendor_failure_prob_annual": 0.3},
    "exit plan, strong creep, low trust": {"exit_readiness": 0.8, "scope_creep_annual": 0.5, "trust": 0.2},
    "long disruption near the horizon": {
        "switching_months": 20,
        "horizon_months": 36,
        "vendor_failure_prob_annual": 0.4,
    },
    "blind trust, heavy incidents": {"trust": 1.0, "incident_rate_max": 2.5, "transition_months": 8},
    # "Trust over time": vendors that differ, the trust ramp and the exit trigger
    "ramp from low trust": {
        "trust_policy": "ramp",
        "trust": 0.2,
        "trust_step": 0.15,
        "incident_rate_max": 0.8,
    },
    "ramp, fast cuts, monthly milestones": {
        "trust_policy": "ramp",
        "trust": 1 / 3,
        "trust_step": 0.3,
        "trust_cut": 0.3,
        "trust_ceiling": 0.95,
        "milestone_months": 1,
        "incident_rate_max": 1.2,
    },
    "wide vendor spread, replace": {"vendor_quality_spread": 1.2, "vendor_failure_prob_annual": 0.2},
    "trigger, insource": {
        "after_failure": "insource",
        "exit_trigger_incidents": 2,
        "exit_trigger_window": 6,
        "incident_rate_max": 0.9,
        "vendor_quality_spread": 0.8,
    },
    "ramp + trigger, instant replacement": {
        "trust_policy": "ramp",
        "trust": 0.3,
        "switching_months": 0,
        "exit_trigger_incidents": 3,
        "exit_trigger_window": 9,
        "incident_rate_max": 1.5,
        "vendor_quality_spread": 1.0,
    },
    "ramp + trigger, exit plan, long milestones": {
        "trust_policy": "ramp",
        "trust": 0.5,
        "milestone_months": 7,
        "trust_ceiling": 1.0,
        "exit_readiness": 0.6,
        "exit_trigger_incidents": 4,
        "exit_trigger_window": 12,
        "incident_rate_max": 2.0,
        "vendor_quality_spread": 0.6,
        "horizon_months": 48,
    },
}


#: Parameters no case sets: every case runs them at their default, and some case makes them act
#: (the test below checks that each moves the NPV in some case), so the engine is held to the
#: reference where they act. A new parameter goes into a case that sets it, or here.
AT_THEIR_DEFAULT = (
    "switching_cost",
    "inhouse_monthly_cost",
    "inhouse_escalation_annual",
    "vendor_monthly_fee",
    "fee_escalation_annual",
    "transition_cost",
    "transition_overlap",
    "governance_min",
    "micromanagement_overhead",
    "incident_cost",
    "tension_weight",
    "goal_clarity",
    "clarity_weight",
    "selection_score",
    "selection_weight",
    "creep_strain",
    "disruption_premium",
    "exit_plan_upfront_cost",
    "exit_plan_monthly_cost",
    "exit_cost_reduction",
    "exit_time_reduction",
    "discount_rate_annual",
)


def _agree(ref: np.ndarray, engine: np.ndarray) -> None:
    """Means within 4 standard errors of their difference."""
    se = math.hypot(ref.std(ddof=1) / math.sqrt(ref.size), engine.std(ddof=1) / math.sqrt(engine.size))
    assert abs(ref.mean() - engine.mean()) < 4 * max(se, 1e-9), (ref.mean(), engine.mean(), se)


@pytest.mark.parametrize("changes", CASES.values(), ids=CASES.keys())
def test_engine_mean_agrees_with_the_reference_implementation(changes):
    """The NPV, the cumulative savings path (half-way and at the horizon) and the switches."""
    s = Scenario(**changes)
    params = s.to_dict()
    rng = np.random.default_rng(123)
    records = [{} for _ in range(3_000)]
    ref = np.array([reference.npv_one_trial(params, rng, r) for r in records])
    engine = simulate(s, n_trials=40_000, seed=5)
    _agree(ref, engine.npv)
    horizon = s.horizon_months
    for month in (horizon // 2, horizon):
        _agree(np.array([r["path"][month - 1] for r in records]), engine.path[:, month - 1])
    _agree(np.array([r["switches"] for r in records]), engine.switches.astype(float))


@pytest.mark.parametrize("name", AT_THEIR_DEFAULT)
def test_a_parameter_at_its_default_acts_in_some_case(name):
    from outsourcing_risk.io.data import defaults_table

    low, high = defaults_table()[name]["range"]
    for changes in CASES.values():
        s = Scenario(**changes)
        moved = s.replace(**{name: high if getattr(s, name) != high else low})
        if simulate(s, n_trials=300, seed=1).npv.mean() != simulate(moved, n_trials=300, seed=1).npv.mean():
            return
    pytest.fail(f"{name} moves the NPV in no case of CASES: set it in a case where it acts")


def test_every_parameter_is_set_by_a_case_or_acts_at_its_default():
    from outsourcing_risk.model.parameters import PARAMETERS

    set_by_a_case = {name for changes in CASES.values() for name in changes}
    assert {p.name for p in PARAMETERS} - set_by_a_case - set(AT_THEIR_DEFAULT) == set()
