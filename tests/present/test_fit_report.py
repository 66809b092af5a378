"""An incident log's fits for people: the charts draw each fit against its data, the sentences
say what was fitted from how much, and user text (vendor names) stays text."""

import json

import pytest
from scipy import stats

from outsourcing_risk.analyses.incident_fit import fit_incident_log
from outsourcing_risk.analyses.incident_simulation import simulate_incident_log
from outsourcing_risk.present.fit_report import (
    amount_chart,
    candidates_table,
    cost_sentence,
    duration_sentence,
    fit_sentences,
    frequency_chart,
    frequency_sentence,
    inputs_sentence,
    scenario_row,
    window_sentence,
)

HOSTILE = "<b>Evil</b> & Co"


@pytest.fixture(scope="module")
def fit():
    log = simulate_incident_log(
        {HOSTILE: 6.0, "Beta": 4.0},
        6,
        durations=stats.lognorm(0.8, scale=1500.0),
        costs=stats.gamma(2.0, scale=2000.0),
        seed=11,
    )
    return fit_incident_log(log, months=6, as_of="2025-07-01T00:00", resamples=49, currency="EUR")


def test_the_frequency_chart_sets_the_counts_beside_both_fits(fit):
    fig = frequency_chart(fit)
    names = [t.name for t in fig.data]
    assert names[0] == "observed"
    assert {"Poisson", "negative binomial"} <= {n.replace(" (chosen)", "") for n in names[1:]}
    assert sum("(chosen)" in n for n in names) == 1
    assert sum(fig.data[0].y) == pytest.approx(1.0)


def test_the_lengths_chart_draws_the_data_its_band_and_every_family(fit):
    fig = amount_chart(fit, "durations")
    names = [t.name for t in fig.data]
    assert names[:2] == ["95 % band of the data", "data (Kaplan–Meier)"]
    assert len(names) == 2 + 4
    assert names[2].endswith("(best)")
    assert fig.layout.xaxis.type == "log"
    costs = amount_chart(fit, "costs")
    assert costs.layout.xaxis.tickprefix == "EUR "


def test_vendor_names_are_escaped_in_charts():
    log = simulate_incident_log({HOSTILE: 6.0}, 12, seed=2)
    one = fit_incident_log(log, months=12, as_of="2025-07-01T00:00", vendor=HOSTILE, resamples=9)
    for fig in (frequency_chart(one), amount_chart(one)):
        text = json.dumps(fig.to_plotly_json()["layout"]["title"])
        assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in text
        assert "<b>Evil" not in text


def test_a_part_not_fitted_has_no_chart(fit):
    log = simulate_incident_log({"A": 3.0}, 12, seed=2)  # no costs
    plain = fit_incident_log(log, months=12, as_of="2025-07-01T00:00", resamples=9)
    with pytest.raises(ValueError, match="no costs were fitted: the log has no cost column"):
        amount_chart(plain, "costs")
    assert cost_sentence(plain) == "Costs: not fitted, the log has no cost column."
    assert (
        "incident_cost is not written: the log has no costs and no cost per hour was given"
        in inputs_sentence(plain)
    )


def test_the_sentences_say_what_was_fitted_from_how_much(fit):
    counts = fit.frequency.counts
    assert frequency_sentence(fit).startswith(
        f"{counts.sum()} incidents in {counts.size} vendor-months (2 vendors pooled)"
    )
    assert "goodness-of-fit test (49 resamples) gives p = " in frequency_sentence(fit)
    lengths = duration_sentence(fit)
    assert (
        f"Lengths of {fit.durations.obs.n_known} closed and {fit.durations.obs.right.size} still open incidents"
        in lengths
    )
    assert "Dropping the open incidents would say" in lengths
    assert "biased short" in lengths
    assert f"{fit.costs.still_open} still open, with no final cost yet, left out" in cost_sentence(fit)
    assert "EUR" in cost_sentence(fit)
    assert window_sentence(fit).startswith(
        "Each vendor's months as stated (6 months), ending on the as-of date 2025-07-01 00:00."
    )
    words = inputs_sentence(fit)
    assert f"divided by τ²·q = {fit.factor:.3g} (trust 0.6, goal clarity 0.75, selection score 0.7" in words
    assert f"incident_rate_max = {fit.columns['incident_rate_max']}" in words
    assert len(fit_sentences(fit)) == 5


def test_the_row_names_where_its_numbers_come_from(fit):
    row = scenario_row(fit, "My vendor")
    assert row["name"] == "My vendor"
    assert row["notes"].startswith("Fitted from the incident log as of 2025-07-01:")
    assert row["currency"] == "EUR"
    assert {k: row[k] for k in fit.columns} == fit.columns
    table = candidates_table(fit)
    assert table.groupby("quantity")["chosen"].sum().eq(1).all()
    assert len(table) == 2 + 4 + 4
