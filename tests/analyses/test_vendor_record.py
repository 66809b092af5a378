"""The posterior of a vendor's quality from its record (docs/model.md, "A vendor's record"): against
brute force (the model's record simulated and kept where it matches), against the reference
model's own quadrature, and the record's refusals."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from outsourcing_risk import Scenario
from outsourcing_risk.analyses.vendor_record import RecordError, posterior_quality, read_record
from outsourcing_risk.model.distributions import Pert

_spec = importlib.util.spec_from_file_location(
    "reference_model", Path(__file__).resolve().parents[2] / "benchmarks" / "reference_model.py"
)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

#: Scenarios away from the defaults, with a record each: (changes, months, incidents, trust).
CASES = {
    "wide spread, failures and creep, a total": (
        {"vendor_quality_spread": 1.2, "vendor_failure_prob_annual": 0.35, "scope_creep_annual": 0.6},
        9,
        3,
        None,
    ),
    "low trust, tension, no incident": (
        {"vendor_quality_spread": 0.7, "trust": 0.3, "tension_weight": 4.0, "incident_rate_max": 1.5},
        8,
        0,
        None,
    ),
    "a ramp, month by month": (
        {
            "vendor_quality_spread": 1.0,
            "trust_policy": "ramp",
            "trust": 0.5,
            "milestone_months": 2,
            "incident_rate_max": 1.2,
            "trust_cut": 0.3,
        },
        6,
        [0, 0, 1, 0, 0, 1],
        None,
    ),
    "trust given month by month": (
        {"vendor_quality_spread": 0.5, "incident_rate_max": 2.0, "goal_clarity": 0.3},
        5,
        7,
        [0.9, 0.8, 0.7, 0.6, 0.5],
    ),
}


def _brute_force(scenario: Scenario, record, monthly, rng, n=1_500_000) -> np.ndarray:
    """Z of the simulated vendors whose record matches: each month its incidents drawn as
    Poisson(λ_t·Q) and its failure as a Bernoulli(min(1, Q·h_t)), as the model makes them."""
    s = scenario.vendor_quality_spread
    z = rng.standard_normal(n)
    q = np.exp(s * z - s * s / 2)
    alive = np.ones(n, dtype=bool)
    total = np.zeros(n, dtype=np.int64)
    matched = np.ones(n, dtype=bool)
    p = scenario.to_dict()
    qual = (1 + p["clarity_weight"] * (1 - p["goal_clarity"])) * (
        1 + p["selection_weight"] * (1 - p["selection_score"])
    )
    for a in range(record.months):
        tau = record.trust[a]
        alive &= rng.random(n) >= np.minimum(1.0, q * record.hazards[a])
        count = rng.poisson(p["incident_rate_max"] * tau**2 * qual * q)
        total += count
        if monthly is not None:
            matched &= count == monthly[a]
    keep = alive & (total == record.incidents) & matched
    return z[keep]


@pytest.mark.parametrize("name", list(CASES))
def test_posterior_against_brute_force(name):
    changes, months, incidents, trust = CASES[name]
    scenario = Scenario(**changes)
    post = posterior_quality(scenario, months=months, incidents=incidents, trust=trust)
    monthly = incidents if isinstance(incidents, list) else None
    z = _brute_force(scenario, post.record, monthly, np.random.default_rng(11))
    assert z.size > 2_000, z.size
    se_mean = z.std(ddof=1) / math.sqrt(z.size)
    assert abs(post.mean() - z.mean()) < 4 * se_mean, (post.mean(), z.mean(), se_mean)
    p_bad = float(np.mean(z > 0.6744897501960817))
    assert abs(post.p_bad() - p_bad) < 4 * math.sqrt(p_bad * (1 - p_bad) / z.size) + 1e-3
    assert abs(post.sd() - z.std(ddof=1)) < 0.03 * z.std(ddof=1)
    draws = post.draw(np.random.default_rng(3).random(200_000))
    assert abs(draws.mean() - post.mean()) < 4 * post.sd() / math.sqrt(draws.size)


@pytest.mark.parametrize("name", list(CASES))
def test_posterior_against_the_reference_quadrature(name):
    changes, months, incidents, trust = CASES[name]
    scenario = Scenario(**changes)
    post = posterior_quality(scenario, months=months, incidents=incidents, trust=trust)
    monthly = incidents if isinstance(incidents, list) else [incidents] + [0] * (months - 1)
    ref = reference.record_posterior(scenario.to_dict(), monthly, list(post.record.trust), points=20_001)
    assert post.mean() == pytest.approx(ref["mean"], abs=1e-8)
    assert post.sd() == pytest.approx(ref["sd"], rel=1e-8)
    assert post.mean_quality() == pytest.approx(ref["mean_q"], rel=1e-8)
    assert post.p_bad() == pytest.approx(ref["p_bad"], abs=2e-3)


def test_the_ramps_trust_and_state_follow_its_rules():
    s = Scenario(vendor_quality_spread=1.0, trust_policy="ramp", trust=0.5, milestone_months=2, trust_cut=0.3)
    r = read_record(s, 7, [0, 0, 1, 0, 0, 0, 2])
    assert r.trust == pytest.approx((0.5, 0.5, 0.6, 0.6, 0.3, 0.3, 0.4))
    assert (r.trust_next, r.due, r.since_milestone) == (pytest.approx(0.4), 1, 2)
    assert r.incidents == 3


def test_survival_is_evidence_and_an_empty_record_is_the_prior():
    s = Scenario(vendor_quality_spread=1.0, vendor_failure_prob_annual=0.5)
    quiet = posterior_quality(s.replace(incident_rate_max=0.0), months=24, incidents=0)
    assert quiet.mean() < -0.3  # no incidents can happen: only lasting 24 months says it is good
    empty = posterior_quality(s, months=0, incidents=0)
    assert not empty.informative
    assert abs(empty.mean()) < 1e-12
    assert empty.sd() == pytest.approx(1, rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"months": -1, "incidents": 0}, "months must be a whole number from 0 to 60 (got -1)"),
        ({"months": 61, "incidents": 0}, "(got 61): the scenario's horizon is 60 months"),
        ({"months": 6, "incidents": -2}, "incidents must be a whole number ≥ 0 (got -2)"),
        ({"months": 6, "incidents": 2.5}, "incidents must be a whole number ≥ 0 (got 2.5)"),
        ({"months": 3, "incidents": [1, -1, 0]}, "incidents of month 2 must be a whole number ≥ 0 (got -1)"),
        ({"months": 3, "incidents": [1, 2]}, "one count per month served (3), not 2"),
        ({"months": 3, "incidents": 1, "trust": 1.5}, "trust must be a number from 0 to 1"),
        ({"months": 3, "incidents": 1, "trust": [0.5]}, "one value per month served (3), not 1"),
        ({"months": 6, "incidents": 900}, "incidents: 900 in 6 months"),
    ],
)
def test_a_bad_record_is_refused_naming_field_value_and_rule(kwargs, words):
    with pytest.raises(RecordError, match=None) as caught:
        posterior_quality(Scenario(vendor_quality_spread=0.3), **kwargs)
    assert words in str(caught.value)


def test_a_record_the_grid_cannot_resolve_is_refused():
    s = Scenario(vendor_quality_spread=3.0, vendor_failure_prob_annual=0.0, incident_rate_max=30, trust=1.0)
    assert posterior_quality(s, months=12, incidents=4_000).sd() > 0.005
    with pytest.raises(
        RecordError, match=r"incidents: 40000 in 12 months pin the vendor's quality more finely"
    ):
        posterior_quality(s, months=12, incidents=40_000)


def test_a_spread_of_zero_says_the_record_says_nothing():
    with pytest.raises(RecordError, match=r"vendor_quality_spread is 0\.0: a record says something"):
        posterior_quality(Scenario(), months=6, incidents=4)


def test_a_ramp_needs_incidents_month_by_month_and_uncertain_likelihood_inputs_are_refused():
    ramp = Scenario(vendor_quality_spread=0.5, trust_policy="ramp", trust=0.5)
    with pytest.raises(RecordError, match="month by month under trust_policy 'ramp' \\(got a total of 2\\)"):
        posterior_quality(ramp, months=6, incidents=2)
    fuzzy = Scenario(vendor_quality_spread=0.5, incident_rate_max=Pert(0.1, 0.2, 0.5))
    with pytest.raises(RecordError, match="incident_rate_max must be a number for a record's posterior"):
        posterior_quality(fuzzy, months=6, incidents=2)
