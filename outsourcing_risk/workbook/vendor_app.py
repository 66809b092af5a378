"""The vendor app: scorecard weights and risk aversion re-rank the candidates, sentences say which
is best on average and which risk-adjusted and why they differ, and what interviewing every
candidate before choosing is worth beside its cost (docs/model.md, "Choosing among vendors").

Every sentence is rendered from the vendor choice's claims
(:mod:`outsourcing_risk.analyses.vendor_choice`); every number typed is read by one parser and
every value a browser sends is read within limits kept in the kernel (:mod:`.fields`).
"""

from __future__ import annotations

import json

import ipywidgets as w
import pandas as pd

from ..analyses.value_of_information import choice_value
from ..analyses.vendor_choice import interview_claims, ranking_claims
from ..analyses.vendors import SCORECARD, compare_vendors, vendor_scenarios
from ..model.parameters import MONEY_MAX
from ..model.scenario import Scenario, ScenarioError
from ..present import plots
from ..present.kpis import ranking_table
from ..present.narrative import vendor_choice_html
from .fields import LAYOUT, PAGE_CSS, STYLE, FieldRule, Guard, TypedField, TypedValue, refusal
from .live_charts import LiveCharts, plain

__all__ = ["VendorRanker"]

#: What each control takes, kept in the kernel (the sliders' own ends).
WEIGHT = (0.0, 5.0)
RISK_AVERSION = FieldRule("Risk aversion", 0.0, 1.0)
SPREAD = FieldRule("How much vendors differ", 0.1, 1.5)


