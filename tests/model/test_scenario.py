import pickle

import pandas as pd
import pytest

from outsourcing_risk import LogNormal, Pert, Scenario, ScenarioError, Uniform, scenarios_from_table
from outsourcing_risk.io.data import default_values
from outsourcing_risk.model.parameters import PARAMETERS


def test_defaults_come_from_the_data_file():
    s = Scenario()
    for name, value in default_values().items():
        assert getattr(s, name) == value


def test_every_model_parameter_is_a_field():
    s = Scenario()
    for p in PARAMETERS:
        assert hasattr(s, p.name)


def test_strings_become_numbers_and_distributions():
    s = Scenario.from_dict(
        {"trust": "0.8", "switching_months": "9", "vendor_monthly_fee": "pert(60000, 70000, 90000)"}
    )
    assert s.trust == 0.8
    assert s.switching_months == 9
    assert isinstance(s.switching_months, int)
    assert s.vendor_monthly_fee == Pert(60000, 70000, 90000)
    assert s.uncertain == ("vendor_monthly_fee",)


def test_blank_cells_mean_default():
    s = Scenario.from_dict({"name": "x", "trust": "", "switching_cost": None, "exit_readiness": float("nan")})
    assert s.trust == Scenario().trust
    assert s.switching_cost == Scenario().switching_cost


def test_round_trip_through_dict_and_pickle():
    s = Scenario(name="Offshore", trust=0.3, vendor_failure_prob_annual=Pert(0.02, 0.05, 0.2))
    assert Scenario.from_dict(s.to_dict()) == s
    assert pickle.loads(pickle.dumps(s)) == s
    assert s.to_dict()["vendor_failure_prob_annual"] == "pert(0.02, 0.05, 0.2)"


def test_replace_returns_a_validated_copy():
    s = Scenario(trust=0.3)
    t = s.replace(trust=0.9)
    assert (s.trust, t.trust) == (0.3, 0.9)
    with pytest.raises(ScenarioError, match=r"trust must be in \[0, 1\] \(got 1.5\)"):
        s.replace(trust=1.5)


def test_scenarios_are_immutable():
    with pytest.raises(AttributeError, match="immutable"):
        Scenario().trust = 0.1


def test_repr_shows_what_differs_from_the_defaults():
    assert repr(Scenario(trust=0.3)) == "Scenario(trust=0.3)"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"switching_cost": -5000}, "switching_cost must be ≥ 0 (got -5000)"),
        ({"trust": 1.2}, "trust must be in [0, 1] (got 1.2)"),
        ({"vendor_failure_prob_annual": "1.5"}, "vendor_failure_prob_annual must be in [0, 1] (got 1.5)"),
        ({"switching_months": 2.5}, "switching_months must be a whole number of months (got 2.5)"),
        ({"horizon_months": "pert(12, 24, 36)"}, "horizon_months must be a fixed number, not a distribution"),
        (
            {"trust": "pert(0.5, 0.9, 1.3)"},
            "trust: pert(0.5, 0.9, 1.3) can reach values outside the allowed range",
        ),
        ({"trust": "pert(0.9, 0.5, 0.95)"}, "trust: pert(0.9, 0.5, 0.95) needs low ≤ mode ≤ high"),
        (
            {"goal_clarity": "lognormal(0.5, 0.8)"},
            "goal_clarity: lognormal(0.5, 0.8) can reach values outside",
        ),
        ({"trust": True}, "trust must be a number in [0, 1] or a distribution (got True)"),
        ({"trust": float("nan")}, "trust must be a finite number"),
        ({"incident_cost": "lots"}, "incident_cost is not a number or a distribution"),
        ({"after_failure": "panic"}, "after_failure must be one of insource, replace (got 'panic')"),
        ({"trsut": 0.5}, "unknown parameter 'trsut' (did you mean 'trust'?)"),
    ],
)
def test_bad_input_names_the_parameter_value_and_rule(given, message):
    with pytest.raises(ScenarioError) as info:
        Scenario(**given)
    assert any(message in p for p in info.value.problems), info.value.problems
    assert isinstance(info.value, ValueError)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ScenarioError) as info:
        Scenario(name="Bad", trust=-1, switching_cost=-1, exit_readiness=3, swiching_months=4)
    text = str(info.value)
    assert text.startswith("4 problems in scenario 'Bad':")
    for name in (
        "trust",
        "switching_cost",
        "exit_readiness",
        "'swiching_months' (did you mean 'switching_months'?)",
    ):
        assert name in text
    assert "outsourcing-risk params" in text


