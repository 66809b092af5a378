"""The what-if explorer for JupyterLab and the app: a control panel generated from the parameter
table, and KPI cards and charts that update in place when a control changes.

The explorer calls the same functions as the static notebook cells (``simulate``, the chart data
functions of :mod:`outsourcing_risk.present.plots`); nothing is computed only in a callback. Every
number typed in it is read by one parser, and every value a browser sends it is read within
limits kept in the kernel (:mod:`.fields`). The vendor app is :mod:`.vendor_app`.
"""

from __future__ import annotations

import json
import math
import time

import ipywidgets as w

from ..analyses.clarity import CHECKLIST, clarity_from_checklist
from ..io.data import default_values, defaults_table
from ..io.examples import report_notebook
from ..model.distributions import Distribution, Pert, ThreePoint, centre
from ..model.parameters import GROUPS, HEADLINE, PARAMETERS, ParamSpec
from ..model.scenario import AFTER_FAILURE, RAMP_FIELDS, TRUST_POLICIES, Scenario, ScenarioError
from ..model.simulation import simulate
from ..present import plots
from ..present.formatting import param_label
from ..present.kpis import kpi_cards_html
from ..present.palette import LOSS, NOTE
from .fields import LAYOUT as _LAYOUT
from .fields import PAGE_CSS as _PAGE_CSS
from .fields import STYLE as _STYLE
from .fields import FieldRule, Guard, TypedField, TypedValue
from .fields import escape as _escape
from .latest import Latest
from .live_charts import PANEL_TITLES, LiveCharts, named, patched, stacked
from .papermill import papermill_command, report_parameters
from .review_panel import ReviewPanel
from .vendor_app import VendorRanker

__all__ = ["ControlPanel", "RangeEditor", "TypedValue", "VendorRanker", "WhatIfExplorer"]

_HEADLINE_LIMITS = {"trust": (0.0, 1.0), "vendor_failure_prob_annual": (0.0, 0.5)}

#: The class of cards and charts that show an older setting than the controls.
_STALE = "or-stale"
#: The trials a what-if may run, and the seeds it takes.
TRIALS = FieldRule("Simulated futures (trials)", 2_000, 100_000, integer=True)
SEEDS = FieldRule("Seed", 0, 2**31 - 1, integer=True, plain=True)


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
    kwargs["readout"] = False  # the value is shown, and typed, in the field beside it (TypedValue)
    return cls(**kwargs)


def _choice(options: tuple[str, ...], value: str, description: str, tooltip: str = "") -> w.Dropdown:
    """A control for a choice among words (``after_failure``, ``trust_policy``)."""
    return w.Dropdown(
        options=options, value=value, description=description, style=_STYLE, layout=_LAYOUT, tooltip=tooltip
    )


class RangeEditor:
    """An input as a range instead of one number: low, most likely and high (a PERT distribution),
    typed as the slider's field is (percent for fractions, amounts as people write them). The
    toggle switches it on; a scenario that gives the input as a PERT or triangular distribution
    opens with it on and filled in."""

    def __init__(self, p: ParamSpec, value, currency: str = "USD"):
        self.p, self.rule = p, FieldRule.of(p)
        self.toggle = w.ToggleButton(
            description="range",
            tooltip="Uncertain? Give a low, most likely and high value instead of one number",
            layout=w.Layout(width="72px"),
        )
        self.fields = [
            TypedField(
                self.rule,
                None,
                currency=currency,
                description=label,
                width="190px",
                style={"description_width": "initial"},
            )
            for label in ("low", "most likely", "high")
        ]
        self.box = w.VBox(
            [w.HBox([f.text for f in self.fields]), *(f.message for f in self.fields)],
            layout=w.Layout(display="none", margin="0 0 6px 330px"),
        )
        self.toggle.observe(lambda change: self._show(change["new"]), names="value")
        self.edited = False
        for field in self.fields:
            field.observe(self._mark)
        self.set(value)

    def set(self, value) -> None:
        """Show ``value``: a PERT or triangular distribution opens the range, a number closes it."""
        if isinstance(value, ThreePoint):
            numbers = (value.low, value.mode, value.high)
        else:
            middle = centre(value)
            numbers = (middle, middle, middle)
        for field, number in zip(self.fields, numbers, strict=True):
            field.set(number)
        self.toggle.value = isinstance(value, ThreePoint)
        self.edited = False

    def _mark(self) -> None:
        self.edited = True

    def _numbers(self) -> tuple[float, float, float]:
        """Low, most likely and high (every field holds a number: :meth:`set` fills them all)."""
        low, mode, high = (float(f.value or 0.0) for f in self.fields)
        return low, mode, high

    def _show(self, on: bool) -> None:
        self.box.layout.display = None if on else "none"
        low, mode, high = self._numbers()
        if on and low == mode == high:  # opened from one number: start at ±20 %, within the rule
            delta = 0.2 * abs(mode) if mode else 0.1 * (self.p.high if self.p.high < 1e9 else 1_000.0)
            self.fields[0].set(round(max(self.p.low, mode - delta), 8))
            self.fields[2].set(round(min(self.p.high, mode + delta), 8))
        self.edited = self.edited or on

    @property
    def value(self) -> Pert:
        return Pert(*self._numbers())