class VendorRanker:
    """Scorecard weights and risk aversion as sliders; the ranking table, the sentences that say
    why the best on average and the best risk-adjusted differ (or that they agree) and the chart
    follow them. Below, "Value of interviewing before choosing": how much vendors differ and what
    interviewing every candidate costs; a sentence and a chart say what the interviews are worth
    by their accuracy.

    ``ranker.claims`` are the claims the page's sentences render (the ranking's, then the
    interview's)."""

    #: How much vendors differ when the base scenario says they are all alike (an assumption the
    #: user moves: a log-sd of 0.5 makes one vendor in six about 1.6 times worse than the median).
    SPREAD = 0.5

    def __init__(self, vendors, base: Scenario | None = None, n_trials: int = 20_000, seed: int = 2026):
        self.vendors, self.base, self.n_trials, self.seed = vendors, base, n_trials, seed
        self.currency = (base or Scenario()).currency
        self.guard = Guard()
        self.typed: dict[str, TypedValue] = {}
        self.weights = {
            k: self._slider(
                f"weight/{k}",
                FieldRule(f"The weight of {k.replace('_', ' ')}", *WEIGHT),
                label.split(":")[0],
                1.0,
                0.5,
            )
            for k, label in SCORECARD.items()
        }
        self.risk_aversion = self._slider(
            "risk_aversion", RISK_AVERSION, "Risk aversion (0 = mean only, 1 = worst 5 % only)", 0.25, 0.05
        )
        given = (base or Scenario()).vendor_quality_spread
        start = given if isinstance(given, float) and SPREAD.low <= given <= SPREAD.high else self.SPREAD
        self.spread = self._slider(
            "spread", SPREAD, "How much vendors differ (spread of their quality)", start, 0.1
        )
        self.interview_cost = TypedField(
            FieldRule("Cost of interviewing every candidate", 0.0, MONEY_MAX, "currency", money=True),
            None,
            currency=self.currency,
            optional=True,
            description=f"Cost of interviewing every candidate ({self.currency})",
            width="640px",
            style=STYLE,
        )
        self.table, self.choice_text, self.interview_text = w.HTML(), w.HTML(), w.HTML()
        self.ranking = self._rank()
        self._ranking_claims = ranking_claims(**self._arguments(), ranking=self.ranking)
        self.chart = LiveCharts([plots.vendor_chart(self.ranking)])  # sets its own height
        self._show_ranking()
        self._candidates, self._candidates_key = self._interview_candidates()
        self.interview = choice_value(self._candidates, n_trials=n_trials, seed=seed)
        self._interview_claims = self._claims_of_interview()
        self.interview_chart = LiveCharts([self._interview_figure()])
        self._show_interview()
        for control in (*self.weights.values(), self.risk_aversion):
            control.observe(lambda _c: self.update(), names="value")
        self.spread.observe(lambda _c: self.update_interview(), names="value")
        self.interview_cost.observe(lambda: self.update_interview(recompute=False))
        self.widget = self._layout()

    def _slider(self, name: str, rule: FieldRule, label: str, value: float, step: float) -> w.FloatSlider:
        """A slider with its typed field, kept within ``rule`` in the kernel."""
        slider = w.FloatSlider(
            value=value,
            min=rule.low,
            max=rule.high,
            step=step,
            description=label,
            continuous_update=False,
            readout=False,  # shown, and typed, in the field beside it
            style=STYLE,
            layout=LAYOUT,
        )
        self.typed[name] = TypedValue(rule, slider, self.currency)
        self.guard.watch(name, slider, rule)
        return slider

    def _layout(self) -> w.Widget:
        def row(name: str) -> list[w.Widget]:
            typed = self.typed[name]
            return [w.HBox([typed.slider, typed.text]), typed.message]

        return w.VBox(
            [
                w.HTML(PAGE_CSS),
                self.guard.message,
                w.HTML("<b>Scorecard weights</b>"),
                *(item for k in self.weights for item in row(f"weight/{k}")),
                *row("risk_aversion"),
                self.table,
                self.choice_text,
                self.chart,
                w.HTML("<b>Value of interviewing before choosing</b>"),
                *row("spread"),
                self.interview_cost.text,
                self.interview_cost.message,
                self.interview_text,
                self.interview_chart,
            ]
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def claims(self) -> list:
        """The claims the page's sentences render: the ranking's, then the interview's."""
        return [*self._ranking_claims, *self._interview_claims]

    def _weights(self) -> dict[str, float]:
        return {k: self.guard.value(f"weight/{k}") for k in self.weights}

    def _arguments(self) -> dict:
        return {
            "vendors": self.vendors,
            "base": self.base,
            "weights": self._weights(),
            "risk_aversion": self.guard.value("risk_aversion"),
            "n_trials": self.n_trials,
            "seed": self.seed,
        }

    def _rank(self) -> pd.DataFrame:
        return compare_vendors(**self._arguments())

    def _interview_candidates(self) -> tuple[list[Scenario], str]:
        """The candidates the interview reads, at the spread set, and a key that says whether they
        changed (the risk aversion does not change them)."""
        spread = self.guard.value("spread")
        candidates = [
            s.replace(vendor_quality_spread=spread)
            for s, _ in vendor_scenarios(self.vendors, self.base, self._weights())
        ]
        return candidates, json.dumps([s.to_dict() for s in candidates], sort_keys=True, default=str)

    def _claims_of_interview(self) -> list:
        return interview_claims(
            self._candidates,
            self.interview,
            cost=self.interview_cost.value,
            n_trials=self.n_trials,
            seed=self.seed,
        )

    def _interview_figure(self):
        return plots.interview_chart(
            self.interview,
            self.currency,
            self.interview_cost.value,
            title="What interviewing every candidate before choosing is worth",
        )

    def _show_ranking(self) -> None:
        self.table.value = ranking_table(self.ranking, self.currency).to_html(escape=True)
        self.choice_text.value = vendor_choice_html(self._ranking_claims, self.currency)

    def _show_interview(self) -> None:
        self.interview_text.value = vendor_choice_html(self._interview_claims, self.currency)

    def update(self) -> None:
        """Re-rank with the weights and risk aversion set; the interview follows when the
        candidates changed."""
        try:
            self.ranking = self._rank()
            self._ranking_claims = ranking_claims(**self._arguments(), ranking=self.ranking)
        except (ScenarioError, ValueError) as exc:  # all weights 0: said where the table was
            self.table.value = refusal(str(exc))
            self.choice_text.value = ""
            return
        self._show_ranking()
        self.chart.figures = [plain(plots.vendor_chart(self.ranking))]
        self.update_interview()

    def update_interview(self, recompute: bool = True) -> None:
        """Redraw the value of interviewing: recomputed when the candidates or their spread
        changed, only redrawn when the cost did."""
        try:
            if recompute:
                candidates, key = self._interview_candidates()
                if key != self._candidates_key:
                    self.interview = choice_value(candidates, n_trials=self.n_trials, seed=self.seed)
                    self._candidates, self._candidates_key = candidates, key
            self._interview_claims = self._claims_of_interview()
        except (ScenarioError, ValueError) as exc:
            self.interview_text.value = refusal(str(exc))
            return
        self._show_interview()
        self.interview_chart.figures = [plain(self._interview_figure())]
