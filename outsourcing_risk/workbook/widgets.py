"""Widgets for JupyterLab: a control panel generated from the parameter table, and the what-if
explorer (KPI cards and charts that update in place when a control changes).

The explorer calls the same functions as the static notebook cells (``simulate``, the chart data
functions of :mod:`outsourcing_risk.present.plots`); nothing is computed only in a callback.
"""

from __future__ import annotations

import html
import json
import math
import time

import ipywidgets as w

from ..analyses.clarity import CHECKLIST, clarity_from_checklist
from ..io.data import default_values, defaults_table
from ..io.examples import report_notebook
from ..io.numbers import typed_number
from ..model.distributions import Distribution, Pert, ThreePoint, centre
from ..model.parameters import GROUPS, HEADLINE, PARAMETERS, ParamSpec
from ..model.scenario import AFTER_FAILURE, RAMP_FIELDS, TRUST_POLICIES, Scenario, ScenarioError
from ..model.simulation import simulate
from ..present import plots
from ..present.formatting import param_label
from ..present.kpis import kpi_cards_html, ranking_table
from .latest import Latest
from .live_charts import PANEL_TITLES, LiveCharts, named, patched, plain, stacked
from .papermill import papermill_command, report_parameters

__all__ = ["ControlPanel", "VendorRanker", "WhatIfExplorer"]

_HEADLINE_LIMITS = {"trust": (0.0, 1.0), "vendor_failure_prob_annual": (0.0, 0.5)}
_STYLE = {"description_width": "330px"}
_LAYOUT = w.Layout(width="640px", max_width="100%")

#: On a narrow screen (a phone) the controls stack: a slider's label above its track, the typed
#: field and the range button on the next line, nothing past the screen's edge. And the class of
#: cards and charts that show an older setting than the controls (greyed).
_PAGE_CSS = """<style>
@media (max-width: 640px) {
  .widget-hslider { flex-wrap: wrap; width: 100% !important; height: auto !important; }
  .widget-hslider > .widget-label { width: 100% !important; max-width: 100% !important; text-align: left !important; }
  .widget-hslider > .slider-container { flex: 1 1 60% !important; min-width: 120px; }
  .widget-dropdown { flex-wrap: wrap; width: 100% !important; height: auto !important; }
  .widget-dropdown > .widget-label { width: 100% !important; max-width: 100% !important; text-align: left !important; }
  .widget-dropdown > select { flex: 1 1 60% !important; min-width: 120px; }
  .widget-text { flex-wrap: wrap; width: 100% !important; height: auto !important; }
  .widget-text > .widget-label { width: 100% !important; max-width: 100% !important; text-align: left !important; }
  .widget-text > input { flex: 1 1 60% !important; min-width: 120px; }
  .widget-hbox { flex-wrap: wrap; }
  .widget-checkbox, .widget-text, .widget-dropdown { max-width: 100% !important; }
}
.or-stale { opacity: 0.35; filter: grayscale(1); }
</style>"""


