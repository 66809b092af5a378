"""Live charts: two charts stacked into one figure keep what each chart said, panel by panel."""

from outsourcing_risk import Scenario, plots, simulate
from outsourcing_risk.workbook.live_charts import patched, plain, stacked


def _stacked(name="Base case"):
    result = simulate(Scenario(name=name, vendor_failure_prob_annual=0.2), n_trials=2_000, seed=3)
    fan = plots.fan_chart(result).update_layout(height=500)
    histogram = plots.npv_histogram(result).update_layout(height=460)
    return fan, histogram, plain(stacked(fan, histogram))


def test_each_chart_keeps_its_traces_marks_and_title_in_its_own_panel():
    fan, histogram, figure = _stacked()
    layout = figure["layout"]
    assert len(figure["data"]) == len(fan.data) + len(histogram.data)
    assert [t.get("xaxis") for t in figure["data"]] == [None] * len(fan.data) + ["x2"] * len(histogram.data)
    assert layout["height"] == 960
    upper, lower = layout["yaxis"]["domain"], layout["yaxis2"]["domain"]
    assert 0 <= lower[0] < lower[1] < upper[0] < upper[1] <= 1, "the panels do not overlap"
    # the break-even line stays on the fan's months; the distribution's marks on its own axis
    assert layout["shapes"][len(fan.layout.shapes) - 1]["xref"] == "x"
    assert {s["xref"] for s in layout["shapes"][len(fan.layout.shapes) :]} == {"x2"}
    assert {s["yref"] for s in layout["shapes"][len(fan.layout.shapes) :]} == {"y2 domain"}
    fan_title, histogram_title = (n["text"] for n in layout["annotations"][-2:])
    assert fan_title.startswith(fan.layout.title.text)
    assert histogram_title.startswith(histogram.layout.title.text)
    # the legend is gone; its keys are in the titles, with the subtitles
    assert layout["showlegend"] is False
    for name in ("90 % of futures", "50 % of futures", "median", "mean"):
        assert name in fan_title
    assert "loss (NPV &lt; 0)" in histogram_title
    assert "saving (NPV ≥ 0)" in histogram_title
    assert histogram.layout.title.subtitle.text in histogram_title
    assert not any(ax.get("automargin") for key, ax in layout.items() if key.startswith(("xaxis", "yaxis")))


def test_a_hostile_name_stays_text_in_the_panel_titles():
    *_, figure = _stacked(name="<b>Evil</b> & Co")
    titles = " ".join(n["text"] for n in figure["layout"]["annotations"][-2:])
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in titles
    assert "<b>Evil" not in titles


def test_patched_changes_a_copy_only():
    *_, figure = _stacked()
    moved = patched(figure, {("layout", "shapes", 0, "x0"): 123.0})
    assert moved["layout"]["shapes"][0]["x0"] == 123.0
    assert figure["layout"]["shapes"][0]["x0"] != 123.0
