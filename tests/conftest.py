import pytest

from outsourcing_risk import Scenario

#: A simple corner of the closed form (docs/model.md, "Checks"): a constant hazard, no incidents,
#: no escalation, no transition. The closed form itself needs only insource and point values.
CLOSED_FORM = dict(
    goal_clarity=1,
    selection_score=1,
    tension_weight=0,
    scope_creep_annual=0,
    incident_rate_max=0,
    inhouse_escalation_annual=0,
    fee_escalation_annual=0,
    transition_months=0,
    after_failure="insource",
)


@pytest.fixture
def closed_form_scenario():
    return Scenario(**CLOSED_FORM)
