import numpy as np
import pandas as pd
import pytest

from outsourcing_risk import KPI_LABELS, Scenario, SimulationResult, simulate


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
