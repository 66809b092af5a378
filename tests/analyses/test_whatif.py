"""The what-if grid against direct simulate calls: every position is the model's own number."""

from __future__ import annotations

import itertools
import json
import math
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outsourcing_risk import Scenario, simulate
from outsourcing_risk.batch.report_row import failure_in_words
from outsourcing_risk.io.examples import report_notebook
from outsourcing_risk.model.distributions import Distribution
from outsourcing_risk.present.formatting import param_value
from outsourcing_risk.present.whatif import axes_for, whatif_grid
from outsourcing_risk.workbook.notebook import scenario_from_parameters
from outsourcing_risk.workbook.whatif_page import (
    _command,
    _example_trust,
    _json_for_script,
    export_whatif,
    whatif_html,
)

SCENARIOS = [
    Scenario(name="Defaults"),
    Scenario(
        name="Insource, own numbers",
        after_failure="insource",
        inhouse_monthly_cost=150_000,
        vendor_monthly_fee=122_000,
        switching_cost=500_000,
        trust=0.73,
        vendor_failure_prob_annual=0.04,
        exit_readiness=0.5,
        currency="EUR",
    ),
    Scenario(
        name="Uncertain levers",
        vendor_failure_prob_annual="triangular(0.03, 0.06, 0.12)",
        switching_cost="lognormal(280000, 420000)",
        exit_readiness="uniform(0.2, 0.8)",
        vendor_monthly_fee="pert(65000, 70000, 82000)",
    ),
    Scenario(  # levers a spreadsheet computes: more digits than the axis is rounded to
        name="Unround levers",
        trust=1 / 3,
        vendor_failure_prob_annual=1 / 12,
        switching_cost=250000.1234567,
    ),
    Scenario(  # a full exit plan makes a switch free: the failed trials never move
        name="Full exit plan",
        vendor_failure_prob_annual=0.2,
        exit_readiness=1.0,
        exit_cost_reduction=1.0,
    ),
    Scenario(  # voluntary exits pay for switches too; trust starts below a ceiling of 0.8
        name="Ramp, trigger, vendors that differ",
        trust_policy="ramp",
        trust=0.4,
        trust_ceiling=0.8,
        exit_trigger_incidents=2,
        exit_trigger_window=6,
        incident_rate_max=0.8,
        vendor_quality_spread=1.0,
    ),
]


def _value(axis, i):
    return axis.values[i]


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda s: s.name)
def built(request):
    scenario = request.param
    return scenario, axes_for(scenario), whatif_grid(scenario, n_trials=3_000, seed=7)


def test_every_lever_has_nine_positions_and_starts_at_the_scenarios_own(built):
    scenario, axes, grid = built
    for axis in axes:
        assert len(axis.values) >= 9
        own = getattr(scenario, axis.name)
        assert axis.values[axis.start] is own or axis.values[axis.start] == own
        assert len(set(axis.texts)) == len(axis.texts), "positions are labelled with their values"
    sizes = [len(a.values) for a in axes]
    assert len(grid["fan"]) == len(grid["hist"]) == math.prod(sizes)


def test_random_positions_equal_a_direct_simulation(built):
    scenario, axes, grid = built
    sizes = [len(a.values) for a in axes]
    rng = np.random.default_rng(3)
    points = [tuple(a.start for a in axes)] + [tuple(int(rng.integers(s)) for s in sizes) for _ in range(6)]
    for i, j, k in points:
        setting = {a.name: _value(a, p) for a, p in zip(axes, (i, j, k), strict=True)}
        direct = simulate(scenario.replace(**setting), n_trials=3_000, seed=7).summary()
        c = (i * sizes[1] + j) * sizes[2] + k
        kpi = {key: values[c] for key, values in grid["kpi"].items()}
        assert kpi["mean_npv"] == pytest.approx(direct["mean_npv"], rel=1e-9, abs=1e-6), setting
        assert kpi["p_loss"] == direct["p_loss"], setting
        assert kpi["cvar5"] == pytest.approx(direct["cvar5"], rel=1e-9, abs=1e-6), setting
        assert kpi["p_failure"] == direct["p_failure"], setting
        expected = direct["breakeven_month"]
        assert (
            (kpi["breakeven_month"] is None) if math.isnan(expected) else kpi["breakeven_month"] == expected
        )
        counts = grid["hist"][c][2:]
        assert sum(counts) == 3_000


