"""The vendor app without a browser: what the weights, the risk aversion, the spread and the
interviews' cost do to the ranking and the words; values typed or forged."""

import html
import re

import pandas as pd
import pytest

from outsourcing_risk import compare_vendors, load_vendors
from outsourcing_risk.analyses.recheck import recheck_all
from outsourcing_risk.analyses.value_of_information import choice_value
from outsourcing_risk.analyses.vendors import vendor_scenarios
from outsourcing_risk.workbook.vendor_app import VendorRanker

TRIALS, SEED = 1_000, 4


@pytest.fixture
def ranker():
    return VendorRanker(load_vendors(), n_trials=TRIALS, seed=SEED)


def _words(widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def test_the_ranking_follows_the_weights_and_the_words_follow_the_ranking(ranker):
    ranker.typed["risk_aversion"].text.value = "1"
    assert ranker.ranking["cvar5"].is_monotonic_decreasing
    assert "<table" in ranker.table.value
    interview = ranker.interview
    ranker.weights["quality"].value = 3.0
    expected = compare_vendors(
        load_vendors(), weights={"quality": 3.0}, risk_aversion=1.0, n_trials=TRIALS, seed=SEED
    )
    pd.testing.assert_frame_equal(ranker.ranking, expected)
    assert ranker.interview is not interview, "the weights change the candidates' scores: recomputed"
    interview = ranker.interview
    ranker.risk_aversion.value = 0.5
    assert ranker.interview is interview, "the risk aversion leaves the interview as it was"


def test_every_sentence_of_the_app_is_a_claim_that_the_api_confirms(ranker):
    """Found from outside: "Choosing now, the best on average is Delta Lowball" under a ranking
    whose first was Acme Offshore. The app's sentences now come from claims on the ranking's own
    runs and the interview's, each rechecked here through the API."""
    ranker.typed["risk_aversion"].text.value = "0.5"
    ranker.interview_cost.text.value = "80k"
    claims = ranker.claims
    assert [c.key for c in claims][-2:] == ["choice/interview", "choice/interview_net"]
    assert recheck_all(claims) == []
    said = " ".join(
        re.findall(r'data-claims="([^"]*)"', ranker.choice_text.value + ranker.interview_text.value)
    )
    assert sorted(said.split()) == sorted(c.key for c in claims), "each claim said, and only claims"
    first, best_mean = ranker.ranking.index[0], ranker.ranking["mean_npv"].idxmax()
    words = _words(ranker.choice_text)
    assert "Choosing now" not in words + _words(ranker.interview_text)
    if first != best_mean:
        assert f"Best risk-adjusted: {first}, because its worst-5 % average" in words
    else:
        assert f"{first} is both the best on average and the best risk-adjusted" in words


@pytest.mark.parametrize(
    ("typed", "cost", "refused"),
    [
        ("80k", 80_000, ""),
        ("350.000", None, '"350.000" could be 350 or 350,000'),
        ("abc", None, '"abc" is not a number'),
        ("1e308", None, '"1e308" is not a number'),
        ("1" + "0" * 308, None, "is too long to be a number"),
        ("999,999,999,999,999", None, "is outside what Cost of interviewing every candidate may be"),
    ],
)
def test_the_interviews_cost_is_read_as_people_write_it_or_refused_in_words(ranker, typed, cost, refused):
    """Found from outside: "350.000" read as USD 350 and "80k" as USD 80 flipped the sentence;
    "abc" was ignored in silence; 1e308 was accepted."""
    ranker.interview_cost.text.value = "25,000"
    ranker.interview_cost.text.value = typed
    assert ranker.interview_cost.value == (cost or 25_000)
    assert refused in html.unescape(ranker.interview_cost.message.value)
    assert f"they cost USD {cost or 25_000:,}" in _words(ranker.interview_text)
    (figure,) = ranker.interview_chart.figures
    assert any(s.get("y0") == (cost or 25_000) for s in figure["layout"]["shapes"])


def test_the_value_of_interviewing_follows_the_spread_within_its_slider(ranker):
    ranker.typed["spread"].text.value = "0.7"
    expected = choice_value(
        [s.replace(vendor_quality_spread=0.7) for s, _ in vendor_scenarios(load_vendors())],
        n_trials=TRIALS,
        seed=SEED,
    )
    pd.testing.assert_frame_equal(ranker.interview, expected)
    ranker.spread.set_state({"max": 3.0, "value": 3.0})  # past the slider's end, as a forged message
    assert ranker.spread.value == 1.5
    assert ranker.interview.equals(
        choice_value(
            [s.replace(vendor_quality_spread=1.5) for s, _ in vendor_scenarios(load_vendors())],
            n_trials=TRIALS,
            seed=SEED,
        )
    )
    said = html.unescape(ranker.guard.message.value)
    assert (
        "How much vendors differ: 3 was received, which none of the controls can send (from 0.1 to 1.5)"
        in said
    )


def test_a_forged_risk_aversion_or_weight_is_clamped_and_said_not_raised(ranker):
    """Found from outside: a risk aversion of 50 or a weight of -5 raised in the kernel and the
    page showed nothing."""
    ranker.risk_aversion.set_state({"max": 50, "value": 50})
    ranker.weights["references"].set_state({"min": -5, "value": -5})
    said = html.unescape(ranker.guard.message.value)
    assert "Risk aversion: 50 was received" in said
    assert (
        "The weight of references: -5 was received, which none of the controls can send (from 0 to 5); 0 is used"
        in said
    )
    expected = compare_vendors(
        load_vendors(), weights={"references": 0.0}, risk_aversion=1.0, n_trials=TRIALS, seed=SEED
    )
    pd.testing.assert_frame_equal(ranker.ranking, expected)
