"""Scenario inputs fitted from an incident log: logs simulated from known parameters give them
back within their standard errors (incidents per month, Poisson and over-dispersed; lengths with
30 % of the incidents still open; costs), the censored fit beats the naive one that drops the open
incidents, and every log that cannot be fitted is refused in words."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from outsourcing_risk.analyses.incident_fit import (
    MIN_INCIDENTS,
    WIDE,
    fit_incident_log,
    model_value,
)
from outsourcing_risk.analyses.incident_simulation import simulate_incident_log
from outsourcing_risk.io.incident_log import IncidentLogError
from outsourcing_risk.model.distributions import parse_value
from outsourcing_risk.model.rules import monthly_terms
from outsourcing_risk.model.scenario import Scenario, ScenarioError, scenarios_from_table

AS_OF = "2025-07-01T00:00"
#: The levers in force while the simulated logs were kept, and what the model multiplies
#: incident_rate_max by at them: τ²·(1 + 1·(1 − 0.9))·(1 + 1·(1 − 0.6)).
LEVERS = {"trust": 0.8, "goal_clarity": 0.9, "selection_score": 0.6}
FACTOR = 0.8**2 * 1.1 * 1.4
SEEDS = range(10)
THREE = ("A", "B", "C")


def z_scores(estimates, ses, truth):
    return (np.asarray(estimates) - truth) / np.asarray(ses)


def covered(z) -> int:
    """How many estimates lie within two standard errors of the truth."""
    return int(np.sum(np.abs(z) < 2))


def test_poisson_counts_give_back_the_rate_at_full_trust_within_its_standard_error():
    rate_max = 1.2
    fits = [
        fit_incident_log(
            simulate_incident_log(dict.fromkeys(THREE, rate_max * FACTOR), 24, seed=s),
            months=24,
            as_of=AS_OF,
            resamples=99,
            **LEVERS,
        )
        for s in SEEDS
    ]
    assert fits[0].factor == pytest.approx(FACTOR, rel=1e-12)
    est = [f.estimates.loc["incident_rate_max", "estimate"] for f in fits]
    se = [f.estimates.loc["incident_rate_max", "se"] for f in fits]
    z = z_scores(est, se, rate_max)
    assert covered(z) >= 8, z
    assert abs(z.mean()) < 2 / math.sqrt(len(z)) * 1.5, z
    assert sum(f.frequency.chosen.family == "Poisson" for f in fits) >= 8


def test_over_dispersed_counts_choose_the_negative_binomial_and_still_give_back_the_rate():
    size, rate = 1.5, 2.0
    fits = [
        fit_incident_log(
            simulate_incident_log(dict.fromkeys(THREE, rate), 24, size=size, seed=s),
            months=24,
            as_of=AS_OF,
            resamples=99,
        )
        for s in SEEDS
    ]
    assert sum(f.frequency.chosen.family == "negative binomial" for f in fits) >= 9
    z = z_scores([f.frequency.chosen.mean for f in fits], [f.frequency.chosen.mean_se for f in fits], rate)
    assert covered(z) >= 8, z
    # the Poisson's standard error would claim too much: over-dispersion widens it
    assert all(
        f.frequency.chosen.mean_se > 1.3 * f.frequency.poisson.mean_se
        for f in fits
        if f.frequency.chosen.family != "Poisson"
    )
    assert fits[0].estimates.loc["incident_rate_max", "estimate"] == pytest.approx(
        fits[0].frequency.chosen.mean / fits[0].factor
    )


#: Long incidents in short windows: about 30 % of them are still open on the as-of date.
LONG = stats.lognorm(0.8, scale=720.0)
LONG_MEAN = 720.0 * math.exp(0.8**2 / 2)


@pytest.fixture(scope="module")
def censored_fits():
    return [
        fit_incident_log(
            simulate_incident_log(
                dict.fromkeys(THREE, 10.0), 4, durations=LONG, costs=stats.gamma(2.0, scale=3000), seed=s
            ),
            months=4,
            as_of=AS_OF,
            resamples=49,
        )
        for s in SEEDS
    ]


def test_lengths_with_30_percent_still_open_are_given_back_within_their_standard_error(censored_fits):
    share_open = np.mean([f.durations.obs.right.size / f.durations.obs.n for f in censored_fits])
    assert 0.25 <= share_open <= 0.35
    best = [f.durations.best for f in censored_fits]
    z = z_scores([b.mean for b in best], [b.mean_se for b in best], LONG_MEAN)
    assert covered(z) >= 8, z
    assert sum(b.family == "lognormal" for b in best) >= 7


def test_the_censored_fit_beats_the_naive_fit_that_drops_open_incidents(censored_fits):
    naive = [f.durations.naive for f in censored_fits]
    z_naive = z_scores([n.mean for n in naive], [n.mean_se for n in naive], LONG_MEAN)
    assert all(z_naive < -2), z_naive  # biased short, every time, by more than its own error
    errors = [abs(f.durations.best.mean - LONG_MEAN) for f in censored_fits]
    naive_errors = [abs(n.mean - LONG_MEAN) for n in naive]
    assert sum(e < ne for e, ne in zip(errors, naive_errors, strict=True)) >= 9
    assert np.mean(errors) < 0.5 * np.mean(naive_errors)


def test_costs_are_given_back_within_their_standard_error(censored_fits):
    est = [f.estimates.loc["incident_cost", "estimate"] for f in censored_fits]
    se = [f.estimates.loc["incident_cost", "se"] for f in censored_fits]
    z = z_scores(est, se, 6000.0)
    assert covered(z) >= 8, z
    # an open incident has no final cost: left out, and counted
    assert all(f.costs.still_open == f.durations.obs.right.size for f in censored_fits)


def test_a_cost_per_hour_turns_the_mean_length_into_the_cost_of_an_incident():
    log = simulate_incident_log(dict.fromkeys(THREE, 2.0), 12, seed=3)  # no cost column
    fit = fit_incident_log(log, months=12, as_of=AS_OF, cost_per_hour=250.0, resamples=19)
    row = fit.estimates.loc["incident_cost"]
    assert row["from"] == "hours"
    assert row["estimate"] == pytest.approx(250.0 * fit.durations.best.mean)
    assert row["se"] == pytest.approx(250.0 * fit.durations.best.mean_se)
    assert "incident_cost" not in fit_incident_log(log, months=12, as_of=AS_OF, resamples=19).columns


def test_incidents_that_cost_nothing_count_in_the_mean_cost():
    log = simulate_incident_log({"A": 3.0}, 12, costs=stats.gamma(2.0, scale=1000.0), seed=5)
    log.loc[log.index[::4], "cost"] = "0"
    fit = fit_incident_log(log, months=12, as_of=AS_OF, resamples=19)
    closed = log[log["closed"] != ""]
    assert fit.costs.zeros == int((closed["cost"] == "0").sum()) > 0
    mean, _ = fit.costs.mean
    share = 1 - fit.costs.zeros / (fit.costs.obs.n + fit.costs.zeros)
    assert mean == pytest.approx(share * fit.costs.best.mean)
    assert fit.estimates.loc["incident_cost", "estimate"] == pytest.approx(mean)


def test_the_rate_is_divided_by_what_the_model_multiplies_it_by():
    """docs/model.md: λ = incident_rate_max·τ²·q; the fit divides by the same τ²·q."""
    log = simulate_incident_log(dict.fromkeys(THREE, 1.0), 12, seed=1)
    levers = {
        "trust": 0.5,
        "goal_clarity": 0.25,
        "selection_score": 0.4,
        "clarity_weight": 2.0,
        "selection_weight": 0.5,
    }
    fit = fit_incident_log(log, months=12, as_of=AS_OF, resamples=19, **levers)
    p = Scenario(**levers).to_dict()
    assert fit.factor == pytest.approx(0.25 * monthly_terms(p, np.array([1.0])).quality)
    assert fit.factor == pytest.approx(0.25 * (1 + 2.0 * 0.75) * (1 + 0.5 * 0.6))


def test_an_estimate_is_a_number_when_tight_and_a_distribution_with_its_mean_when_wide():
    assert model_value("incident_cost", 30_000, 0.099 * 30_000) == 30_000.0
    wide = parse_value(model_value("incident_cost", 30_000, 6_000))
    assert wide.mean() == pytest.approx(30_000, rel=1e-3)  # the estimate stays the mean
    assert math.log(wide.p90 / wide.median) / 1.2815515655446004 == pytest.approx(
        math.sqrt(math.log1p(0.2**2)), rel=1e-3
    )
    # a lognormal whose extreme draw passes the rate's bound (30) becomes a PERT keeping the mean
    pert = parse_value(model_value("incident_rate_max", 10.0, 5.0))
    assert type(pert).__name__ == "Pert"
    assert (pert.low + 4 * pert.mode + pert.high) / 6 == pytest.approx(10.0, rel=1e-3)
    Scenario(incident_rate_max=str(pert))
    assert WIDE == 0.10


def test_the_row_is_a_scenario_the_report_reads(censored_fits):
    fit = censored_fits[0]
    table = pd.DataFrame([{"name": "Fitted", **fit.columns, "currency": fit.currency}])
    (scenario,) = scenarios_from_table(table)
    assert set(fit.columns) == {"incident_rate_max", "incident_cost"}
    assert (
        scenario.incident_cost == fit.columns["incident_cost"]
        or str(scenario.incident_cost) == fit.columns["incident_cost"]
    )


def small_log(n):
    return simulate_incident_log({"A": 1.0}, 24, seed=2).head(n)


def test_too_few_incidents_are_refused_with_the_minimum_and_why():
    with pytest.raises(IncidentLogError) as info:
        fit_incident_log(small_log(MIN_INCIDENTS - 1), as_of=AS_OF, months=24)
    assert (
        f"{MIN_INCIDENTS - 1} incidents are too few to fit: at least {MIN_INCIDENTS} are needed, because with fewer "
        "even the simplest estimate of a rate or a mean has a standard error above a third of itself"
    ) in str(info.value)
    fit_incident_log(small_log(MIN_INCIDENTS), as_of=AS_OF, months=24, resamples=9)  # ten will do


def test_too_few_closed_incidents_leave_the_lengths_unfitted_in_words():
    log = small_log(12)
    log.loc[log.index[3:], "closed"] = ""
    fit = fit_incident_log(log, as_of=AS_OF, months=24, resamples=9)
    assert fit.durations.best is None
    assert (
        fit.durations.reason
        == f"only 3 closed incidents: at least {MIN_INCIDENTS} are needed to fit their lengths"
    )


def test_too_few_vendor_months_are_refused():
    log = simulate_incident_log({"A": 8.0}, 2, seed=1)
    with pytest.raises(IncidentLogError, match="2 vendor-months are too few to fit: at least 6 are needed"):
        fit_incident_log(log, as_of=AS_OF, months=2)


def test_a_window_shorter_than_the_incidents_it_holds_is_refused_naming_the_row():
    log = simulate_incident_log({"A": 2.0}, 24, seed=4)
    first = log.iloc[0]
    with pytest.raises(IncidentLogError) as info:
        fit_incident_log(log, as_of=AS_OF, months=12)
    message = str(info.value)
    assert (
        f"row 1 (id {first['id']!r}): opened {first['opened']!r} lies before the 12-month window of vendor 'A'"
        in message
    )
    assert "(as stated): a window must hold every incident of its vendor; state a longer one" in message


def test_a_window_taken_from_the_log_spans_it_and_says_so():
    log = simulate_incident_log(dict.fromkeys(THREE, 2.0), 24, seed=4)
    fit = fit_incident_log(log, as_of=AS_OF, resamples=9)
    assert not fit.window_stated
    assert set(fit.window["months"]) == {24}  # the first incident falls in the 24th month back


def test_per_vendor_months_count_a_vendor_without_incidents():
    log = simulate_incident_log(dict.fromkeys(THREE, 2.0), 24, seed=4)
    fit = fit_incident_log(log, as_of=AS_OF, months={"A": 24, "B": 24, "C": 24, "D": 12}, resamples=9)
    assert fit.window.set_index("vendor").loc["D", "incidents"] == 0
    assert fit.frequency.counts.size == 84
    with pytest.raises(
        IncidentLogError,
        match="months observed are stated for 'A' but not for 'B', 'C': state every vendor's months, or none",
    ):
        fit_incident_log(log, as_of=AS_OF, months={"A": 24})


def test_one_vendor_is_fitted_alone_and_an_unknown_one_is_named():
    log = simulate_incident_log({"A": 3.0, "B": 1.0}, 24, seed=4)
    fit = fit_incident_log(log, as_of=AS_OF, months=24, vendor="A", resamples=9)
    assert int(fit.frequency.counts.sum()) == int((log["vendor"] == "A").sum())
    with pytest.raises(IncidentLogError, match="no incident of vendor 'Z': the log names 'A', 'B'"):
        fit_incident_log(log, as_of=AS_OF, months=24, vendor="Z")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"trust": 0}, ScenarioError, "trust must be above 0 while the log was kept (got 0)"),
        ({"trust": 1.5}, ScenarioError, "trust must be in [0, 1] (got 1.5)"),
        (
            {"goal_clarity": "pert(0.2, 0.5, 0.9)"},
            ScenarioError,
            "goal_clarity must be a number while the log was kept",
        ),
        ({"cost_per_hour": -5}, ScenarioError, "the cost per hour must be a positive amount (got -5)"),
        ({"currency": "dollars!"}, ScenarioError, "currency"),
        ({"trsut": 0.5}, TypeError, "unexpected keyword argument 'trsut'"),
    ],
)
def test_bad_settings_are_refused_before_any_fitting(kwargs, error, message):
    log = simulate_incident_log({"A": 2.0}, 12, seed=1)
    with pytest.raises(error) as info:
        fit_incident_log(log, as_of=AS_OF, months=12, **kwargs)
    assert message in str(info.value)


def test_a_cost_per_hour_beside_a_cost_column_is_refused_not_ignored():
    log = simulate_incident_log({"A": 2.0}, 12, costs=stats.gamma(2.0, scale=1000.0), seed=1)
    with pytest.raises(
        IncidentLogError, match="it has a cost column, whose costs are fitted: leave out the cost per hour"
    ):
        fit_incident_log(log, as_of=AS_OF, months=12, cost_per_hour=100.0)


def test_a_log_already_read_takes_no_second_as_of_or_vendor_list():
    from outsourcing_risk.io.incident_log import read_incident_log

    log = read_incident_log(simulate_incident_log({"A": 2.0}, 12, seed=1), as_of=AS_OF)
    assert fit_incident_log(log, months=12, resamples=9).log is log
    with pytest.raises(TypeError, match="as_of and vendors are read with the log"):
        fit_incident_log(log, months=12, as_of=AS_OF)