def nice_step(span: float) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten that cuts ``span`` into 40 to 100 positions:
    the arrow keys move in round numbers, and a range of 0–560,000 moves by 10,000, not 1,000."""
    if not span > 0:
        return 1.0
    power = 10 ** math.floor(math.log10(span / 100))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if span / (m * power) <= 100)
    return float(f"{step:.12g}")


def _limits(p: ParamSpec, value: float) -> tuple[float, float, float]:
    """Slider min, max and step: the allowed range, capped at a generous multiple of the plausible
    one, in 50–100 steps (whole numbers move by one)."""
    if p.name in _HEADLINE_LIMITS:
        low, high = _HEADLINE_LIMITS[p.name]
    else:
        entry = defaults_table()[p.name]
        plausible_high = entry.get("range", (0, entry["value"]))[1]
        high = min(p.high, max(2 * plausible_high, 2 * value, 1))
        low = p.low
    if p.integer:
        return low, high, 1
    return low, high, nice_step(high - low)


def _slider(p: ParamSpec, value, currency: str = "USD") -> w.Widget:
    shown = centre(value) if isinstance(value, Distribution) else value
    low, high, step = _limits(p, shown)
    cls = w.IntSlider if p.integer else w.FloatSlider
    kwargs = dict(
        value=round(shown) if p.integer else shown,
        min=low,
        max=max(high, shown),
        step=step,
        description=param_label(p, currency),
        continuous_update=False,
        style=_STYLE,
        layout=_LAYOUT,
        tooltip=f"{p.help} ({p.unit})",
    )
    if not p.integer:  # the value is shown, and typed, in the field beside it (see TypedValue)
        kwargs["readout"] = False
    return cls(**kwargs)


def _choice(options: tuple[str, ...], value: str, description: str, tooltip: str = "") -> w.Dropdown:
    """A control for a choice among words (``after_failure``, ``trust_policy``)."""
    return w.Dropdown(
        options=options, value=value, description=description, style=_STYLE, layout=_LAYOUT, tooltip=tooltip
    )


class TypedValue:
    """The field beside a slider: shows its value as the label's unit says (60%, 280,000) and
    takes a typed one the way people write it ("350,000", "USD 350k", "1.2M", "7%", "7"), which
    the slider's own readout misreads ("350,000" became 350). A value beyond the slider's end
    moves the end.

    It never guesses: a value that reads two ways ("350.000", "1,2M", "1.234,5"; "0.8" in a
    percentage field), another currency than the scenario's, text that is not a number or a value
    outside the rule is refused with a message in words beside the field, which keeps the
    shown value."""

    def __init__(self, p: ParamSpec, slider: w.Widget, currency: str = "USD"):
        self.p, self.slider, self.currency = p, slider, currency
        self.percent = _percent(p)
        hint = (
            "in % (7 or 7%)"
            if self.percent
            else f"as you write it ({'1,200,000 or 1.2M' if p.unit.startswith('currency') else p.unit})"
        )
        self.text = w.Text(
            continuous_update=False, layout=w.Layout(width="110px"), tooltip=f"type a value {hint}"
        )
        self.message = w.HTML(layout=w.Layout(max_width="420px"))
        self._show()
        slider.observe(lambda _change: self._show(), names="value")
        self.text.observe(self._typed, names="value")

    def _show(self) -> None:
        """The slider's value in the field (not read back as typed, so a message stays)."""
        value = self.slider.value
        self._showing = True
        try:
            self.text.value = (
                f"{value:.1%}".replace(".0%", "%")
                if self.percent
                else (f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}")
            )
        finally:
            self._showing = False

    def read(self, text: str) -> tuple[float | None, str]:
        """(the number in ``text`` in the slider's units, "") or (None, why it is refused)."""
        return typed_number(text, percent=self.percent, currency=self.currency, unit=self.p.unit)

    def _typed(self, change) -> None:
        if getattr(self, "_showing", False):
            return
        number, problem = self.read(change["new"])
        if number is not None and not self.p.low <= number <= self.p.high:
            problem = f'"{change["new"].strip()}" is outside what {self.p.label or self.p.name} may be ({self.p.rule()})'
        if problem or number is None:
            self.message.value = f'<span style="color:#c0392b;font-size:12px">{_escape(problem)}</span>'
            self._show()  # the shown value comes back; the message says why
            return
        self.message.value = ""
        self.slider.max = max(self.slider.max, number)
        self.slider.min = min(self.slider.min, number)
        if number == self.slider.value:
            self._show()
        self.slider.value = number


#: The class of cards and charts that show an older setting than the controls.
_STALE = "or-stale"


def _percent(p: ParamSpec) -> bool:
    return p.unit.startswith(("fraction", "probability"))


