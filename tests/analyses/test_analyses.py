import numpy as np
import pandas as pd
import pytest

from outsourcing_risk import (
    SCORECARD,
    Pert,
    Scenario,
    ScenarioError,
    checklist_costs,
    clarity_from_checklist,
    compare_vendors,
    exit_strategy_value,
    grid,
    load_vendors,
    selection_score,
    simulate,
    sweep,
    tornado,
    trust_curve,
)
from outsourcing_risk.model.closed_form import expected_npv

from ..conftest import CLOSED_FORM


def test_sweep_of_a_parameter_that_touches_no_draw_changes_nothing_else():
    # The up-front transition cost enters every trial once: under common random numbers the
    # sweep must move the mean NPV by exactly the cost difference and leave the rest alone.
    table = sweep(Scenario(), "transition_cost", [100_000, 150_000, 250_000], n_trials=5_000, seed=3)
    assert table["mean_npv"].diff().dropna().tolist() == pytest.approx([-50_000, -100_000])
    assert table["p_failure"].nunique() == 1
    assert table["se_npv"].nunique() == 1


def test_sweep_refuses_unknown_parameters_and_bad_values_before_running():
    with pytest.raises(ScenarioError, match="unknown parameter 'trsut' \\(did you mean 'trust'\\?\\)"):
        sweep(Scenario(), "trsut", [0.5])
    with pytest.raises(ScenarioError, match=r"trust must be in \[0, 1\] \(got 1.5\)"):
        sweep(Scenario(), "trust", [0.5, 1.5])


def test_trust_optimum_equals_the_design_optimum_when_tension_is_off():
    s = Scenario(tension_weight=0, fee_escalation_annual=0)
    curve = trust_curve(s, n_trials=20_000, seed=2)
    assert len(curve) == 21
    assert curve.attrs["optimal_trust"] == pytest.approx(curve.attrs["design_optimum"], abs=0.02)
    assert curve.attrs["optimal_mean_npv"] >= curve["mean_npv"].max() - 1e-6


def test_tension_moves_the_trust_optimum_up():
    calm = trust_curve(Scenario(tension_weight=0), np.linspace(0, 1, 5), n_trials=10_000, seed=2)
    tense = trust_curve(Scenario(tension_weight=3), np.linspace(0, 1, 5), n_trials=10_000, seed=2)
    assert tense.attrs["optimal_trust"] > calm.attrs["optimal_trust"]
    assert np.isnan(tense.attrs["design_optimum"])


def test_grid_is_long_with_a_two_level_index_and_p_loss_rises_with_failure_probability():
    table = grid(Scenario(), x_values=[0.02, 0.1, 0.3], y_values=[100_000, 500_000], n_trials=4_000, seed=1)
    matrix = table["p_loss"].unstack()
    assert matrix.shape == (3, 2)
    assert list(table.index.names) == ["vendor_failure_prob_annual", "switching_cost"]
    assert (matrix.diff().dropna() >= 0).all().all()
    assert (matrix[500_000] >= matrix[100_000]).all()
    with pytest.raises(ValueError, match="two different parameters"):
        grid(Scenario(), x="trust", y="trust")


def test_tornado_orders_inputs_as_the_closed_form_does():
    s = Scenario(**CLOSED_FORM, vendor_failure_prob_annual=0.1)
    ranges = {
        "vendor_monthly_fee": (60_000, 80_000),
        "switching_cost": (200_000, 300_000),
        "transition_cost": (100_000, 110_000),
    }
    table = tornado(s, parameters=[], ranges=ranges, n_trials=20_000, seed=4)
    swings = {
        name: abs(expected_npv(s.replace(**{name: hi})) - expected_npv(s.replace(**{name: lo})))
        for name, (lo, hi) in ranges.items()
    }
    assert list(table.index) == sorted(swings, key=swings.get, reverse=True)
    assert table.loc["transition_cost", "swing"] == pytest.approx(10_000)
    assert table.loc["vendor_monthly_fee", "swing"] == pytest.approx(swings["vendor_monthly_fee"], rel=0.02)


def test_tornado_uses_p10_p90_of_an_uncertain_input():
    fee = Pert(60_000, 70_000, 90_000)
    table = tornado(
        Scenario(vendor_monthly_fee=fee), parameters=["vendor_monthly_fee"], n_trials=2_000, seed=1
    )
    assert table.loc["vendor_monthly_fee", "low"] == pytest.approx(fee.quantile(0.1))
    assert table.loc["vendor_monthly_fee", "high"] == pytest.approx(fee.quantile(0.9))