@pytest.mark.parametrize("failure_step", [0, 3])
def test_the_fan_is_the_quarterly_quantiles_of_a_direct_simulation(built, failure_step):
    scenario, axes, grid = built
    sizes = [len(a.values) for a in axes]
    i, j, _k = (a.start for a in axes)
    j = (j + failure_step) % sizes[1]
    for k in range(sizes[2]):  # every switching cost: the shift of the trials that failed matters
        setting = {a.name: _value(a, p) for a, p in zip(axes, (i, j, k), strict=True)}
        q = simulate(scenario.replace(**setting), n_trials=3_000, seed=7).quantile_paths(
            (0.05, 0.25, 0.5, 0.75, 0.95)
        )
        scale, *values = grid["fan"][(i * sizes[1] + j) * sizes[2] + k]
        fan = scale * np.asarray(values, dtype=float).reshape(5, -1)
        months = grid["months"]
        expected = q.loc[months, ["p5", "p25", "p50", "p75", "p95"]].to_numpy().T
        top = np.abs(expected).max()
        assert np.allclose(fan, expected, atol=top * 6e-4), (
            setting,
            "to 4 significant digits of the largest",
        )


def test_the_embedded_json_cannot_end_its_script():
    text = _json_for_script({"name": "</script><script>alert(1)</script> & \u2028"})
    for char in "<>&":
        assert char not in text
    assert json.loads(text)["name"].startswith("</script>")


def test_export_whatif_writes_one_offline_page(tmp_path):
    hostile = Scenario(name="</script><img src=x onerror=alert(1)>", currency="GBP")
    page = export_whatif(hostile, tmp_path / "w.html", n_trials=500, seed=1).read_text()
    assert page.count("</script>") == page.count("<script")
    assert "<img src=x" not in page
    assert 'src="http' not in page
    assert re.search(r'<input type="range"[^>]*max="\d+"', page)


def test_distributions_are_a_position_of_their_own():
    s = SCENARIOS[2]
    axes = {a.name: a for a in axes_for(s)}
    fail = axes["vendor_failure_prob_annual"]
    assert isinstance(fail.values[fail.start], Distribution)
    assert fail.texts[fail.start].endswith("(as given)")
    section = whatif_html(s, 200, 1)
    assert "between 3% and 12% per year, most likely 6% (as given)" in section
    # The numbers around it are round multiples of a round number near its median, not 4 × 6.8 %.
    numbers = [v for v in fail.values if not isinstance(v, Distribution)]
    assert numbers == [0.0, 0.015, 0.03, 0.045, 0.06, 0.09, 0.12, 0.18, 0.24]


def _parameters_of(command: str) -> dict:
    """The parameters a papermill command gives the notebook, typed as papermill types them."""
    from papermill.cli import _resolve_type

    argv = shlex.split(command)
    assert argv[:2] == ["papermill", "scenario_report.ipynb"]
    flags = argv[3:]
    return {
        name: value if flag == "-r" else _resolve_type(value)
        for flag, name, value in zip(flags[::3], flags[1::3], flags[2::3], strict=True)
    }


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(),
        Scenario(name="2026", notes="True </script> it's", currency="EUR", switching_cost=500_000),
        Scenario(
            name="Uncertain", trust="pert(0.4, 0.6, 0.8)", vendor_failure_prob_annual="uniform(0.02, 0.1)"
        ),
    ],
    ids=["defaults", "hostile text", "distributions"],
)
def test_the_pages_command_makes_this_report_at_the_example_trust(scenario):
    """The command shown to the analyst rebuilds the report's own scenario (name, notes,
    currency, distributions), at a trust between two of the slider's positions."""
    got, n_trials, seed = scenario_from_parameters(_parameters_of(_command(scenario, 3_000, 7)))
    assert (n_trials, seed) == (3_000, 7)
    assert got == scenario.replace(trust=_example_trust(scenario))