class RangeEditor:
    """An input as a range instead of one number: low, most likely and high (a PERT distribution),
    entered in the slider's units (percent for fractions). The toggle switches it on; a scenario
    that gives the input as a PERT or triangular distribution opens with it on and filled in."""

    def __init__(self, p: ParamSpec, value):
        self.p, self.scale = p, 100.0 if _percent(p) else 1.0
        unit = " (%)" if _percent(p) else ""
        self.toggle = w.ToggleButton(
            description="range",
            tooltip="Uncertain? Give a low, most likely and high value instead of one number",
            layout=w.Layout(width="72px"),
        )
        self.fields = [
            w.FloatText(
                description=f"{label}{unit}",
                style={"description_width": "initial"},
                layout=w.Layout(width="190px"),
            )
            for label in ("low", "most likely", "high")
        ]
        self.box = w.HBox(self.fields, layout=w.Layout(display="none", margin="0 0 6px 330px"))
        self.toggle.observe(lambda change: self._show(change["new"]), names="value")
        self.edited = False
        for field in self.fields:
            field.observe(self._mark, names="value")
        self.set(value)

    def set(self, value) -> None:
        """Show ``value``: a PERT or triangular distribution opens the range, a number closes it."""
        if isinstance(value, ThreePoint):
            numbers = (value.low, value.mode, value.high)
        else:
            middle = centre(value)
            numbers = (middle, middle, middle)
        for field, number in zip(self.fields, numbers, strict=True):
            field.value = round(number * self.scale, 6)
        self.toggle.value = isinstance(value, ThreePoint)
        self.edited = False

    def _mark(self, _change) -> None:
        self.edited = True

    def _show(self, on: bool) -> None:
        self.box.layout.display = None if on else "none"
        low, mode, high = (f.value / self.scale for f in self.fields)
        if on and low == mode == high:  # opened from one number: start at ±20 %, within the rule
            delta = 0.2 * abs(mode) if mode else 0.1 * (self.p.high if self.p.high < 1e9 else 1_000.0)
            self.fields[0].value = round(max(self.p.low, mode - delta) * self.scale, 6)
            self.fields[2].value = round(min(self.p.high, mode + delta) * self.scale, 6)
        self.edited = self.edited or on

    @property
    def value(self) -> Pert:
        low, mode, high = (f.value / self.scale for f in self.fields)
        return Pert(low, mode, high)


