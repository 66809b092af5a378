"""The vendor choice in words: each sentence says what its claims say, by the rule of two standard
errors, and names them; nothing is computed here (claims are made by hand)."""

import html
import re

import pytest

from outsourcing_risk.analyses.claims import difference
from outsourcing_risk.present.narrative import vendor_choice_html, vendor_choice_sentences

EVIDENCE = {"method": "paired"}


def _gap(key, value, se, better, worse, first, on_average, aversion=0.25):
    return difference(
        key,
        better,
        value,
        se,
        "money",
        section="ranking",
        evidence=EVIDENCE,
        better=better,
        worse=worse,
        first=first,
        on_average=on_average,
        risk_aversion=aversion,
    )


def _differ(mean_se=1_000.0, score_se=2_000.0):
    first, cheap = "Acme Offshore", "Delta Lowball"
    return [
        _gap("choice/mean_gap", 6_558, mean_se, cheap, first, first, cheap),
        _gap("choice/tail_gap", 385_805, 12_628, first, cheap, first, cheap),
        _gap("choice/score_gap", 91_533, score_se, first, cheap, first, cheap),
    ]


def test_when_the_best_on_average_is_not_first_the_words_say_why():
    """Found from outside: "Choosing now, the best on average is Delta Lowball" under a ranking
    whose first is Acme Offshore, with no word of why."""
    (mean, _), (why, used) = vendor_choice_sentences(_differ())
    assert mean == (
        "Best on average: Delta Lowball, whose mean saving is USD 6,558 (± USD 2,000) above Acme Offshore's "
        "over the same simulated futures."
    )
    assert why.startswith(
        "Best risk-adjusted: Acme Offshore, because its worst-5 % average is USD 385,805 (± USD 25,256) better "
        "than Delta Lowball's, and the risk-adjusted score counts the worst-5 % average at 25% (your risk "
        "aversion) and the mean saving at 75%: it ranks first by USD 91,533 (± USD 4,000)."
    )
    assert [c.key for c in used] == ["choice/score_gap", "choice/tail_gap"]


def test_a_lead_within_its_margin_is_said_to_be_level():
    (mean, _), (why, _) = vendor_choice_sentences(_differ(mean_se=5_000.0, score_se=50_000.0))
    assert mean.startswith("On average Delta Lowball and Acme Offshore are level")
    assert "within its margin" in mean
    assert "the two are level risk-adjusted (Acme Offshore ahead by USD 91,533 (± USD 100,000)" in why


@pytest.mark.parametrize(
    ("aversion", "both"),
    [(0.25, "both the best on average and the best risk-adjusted"), (0.0, "ranks on the mean saving alone")],
)
def test_when_one_vendor_is_best_both_ways_the_words_say_they_agree(aversion, both):
    first = "Acme Offshore"
    claims = [
        _gap("choice/mean_gap", 393_610, 3_825, first, "Beta Nearshore", first, first, aversion),
        _gap("choice/score_gap", 1_000, 5_000, first, "Gamma Boutique", first, first, aversion),
    ]
    ((text, used),) = vendor_choice_sentences(claims)
    assert both in text
    assert "USD 393,610 (± USD 7,650) above Beta Nearshore on average" in text
    if aversion:
        assert (
            "level with Gamma Boutique risk-adjusted (USD 1,000 (± USD 10,000) ahead, within its margin)"
            in text
        )
    assert used == claims


@pytest.mark.parametrize(
    ("net", "said"),
    [
        (30_000, "they cost USD 20,000, less than they are worth"),
        (-30_000, "they cost USD 80,000, more than they are worth"),
        (1_000, "they cost USD 49,000, about what they are worth, within the margin"),
    ],
)
def test_the_interview_is_weighed_against_its_cost_by_the_rule(net, said):
    evidence = {"method": "choice_interview"}
    worth = difference(
        "choice/interview", "vendor_quality", 50_000, 2_500, "money", section="interview", evidence=evidence
    )
    cost = 50_000 - net
    against = difference(
        "choice/interview_net",
        "vendor_quality",
        net,
        2_500,
        "money",
        section="interview",
        evidence=evidence,
        cost=cost,
    )
    ((text, used),) = vendor_choice_sentences([worth, against])
    assert text.startswith("Interviews or reference checks that halve your uncertainty")
    assert "worth about USD 50,000 (± USD 5,000)" in text
    assert said in text
    assert used == [worth, against]


def test_the_html_names_its_claims_and_escapes_vendor_names():
    claims = _differ()
    claims = [c.__class__(**{**c.__dict__, "detail": {**c.detail, "worse": "<b>Acme</b>"}}) for c in claims]
    page = vendor_choice_html(claims)
    assert "<b>Acme</b>" not in page
    assert "&lt;b&gt;Acme&lt;/b&gt;" in page
    keys = re.findall(r'data-claims="([^"]*)"', page)
    assert keys == ["choice/mean_gap", "choice/score_gap choice/tail_gap"]
    assert "Best on average" in html.unescape(page)
