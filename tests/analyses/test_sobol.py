"""Sobol indices (docs/model.md, "Value of information", "Sobol indices")."""

import numpy as np
import pandas as pd
import pytest

from outsourcing_risk import Scenario, ScenarioError
from outsourcing_risk.analyses.sobol import CHANCE, INDEPENDENCE_NOTE, sobol_from_model, sobol_indices
from outsourcing_risk.model.simulation import simulate, simulate_inputs

#: An uncertain vendor away from the defaults; the exit plan's up-front cost is uncertain but the
#: scenario has no exit plan, so it cannot move the NPV.
UNCERTAIN = Scenario(
    name="Uncertain vendor",
    vendor_failure_prob_annual="pert(0.02, 0.07, 0.3)",
    vendor_monthly_fee="pert(61000, 74333.33, 95000)",
    trust="uniform(0.3333333, 0.9)",
    exit_plan_upfront_cost="uniform(15000, 60000.5)",
)


@pytest.fixture(scope="module")
def indices():
    return sobol_indices(UNCERTAIN, seed=11)


def test_ishigami_within_salibs_intervals():
    """SALib's own test function, through our mapping of uniforms to inputs: the analytic indices
    (a = 7, b = 0.1) lie within the intervals, widened to 3 half-widths for the 14 checks."""
    from SALib.test_functions import Ishigami

    uniform = {name: (lambda u: -np.pi + 2 * np.pi * u) for name in ("x1", "x2", "x3")}
    table = sobol_from_model(
        lambda v, _: Ishigami.evaluate(np.column_stack([v["x1"], v["x2"], v["x3"]])),
        uniform,
        n_base=4096,
        seed=3,
    )
    first = pd.Series([0.3139, 0.4424, 0.0], index=["x1", "x2", "x3"])
    total = pd.Series([0.5576, 0.4424, 0.2437], index=["x1", "x2", "x3"])
    assert ((table["first"] - first).abs() <= 3 * table["first_conf"]).all(), table
    assert ((table["total"] - total).abs() <= 3 * table["total_conf"]).all(), table
    assert table.attrs["runs"] == 4096 * 5


def test_model_indices_hold_together(indices):
    """Total ≥ first within the intervals; an input that cannot move the NPV gets ≈ 0; the
    stopping rule reached its width; the fee and the failure probability matter."""
    t = indices
    assert list(t.index) == [*UNCERTAIN.uncertain, CHANCE]
    assert (t["total"] + t["total_conf"] >= t["first"] - t["first_conf"]).all(), t
    assert abs(t.loc["exit_plan_upfront_cost", "total"]) <= max(
        0.01, 2 * t.loc["exit_plan_upfront_cost", "total_conf"]
    )
    assert abs(t.loc["exit_plan_upfront_cost", "first"]) <= max(
        0.01, 2 * t.loc["exit_plan_upfront_cost", "first_conf"]
    )
    assert t.attrs["width"] <= 0.05
    assert t.attrs["runs"] == t.attrs["n_base"] * (len(t) + 2)
    assert t.loc["vendor_monthly_fee", "total"] > 0.05
    assert t.loc["vendor_failure_prob_annual", "total"] > 0.05


def test_first_order_matches_the_share_explained_by_regression(indices):
    """The fee's first-order index is the share of the NPV's variance explained by the fee alone:
    a spline regression on an ordinary simulation agrees within the interval and its error."""
    from outsourcing_risk.analyses.value_of_information import value_from_samples

    result = simulate(UNCERTAIN, n_trials=40_000, seed=5)
    _, _, explained = value_from_samples(
        result.npv, {"vendor_monthly_fee": result.inputs["vendor_monthly_fee"]}
    )
    assert (
        abs(indices.loc["vendor_monthly_fee", "first"] - explained)
        <= 2 * indices.loc["vendor_monthly_fee", "first_conf"] + 0.01
    )


def test_same_seed_same_numbers_and_fixed_size():
    a = sobol_indices(UNCERTAIN, seed=2, n_base=1024)
    b = sobol_indices(UNCERTAIN, seed=2, n_base=1024)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["n_base"] == 1024


def test_correlated_inputs_are_not_indexed():
    t = sobol_indices(UNCERTAIN, correlation={("trust", "vendor_failure_prob_annual"): -0.4})
    assert t.attrs["note"] == INDEPENDENCE_NOTE
    assert t[["first", "total"]].isna().all().all()