def test_table_rows_report_their_csv_line():
    table = pd.DataFrame(
        {"name": ["ok", "bad", "worse"], "trust": ["0.5", "2", "0.1"], "switching_cost": ["1", "1", "-3"]}
    )
    with pytest.raises(ScenarioError) as info:
        scenarios_from_table(table)
    assert "row 2 ('bad'): trust must be in [0, 1] (got 2)" in info.value.problems
    assert "row 3 ('worse'): switching_cost must be ≥ 0 (got -3)" in info.value.problems


def test_table_columns_are_checked_before_rows():
    with pytest.raises(
        ScenarioError, match="unknown parameter 'swtching_cost' \\(did you mean 'switching_cost'\\?\\)"
    ):
        scenarios_from_table(pd.DataFrame({"name": ["a"], "swtching_cost": ["1"]}))
    with pytest.raises(ScenarioError, match=r"row 2 \('a'\): name 'a' repeats row 1"):
        scenarios_from_table(pd.DataFrame({"name": ["a", "a"]}))


def test_parameter_table_for_display():
    table = Scenario(trust=0.2).table()
    assert table.loc["trust", "value"] == "0.2"
    assert table.loc["trust", "default"] == 0.6
    assert table.loc["switching_cost", "unit"] == "currency"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"horizon_months": 60.000000001},
            "horizon_months must be a whole number of months (got 60.000000001)",
        ),
        ({"switching_cost": 1000000000000.001}, "at most 10^12 (a trillion) (got 1000000000000.001)"),
        (
            {"switching_cost": 10**400},
            "switching_cost must be at most 10^12 (a trillion) (got a 401-digit number)",
        ),
        ({"horizon_months": "60.5"}, "(got 60.5)"),
        (  # more digits than Python writes out (4,300): said, not a ValueError from str()
            {"vendor_monthly_fee": 10**5000},
            "vendor_monthly_fee must be at most 10^12 (a trillion) (got a 5001-digit number)",
        ),
    ],
)
def test_a_refused_value_is_shown_as_given(values, message):
    """Found from outside: 60.000000001 was shown as "got 60", a value that satisfies the rule."""
    with pytest.raises(ScenarioError) as info:
        Scenario(**values)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Pert("a", "b", "c"), "pert(...): low must be a number (got 'a')"),
        (lambda: Pert(0.1, None, 0.3), "pert(...): mode must be a number (got None)"),
        (lambda: LogNormal([1], [2]), "lognormal(...): median must be a number (got [1])"),
        (lambda: Uniform(True, 2), "uniform(...): low must be a number (got True)"),
    ],
)
def test_a_distribution_of_things_that_are_not_numbers_says_so(build, message):
    with pytest.raises(TypeError) as info:
        build()
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Pert(60_000, 70_000, 10**5000),
            "pert(...): high must be a number a double can hold, within ±1.8e308 (got a 5001-digit whole number)",
        ),
        (
            lambda: Uniform(-(10**400), 1),
            "uniform(...): low must be a number a double can hold, within ±1.8e308 (got a 401-digit whole number)",
        ),
        (lambda: LogNormal(10**309, 10**310), "lognormal(...): median must be a number a double can hold"),
    ],
)
def test_a_distribution_of_a_number_beyond_any_double_names_the_field(build, message):
    """Found from outside (issue 33): Pert with a 5000-digit integer raised OverflowError."""
    with pytest.raises(ValueError, match="must be a number a double can hold") as info:
        build()
    assert str(info.value).startswith(message)
