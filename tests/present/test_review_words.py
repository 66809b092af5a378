"""The review's sentence, rendered from its claim: each branch by the two-standard-error rule, on
claims of real runs, and nothing computed by the words."""

from dataclasses import replace

import pytest

from outsourcing_risk import Scenario
from outsourcing_risk.analyses.stay_or_leave import review_claims, stay_or_leave
from outsourcing_risk.present.formatting import money
from outsourcing_risk.present.review_words import review_html, review_sentence

SCENARIO = Scenario(vendor_quality_spread=1.0, switching_months=2, incident_cost=80_000)


@pytest.fixture(scope="module")
def claims():
    def run(incidents, scenario=SCENARIO, months=6):
        return review_claims(
            stay_or_leave(scenario, months=months, incidents=incidents, n_trials=3_000, seed=1)
        )[0]

    return {
        "leave": run(4),
        "stay": run(1),
        "flat": run(0, Scenario(switching_months=2), months=6),
        "empty": run(0, SCENARIO, months=0),
    }


def test_leaving_gains_with_its_margin_and_the_chance_of_a_bad_vendor(claims):
    c = claims["leave"]
    text, used = review_sentence([c])
    assert c.direction == "higher"
    assert text.startswith(
        f"After 6 months and 4 incidents: leaving now gains {money(c.value, 'USD')} (± {money(2 * c.se, 'USD')})"
    )
    assert "one of the worst quarter at 9" in text
    assert used == [c]


def test_staying_gains(claims):
    c = claims["stay"]
    text, _ = review_sentence([c])
    assert c.direction == "lower"
    assert (
        f"After 6 months and 1 incident: staying gains {money(-c.value, 'USD')} (± {money(2 * c.se, 'USD')}) over leaving now"
        in text
    )


def test_within_two_standard_errors_the_record_cannot_tell(claims):
    c = replace(claims["leave"], value=1.5 * claims["leave"].se, direction="none")
    text, _ = review_sentence([c])
    assert (
        "the record cannot tell at this error whether leaving now or staying is better (leaving now: USD +"
        in text
    )
    assert "gains" not in text


def test_a_record_that_says_nothing_says_so(claims):
    flat, _ = review_sentence([claims["flat"]])
    assert (
        "vendors do not differ in this scenario (a quality spread of 0), so the record says nothing" in flat
    )
    empty, _ = review_sentence([claims["empty"]])
    assert empty.startswith("Before the vendor has served a month:")
    assert "there is no record yet" in empty


def test_the_html_is_escaped_and_names_its_claim(claims):
    page = review_html([claims["leave"]], currency="<b>")
    assert 'data-claims="review/leave_now"' in page
    assert "<b>" not in page.replace('<p class="or-review" data-claims="review/leave_now">', "")


def test_without_the_claim_it_says_what_is_missing():
    with pytest.raises(ValueError, match="review/leave_now"):
        review_sentence([])