def _section(title: str, box: w.Box) -> tuple[w.ToggleButton, w.Box]:
    """A group of controls shown by a button of its own, closed at first: a button is reached by
    Tab and opened with Enter or Space (ipywidgets' accordion titles are not reached by Tab)."""
    toggle = w.ToggleButton(
        description=title,
        icon="chevron-right",
        tooltip=f"Show or hide: {title}",
        layout=w.Layout(width="640px", max_width="100%", margin="2px 0"),
    )
    toggle.add_class("or-section")
    box.layout.display = "none"
    box.layout.margin = "0 0 8px 16px"

    def opened(change) -> None:
        box.layout.display = None if change["new"] else "none"
        toggle.icon = "chevron-down" if change["new"] else "chevron-right"

    toggle.observe(opened, names="value")
    return toggle, box


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
            p.name: RangeEditor(p, getattr(self.base, p.name), self.base.currency)
            for p in PARAMETERS
            if not p.integer and p.random
        }
        self.typed = {p.name: TypedValue(p, self.controls[p.name], self.base.currency) for p in PARAMETERS}
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
            min=TRIALS.low,
            max=TRIALS.high,
            step=2_000,
            description="Simulated futures (trials)",
            continuous_update=False,
            readout=False,
            style=_STYLE,
            layout=_LAYOUT,
        )
        self.typed_trials = TypedValue(TRIALS, self.n_trials)
        self.seed = TypedField(
            SEEDS, seed, description="Seed (same seed, same numbers)", width="480px", style=_STYLE
        )
        # Every value from the browser is read within limits kept here, in the kernel: a visitor
        # can send any value (and any new min or max) through the widget's websocket. A parameter
        # keeps its rule's bounds (a typed value may move a slider's end that far); the trials
        # keep their slider's own. A value beyond them is put back, and the page says so.
        self.guard = Guard()
        for p in PARAMETERS:
            self.guard.watch(p.name, self.controls[p.name], FieldRule.of(p))
        self.guard.watch("n_trials", self.n_trials, TRIALS)
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
        trials = self.typed_trials
        sections.append(
            w.VBox([w.HBox([self.n_trials, trials.text]), trials.message, self.seed.text, self.seed.message])
        )
        titles.append("Uncertainty (trials and seed)")
        self.sections = {title: _section(title, box) for title, box in zip(titles, sections, strict=True)}
        opened = [item for toggle, box in self.sections.values() for item in (toggle, box)]
        return w.VBox([self.guard.message, w.HTML("<b>Headline levers</b>"), headline, *opened])

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
        if name == "seed":
            return self.seed.value
        if name in self.guard.controls:
            return self.guard.value(name)
        return self.controls[name].value

    def observe(self, callback) -> None:
        """Call ``callback()`` whenever any control changes (sliders: on release)."""
        toggles = [e.toggle for e in self.ranges.values()]
        for control in (*self.controls.values(), *toggles, self.n_trials):
            control.observe(lambda _change: callback(), names="value")
        for field in (*(f for e in self.ranges.values() for f in e.fields), self.seed):
            field.observe(callback)

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
        self.review = ReviewPanel(self.panel)  # a vendor's record: stay or leave at a review
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
                self.review.widget,
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
                f'<span style="color:{LOSS}">Not updated, the figures below are of the last valid '
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
            self.status.value = f'<span style="color:{LOSS}">Could not update: {_escape(str(exc))}</span>'
            return
        except Exception as exc:  # re-raised: on a thread, a bug would otherwise only reach the log
            self.status.value = (
                f'<span style="color:{LOSS}">Could not update ({type(exc).__name__}: {_escape(str(exc))}); '
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
            f'<span style="color:{NOTE}">updated in {self.last_update_seconds * 1e3:.0f} ms · '
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