class ControlPanel:
    """Controls for every scenario parameter, grouped; the three headline levers always visible.

    ``panel.scenario`` is the scenario the controls show. Any input can be given as a range (its
    *range* toggle: low, most likely, high); parameters given as distributions in the starting
    scenario keep their distribution until their control is moved.
    """

    def __init__(self, scenario: Scenario | None = None, n_trials: int = 20_000, seed: int = 2026):
        self.base = Scenario() if scenario is None else scenario
        self.controls: dict[str, w.Widget] = {
            p.name: _slider(p, getattr(self.base, p.name), self.base.currency) for p in PARAMETERS
        }
        self.ranges = {
            p.name: RangeEditor(p, getattr(self.base, p.name))
            for p in PARAMETERS
            if not p.integer and p.random
        }
        self.typed = {
            p.name: TypedValue(p, self.controls[p.name], self.base.currency)
            for p in PARAMETERS
            if not p.integer
        }
        for name, editor in self.ranges.items():  # moving the slider makes the input one number again
            self.controls[name].observe(
                lambda _change, e=editor: setattr(e.toggle, "value", False) if e.toggle.value else None,
                names="value",
            )
        self.controls["after_failure"] = _choice(
            AFTER_FAILURE, self.base.after_failure, "After a vendor failure"
        )
        self.controls["trust_policy"] = _choice(
            TRUST_POLICIES,
            self.base.trust_policy,
            "Trust policy",
            "fixed: one trust for the whole contract; ramp: each vendor starts at the headline trust "
            "and earns or loses trust at every milestone",
        )
        self.controls["trust_policy"].observe(lambda _change: self._policy_changed(), names="value")
        self.controls["exit_trigger_incidents"].observe(self._trigger_changed, names="value")
        self.controls["exit_trigger_window"].observe(self._trigger_changed, names="value")
        made = (
            round(self.base.goal_clarity * 4) if not isinstance(self.base.goal_clarity, Distribution) else 3
        )
        self.checklist = {
            key: w.Checkbox(value=i < made, description=label, indent=False, layout=w.Layout(width="520px"))
            for i, (key, label) in enumerate(CHECKLIST.items())
        }
        self.n_trials = w.IntSlider(
            value=n_trials,
            min=2_000,
            max=100_000,
            step=2_000,
            description="Simulated futures (trials)",
            continuous_update=False,
            style=_STYLE,
            layout=_LAYOUT,
        )
        self.seed = w.BoundedIntText(
            value=seed, min=0, max=2**31 - 1, description="Seed (same seed, same numbers)", style=_STYLE
        )
        # Every value from the browser is read within limits kept here, in the kernel: a visitor
        # can send any value (and any new min or max) through the widget's websocket. A parameter
        # keeps its rule's bounds (a typed value may move a slider's end that far); the trials and
        # the seed keep their controls' own.
        self.limits = {p.name: (p.low, p.high) for p in PARAMETERS if p.name in self.controls}
        self.limits |= {
            "n_trials": (self.n_trials.min, self.n_trials.max),
            "seed": (self.seed.min, self.seed.max),
        }
        self.touched: set[str] = set()
        for name, control in self.controls.items():
            control.observe(lambda change, n=name: self.touched.add(n), names="value")
        for box in self.checklist.values():
            box.observe(self._checklist_changed, names="value")
        self.widget = self._layout()
        self._policy_changed()

    def _policy_changed(self) -> None:
        """The ramp's controls work under the ramp policy only; under ``fixed`` they are greyed."""
        fixed = self.controls["trust_policy"].value == "fixed"
        for name in RAMP_FIELDS:
            self.controls[name].disabled = fixed
            if name in self.typed:
                self.typed[name].text.disabled = fixed

    def _trigger_changed(self, change) -> None:
        """A trigger needs both a number of incidents and a window: moving one off 0 brings the
        other to a starting value (shown on its slider); moving one to 0 turns the trigger off."""
        k, window = self.controls["exit_trigger_incidents"], self.controls["exit_trigger_window"]
        if change["new"] == 0:
            k.value, window.value = 0, 0
        elif change["old"] == 0:
            k.value = k.value or 3
            window.value = window.value or 12

    def _checklist_changed(self, _change=None) -> None:
        ticked = [k for k, box in self.checklist.items() if box.value]
        self.controls["goal_clarity"].value = clarity_from_checklist(ticked)

    def _row(self, name: str) -> w.Widget:
        """A parameter's slider with its typed value, range toggle and range fields."""
        if name not in self.typed:
            return self.controls[name]
        if name not in self.ranges:  # a decision, not an uncertainty: one number
            typed = self.typed[name]
            return w.VBox([w.HBox([self.controls[name], typed.text]), typed.message])
        editor = self.ranges[name]
        typed = self.typed[name]
        return w.VBox([w.HBox([self.controls[name], typed.text, editor.toggle]), typed.message, editor.box])

    def _layout(self) -> w.Widget:
        headline = w.VBox([self._row(n) for n in HEADLINE])
        sections, titles = [], []
        for group in GROUPS[1:]:
            items = [self._row(p.name) for p in PARAMETERS if p.group == group]
            if group == "Goal clarity and vendor selection":
                items = [w.HTML("<b>Agreed before signing:</b>"), *self.checklist.values(), *items]
            if group == "Vendor failure":
                items.append(self.controls["after_failure"])
            if group == "Trust over time":
                items = [
                    self.controls["trust_policy"],
                    w.HTML(
                        "Under the <b>ramp</b> every vendor starts at the headline trust and is judged "
                        "at each milestone. An <b>exit trigger</b> leaves a vendor after that many "
                        "incidents within the window (0: no trigger)."
                    ),
                    *items,
                ]
            sections.append(w.VBox(items))
            titles.append(group)
        sections.append(w.VBox([self.n_trials, self.seed]))
        titles.append("Uncertainty (trials and seed)")
        accordion = w.Accordion(children=sections, titles=tuple(titles), selected_index=None)
        return w.VBox([w.HTML("<b>Headline levers</b>"), headline, accordion])

    @property
    def scenario(self) -> Scenario:
        """The scenario the controls show (a bad range raises the ScenarioError that says why)."""
        changes = {name: self.value_of(name) for name in self.touched}
        for name, editor in self.ranges.items():
            if editor.toggle.value and editor.edited:
                changes[name] = editor.value
            elif not editor.toggle.value and editor.edited and name not in changes:
                changes[name] = self.value_of(name)  # back to one number
        if changes.get("trust_policy", self.base.trust_policy) == "fixed":  # the greyed ramp is unused
            defaults = default_values()
            changes.update({name: defaults[name] for name in RAMP_FIELDS})
        return self.base.replace(**changes)

    def value_of(self, name: str):
        """A control's value, within the limits it was built with, whatever the browser sent."""
        control = {"n_trials": self.n_trials, "seed": self.seed}.get(name) or self.controls[name]
        if name not in self.limits:
            return control.value
        low, high = self.limits[name]
        return min(max(control.value, low), high)

    def observe(self, callback) -> None:
        """Call ``callback()`` whenever any control changes (sliders: on release)."""
        ranges = [c for e in self.ranges.values() for c in (e.toggle, *e.fields)]
        for control in (*self.controls.values(), *ranges, self.n_trials, self.seed):
            control.observe(lambda _change: callback(), names="value")

    def reset(self) -> None:
        """Every control back to the starting scenario."""
        for p in PARAMETERS:
            value = getattr(self.base, p.name)
            self.controls[p.name].value = centre(value) if isinstance(value, Distribution) else value
            if p.name in self.ranges:
                self.ranges[p.name].set(value)
        self.controls["after_failure"].value = self.base.after_failure
        self.controls["trust_policy"].value = self.base.trust_policy
        self.touched.clear()

    def parameters(self) -> dict:
        """The current settings as the report's papermill parameters (name, notes, currency,
        scenario fields, n_trials, seed)."""
        return report_parameters(self.scenario, self.value_of("n_trials"), self.value_of("seed"))


