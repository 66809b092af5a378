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


@pytest.mark.parametrize("changes", CASES.values(), ids=CASES.keys())
def test_engine_mean_agrees_with_the_reference_implementation(changes):
    s = Scenario(**changes)
    params = s.to_dict()
    rng = np.random.default_rng(123)
    ref = np.array([reference.npv_one_trial(params, rng) for _ in range(3_000)])
    engine = simulate(s, n_trials=40_000, seed=5).summary()
    se = math.hypot(ref.std(ddof=1) / math.sqrt(ref.size), engine["se_npv"])
    assert abs(ref.mean() - engine["mean_npv"]) < 4 * se, (ref.mean(), engine["mean_npv"], se)
