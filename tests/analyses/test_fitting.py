"""Maximum likelihood fits of counts and of positive amounts, censored or not: against closed
forms, against scipy's own fit, and by simulation (AIC picks the true family most of the time;
a fitted curve follows data from its own family and departs from another's)."""

import math

import numpy as np
import pytest
from scipy import stats

from outsourcing_risk.analyses.fitting import (
    FAMILIES,
    Observations,
    band_agreement,
    fit_counts,
    fit_family,
    rank_families,
)


def censored_sample(dist, n, censor_scale, seed):
    """``n`` draws of ``dist`` with independent exponential censoring times."""
    rng = np.random.default_rng(seed)
    x = dist.rvs(size=n, random_state=rng)
    c = rng.exponential(censor_scale, n)
    return Observations(exact=x[x <= c], right=c[x > c])


def test_the_exponential_with_right_censoring_matches_its_closed_form():
    obs = censored_sample(stats.expon(scale=5.0), 400, 8.0, seed=1)
    fit = fit_family("exponential", obs)
    total = obs.exact.sum() + obs.right.sum()
    assert fit.mean == pytest.approx(total / obs.exact.size, rel=1e-6)  # time on test over events
    assert fit.mean_se == pytest.approx(fit.mean / math.sqrt(obs.exact.size), rel=1e-3)  # 1/√(events)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_reaches_the_optimum_scipy_finds_on_the_same_censored_data(family):
    obs = censored_sample(stats.gamma(1.7, scale=10.0), 250, 25.0, seed=4)
    ours = fit_family(family, obs)
    params = FAMILIES[family].fit(obs.censored_data(), floc=0)
    theirs = obs.loglik(family, params[:-2], params[-1])
    assert ours.loglik >= theirs - 1e-6  # never worse than scipy's fit; usually equal
    assert ours.loglik == pytest.approx(theirs, abs=1e-3)


def test_a_length_known_to_the_day_is_an_interval_and_still_recovers_the_truth():
    rng = np.random.default_rng(8)
    hours = stats.lognorm(0.7, scale=60.0).rvs(size=400, random_state=rng)
    start = rng.random(400) * 24  # hour of the day it opened
    days = np.floor((start + hours) / 24) - 0  # whole days between the opening and the closing day
    obs = Observations(exact=np.empty(0), low=np.maximum(days - 1, 0) * 24, high=(days + 1) * 24)
    fit = fit_family("lognormal", obs)
    true_mean = 60.0 * math.exp(0.7**2 / 2)
    assert abs(fit.mean - true_mean) < 2 * fit.mean_se
    assert fit.shapes[0] == pytest.approx(0.7, abs=0.08)


def test_poisson_counts_give_the_sample_mean_and_its_standard_error():
    counts = np.random.default_rng(2).poisson(1.5, 80)
    fits = fit_counts(counts, n_resamples=99)
    assert fits.poisson.mean == pytest.approx(counts.mean())
    assert fits.poisson.mean_se == pytest.approx(math.sqrt(counts.mean() / 80))
    assert fits.chosen.family == "Poisson"


def test_under_dispersed_counts_leave_the_negative_binomial_at_the_poisson():
    counts = np.array([1, 2, 1, 2, 1, 2, 1, 2, 1, 2])
    fits = fit_counts(counts, n_resamples=49)
    assert math.isinf(fits.negative_binomial.size)
    assert fits.negative_binomial.loglik == fits.poisson.loglik
    assert fits.chosen.family == "Poisson"  # the same fit with one parameter fewer


def test_over_dispersed_counts_choose_the_negative_binomial_and_its_wider_error():
    size, mean = 1.5, 2.0
    counts = np.random.default_rng(5).negative_binomial(size, size / (size + mean), 200)
    fits = fit_counts(counts, n_resamples=99)
    assert fits.chosen.family == "negative binomial"
    assert fits.chosen.size == pytest.approx(size, rel=0.4)
    assert fits.chosen.mean_se > fits.poisson.mean_se * 1.3
    assert fits.gof_p > 0.05


def test_the_goodness_of_fit_test_refuses_counts_no_family_can_fit():
    counts = np.array([0] * 40 + [6] * 40)  # every month either none or six: neither family
    fits = fit_counts(counts, seed=1, n_resamples=199)
    assert fits.gof_p < 0.01
    assert fit_counts(counts, seed=1, n_resamples=199).gof_p == fits.gof_p  # seeded


#: Each family with shapes far enough from the others' that 250 amounts can tell them apart.
TRUTH = {"exponential": (), "lognormal": (0.8,), "Weibull": (0.6,), "gamma": (3.0,)}


def test_aic_picks_the_true_family_most_of_the_time():
    """12 samples of 250 from each family: AIC ranks the true one first in most of them. The
    exponential is nested in the Weibull and the gamma, so they win it by chance now and then."""
    picked = {}
    for family, shapes in TRUTH.items():
        dist = FAMILIES[family](*shapes, scale=10.0)
        wins = [
            rank_families(Observations(exact=dist.rvs(size=250, random_state=np.random.default_rng(s))))[
                0
            ].family
            == family
            for s in range(12)
        ]
        picked[family] = sum(wins)
    assert all(w >= 7 for w in picked.values()), picked  # most of the time, for each family
    assert sum(picked.values()) >= 0.75 * 48, picked


def test_the_fitted_curve_follows_its_own_data_and_departs_from_another_familys():
    obs = censored_sample(stats.lognorm(0.8, scale=4.5), 300, 12.0, seed=3)
    lognormal, exponential = fit_family("lognormal", obs), fit_family("exponential", obs)
    assert band_agreement(lognormal, obs) >= 0.95
    assert band_agreement(exponential, obs) < 0.8
    assert rank_families(obs)[0].family == "lognormal"
