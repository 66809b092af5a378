"""The widget layer without a browser: what a control change does to the numbers shown."""

import html
import math
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from outsourcing_risk import Pert, Scenario, simulate
from outsourcing_risk.model.parameters import PARAMETERS
from outsourcing_risk.present.formatting import percent
from outsourcing_risk.workbook.widgets import ControlPanel, WhatIfExplorer


def _card(explorer, key):
    return float(re.search(rf'data-kpi="{key}" data-value="([^"]+)"', explorer.kpis.value).group(1))


def test_a_slider_release_recomputes_what_simulate_gives():
    explorer = WhatIfExplorer(Scenario(), n_trials=3_000, seed=9)
    explorer.panel.controls["vendor_failure_prob_annual"].value = 0.2
    assert explorer.wait()
    result = simulate(Scenario(vendor_failure_prob_annual=0.2), n_trials=3_000, seed=9)
    expected = result.summary()
    assert _card(explorer, "mean_npv") == expected["mean_npv"]
    assert _card(explorer, "p_failure") == expected["p_failure"]
    (figure,) = explorer.charts.figures  # the fan chart above the NPV distribution
    median = next(t for t in figure["data"] if t.get("name") == "median")
    assert median["y"] == result.quantile_paths()["p50"].tolist()
    marks = [s for s in figure["layout"]["shapes"] if s["xref"] == "x2"]  # the distribution's
    assert marks[0]["x0"] == expected["mean_npv"]  # the mean's mark
    assert f"chance of a loss {percent(expected['p_loss'])}" in figure["layout"]["annotations"][-1]["text"]
    assert explorer.last_update_seconds > 0


def test_a_burst_of_moves_draws_only_the_newest_setting():
    explorer = WhatIfExplorer(Scenario(), n_trials=20_000, seed=9)
    drawn = []
    explorer.kpis.observe(lambda change: drawn.append(explorer.result.scenario.trust), names="value")
    trust = explorer.panel.controls["trust"]
    for value in (0.61, 0.62, 0.63, 0.64, 0.65):  # five key presses, faster than one simulation
        trust.value = value
    assert explorer.wait()
    assert drawn[-1] == 0.65
    assert len(drawn) <= 2, f"stale settings were drawn: {drawn}"  # the one in flight at most
    assert _card(explorer, "mean_npv") == simulate(Scenario(trust=0.65), n_trials=20_000, seed=9).npv.mean()


def test_the_horizon_slider_redraws_the_fan_over_the_new_months():
    explorer = WhatIfExplorer(Scenario(), n_trials=2_000, seed=9)
    explorer.panel.controls["horizon_months"].value = 36
    assert explorer.wait()
    (figure,) = explorer.charts.figures
    lines = [t for t in figure["data"] if t.get("name") in ("median", "mean")]
    bands = [t for t in figure["data"] if t.get("fill") == "toself"]  # along the top, back along the bottom
    assert [t["x"] for t in lines] == [list(range(37))] * 2
    assert [t["x"] for t in bands] == [list(range(37)) + list(range(36, -1, -1))] * 2
    assert [len(t["y"]) for t in lines + bands] == [37, 37, 74, 74]


def test_the_checklist_sets_goal_clarity():
    panel = ControlPanel(Scenario(goal_clarity=0.75))
    assert [box.value for box in panel.checklist.values()] == [True, True, True, False]
    panel.checklist["schedule"].value = False
    assert panel.scenario.goal_clarity == 0.5


def test_untouched_distributions_stay_distributions():
    fee = Pert(60_000, 70_000, 90_000)
    panel = ControlPanel(Scenario(vendor_monthly_fee=fee))
    assert panel.scenario.vendor_monthly_fee == fee
    panel.controls["vendor_monthly_fee"].value = 65_000
    assert panel.scenario.vendor_monthly_fee == 65_000


def test_no_control_can_reach_an_invalid_value():
    panel = ControlPanel()
    for p in PARAMETERS:
        control = panel.controls[p.name]
        assert p.low <= control.min <= control.value <= control.max <= p.high, p.name
        control.value = control.max
    Scenario.from_dict(panel.scenario.to_dict())  # every extreme is still a valid scenario