def test_exit_strategy_value_is_paired_and_matches_the_difference_of_means():
    s = Scenario(vendor_failure_prob_annual=0.2)
    table = exit_strategy_value(s, 0.7, n_trials=10_000, seed=5)
    without = simulate(s.replace(exit_readiness=0), n_trials=10_000, seed=5).npv
    with_plan = simulate(s.replace(exit_readiness=0.7), n_trials=10_000, seed=5).npv
    assert table.attrs["value"] == pytest.approx(with_plan.mean() - without.mean())
    unpaired_se = np.hypot(without.std(ddof=1), with_plan.std(ddof=1)) / 100
    assert table.attrs["se_value"] < unpaired_se / 3, "pairing must shrink the standard error"
    assert table.loc[0.0, "value"] == 0
    assert 0 <= table.attrs["best_for_mean"] <= 1


def test_an_exit_plan_pays_when_failures_are_likely_and_costs_when_they_are_not():
    risky = exit_strategy_value(
        Scenario(vendor_failure_prob_annual=0.4), 1.0, levels=[0, 1], n_trials=10_000, seed=1
    )
    safe = exit_strategy_value(
        Scenario(vendor_failure_prob_annual=0.0), 1.0, levels=[0, 1], n_trials=10_000, seed=1
    )
    assert risky.attrs["value"] > 0 > safe.attrs["value"]


def test_clarity_from_checklist():
    assert clarity_from_checklist([]) == 0
    assert clarity_from_checklist(["schedule", "reporting", "payment", "communication"]) == 1
    assert clarity_from_checklist({"payment": True}, weights={"payment": 2, "schedule": 2}) == pytest.approx(
        2 / 6
    )
    with pytest.raises(
        ScenarioError, match="unknown checklist item 'paymnt' \\(did you mean 'payment'\\?\\)"
    ):
        clarity_from_checklist(["paymnt"])
    with pytest.raises(ScenarioError, match="must be a number ≥ 0"):
        clarity_from_checklist([], weights={"payment": -1})


@pytest.mark.parametrize("weight", [float("inf"), True, "2", float("nan")])
def test_checklist_and_scorecard_weights_follow_one_rule(weight):
    """The checklist's weights used to accept inf and True where the scorecard's refused them."""
    with pytest.raises(ScenarioError, match="weight of 'payment' must be a number ≥ 0"):
        clarity_from_checklist([], weights={"payment": weight})
    with pytest.raises(ScenarioError, match="weight of 'quality' must be a number ≥ 0"):
        selection_score(dict.fromkeys(SCORECARD, 3), weights={"quality": weight})


def test_checklist_costs_show_what_each_missing_agreement_costs():
    table = checklist_costs(Scenario(), ["schedule"], n_trials=5_000, seed=1)
    assert table.attrs["goal_clarity"] == 0.25
    assert table.loc["schedule", "made"]
    assert not table.loc["payment", "made"]
    assert (table["cost_if_missing"] > 0).all(), "every agreement is worth making in the defaults"


def _vendors(**rows):
    base = {"communication": 3, "references": 3, "hours_overlap": 3, "cost_effectiveness": 3, "quality": 3}
    return pd.DataFrame([{"name": name, **base, **changes} for name, changes in rows.items()])


def test_a_vendor_better_on_every_scorecard_item_never_ranks_lower():
    table = _vendors(
        Worse={"vendor_monthly_fee": 70_000},
        Better={
            "vendor_monthly_fee": 70_000,
            "communication": 4,
            "references": 5,
            "hours_overlap": 4,
            "cost_effectiveness": 4,
            "quality": 5,
        },
    )
    ranking = compare_vendors(table, n_trials=10_000, seed=1)
    assert list(ranking.index) == ["Better", "Worse"]
    assert ranking.loc["Better", "selection_score"] > ranking.loc["Worse", "selection_score"]
    assert ranking.loc["Better", "p_failure"] <= ranking.loc["Worse", "p_failure"]


def test_shipped_vendors_rank_with_scores_and_risk_figures():
    ranking = compare_vendors(load_vendors(), n_trials=5_000, seed=1)
    assert ranking["rank"].tolist() == list(range(1, 6))
    assert ranking["score"].is_monotonic_decreasing
    assert {"mean_npv", "p_loss", "cvar5", "p_failure", "selection_score", "quality"} <= set(ranking.columns)
    cautious = compare_vendors(load_vendors(), risk_aversion=1.0, n_trials=5_000, seed=1)
    assert cautious["cvar5"].is_monotonic_decreasing


