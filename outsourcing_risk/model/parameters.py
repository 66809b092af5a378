"""What every scenario parameter means: unit, allowed range, group and a one-line help text.

This table is the single description of the model's inputs. The scenario validates against it,
the widgets build their controls from it, the docs and papermill's parameter help quote it.
Default values and their sources live in ``data/defaults.toml`` (see :mod:`outsourcing_risk.io.data`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["GROUPS", "HEADLINE", "PARAMETERS", "ParamSpec", "spec"]


@dataclass(frozen=True)
class ParamSpec:
    """One model input.

    ``low``/``high`` are the hard validity bounds (inclusive); ``integer`` parameters are whole
    months; ``random`` says whether a distribution is allowed in place of a number.
    """

    name: str
    unit: str
    group: str
    help: str
    label: str = ""  # what a person reads on a chart or control; formatting.param_label adds the unit
    low: float = 0.0
    high: float = math.inf
    integer: bool = False
    random: bool = True

    def bounds(self, value: float | None = None) -> str:
        """The allowed range in words, ``in [0, 1]``; for money the side ``value`` breaks:
        ``≥ 0`` or ``at most 10^12``."""
        if self.high == MONEY_MAX:
            return (
                "at most 10^12 (a trillion)" if value is not None and value > self.high else f"≥ {self.low:g}"
            )
        if math.isinf(self.high):
            return f"≥ {self.low:g}"
        return f"in [{self.low:g}, {self.high:g}]"

    def rule(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        if math.isinf(self.high):
            return f"{kind} ≥ {self.low:g}"
        if self.high == MONEY_MAX:
            return f"{kind} in [{self.low:g}, 10^12]"
        return f"{kind} in [{self.low:g}, {self.high:g}]"


#: The largest amount of money a parameter may take: far above any real contract (a trillion),
#: small enough that every figure of a 50-year horizon stays a finite number.
MONEY_MAX = 1e12

MONEY = "currency"
MONEY_MONTH = "currency/month"
FRACTION = "fraction (0–1)"

HEADLINE = ("trust", "vendor_failure_prob_annual", "switching_cost")

GROUPS = (
    "Headline levers",
    "Costs",
    "Transition",
    "Trust and governance",
    "Trust over time",
    "Goal clarity and vendor selection",
    "Vendor failure",
    "Exit strategy",
    "Time and discounting",
)

_G = dict(
    zip(("head", "cost", "trans", "trust", "ramp", "goal", "fail", "exit", "time"), GROUPS, strict=True)
)

PARAMETERS: tuple[ParamSpec, ...] = (
    # --- the three headline levers
    ParamSpec(
        "trust",
        FRACTION,
        _G["head"],
        "Trust in the vendor: 0 micromanages, 1 is blind trust",
        high=1,
        label="Trust in the vendor",
    ),
    ParamSpec(
        "vendor_failure_prob_annual",
        "probability/year",
        _G["head"],
        "Chance per year that a well-run relationship fails (insolvency, collapse)",
        high=1,
        label="Vendor failure probability",
    ),
    ParamSpec(
        "switching_cost",
        MONEY,
        _G["head"],
        "One-off cost of switching when the vendor fails",
        label="Switching cost",
        high=MONEY_MAX,
    ),
    # --- costs
    ParamSpec(
        "inhouse_monthly_cost",
        MONEY_MONTH,
        _G["cost"],
        "In-house cost of the service today",
        label="In-house monthly cost",
        high=MONEY_MAX,
    ),
    ParamSpec(
        "inhouse_escalation_annual",
        "fraction/year",
        _G["cost"],
        "Yearly growth of the in-house cost",
        low=-0.5,
        high=0.5,
        label="In-house cost growth",
    ),
    ParamSpec(
        "vendor_monthly_fee",
        MONEY_MONTH,
        _G["cost"],
        "Vendor's monthly fee in its first year",
        label="Vendor monthly fee",
        high=MONEY_MAX,
    ),
    ParamSpec(
        "fee_escalation_annual",
        "fraction/year",
        _G["cost"],
        "Yearly growth of the vendor's fee",
        low=-0.5,
        high=0.5,
        label="Vendor fee growth",
    ),
    # --- transition
    ParamSpec(
        "transition_cost",
        MONEY,
        _G["trans"],
        "Up-front search, contracting and knowledge transfer",
        label="Transition cost",
        high=MONEY_MAX,
    ),
    ParamSpec(
        "transition_months",
        "months",
        _G["trans"],
        "Months during which in-house cost is still partly carried",
        high=120,
        integer=True,
        label="Transition length",
    ),
    ParamSpec(
        "transition_overlap",
        FRACTION,
        _G["trans"],
        "Share of in-house cost still carried during the transition",
        high=1,
        label="In-house cost still carried in transition",
    ),
    # --- trust and governance
    ParamSpec(
        "governance_min",
        "fraction of fee",
        _G["trust"],
        "Monitoring overhead at blind trust, as a share of the fee",
        high=1,
        label="Governance overhead at full trust",
    ),
    ParamSpec(
        "micromanagement_overhead",
        "fraction of fee",
        _G["trust"],
        "Extra monitoring overhead at zero trust, as a share of the fee",
        high=2,
        label="Extra overhead of micromanaging",
    ),
    ParamSpec(
        "incident_rate_max",
        "incidents/month",
        _G["trust"],
        "Undetected-problem rate at blind trust with clear goals and a good vendor",
        high=30,
        label="Undetected-problem rate at blind trust",
    ),
    ParamSpec(
        "incident_cost",
        MONEY,
        _G["trust"],
        "Cost of one undetected problem (quality incident)",
        label="Cost of an undetected problem",
        high=MONEY_MAX,
    ),
    ParamSpec(
        "tension_weight",
        "multiplier",
        _G["trust"],
        "How much distrust (low trust) raises the failure hazard; 0 turns it off",
        high=20,
        label="Strain from distrust",
    ),
    # --- goal clarity and vendor selection
    ParamSpec(
        "goal_clarity",
        FRACTION,
        _G["goal"],
        "How clearly goals were agreed before signing (the four-item checklist)",
        high=1,
        label="Goal clarity",
    ),
    ParamSpec(
        "clarity_weight",
        "multiplier",
        _G["goal"],
        "How much unclear goals raise incidents and failure hazard",
        high=20,
        label="Impact of unclear goals",
    ),
    ParamSpec(
        "selection_score",
        FRACTION,
        _G["goal"],
        "Quality of due diligence: the interview scorecard, 0–1",
        high=1,
        label="Vendor selection score",
    ),
    ParamSpec(
        "selection_weight",
        "multiplier",
        _G["goal"],
        "How much poor selection raises incidents and failure hazard",
        high=20,
        label="Impact of poor selection",
    ),
    # --- vendor failure
    ParamSpec(
        "scope_creep_annual",
        "fraction/year",
        _G["fail"],
        "Yearly growth of the burden put on the vendor beyond the contract",
        high=5,
        label="Scope creep",
    ),
    ParamSpec(
        "creep_strain",
        "multiplier",
        _G["fail"],
        "How much scope creep raises the failure hazard",
        high=20,
        label="Strain from scope creep",
    ),
    ParamSpec(
        "switching_months",
        "months",
        _G["fail"],
        "Months of disruption after a failure, without an exit plan",
        high=60,
        integer=True,
        label="Disruption after a failure",
    ),
    ParamSpec(
        "disruption_premium",
        "fraction of in-house cost",
        _G["fail"],
        "Extra cost of emergency cover during the disruption",
        high=5,
        label="Emergency-cover premium",
    ),
    # --- exit strategy
    ParamSpec(
        "exit_readiness",
        FRACTION,
        _G["exit"],
        "How complete the exit plan is: 0 none, 1 fully prepared",
        high=1,
        label="Exit-plan readiness",
    ),
    ParamSpec(
        "exit_plan_upfront_cost",
        MONEY,
        _G["exit"],
        "Up-front cost of a full exit plan",
        label="Exit plan up-front cost",
        high=MONEY_MAX,
    ),
    ParamSpec(
        "exit_plan_monthly_cost",
        MONEY_MONTH,
        _G["exit"],
        "Monthly cost of keeping a full exit plan current",
        label="Exit plan upkeep",
        high=MONEY_MAX,
    ),
    ParamSpec(
        "exit_cost_reduction",
        FRACTION,
        _G["exit"],
        "Share of the switching cost a full exit plan saves",
        high=1,
        label="Switching cost an exit plan saves",
    ),
    ParamSpec(
        "exit_time_reduction",
        FRACTION,
        _G["exit"],
        "Share of the disruption months a full exit plan saves",
        high=1,
        label="Disruption an exit plan saves",
    ),
    # --- time and discounting
    ParamSpec(
        "horizon_months",
        "months",
        _G["time"],
        "Months simulated",
        low=1,
        high=600,
        integer=True,
        random=False,
        label="Horizon",
    ),
    ParamSpec(
        "discount_rate_annual",
        "fraction/year",
        _G["time"],
        "Yearly discount rate for the NPV",
        low=-0.2,
        high=1,
        label="Discount rate",
    ),
    # --- trust over time (docs/model.md, "Trust over time"). A parameter's random stream follows
    # its name (model/streams.py, PARAMETER_STREAMS), not its place in this list.
    ParamSpec(
        "trust_step",
        FRACTION,
        _G["ramp"],
        "Ramp policy: trust added after a milestone with no incident",
        high=1,
        random=False,
        label="Trust gained per clean milestone",
    ),
    ParamSpec(
        "trust_cut",
        FRACTION,
        _G["ramp"],
        "Ramp policy: trust taken away after a milestone with an incident",
        high=1,
        random=False,
        label="Trust lost per milestone with an incident",
    ),
    ParamSpec(
        "trust_ceiling",
        FRACTION,
        _G["ramp"],
        "Ramp policy: the most trust a vendor can earn",
        high=1,
        random=False,
        label="Trust ceiling",
    ),
    ParamSpec(
        "milestone_months",
        "months",
        _G["ramp"],
        "Ramp policy: months of service between two judgements of the vendor",
        low=1,
        high=60,
        integer=True,
        random=False,
        label="Months per milestone",
    ),
    ParamSpec(
        "exit_trigger_incidents",
        "incidents",
        _G["ramp"],
        "Exit trigger: leave the vendor after this many incidents within the window; 0 turns the trigger off",
        high=1000,
        integer=True,
        random=False,
        label="Exit trigger: leave after",
    ),
    ParamSpec(
        "exit_trigger_window",
        "months",
        _G["ramp"],
        "Exit trigger: the rolling window, in months, in which the incidents are counted",
        high=120,
        integer=True,
        random=False,
        label="Exit trigger: within",
    ),
    ParamSpec(
        "vendor_quality_spread",
        "log-sd",
        _G["ramp"],
        "How much vendors differ: the spread of each vendor's own multiplier on incidents and hazard; 0 makes them all alike",
        high=3,
        label="Spread of vendor quality",
    ),
)

_BY_NAME = {p.name: p for p in PARAMETERS}


def spec(name: str) -> ParamSpec:
    """The :class:`ParamSpec` of a numeric parameter (``KeyError`` if there is none)."""
    return _BY_NAME[name]