def test_reset_returns_every_control_to_the_start():
    explorer = WhatIfExplorer(Scenario(trust=0.3), n_trials=2_000, seed=1)
    explorer.panel.controls["trust"].value = 0.9
    explorer.panel.controls["switching_cost"].value = 500_000
    explorer.panel.reset()  # what the reset button does
    assert explorer.wait()
    assert explorer.panel.scenario == Scenario(trust=0.3)
    assert _card(explorer, "mean_npv") == simulate(Scenario(trust=0.3), n_trials=2_000, seed=1).npv.mean()


def test_copy_parameters_gives_a_papermill_command_safe_for_the_shell():
    explorer = WhatIfExplorer(
        Scenario(name="Bob's $HOME `rm`", currency="EUR", notes="True"), n_trials=2_000, seed=1
    )
    text = explorer.copy_parameters()
    command = text.splitlines()[-1]
    argv = shlex.split(command)
    # The installed report notebook, wherever the package is (a wheel user has no repository).
    assert argv[0] == "papermill"
    assert Path(argv[1]).is_file()
    assert Path(argv[1]).name == "scenario_report.ipynb"
    assert argv[2] == "report.ipynb"
    assert argv[argv.index("scenario_name") + 1] == "Bob's $HOME `rm`"
    assert argv[argv.index("n_trials") + 1] == "2000"
    # The report keeps the scenario's currency and notes, as text (papermill's -r), not True.
    assert argv[argv.index("currency") - 1 : argv.index("currency") + 2] == ["-r", "currency", "EUR"]
    assert argv[argv.index("notes") - 1 : argv.index("notes") + 2] == ["-r", "notes", "True"]


@pytest.mark.parametrize(
    "scenario", [Scenario(), Scenario(switching_cost=280_000, inhouse_monthly_cost=2_500_000, currency="EUR")]
)
def test_every_slider_moves_in_round_steps_of_one_to_two_percent_of_its_range(scenario):
    panel = ControlPanel(scenario, n_trials=2_000)
    for name, control in panel.controls.items():
        if name in ("after_failure", "trust_policy") or isinstance(control.step, int):
            continue
        positions = (control.max - control.min) / control.step
        assert 40 <= positions <= 100.5, (name, control.min, control.max, control.step)
        mantissa = control.step / 10 ** math.floor(math.log10(control.step))
        assert round(mantissa, 6) in (1, 2, 2.5, 5), (name, control.step)
    assert panel.controls["switching_cost"].step == 10_000  # was 1,000 on a 280,000 value


def test_an_input_given_as_a_range_reaches_the_simulation_and_widens_the_fan():
    explorer = WhatIfExplorer(Scenario(), n_trials=2_000, seed=1)
    fixed_spread = np.ptp(np.quantile(explorer.result.path[:, -1], [0.05, 0.95]))
    editor = explorer.panel.ranges["vendor_failure_prob_annual"]
    editor.toggle.value = True  # opens at ±20 % of 6 %, in percent like its slider
    assert [f.text.value for f in editor.fields] == ["4.8%", "6%", "7.2%"]
    for field, typed in zip(editor.fields, ("2", "6%", "20"), strict=True):
        field.text.value = typed
    assert explorer.wait()
    assert explorer.panel.scenario.vendor_failure_prob_annual == Pert(0.02, 0.06, 0.2)
    expected = simulate(Scenario(vendor_failure_prob_annual=Pert(0.02, 0.06, 0.2)), n_trials=2_000, seed=1)
    assert _card(explorer, "mean_npv") == expected.npv.mean()
    assert np.ptp(np.quantile(explorer.result.path[:, -1], [0.05, 0.95])) > fixed_spread
    editor.fields[0].text.value = "30"  # low above high: the status says why, nothing else moves
    assert explorer.wait()
    assert "vendor_failure_prob_annual" in explorer.status.value


def test_a_scenario_range_opens_as_a_range_and_the_slider_makes_it_one_number_again():
    panel = ControlPanel(Scenario(switching_cost=Pert(100_000, 250_000, 600_000)), n_trials=2_000)
    editor = panel.ranges["switching_cost"]
    assert editor.toggle.value
    assert [f.value for f in editor.fields] == [100_000, 250_000, 600_000]
    assert panel.scenario.switching_cost == Pert(100_000, 250_000, 600_000)
    panel.controls["switching_cost"].value = 300_000
    assert not editor.toggle.value
    assert panel.scenario.switching_cost == 300_000
    panel.reset()
    assert editor.toggle.value
    assert panel.scenario.switching_cost == Pert(100_000, 250_000, 600_000)


