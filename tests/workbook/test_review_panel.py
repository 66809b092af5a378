"""The what-if app's review panel without a browser: the typed record, the sentence it shows for
the explorer's setting (the claim's, recomputed), and what it refuses."""

import html

import pytest

from outsourcing_risk import Scenario, review_claims, review_sentence, stay_or_leave
from outsourcing_risk.workbook.widgets import WhatIfExplorer

SPREAD = Scenario(vendor_quality_spread=1.0, switching_months=2, incident_cost=80_000)


@pytest.fixture
def explorer():
    app = WhatIfExplorer(SPREAD, n_trials=2_000, seed=5)
    assert app.wait()
    assert app.review.wait()
    return app


def _shown(panel) -> str:
    return html.unescape(panel.sentence.value)


def test_the_panel_shows_the_sentence_of_the_explorers_setting(explorer):
    panel = explorer.review
    expected = stay_or_leave(SPREAD, months=6, incidents=4, n_trials=2_000, seed=5)
    assert panel.result.difference == expected.difference
    assert review_sentence(review_claims(expected))[0] in _shown(panel)
    assert 'data-claims="review/leave_now"' in panel.sentence.value


def test_a_typed_record_brings_its_review(explorer):
    panel = explorer.review
    panel.months.text.value = "12"
    panel.incidents.text.value = "1"
    assert panel.wait()
    assert ">After 12 months and 1 incident: staying gains USD" in _shown(panel)
    expected = stay_or_leave(SPREAD, months=12, incidents=1, n_trials=2_000, seed=5)
    assert panel.result.difference == expected.difference


def test_a_control_of_the_explorer_brings_a_new_review(explorer):
    explorer.panel.controls["vendor_quality_spread"].value = 0.0
    assert explorer.review.wait()
    assert "vendors do not differ in this scenario (a quality spread of 0)" in _shown(explorer.review)


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("months", "abc", '"abc" is not a number'),
        ("months", "-1", '"-1" is outside what Months served may be'),
        ("incidents", "2.5", '"2.5" is not a whole number: Incidents counted is a whole number'),
        ("incidents", "1e308", '"1e308" is not a number'),
    ],
)
def test_a_bad_typed_value_is_refused_beside_its_field_and_keeps_the_review(explorer, field, typed, words):
    panel = explorer.review
    before = _shown(panel)
    typed_field = getattr(panel, field)
    typed_field.text.value = typed
    assert panel.wait()
    assert words in html.unescape(typed_field.message.value)
    assert typed_field.text.value == ("6" if field == "months" else "4")
    assert _shown(panel) == before


def test_a_setting_it_cannot_review_is_said_where_the_sentence_would_be(explorer):
    panel = explorer.review
    panel.months.text.value = "60"
    assert panel.wait()
    assert "No review for this setting" in _shown(panel)
    assert "months must be below the horizon (60) for a review (got 60)" in _shown(panel)
    panel.months.text.value = "6"
    explorer.panel.controls["exit_trigger_incidents"].value = 3  # the window follows
    assert panel.wait()
    assert "exit_trigger_incidents is 3: with an exit trigger the trigger, not the firm, decides" in _shown(
        panel
    )
