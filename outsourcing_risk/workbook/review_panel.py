"""The what-if app's review panel: a vendor's record typed in (months served, incidents counted),
and the stay-or-leave sentence for the explorer's current setting (docs/model.md, "Stay or leave
at a review").

Both numbers are typed fields (:class:`~.fields.TypedField`): "6", "4" are read, "abc", "-1",
"2.5", "1e308" refused beside the field, which keeps its value. The review runs on a background
thread for the newest request only (:class:`~.latest.Latest`), when a field is accepted or a
control of the explorer changes; the sentence is rendered from the review's claim
(:func:`~outsourcing_risk.present.review_words.review_html`) and a setting it cannot review (an
exit trigger, a record the model's vendors cannot explain) is said in words where the sentence
would be.
"""

from __future__ import annotations

import ipywidgets as w

from ..analyses.stay_or_leave import StayOrLeave, review_claims, stay_or_leave
from ..io.errors import OutsourcingRiskError
from ..model.scenario import ScenarioError
from ..present.review_words import review_html
from .fields import FieldRule, TypedField, refusal
from .latest import Latest

__all__ = ["INCIDENTS", "MONTHS", "ReviewPanel"]

#: What the two fields accept (a review needs a month left: the horizon's own check says so).
MONTHS = FieldRule("Months served", 0, 600, integer=True, plain=True)
INCIDENTS = FieldRule("Incidents counted", 0, 10_000, integer=True, plain=True)
_STYLE = {"description_width": "330px"}


class ReviewPanel:
    """Months served and incidents counted, and what leaving now gains over staying.

    ``panel`` is the explorer's :class:`~.widgets.ControlPanel` (its scenario, trials and seed);
    ``panel.observe`` brings a new review when a control changes. ``wait()`` waits for the newest.
    """

    def __init__(self, panel, months: int = 6, incidents: int = 4):
        self.panel = panel
        self.months = TypedField(MONTHS, months, description="Months the vendor has served", style=_STYLE)
        self.incidents = TypedField(
            INCIDENTS, incidents, description="Incidents counted in those months", style=_STYLE
        )
        self.sentence = w.HTML(layout=w.Layout(max_width="640px"))
        self.result: StayOrLeave | None = None
        self._latest = Latest(self._show, name="review update")
        for field in (self.months, self.incidents):
            field.observe(self.update)
        panel.observe(self.update)
        title = w.HTML(
            "<b>A vendor's record: stay or leave at a review</b><br><span style='color:#555'>"
            "Where vendors differ (the vendors' quality spread above 0), the incidents a vendor has "
            "had so far say how good it is; leaving now is then valued against staying over the "
            "rest of the horizon.</span>"
        )
        self.widget = w.VBox(
            [
                title,
                self.months.text,
                self.months.message,
                self.incidents.text,
                self.incidents.message,
                self.sentence,
            ]
        )
        self.update()

    def update(self) -> None:
        """Review the current record and setting (on the background thread)."""
        self._latest.submit((self.months.value, self.incidents.value))

    def wait(self, timeout: float | None = 60) -> bool:
        """Wait until the newest review is shown (False if ``timeout`` seconds passed)."""
        return self._latest.wait(timeout)

    def _show(self, record, stale) -> None:
        months, incidents = (int(v) for v in record)
        try:
            scenario = self.panel.scenario
            n_trials, seed = self.panel.value_of("n_trials"), self.panel.value_of("seed")
            result = stay_or_leave(scenario, months=months, incidents=incidents, n_trials=n_trials, seed=seed)
        except (OutsourcingRiskError, ScenarioError) as exc:
            if not stale():
                self.sentence.value = refusal(f"No review for this setting: {exc}")
            return
        if stale():
            return
        self.result = result
        self.sentence.value = review_html(review_claims(result), scenario.currency)
