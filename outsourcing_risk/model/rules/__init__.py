"""The model's rules, one function each, named after the sections of docs/model.md.

| docs/model.md section | module |
| --- | --- |
| "Cash flows" | :mod:`.cash_flows` |
| "Month by month, exactly" | :mod:`.month_by_month` |
| "Trust over time" | :mod:`.trust_over_time` |
| "A book of contracts" | :mod:`.book` |

Every engine (:mod:`..simulation`, :mod:`..adaptive`, :mod:`..portfolio`), the closed form
(:mod:`..closed_form`) and the sweeps (:mod:`...analyses.sweeps`) take a rule from here and
write none of their own; the spec names each function (``rules.hazard``...). Adding a parameter
means adding it to the rule that uses it here (CONTRIBUTING.md, "Adding a parameter").
"""

from __future__ import annotations

from .book import (
    annual_spend,
    collapse_month,
    collapse_rate,
    quality_collapse_rate,
    relationship_age,
    switch_order,
    take_slots,
)
from .cash_flows import (
    Terms,
    at,
    base_hazard,
    calendar,
    col,
    creep,
    discount_factors,
    disruption_months,
    disruption_saving,
    escalated,
    governance_factor,
    hazard,
    hazard_level,
    incident_loss,
    incident_rate,
    monthly_terms,
    quality,
    switching_cost,
    transition_overlap,
    upfront,
    vendor_month,
    vendor_upkeep,
    whole_months,
)
from .month_by_month import (
    extra_incidents,
    failure_age,
    finish,
    hazard_curve,
    hazard_increment,
    incident_count,
    poisson_terms,
    replacement_start,
)
from .trust_over_time import (
    BAD_QUALITY,
    is_bad,
    is_good,
    milestone_reached,
    milestone_trust,
    record_log_likelihood,
    trigger_fires,
    vendor_quality,
    window_incidents,
)

__all__ = [
    "BAD_QUALITY",
    "Terms",
    "annual_spend",
    "at",
    "base_hazard",
    "calendar",
    "col",
    "collapse_month",
    "collapse_rate",
    "creep",
    "discount_factors",
    "disruption_months",
    "disruption_saving",
    "escalated",
    "extra_incidents",
    "failure_age",
    "finish",
    "governance_factor",
    "hazard",
    "hazard_curve",
    "hazard_increment",
    "hazard_level",
    "incident_count",
    "incident_loss",
    "incident_rate",
    "is_bad",
    "is_good",
    "milestone_reached",
    "milestone_trust",
    "monthly_terms",
    "poisson_terms",
    "quality",
    "quality_collapse_rate",
    "record_log_likelihood",
    "relationship_age",
    "replacement_start",
    "switch_order",
    "switching_cost",
    "take_slots",
    "transition_overlap",
    "trigger_fires",
    "upfront",
    "vendor_month",
    "vendor_quality",
    "vendor_upkeep",
    "whole_months",
    "window_incidents",
]