class WhatIfExplorer:
    """Control panel, KPI cards, fan chart and NPV distribution, recomputed when a control changes.

    Display it as the last expression of a cell. ``explorer.result`` is the latest simulation and
    ``explorer.last_update_seconds`` how long the latest update took, from the control's change to
    the new figures sent. Controls recompute on a background thread, newest setting only: a burst
    of key presses costs the run in flight plus one (``explorer.wait()`` waits for it).
    """

    def __init__(self, scenario: Scenario | None = None, n_trials: int = 20_000, seed: int = 2026):
        self.panel = ControlPanel(scenario, n_trials, seed)
        self.result = simulate(self.panel.scenario, n_trials=n_trials, seed=seed)
        self.kpis = w.HTML(
            kpi_cards_html(self.result.summary(), self.panel.base.currency, self.panel.base.horizon_months)
        )
        self.status = w.HTML()
        # Heights of their own: a widget's container is shorter than a report's (360 px in Voilà),
        # which would squeeze the titles into the plot. One figure: redrawn in two thirds of the time.
        fan = plots.fan_chart(self.result).update_layout(height=500)
        histogram = plots.npv_histogram(self.result).update_layout(height=460)
        self.charts = LiveCharts([stacked(fan, histogram)])
        self.copied = w.Textarea(layout=w.Layout(width="100%", height="120px", display="none"))
        reset = w.Button(description="Reset to defaults", icon="undo")
        copy = w.Button(description="Copy parameters", icon="copy")
        reset.on_click(lambda _b: self.panel.reset())
        copy.on_click(lambda _b: self.copy_parameters())
        self.last_update_seconds = float("nan")
        self._latest = Latest(self._show, name="what-if update")
        self.panel.observe(lambda: self._latest.submit(self._setting()))
        # Cards and charts of a setting that is no longer shown (the controls hold an invalid one)
        # are greyed until a valid setting is drawn.
        self.widget = w.VBox(
            [
                w.HTML(_PAGE_CSS),
                self.panel.widget,
                w.HBox([reset, copy]),
                self.copied,
                self.kpis,
                self.status,
                self.charts,
            ]
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def update(self) -> None:
        """Recompute with the current controls and redraw KPI cards and charts, now."""
        self._show(self._setting(), lambda: False)

    def wait(self, timeout: float | None = 60) -> bool:
        """Wait until the latest control change is shown (False if ``timeout`` seconds passed)."""
        return self._latest.wait(timeout)

    def _setting(self):
        """What the controls show, read when they change: (time, scenario, trials, seed), or the
        ScenarioError that says why they show no valid scenario."""
        try:
            scenario = self.panel.scenario
        except ScenarioError as exc:
            return exc
        return time.perf_counter(), scenario, self.panel.value_of("n_trials"), self.panel.value_of("seed")

    def _show(self, setting, stale) -> None:
        """Simulate ``setting`` and send cards and charts, unless a newer setting came first."""
        if isinstance(setting, ScenarioError):
            self.status.value = (
                f'<span style="color:#c0392b">Not updated, the figures below are of the last valid '
                f"setting: {_escape(str(setting))}</span>"
            )
            self.kpis.add_class(_STALE)
            self.charts.add_class(_STALE)
            return
        start, scenario, n_trials, seed = setting
        try:
            result = simulate(scenario, n_trials=n_trials, seed=seed)
            if stale():
                return
            # First: its sort of every month also gives summary() its median. Two threads: the
            # browser, which would use the second core, waits for these numbers.
            q = plots.fan_data(result, threads=2)
            summary = result.summary()
            figures = self._figures(result, summary, q)
        except ValueError as exc:  # too many trials for memory, a bad setting: said where one looks
            self.status.value = f'<span style="color:#c0392b">Could not update: {_escape(str(exc))}</span>'
            return
        except Exception as exc:  # re-raised: on a thread, a bug would otherwise only reach the log
            self.status.value = (
                f'<span style="color:#c0392b">Could not update ({type(exc).__name__}: {_escape(str(exc))}); '
                "the details are in the kernel's log. Move a lever to try again.</span>"
            )
            raise
        if stale():
            return
        self.result = result
        self.kpis.value = kpi_cards_html(summary, scenario.currency, scenario.horizon_months)
        self.charts.figures = figures
        self.kpis.remove_class(_STALE)
        self.charts.remove_class(_STALE)
        self.last_update_seconds = time.perf_counter() - start
        self.status.value = (
            f'<span style="color:#7f8c8d">updated in {self.last_update_seconds * 1e3:.0f} ms · '
            f"{result.n_trials:,} trials · seed {result.seed}</span>"
        )

    def _figures(self, result, summary, q) -> list[dict]:
        """The fan chart (quantile paths ``q``) and NPV distribution for ``result``: the shown
        figure (see :func:`~outsourcing_risk.workbook.live_charts.stacked`) with new numbers (rebuilding
        it with plotly's classes would take ~100 ms)."""
        (figure,) = self.charts.figures
        at_ = named(figure)
        trace, shape, note = at_["data"], at_["shapes"], at_["annotations"]
        be = plots.breakeven_of_fan(q)
        at = result.scenario.horizon_months if math.isnan(be) else be
        months = q.index.to_numpy(dtype=float)
        changes: dict[tuple, object] = {}
        for low, high, name, _alpha in plots.FAN_BANDS:  # the bands: closed shapes
            changes[("data", trace[name], "x")] = plots.band_outline(months, months).tolist()
            changes[("data", trace[name], "y")] = plots.band_outline(q[high], q[low]).tolist()
        for column, name in plots.FAN_LINES:
            changes[("data", trace[name], "x")], changes[("data", trace[name], "y")] = (
                months.tolist(),
                q[column].tolist(),
            )
        mark = plots.BREAKEVEN_MARK
        changes[("layout", "xaxis", "range")] = [0, result.scenario.horizon_months]  # the fan's months
        changes |= {
            ("layout", "shapes", shape[mark], "x0"): at,
            ("layout", "shapes", shape[mark], "x1"): at,
            ("layout", "shapes", shape[mark], "visible"): not math.isnan(be),
            ("layout", "annotations", note[mark], "x"): at,
            ("layout", "annotations", note[mark], "text"): plots.breakeven_text(
                be, result.scenario.horizon_months
            ),
        }
        h = plots.histogram_data(result)
        for name, key in plots.HISTOGRAM_BARS:
            changes[("data", trace[name], "x")] = h[f"{key}_x"].tolist()
            changes[("data", trace[name], "y")] = h[f"{key}_y"].tolist()
            changes[("data", trace[name], "width")] = h["width"]
        for key, *_rest in plots.HISTOGRAM_MARKS:
            changes[("layout", "shapes", shape[key], "x0")] = float(summary[key])
            changes[("layout", "shapes", shape[key], "x1")] = float(summary[key])
            changes[("layout", "annotations", note[key], "x")] = float(summary[key])
        title = note[PANEL_TITLES[1]]  # the distribution's: its first line changes
        text = figure["layout"]["annotations"][title]["text"]
        changes[("layout", "annotations", title, "text")] = (
            plots.npv_title(result, summary) + text[text.index("<br>") :]
        )
        return [patched(figure, changes)]

    def copy_parameters(self) -> str:
        """Show (and return) the current settings as a dict and as a papermill command."""
        params = self.panel.parameters()
        text = f"{json.dumps(params, indent=1)}\n\n{papermill_command(params, report_notebook())}"
        self.copied.value = text
        self.copied.layout.display = None
        return text


class VendorRanker:
    """Scorecard weights and risk aversion as sliders; the ranking table and chart follow them.
    Below, "Value of interviewing before choosing": how much vendors differ and what interviewing
    every candidate costs; a sentence and a chart say what the interviews are worth by their
    accuracy (docs/model.md, "Choosing among vendors")."""

    #: How much vendors differ when the base scenario says they are all alike (an assumption the
    #: user moves: a log-sd of 0.5 makes one vendor in six about 1.6 times worse than the median).
    SPREAD = 0.5

    def __init__(self, vendors, base: Scenario | None = None, n_trials: int = 20_000, seed: int = 2026):
        from ..analyses.vendors import SCORECARD

        self.vendors, self.base, self.n_trials, self.seed = vendors, base, n_trials, seed
        self.currency = (base or Scenario()).currency
        self.weights = {
            k: w.FloatSlider(
                value=1.0,
                min=0,
                max=5,
                step=0.5,
                description=label.split(":")[0],
                continuous_update=False,
                style=_STYLE,
                layout=_LAYOUT,
            )
            for k, label in SCORECARD.items()
        }
        self.risk_aversion = w.FloatSlider(
            value=0.25,
            min=0,
            max=1,
            step=0.05,
            description="Risk aversion (0 = mean only, 1 = worst 5 % only)",
            continuous_update=False,
            style=_STYLE,
            layout=_LAYOUT,
        )
        self.table = w.HTML()
        self.ranking = self._rank()
        self.chart = LiveCharts([plots.vendor_chart(self.ranking)])  # sets its own height
        self._show_table()
        given = (base or Scenario()).vendor_quality_spread
        self.spread = w.FloatSlider(
            value=given if isinstance(given, float) and given > 0 else self.SPREAD,
            min=0.1,
            max=1.5,
            step=0.1,
            description="How much vendors differ (spread of their quality)",
            continuous_update=False,
            style=_STYLE,
            layout=_LAYOUT,
        )
        self.interview_cost = w.BoundedFloatText(
            value=0.0,
            min=0.0,
            max=1e12,
            step=1000,
            description=f"Cost of interviewing every candidate ({self.currency})",
            style=_STYLE,
            layout=_LAYOUT,
        )
        self.interview_text = w.HTML()
        self.interview = self._interview_table()
        self.interview_chart = LiveCharts([self._interview_figure()])
        self._show_interview()
        for control in (*self.weights.values(), self.risk_aversion):
            control.observe(lambda _c: self.update(), names="value")
        self.spread.observe(lambda _c: self.update_interview(), names="value")
        self.interview_cost.observe(lambda _c: self.update_interview(recompute=False), names="value")
        self.widget = w.VBox(
            [
                w.HTML(_PAGE_CSS),
                w.HTML("<b>Scorecard weights</b>"),
                *self.weights.values(),
                self.risk_aversion,
                self.table,
                self.chart,
                w.HTML("<b>Value of interviewing before choosing</b>"),
                self.spread,
                self.interview_cost,
                self.interview_text,
                self.interview_chart,
            ]
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _weights(self) -> dict[str, float]:
        return {k: s.value for k, s in self.weights.items()}

    def _rank(self):
        from ..analyses.vendors import compare_vendors

        return compare_vendors(
            self.vendors,
            self.base,
            weights=self._weights(),
            risk_aversion=self.risk_aversion.value,
            n_trials=self.n_trials,
            seed=self.seed,
        )

    def _interview_table(self):
        from ..analyses.value_of_information import choice_value
        from ..analyses.vendors import vendor_scenarios

        spread = float(self.spread.value)
        if not 0 < spread <= 3:  # never trust a value from the browser
            raise ScenarioError(
                [f"vendor_quality_spread must be in (0, 3] (got {spread!r})"], "the interview"
            )
        candidates = [
            s.replace(vendor_quality_spread=spread)
            for s, _ in vendor_scenarios(self.vendors, self.base, self._weights())
        ]
        return choice_value(candidates, n_trials=self.n_trials, seed=self.seed)

    def _cost(self) -> float | None:
        from .papermill import read_amount

        cost = read_amount("interview cost", self.interview_cost.value)
        return cost if cost else None

    def _interview_figure(self):
        return plots.interview_chart(
            self.interview,
            self.currency,
            self._cost(),
            title="What interviewing every candidate before choosing is worth",
        )

    def _show_interview(self) -> None:
        from ..present.narrative import choice_sentence

        self.interview_text.value = f"<p>{html.escape(choice_sentence(self.interview, self._cost()))}</p>"

    def _show_table(self) -> None:
        self.table.value = ranking_table(self.ranking, self.currency).to_html(escape=True)

    def update(self) -> None:
        try:
            self.ranking = self._rank()
        except ScenarioError as exc:
            self.table.value = f'<span style="color:#c0392b">{_escape(str(exc))}</span>'
            return
        self._show_table()
        self.chart.figures = [plain(plots.vendor_chart(self.ranking))]
        self.update_interview()

    def update_interview(self, recompute: bool = True) -> None:
        """Redraw the value of interviewing: recomputed when the vendors or their spread changed,
        only redrawn when the cost did."""
        try:
            if recompute:
                self.interview = self._interview_table()
            self._show_interview()
        except ScenarioError as exc:
            self.interview_text.value = f'<span style="color:#c0392b">{_escape(str(exc))}</span>'
            return
        self.interview_chart.figures = [plain(self._interview_figure())]


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")