def test_bad_vendor_tables_are_refused_with_every_row_and_column():
    table = _vendors(Ok={}, Bad={"quality": 7, "vendor_monthly_fee": -1}, Worse={"references": "n/a"})
    table["qualty_notes"] = ""
    with pytest.raises(ScenarioError) as info:
        compare_vendors(table, n_trials=100)
    assert "column 'qualty_notes' is neither a scorecard item nor a scenario parameter" in str(info.value)
    del table["qualty_notes"]
    with pytest.raises(ScenarioError) as info:
        compare_vendors(table, n_trials=100)
    problems = info.value.problems
    assert "row 2 ('Bad'): quality must be a score from 1 to 5 (got 7)" in problems
    assert "row 2 ('Bad'): vendor_monthly_fee must be ≥ 0 (got -1)" in problems
    assert "row 3 ('Worse'): references must be a score from 1 to 5 (got 'n/a')" in problems


def test_rank_correlation_is_achieved_within_five_hundredths():
    s = Scenario(
        vendor_monthly_fee=Pert(45_000, 60_000, 85_000),
        vendor_failure_prob_annual=Pert(0.02, 0.06, 0.2),
        trust=Pert(0.2, 0.6, 0.9),
    )
    target = {
        ("vendor_monthly_fee", "vendor_failure_prob_annual"): -0.6,
        ("trust", "vendor_failure_prob_annual"): 0.3,
    }
    r = simulate(s, n_trials=20_000, seed=8, correlation=target)
    ranks = pd.DataFrame(r.inputs).rank()
    achieved = ranks.corr()
    for (a, b), rho in target.items():
        assert achieved.loc[a, b] == pytest.approx(rho, abs=0.05)
    assert abs(achieved.loc["vendor_monthly_fee", "trust"]) < 0.05


def test_contradictory_correlations_are_refused():
    s = Scenario(
        vendor_monthly_fee=Pert(1, 2, 3), trust=Pert(0.1, 0.5, 0.9), goal_clarity=Pert(0.1, 0.5, 0.9)
    )
    bad = {
        ("vendor_monthly_fee", "trust"): 0.9,
        ("trust", "goal_clarity"): 0.9,
        ("vendor_monthly_fee", "goal_clarity"): -0.9,
    }
    with pytest.raises(ScenarioError, match="not positive semi-definite"):
        simulate(s, n_trials=100, seed=1, correlation=bad)


def test_no_correlation_leaves_the_draws_unchanged():
    s = Scenario(vendor_monthly_fee=Pert(45_000, 60_000, 85_000), trust=Pert(0.2, 0.6, 0.9))
    plain = simulate(s, n_trials=3_000, seed=8)
    zero = simulate(s, n_trials=3_000, seed=8, correlation={("vendor_monthly_fee", "trust"): 0.0})
    assert np.array_equal(plain.npv, zero.npv)


def test_target_se_stops_when_precise_enough_and_equals_a_fixed_run():
    r = simulate(Scenario(), seed=4, target_se=3_000)
    trace = r.convergence
    assert trace["se_npv"].iloc[-1] <= 3_000 < trace["se_npv"].iloc[-2]
    assert trace.attrs["converged"]
    fixed = simulate(Scenario(), n_trials=r.n_trials, seed=4)
    assert np.array_equal(fixed.npv, r.npv)


def test_target_se_respects_the_trial_cap():
    r = simulate(Scenario(), seed=4, target_se=1, max_trials=30_000)
    assert r.n_trials == 30_000
    assert not r.convergence.attrs["converged"]


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(
            name="Managed cloud", inhouse_monthly_cost=150_000, vendor_monthly_fee=122_000, switching_months=9
        ),
        Scenario(
            name="Tiny",
            inhouse_monthly_cost=8_000,
            vendor_monthly_fee=5_500,
            switching_cost=9_000,
            trust=0.95,
        ),
        Scenario(
            name="Edges", switching_months=1, goal_clarity=1.0, discount_rate_annual=0.0, transition_cost=0
        ),
        Scenario(
            name="Uncertain", vendor_monthly_fee="pert(100000, 120000, 150000)", inhouse_monthly_cost=160_000
        ),
    ],
    ids=lambda s: s.name,
)
def test_tornado_moves_every_input_around_the_scenarios_own_value(scenario):
    from outsourcing_risk.model.parameters import spec

    table = tornado(scenario, n_trials=500, seed=2)
    for name, row in table.iterrows():
        value = getattr(scenario, name)
        centre = value.quantile(0.5) if hasattr(value, "ppf") else value
        assert row["low"] <= centre <= row["high"], name
        assert row["value"] == pytest.approx(centre), name
        p = spec(name)
        assert p.low <= row["low"], f"{name} stays in its valid range"
        assert row["high"] <= p.high, f"{name} stays in its valid range"
        if p.integer:
            assert row["low"] == int(row["low"]), name
            assert row["high"] == int(row["high"]), name
            assert row["low"] < row["high"], f"{name}: a whole-month input moves at least one month"
        elif not hasattr(value, "ppf") and value > 0:
            assert row["low"] == pytest.approx(max(p.low, 0.8 * value)), name
            assert row["high"] == pytest.approx(min(p.high, 1.2 * value)), name
    if hasattr(scenario.vendor_monthly_fee, "ppf"):
        fee = table.loc["vendor_monthly_fee"]
        assert (fee["low"], fee["high"], fee["rule"]) == (
            pytest.approx(scenario.vendor_monthly_fee.quantile(0.1)),
            pytest.approx(scenario.vendor_monthly_fee.quantile(0.9)),
            "P10–P90",
        )