def test_bad_input_names_the_field():
    with pytest.raises(ScenarioError, match="at least one uncertain input"):
        sobol_indices(Scenario(name="Certain"))
    with pytest.raises(ValueError, match="target_width"):
        sobol_indices(UNCERTAIN, target_width=0)


def test_simulate_inputs_meets_the_same_chance():
    """Given the draws simulate made, simulate_inputs gives simulate's trials exactly; other
    inputs change the money, not when the first failure comes when the hazard is unchanged."""
    result = simulate(UNCERTAIN, n_trials=12_345, seed=4)
    given = simulate_inputs(UNCERTAIN, {k: result.inputs[k] for k in UNCERTAIN.uncertain}, seed=4)
    np.testing.assert_array_equal(given.npv, result.npv)
    fee = simulate_inputs(
        UNCERTAIN, {**result.inputs, "vendor_monthly_fee": np.full(12_345, 70000.25)}, seed=4
    )
    np.testing.assert_array_equal(fee.first_failure_month, result.first_failure_month)
    assert not np.array_equal(fee.npv, result.npv)


def test_simulate_inputs_refuses_values_out_of_range():
    with pytest.raises(ScenarioError) as err:
        simulate_inputs(UNCERTAIN, {"trust": np.array([0.5, 1.25]), "trsut": np.ones(2)}, seed=0)
    text = str(err.value)
    assert "trust must be in [0, 1] (got 1.25)" in text
    assert "did you mean 'trust'" in text
    with pytest.raises(ValueError, match=r"as long"):
        simulate_inputs(UNCERTAIN, {"trust": np.ones(3), "vendor_monthly_fee": np.ones(4) * 7e4}, seed=0)


def test_the_sentence_never_says_alone_exceeds_in_all(indices):
    """When the first-order estimate is at or above the total within their intervals, the sentence
    gives one share, not 'x % with its interactions, more alone'; when the interactions are beyond
    their margin, both."""
    from outsourcing_risk.analyses.sections import sobol as section
    from outsourcing_risk.present.sections import sobol as words

    def sentence_for(first, total, first_conf, total_conf):
        table = indices.copy()
        table.attrs = dict(indices.attrs)
        table.loc["vendor_monthly_fee", ["first", "total", "first_conf", "total_conf"]] = [
            first,
            total,
            first_conf,
            total_conf,
        ]
        table.loc[[n for n in table.index if n not in ("vendor_monthly_fee", "chance")], "total"] = 0.01
        run = _Run(UNCERTAIN, 0)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(section, "sobol_indices", lambda *a, **k: table)
            result = section.compute(run)
        return next(x for x in words.render(result, _Report(run, result)) if "data-claims" in x)

    text = sentence_for(0.333, 0.330, 0.01, 0.005)
    assert "alone and with its interactions alike" in text
    assert "with its interactions, 20% alone" in sentence_for(0.2, 0.45, 0.01, 0.01)


class _Run:
    """What a section needs of a report's run, for a test that supplies the analysis."""

    def __init__(self, scenario, seed):
        self.scenario, self.seed, self.n_trials = scenario, seed, 1_000

    def evidence(self, method, **more):
        return {"method": method, "scenario": self.scenario.to_dict(), "seed": self.seed, **more}


class _Report:
    def __init__(self, run, result):
        self.run = run
        self.claims = result.claims


@pytest.mark.parametrize("seed", [0, 3])
def test_the_intervals_follow_the_seed_even_at_0(seed):
    """SALib reads a seed of 0 as none and resamples from numpy's global state; the bootstrap's
    stream (model/streams.py) is passed as a generator, so the intervals repeat at every seed and,
    away from 0, are SALib's own for that seed."""
    from SALib.analyze import sobol as analyze

    def model(values, _):
        return values["a"] + 2 * values["b"] * values["c"]

    uniform = {name: (lambda u: u) for name in "abc"}
    runs = [sobol_from_model(model, uniform, n_base=256, seed=seed, resamples=50) for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    if seed:
        from SALib.sample import sobol as sample

        problem = {"num_vars": 3, "names": list("abc"), "bounds": [[0.0, 1.0]] * 3}
        x = np.clip(sample.sample(problem, 256, calc_second_order=False, seed=seed), 1e-9, 1 - 1e-9)
        own = analyze.analyze(
            problem, x[:, 0] + 2 * x[:, 1] * x[:, 2], calc_second_order=False, num_resamples=50, seed=seed
        )
        np.testing.assert_array_equal(runs[0]["total_conf"].to_numpy(), own["ST_conf"])
