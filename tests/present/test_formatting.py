"""Money, chances and months are written one way everywhere a person reads them."""

import math

import pytest

from outsourcing_risk import Pert, Scenario
from outsourcing_risk.model.parameters import PARAMETERS
from outsourcing_risk.present.formatting import (
    chance_in_words,
    check_currency,
    money,
    money_axis,
    month,
    param_label,
    param_value,
    percent,
)


@pytest.mark.parametrize(
    ("value", "kwargs", "shown"),
    [
        (125_400.4, {"currency": "USD"}, "USD 125,400"),
        (-782_450.2, {"currency": "eur"}, "EUR \u2212782,450"),
        (125_400, {"currency": "USD", "compact": True}, "USD 125k"),
        (1_234_567, {"currency": "GBP", "compact": True}, "GBP 1.23M"),
        (999.6, {"currency": "USD", "compact": True}, "USD 1k"),
        (-0.4, {"currency": "USD"}, "USD 0"),
        (70_000, {"currency": "€", "per_month": True}, "€ 70,000/month"),
        (float("nan"), {"currency": "USD"}, "n/a"),
        (None, {}, "n/a"),
    ],
)
def test_money(value, kwargs, shown):
    assert money(value, **kwargs) == shown


def test_percent_month_and_chances():
    assert percent(0.1666) == "16.7%"
    assert percent(1) == "100.0%"
    assert percent(math.nan) == "n/a"
    assert month(31.0) == "month 31"
    assert month(math.nan) == "never"
    assert month(math.nan, 60) == "not within 60 months"
    assert chance_in_words(1 / 6) == "1 future in 6"
    assert chance_in_words(0.75) == "3 futures in 4"
    assert chance_in_words(0.001) == "fewer than 1 future in 200"
    assert chance_in_words(0.999) == "almost every future"


def test_every_parameter_has_a_human_label_with_its_unit():
    for p in PARAMETERS:
        text = param_label(p, "EUR")
        assert "_" not in text, text
        assert text[0].isupper(), text
        assert text.endswith(")") or p.unit == "log-sd", text  # a spread has no unit a manager reads
    assert param_label("vendor_quality_spread") == "Spread of vendor quality"
    assert param_label("vendor_monthly_fee", "USD") == "Vendor monthly fee (USD/month)"
    assert param_label("vendor_failure_prob_annual") == "Vendor failure probability (% per year)"


def test_parameter_values_read_as_written_by_a_person():
    assert param_value("switching_cost", 280_000.0, "USD") == "USD 280,000"
    assert param_value("vendor_monthly_fee", 70_000.0, "USD") == "USD 70,000/month"
    assert param_value("trust", 0.6) == "60%"
    assert param_value("discount_rate_annual", 0.064) == "6.4% per year"
    assert param_value("switching_months", 1) == "1 month"
    assert param_value("tension_weight", 1.0) == "×1"
    assert param_value("vendor_failure_prob_annual", Pert(0.08, 0.15, 0.35)) == "pert(8%, 15%, 35%)"


def test_axes_use_the_same_money_prefix():
    assert money_axis("usd")["tickprefix"] == "USD "
    assert money_axis("€")["tickprefix"] == "€ "


@pytest.mark.parametrize("good", ["USD", "eur", "€", "kr", "R$", "zł", "Fr."])
def test_currency_codes_and_short_symbols_are_accepted(good):
    assert check_currency(good) is None


@pytest.mark.parametrize("bad", ['<a href="x">EUR</a>', "US D", "EURO", "", "&amp;", "=1+1", "€€€€"])
def test_anything_else_as_currency_is_refused_with_the_rule(bad):
    assert "currency must be a three-letter code" in check_currency(bad)


def test_the_exit_chart_draws_both_sides_of_a_plan_without_a_sentence_of_its_own():
    """What a plan changes is a claim of the report's exit section; the chart only draws it."""
    from outsourcing_risk import exit_strategy_value
    from outsourcing_risk.present import plots

    table = exit_strategy_value(Scenario(vendor_failure_prob_annual=0.15), 1.0, n_trials=2_000, seed=1)
    fig = plots.exit_strategy_chart(table)
    assert fig.layout.title.text.startswith("Mean saving and worst-5 % average by exit-plan readiness")
    assert list(fig.data[0].y) == list(table["mean_npv"])