def test_tornado_swings_are_of_the_scenarios_size_not_the_defaults():
    # The example: a 122k fee tested at 60-80k gave swings of millions on a ~190k NPV.
    s = Scenario(inhouse_monthly_cost=150_000, vendor_monthly_fee=122_000)
    table = tornado(s, parameters=["vendor_monthly_fee"], n_trials=2_000, seed=1)
    assert (table.loc["vendor_monthly_fee", "low"], table.loc["vendor_monthly_fee", "high"]) == (
        pytest.approx(97_600),
        pytest.approx(146_400),
    )
    assert table.attrs["currency"] == "USD"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: tornado(Scenario(), "trust"), TypeError, "did you mean \\['trust'\\]"),
        (lambda: tornado(Scenario(), [3]), TypeError, "parameter names"),
        (lambda: tornado(Scenario(), ranges=[("trust", (0, 1))]), TypeError, "ranges must be a mapping"),
        (lambda: tornado(Scenario(), ranges={"trust": 0.5}), TypeError, "pair of numbers"),
    ],
)
def test_tornado_arguments_are_checked_by_name(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    ("escalation", "policy", "failure"),
    [(0.06, "replace", 0.1), (0.06, "insource", 0.4), (0.2, "replace", 0.1), (0.2, "insource", 0.1)],
)
def test_design_optimum_includes_fee_escalation(escalation, policy, failure):
    s = Scenario(
        tension_weight=0,
        fee_escalation_annual=escalation,
        after_failure=policy,
        vendor_failure_prob_annual=failure,
    )
    curve = trust_curve(s, np.linspace(0, 1, 11), n_trials=20_000, seed=1)
    assert curve.attrs["optimal_trust"] == pytest.approx(curve.attrs["design_optimum"], abs=0.02)


@pytest.mark.parametrize("readiness", [0.1 + 0.2, 1 / 3, 0.8])
def test_the_exit_tables_own_readiness_is_one_row_exactly(readiness):
    table = exit_strategy_value(Scenario(exit_readiness=readiness), readiness, n_trials=300, seed=1)
    assert table.attrs["readiness"] == readiness
    assert table.index.is_unique
    assert table.index.is_monotonic_increasing
    near = [level for level in table.index if abs(level - readiness) < 1e-9]
    assert near == [readiness], "no look-alike row beside the scenario's own readiness"


def test_analyses_refuse_what_they_cannot_use_in_words():
    """Found from outside: these failed deep inside with a numpy or float message, or ran for ever."""
    with pytest.raises(
        TypeError, match=r"readiness must be one exit-plan readiness level in \[0, 1\] \(got \[0.5\]\)"
    ):
        exit_strategy_value(Scenario(), [0.5])
    table = sweep(Scenario(), "trust", (t / 10 for t in (3, 5)), n_trials=200)
    assert list(table.index) == [0.3, 0.5], "a generator of values is read once, as a list"
    with pytest.raises(ValueError, match=r"a 2000 × 2000 grid of 4,000,000 settings .* about 37 hours"):
        grid(Scenario(), x_values=range(2000), y_values=range(2000))
    # Found from outside: at 100 trials the futures were few enough, and 4,000,000 settings ran
    # for minutes in silence; each setting's own cost now counts too.
    with pytest.raises(ValueError, match=r"at 100 trials each .* about 4 hours of one core"):
        grid(Scenario(), x_values=range(2000), y_values=range(2000), n_trials=100)


def test_a_vendor_table_with_its_own_selection_score_is_refused(tmp_path):
    from outsourcing_risk.batch.runner import load_jobs

    vendors = load_vendors()
    vendors["selection_score"] = "0.9"
    path = tmp_path / "v.csv"
    vendors.to_csv(path, index=False)
    with pytest.raises(ScenarioError, match="a vendor table computes selection_score from its scorecard"):
        load_jobs(path, 100, 1)
