import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outsourcing_risk import KPI_LABELS, Scenario, SimulationResult, simulate
from outsourcing_risk.model.results import sorted_by_month, sorted_quantiles


def _result(paths, npv=None):
    paths = np.asarray(paths, dtype=float)
    n = paths.shape[0]
    return SimulationResult(
        scenario=Scenario(name="made up"),
        seed=0,
        npv=np.asarray(npv if npv is not None else paths[:, -1], dtype=float),
        path=paths,
        first_failure_month=np.zeros(n, dtype=int),
        switches=np.zeros(n, dtype=int),
        switching_spend=np.zeros(n),
        upfront=np.full(n, 10.0),
    )


def test_breakeven_is_the_first_month_savings_turn_and_stay_positive():
    r = _result([[-5, 1, -1, 2, 3], [1, 2, 3, 4, 5], [-5, -4, -3, -2, -1], [-1, -1, -1, 1, 1]])
    assert r.breakeven_month[0] == 4  # dips again in month 3, positive from month 4 on
    assert r.breakeven_month[1] == 1
    assert np.isnan(r.breakeven_month[2])
    assert r.breakeven_month[3] == 4
    assert r.summary()["p_breakeven"] == 0.75
    assert r.summary()["breakeven_month"] == 4


def test_median_breakeven_is_nan_when_most_trials_never_break_even():
    r = _result([[-1, -1], [-1, -1], [1, 1]])
    assert np.isnan(r.summary()["breakeven_month"])


def test_summary_figures_follow_their_definitions():
    npv = np.arange(1, 101, dtype=float) - 21  # -20 .. 79
    r = _result(np.zeros((100, 3)), npv=npv)
    s = r.summary()
    assert list(s.index) == list(KPI_LABELS)
    assert s["mean_npv"] == pytest.approx(npv.mean())
    assert s["p_loss"] == 0.20
    assert s["cvar5"] == pytest.approx(np.mean(npv[:5]))
    assert s["se_npv"] == pytest.approx(npv.std(ddof=1) / 10)
    assert s.name == "made up"


def test_quantile_paths_start_at_the_upfront_cost():
    r = simulate(Scenario(), n_trials=5_000, seed=4)
    fan = r.quantile_paths()
    assert list(fan.columns) == ["p5", "p25", "p50", "p75", "p95", "mean"]
    assert fan.index[0] == 0
    assert len(fan) == 61
    assert fan.loc[0, "p50"] == -Scenario().transition_cost
    assert (fan["p5"] <= fan["p50"]).all()
    assert (fan["p50"] <= fan["p95"]).all()
    assert fan.loc[60, "mean"] == pytest.approx(r.path[:, -1].mean())
    with pytest.raises(ValueError, match="quantiles must lie in"):
        r.quantile_paths([0.5, 1.5])
    assert isinstance(fan, pd.DataFrame)


def test_repr_gives_the_headline():
    text = repr(simulate(Scenario(name="X"), n_trials=1_000, seed=1))
    assert text.startswith("<SimulationResult 'X': 1,000 trials, seed 1, mean NPV")


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, width=64), min_size=1, max_size=60
    ),
    quantiles=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=6),
)
def test_quantiles_of_sorted_rows_are_numpys_to_the_last_bit(values, quantiles):
    rows = np.array([values, values[::-1]])
    expected = np.quantile(rows, quantiles, axis=1)
    assert np.array_equal(sorted_quantiles(np.sort(rows, axis=1), quantiles), expected)


def test_the_fan_chart_quantiles_are_numpys():
    r = simulate(Scenario(vendor_failure_prob_annual=0.2), n_trials=5_000, seed=4)
    fan = r.quantile_paths()
    expected = np.quantile(r.path, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0).T
    assert np.array_equal(fan.iloc[1:, :5].to_numpy(), expected)
    assert np.array_equal(fan["p50"].to_numpy()[1:], r.median_path)
    fresh = simulate(Scenario(vendor_failure_prob_annual=0.2), n_trials=5_000, seed=4)  # median first
    assert np.array_equal(fresh.median_path, np.quantile(fresh.path, 0.5, axis=0))


@pytest.mark.parametrize("threads", [2, 3, 7])
def test_months_sorted_in_threads_are_sorted_as_in_one(threads):
    path = np.random.default_rng(threads).normal(size=(1_001, 7))
    assert np.array_equal(sorted_by_month(path, threads), np.sort(path.T, axis=1))
    r = simulate(Scenario(horizon_months=13), n_trials=2_000, seed=5)
    assert r.quantile_paths(threads=threads).equals(r.quantile_paths())