@pytest.mark.parametrize("trust", [0.0, 0.6, 0.73, 0.9, 0.95, 1.0, "pert(0.4, 0.6, 0.8)"])
def test_the_example_trust_lies_between_two_positions(trust):
    scenario = Scenario(trust=trust)
    example = _example_trust(scenario)
    numbers = sorted(v for v in axes_for(scenario)[0].values if not isinstance(v, Distribution))
    assert any(lo < example < hi for lo, hi in itertools.pairwise(numbers)), (example, numbers)


def test_the_pages_command_runs(tmp_path):
    """Run as shown (the notebook's path aside): papermill keeps a name that looks like a number."""
    scenario = Scenario(name="2026", notes="True", currency="EUR")
    argv = shlex.split(_command(scenario, 500, 7))
    argv[:3] = [sys.executable, "-m", "papermill", str(report_notebook()), str(tmp_path / "report.ipynb")]
    done = subprocess.run(
        [*argv, "-p", "whatif", "False", "--no-progress-bar"], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    executed = json.loads((tmp_path / "report.ipynb").read_text())
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'scenario_name = "2026"' in "".join(injected["source"])


_LEVER_RANGES = {"trust": (0.0, 1.0), "vendor_failure_prob_annual": (0.0, 1.0), "switching_cost": (0.0, 1e12)}


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(_LEVER_RANGES)),
    data=st.data(),
)
def test_any_float_in_a_levers_range_is_its_own_exact_position(name, data):
    """Found from outside: a lever with more digits than the axis is rounded to (1/3, 1/12,
    250000.1234567, 0.1 + 0.2) failed every row with an empty StopIteration."""
    low, high = _LEVER_RANGES[name]
    value = data.draw(st.floats(low, high, allow_nan=False, allow_infinity=False), label=name)
    axis = next(a for a in axes_for(Scenario(**{name: value})) if a.name == name)
    numbers = list(axis.values)
    assert numbers[axis.start] == value
    assert math.copysign(1, numbers[axis.start]) == math.copysign(1, value)
    assert numbers == sorted(set(numbers)), "positions strictly increase"
    assert all(low <= v <= high for v in numbers)
    if value == 0 or value > 1e-300:  # a subnormal's multiples underflow to itself and to zero
        assert len(numbers) >= 9
    assert axis.texts[axis.start] == param_value(name, value)


@settings(max_examples=8, deadline=None)
@given(
    trust=st.floats(0, 1),
    failure=st.floats(0, 1),
    cost=st.floats(0, 2e6),
)
def test_the_grid_at_any_levers_starts_with_the_reports_own_numbers(trust, failure, cost):
    scenario = Scenario(trust=trust, vendor_failure_prob_annual=failure, switching_cost=cost)
    grid = whatif_grid(scenario, n_trials=200, seed=5)
    sizes = [len(a["texts"]) for a in grid["axes"]]
    i, j, k = (a["start"] for a in grid["axes"])
    direct = simulate(scenario, n_trials=200, seed=5).summary()
    assert grid["kpi"]["mean_npv"][(i * sizes[1] + j) * sizes[2] + k] == pytest.approx(
        direct["mean_npv"], rel=1e-9, abs=1e-6
    )


def test_a_failure_raised_with_no_message_is_said_in_words():
    assert failure_in_words("StopIteration", "") == (
        "StopIteration (raised with no message: an internal error; please report it)"
    )
    assert failure_in_words("ValueError", "trust must be ≤ 1 ") == "ValueError: trust must be ≤ 1"
