import numpy as np
import plotly.graph_objects as go
import pytest

from outsourcing_risk import (
    Scenario,
    compare_vendors,
    exit_strategy_value,
    grid,
    load_vendors,
    plots,
    simulate,
    tornado,
    trust_curve,
)
from outsourcing_risk.present.formatting import param_label


@pytest.fixture(scope="module")
def result():
    return simulate(
        Scenario(name="Chart case", currency="EUR", vendor_failure_prob_annual=0.15), n_trials=4_000, seed=1
    )


def _trace_names(fig):
    return [t.name for t in fig.data]


def test_npv_histogram_splits_losses_and_marks_p_loss(result):
    fig = plots.npv_histogram(result)
    assert _trace_names(fig) == ["loss (NPV < 0)", "saving (NPV ≥ 0)"]
    assert sum(fig.data[0].y) == int(np.sum(result.npv < 0))
    assert sum(fig.data[0].y) + sum(fig.data[1].y) == result.n_trials
    assert f"chance of a loss {result.summary()['p_loss']:.1%}" in fig.layout.title.text
    assert fig.layout.xaxis.tickprefix == "EUR "
    assert fig.layout.xaxis.title.text == "Present value of savings against staying in-house (EUR)"


def test_exceedance_starts_at_one_and_falls(result):
    fig = plots.exceedance_chart(result)
    y = np.asarray(fig.data[0].y)
    assert y[0] == 1
    assert np.all(np.diff(y) <= 0)
    assert fig.layout.yaxis.tickformat == ".0%"


def test_fan_chart_has_bands_median_and_mean(result):
    fig = plots.fan_chart(result)
    assert {"90 % of futures", "50 % of futures", "median", "mean"} <= set(_trace_names(fig))
    assert fig.layout.xaxis.title.text == "Month"
    assert len(fig.data[-1].x) == result.scenario.horizon_months + 1


def test_trust_curve_chart_marks_the_optimum():
    curve = trust_curve(Scenario(), np.linspace(0, 1, 6), n_trials=2_000, seed=1)
    fig = plots.trust_curve_chart(curve, currency="GBP")
    star = next(t for t in fig.data if t.name == "best trust")
    assert star.x[0] == pytest.approx(curve.attrs["optimal_trust"])
    assert "chance of a loss" in _trace_names(fig)
    assert fig.layout.yaxis.tickprefix == "GBP "


def test_tornado_chart_has_one_bar_per_input_largest_on_top():
    table = tornado(
        Scenario(), parameters=["trust", "vendor_monthly_fee", "switching_cost"], n_trials=2_000, seed=1
    )
    fig = plots.tornado_chart(table)
    labels = [y.split("<br>")[0] for y in fig.data[0].y]
    assert labels[::-1] == [param_label(n) for n in table.index]
    assert labels[-1] == "Vendor monthly fee (USD/month)"
    assert "20% below and above this scenario's value" in fig.layout.title.subtitle.text


def test_grid_heatmap_shows_the_chosen_metric():
    table = grid(Scenario(), x_values=[0.05, 0.2], y_values=[1e5, 3e5, 5e5], n_trials=1_000, seed=1)
    fig = plots.grid_heatmap(table)
    assert isinstance(fig.data[0], go.Heatmap)
    assert np.asarray(fig.data[0].z).shape == (3, 2)
    assert fig.layout.xaxis.title.text == "Vendor failure probability (% per year)"
    assert fig.layout.yaxis.title.text == "Switching cost (USD)"
    assert "Chance of a loss" in fig.layout.title.text
    assert "Mean saving" in plots.grid_heatmap(table, "mean_npv").layout.title.text


def test_exit_strategy_chart_draws_both_lines():
    table = exit_strategy_value(Scenario(), 0.8, levels=[0, 0.5, 1], n_trials=2_000, seed=1)
    fig = plots.exit_strategy_chart(table)
    assert "by exit-plan readiness" in fig.layout.title.text
    assert _trace_names(fig) == ["mean saving", "worst-5 % average"]


def test_vendor_chart_orders_bars_by_rank():
    ranking = compare_vendors(load_vendors(), n_trials=1_000, seed=1)
    fig = plots.vendor_chart(ranking)
    assert list(fig.data[0].x) == list(ranking.index)


def test_convergence_chart_needs_a_trace(result):
    with pytest.raises(ValueError, match="target_se"):
        plots.convergence_chart(result)
    fig = plots.convergence_chart(simulate(Scenario(), seed=1, target_se=5_000))
    assert "± 2 standard errors" in _trace_names(fig)


def test_names_reach_plotly_escaped_so_they_show_as_typed():
    import pandas as pd

    hostile = "<img src=x onerror=alert(1)>"
    summary = pd.DataFrame(
        [simulate(Scenario(name=n), n_trials=500, seed=1).summary() for n in ("A & B", hostile)]
    )
    fig = plots.kpi_comparison_chart(summary)
    assert list(fig.data[0].y) == ["&lt;img src=x onerror=alert(1)&gt;", "A &amp; B"]
    title = plots.fan_chart(simulate(Scenario(name=hostile), n_trials=500, seed=1)).layout.title.text
    assert "<img" not in title


def test_currency_is_written_one_way_on_axes_and_in_hover_text():
    assert plots.currency_prefix("usd") == "USD "
    assert plots.currency_prefix("PLN") == "PLN "
    assert plots.currency_prefix("") == ""


def test_the_fan_chart_marks_the_break_even_month_of_the_summary():
    for scenario in (Scenario(), Scenario(vendor_failure_prob_annual="pert(0.08, 0.15, 0.35)", trust=0.8)):
        r = simulate(scenario, n_trials=3_000, seed=4)
        fig = plots.fan_chart(r)
        mark, note = fig.layout.shapes[-1], fig.layout.annotations[-1]
        assert mark.x0 == r.summary()["breakeven_month"]
        assert note.text == f"break-even:<br>month {r.summary()['breakeven_month']:.0f}"
        median = np.asarray(next(t for t in fig.data if t.name == "median").y)
        assert median[int(mark.x0)] > 0 >= median[int(mark.x0) - 1], "the median line crosses zero there"
        assert np.all(median[int(mark.x0) :] > 0)


def test_no_break_even_is_said_on_the_fan_chart():
    r = simulate(Scenario(vendor_monthly_fee=130_000), n_trials=1_000, seed=1)
    fig = plots.fan_chart(r)
    assert np.isnan(r.summary()["breakeven_month"])
    assert fig.layout.shapes[-1].visible is False
    assert fig.layout.annotations[-1].text == "no break-even<br>within 60 months"


def test_checklist_chart_colours_made_and_missing_agreements():
    from outsourcing_risk import checklist_costs

    table = checklist_costs(Scenario(), ["schedule", "payment"], n_trials=1_000, seed=1)
    fig = plots.checklist_chart(table)
    assert [y.replace("<br>", " ") for y in fig.data[0].y] == list(table["agreement"])
    assert list(fig.data[0].marker.color) == [plots.GAIN, plots.LOSS, plots.GAIN, plots.LOSS]
    assert "Goal clarity 50%" in fig.layout.title.text
