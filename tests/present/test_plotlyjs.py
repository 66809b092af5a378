"""The smallest plotly.js that draws a page: partial bundles of the version plotly.py writes for."""

from __future__ import annotations

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version

from outsourcing_risk import Scenario, exit_strategy_value, simulate, tornado
from outsourcing_risk.batch.export import PLOTLY_MIME, export_html
from outsourcing_risk.present import plots
from outsourcing_risk.present.plotlyjs import BUNDLE_VERSION, BUNDLES, bundle_for, plotlyjs_for, trace_types


def test_the_bundles_are_the_plotly_js_that_plotly_py_writes_for():
    assert get_plotlyjs_version() == BUNDLE_VERSION, "refresh static/plotly/ (its README says how)"
    for name, _holds, _file in BUNDLES:
        script = plotlyjs_for(_holds)
        assert f"plotly.js ({name} - minified) v{BUNDLE_VERSION}" in script[:200]
        assert "Licensed under the MIT license" in script[:300]


@pytest.mark.parametrize(
    ("types", "bundle"),
    [
        ({"scatter", "bar"}, "basic"),
        ({"scatter", "heatmap"}, "cartesian"),
        ({"scatter3d"}, "full"),
        (set(), "basic"),
    ],
)
def test_the_smallest_bundle_that_holds_every_type_is_chosen(types, bundle):
    assert bundle_for(types) == bundle
    holds = {name: held for name, held, _file in BUNDLES}
    assert bundle == "full" or types <= holds[bundle]


def test_every_chart_of_a_report_fits_the_basic_bundle():
    """A report's charts draw scatter and bar traces only; a new kind of chart in the report must
    come with a bundle that holds it (this test names the type that does not fit)."""
    scenario = Scenario(vendor_failure_prob_annual="pert(0.03, 0.06, 0.2)")
    result = simulate(scenario, n_trials=500, seed=1)
    figures = [
        plots.fan_chart(result),
        plots.npv_histogram(result),
        plots.exceedance_chart(result),
        plots.tornado_chart(tornado(scenario, n_trials=300, seed=1)),
        plots.exit_strategy_chart(exit_strategy_value(scenario, 1.0, n_trials=300, seed=1)),
        plots.kpi_comparison_chart(pd.DataFrame([result.summary()], index=["A"]), scenario.currency),
    ]
    types = trace_types(f.to_plotly_json() for f in figures)
    assert types - {n: h for n, h, _f in BUNDLES}["basic"] == set()


def _page(*figures) -> str:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={PLOTLY_MIME: f.to_plotly_json()}) for f in figures
    ]
    nb.cells = [cell]
    return export_html(nb, "t")


def test_a_page_with_a_heatmap_carries_the_cartesian_bundle_and_one_with_3d_the_full_one():
    assert "plotly.js (cartesian - minified)" in _page(
        go.Figure(go.Scatter(y=[1])), go.Figure(go.Heatmap(z=[[1]]))
    )
    full = _page(go.Figure(go.Scatter3d(x=[1], y=[1], z=[1])))
    assert f"plotly.js v{BUNDLE_VERSION}" in full
    assert "minified)" not in full.split("plotly.js", 2)[1][:40]