def test_typed_values_are_read_the_way_people_write_them():
    panel = ControlPanel(Scenario(currency="EUR"), n_trials=2_000)
    cost, failure = panel.typed["switching_cost"], panel.typed["vendor_failure_prob_annual"]
    assert cost.text.value == "280,000"
    assert failure.text.value == "6%"
    for typed, expected in (("350,000", 350_000), ("EUR 420k", 420_000), ("€1.2M", 1_200_000)):
        cost.text.value = typed
        assert panel.controls["switching_cost"].value == expected, typed
    assert panel.scenario.switching_cost == 1_200_000  # beyond the slider's end: the end moved
    cost.text.value = "a lot"  # not a number: the shown value comes back
    assert cost.text.value == "1,200,000"
    for typed in ("7%", "7"):
        failure.text.value = typed
        assert panel.controls["vendor_failure_prob_annual"].value == pytest.approx(0.07), typed
    failure.text.value = "150%"  # outside the rule (a probability): refused, shown value back
    assert failure.text.value == "7%"


def test_the_tornado_the_whatif_and_the_widgets_centre_a_skewed_input_alike():
    """One statistic for "where an uncertain input stands": its median (a skewed PERT's mean
    would put it 0.04 higher). The sweeps' design optimum uses the mean on purpose (a formula in
    expected values) and is not a centre."""
    from outsourcing_risk.analyses.tornado import base_value
    from outsourcing_risk.analyses.whatif import lever_positions
    from outsourcing_risk.model.distributions import centre

    skewed = Pert(0.02, 0.04, 0.3)
    scenario = Scenario(vendor_failure_prob_annual=skewed)
    middle = centre(skewed)
    assert middle == pytest.approx(skewed.quantile(0.5))
    assert abs(skewed.mean() - middle) > 0.005, "the test needs an input whose mean and median differ"
    assert base_value(scenario, "vendor_failure_prob_annual") == middle
    failure = next(a for a in lever_positions(scenario) if a.name == "vendor_failure_prob_annual")
    below, above = failure.values[failure.start - 1], failure.values[failure.start + 1]
    assert below <= middle <= above, "the scenario's own distribution stands at its median"
    panel = ControlPanel(scenario, n_trials=500)
    assert panel.controls["vendor_failure_prob_annual"].value == pytest.approx(middle, abs=1e-9)


@pytest.mark.parametrize(
    ("given", "read"), [(True, True), ("no", False), ("False", False), ("YES", True), ("0", False)]
)
def test_the_whatif_flag_reads_what_papermill_hands_over(given, read):
    from outsourcing_risk.workbook.papermill import read_flag

    assert read_flag("whatif", given) is read


def test_a_flag_that_is_neither_true_nor_false_is_refused():
    from outsourcing_risk import ScenarioError
    from outsourcing_risk.workbook.papermill import read_flag

    with pytest.raises(ScenarioError, match=r"whatif must be true or false \(got 'maybe'\)"):
        read_flag("whatif", "maybe")


def test_a_forged_widget_value_is_read_within_the_controls_own_limits():
    """Found from outside: a visitor set the trial count to 400,000 through the websocket (190 ->
    532 MB per kernel). The kernel now reads every control within the limits it built it with,
    even when the browser also sends a new maximum."""
    explorer = WhatIfExplorer(n_trials=2_000, seed=1)
    panel = explorer.panel
    panel.n_trials.set_state({"max": 400_000, "value": 400_000})  # what a forged comm message does
    panel.controls["trust"].set_state({"max": 5, "value": 5})
    panel.seed.text.value = str(2**62)
    setting = explorer._setting()
    assert setting[2] == 100_000
    assert setting[1].trust == 1.0, "a parameter stays within its rule"
    assert setting[3] == 1, "the seed keeps its value: a typed one outside its rule is refused"
    assert "Simulated futures (trials): 400,000 was received" in html.unescape(panel.guard.message.value)
    assert "is outside what Seed may be" in html.unescape(panel.seed.message.value)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("switching_cost", "350.000", '"350.000" could be 350 or 350,000'),
        ("switching_cost", "1,2M", '"1,2M" could be 1,200,000 (a decimal comma) or 12,000,000'),
        ("switching_cost", "1.234,5", "reads as 1,234.5 with a decimal comma"),
        ("switching_cost", "EUR 420k", '"EUR 420k" is in EUR; this scenario is in USD'),
        ("switching_cost", "abc", '"abc" is not a number'),
        ("switching_cost", "-5", '"-5" is outside what Switching cost may be'),
        ("trust", "0.8", '"0.8" could be 0.8% or 80%'),
        ("trust", "150%", '"150%" is outside what'),
    ],
)
def test_a_typed_value_that_reads_two_ways_or_breaks_a_rule_is_refused_in_words(field, typed, message):
    """Found from outside: "350.000" became USD 350, "1,2M" 12 million, "0.8" in Trust 0.8 %, and
    "abc", "-5", "150%" reverted without a word. The field now keeps its value and says why."""
    panel = ControlPanel(Scenario(currency="USD"), n_trials=2_000)
    before = panel.controls[field].value
    shown = panel.typed[field].text.value
    panel.typed[field].text.value = typed
    assert panel.controls[field].value == before, "nothing was guessed"
    assert panel.typed[field].text.value == shown
    assert message in html.unescape(panel.typed[field].message.value)
    panel.typed[field].text.value = "80%" if field == "trust" else "350,000"
    assert panel.typed[field].message.value == "", "a valid value clears the message"


def test_cards_and_charts_of_an_invalid_setting_are_greyed_until_it_is_valid():
    explorer = WhatIfExplorer(n_trials=2_000, seed=1)
    editor = explorer.panel.ranges["switching_cost"]
    editor.toggle.value = True
    editor.fields[0].text.value, editor.fields[2].text.value = "500,000", "100,000"  # low above high
    explorer.update()
    assert "or-stale" in explorer.kpis._dom_classes
    assert "or-stale" in explorer.charts._dom_classes
    assert "Not updated" in explorer.status.value
    editor.fields[0].text.value, editor.fields[2].text.value = "100,000", "500,000"
    explorer.update()
    assert "or-stale" not in explorer.kpis._dom_classes


def test_the_ramp_controls_work_under_the_ramp_policy_only():
    panel = ControlPanel()
    assert panel.controls["trust_step"].disabled
    assert panel.typed["trust_step"].text.disabled
    panel.controls["trust_step"].set_state({"value": 0.3})  # forged while greyed: not used
    assert panel.scenario.trust_step == 0.1
    assert not panel.scenario.adaptive
    panel.controls["trust_policy"].value = "ramp"
    assert not panel.controls["trust_step"].disabled
    panel.controls["trust_step"].value = 0.15
    assert (panel.scenario.trust_policy, panel.scenario.trust_step) == ("ramp", 0.15)
    panel.controls["trust_policy"].value = "fixed"  # back: the ramp's values are left unused
    assert panel.scenario == Scenario()


def test_a_trigger_takes_a_number_and_a_window_and_zero_turns_it_off():
    panel = ControlPanel()
    panel.controls["exit_trigger_incidents"].value = 4
    assert panel.controls["exit_trigger_window"].value == 12  # a starting window, shown on its slider
    assert (panel.scenario.exit_trigger_incidents, panel.scenario.exit_trigger_window) == (4, 12)
    panel.controls["exit_trigger_window"].value = 0
    assert panel.controls["exit_trigger_incidents"].value == 0
    assert not panel.scenario.adaptive
    panel.controls["exit_trigger_window"].value = 7
    assert (panel.scenario.exit_trigger_incidents, panel.scenario.exit_trigger_window) == (3, 7)


def test_the_explorer_follows_a_ramp_a_trigger_and_vendors_that_differ():
    explorer = WhatIfExplorer(Scenario(), n_trials=3_000, seed=9)
    controls = explorer.panel.controls
    controls["trust_policy"].value = "ramp"
    controls["vendor_quality_spread"].value = 1.0
    controls["exit_trigger_incidents"].value = 3
    assert explorer.wait()
    expected = Scenario(
        trust_policy="ramp", vendor_quality_spread=1.0, exit_trigger_incidents=3, exit_trigger_window=12
    )
    assert explorer.panel.scenario == expected
    assert _card(explorer, "mean_npv") == simulate(expected, n_trials=3_000, seed=9).npv.mean()
