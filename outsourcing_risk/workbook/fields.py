"""What the apps take from a person and from a browser: typed numbers read one way, and values no
control could send refused or clamped, in the kernel, with a message on the page.

- **Typed fields.** Every number a person types in the what-if explorer or the vendor app (a
  slider's value, an input's range, the seed, the interviews' cost) is a text field read by
  :func:`~outsourcing_risk.io.numbers.typed_number`: "350,000", "USD 350k", "1.2M", "7%" are read
  as people mean them; a value that reads two ways ("350.000", "1,2M"), text that is not a number,
  another currency, a value outside the field's rule or a fraction in a whole-number field is
  refused with a message in words beside the field, which keeps the value it showed. Sliders show
  no readout of their own (ipywidgets' readout reads "350,000" as 350 and "0,5" as 0).
- **Forged values.** A visitor can send any value (and any new minimum or maximum) to a control
  through the kernel's websocket. :class:`Guard` reads every slider within limits kept in the
  kernel: a value beyond them is put back within them, and the page says what was sent and what
  is used. Choices (drop-downs, check boxes, toggles, the accordion) are held by their traits: a
  value outside their options never reaches the app.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from ..io.numbers import typed_number
from ..model.parameters import MONEY_MAX, ParamSpec
from ..present.palette import LOSS

__all__ = ["PAGE_CSS", "FieldRule", "Guard", "TypedField", "TypedValue", "escape", "name_the_sliders"]

STYLE = {"description_width": "330px"}
LAYOUT = w.Layout(width="640px", max_width="100%")
#: The longest text a typed field reads (a number is never longer; the message quotes it whole).
MAX_CHARS = 40

#: On a narrow screen (a phone) the controls stack: a slider's label above its track, the typed
#: field and the range button on the next line, nothing past the screen's edge. And the class of
#: cards and charts that show an older setting than the controls (greyed); a group's button reads
#: as a heading.
PAGE_CSS = """<style>
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
.or-section.jupyter-button { text-align: left; justify-content: flex-start; font-weight: 600; }
</style>"""


def escape(text: str) -> str:
    """``text`` for a widget's HTML: escaped, its line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def refusal(text: str) -> str:
    """A message in words, in the red of every refusal on the page."""
    return f'<span style="color:{LOSS};font-size:12px">{escape(text)}</span>'


@dataclass(frozen=True)
class FieldRule:
    """What a typed field accepts: a number from ``low`` to ``high``, in percent (``percent``: the
    field shows 60% for 0.6), whole (``integer``) or an amount of money (``money``: it may carry
    the scenario's currency). ``label`` names the field in messages; ``plain`` shows it without
    separators (a seed)."""

    label: str
    low: float
    high: float
    unit: str = ""
    percent: bool = False
    integer: bool = False
    money: bool = False
    plain: bool = False  # shown without separators (a seed)

    @classmethod
    def of(cls, p: ParamSpec) -> FieldRule:
        """The rule of a model parameter's field (docs/model.md's bounds)."""
        return cls(
            p.label or p.name,
            p.low,
            p.high,
            p.unit,
            percent=p.unit.startswith(("fraction", "probability")),
            integer=p.integer,
            money=p.unit.startswith("currency"),
        )

    def words(self) -> str:
        """The rule in words: ``from 0% to 100%``, ``a whole number from 1 to 120``, ``≥ 0``.

        >>> FieldRule("Trust", 0, 1, percent=True).words(), FieldRule("Months", 1, 120, integer=True).words()
        ('from 0% to 100%', 'a whole number from 1 to 120')
        """
        kind = "a whole number " if self.integer else ""
        if self.percent:
            return f"{kind}from {self.low * 100:g}% to {self.high * 100:g}%"
        if math.isinf(self.high):
            return f"{kind}≥ {self.low:g}"
        high = "10^12 (a trillion)" if self.high == MONEY_MAX else f"{self.high:,.10g}"
        return f"{kind}from {self.low:,.10g} to {high}"

    def check(self, number: float, shown: str) -> str:
        """Why ``number`` (typed as ``shown``) breaks the rule, or ""."""
        if not self.low <= number <= self.high:
            return f'"{shown}" is outside what {self.label} may be ({self.words()})'
        if self.integer and number != round(number):
            return f'"{shown}" is not a whole number: {self.label} is {self.words()}'
        return ""

    def show(self, value: float) -> str:
        """``value`` as the field shows it (and reads it back): 60%, 280,000, 0.25, 12."""
        if self.percent:
            return f"{value:.1%}".replace(".0%", "%")
        if self.integer:
            return f"{round(value)}" if self.plain else f"{round(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"


class TypedField:
    """A text field for one number, read by :func:`~outsourcing_risk.io.numbers.typed_number`
    under a :class:`FieldRule`; a refusal is said in :attr:`message`, beside the field, which
    shows its value again. ``value`` is the number accepted last (``None`` for an ``optional``
    field left blank)."""

    def __init__(
        self,
        rule: FieldRule,
        value: float | None,
        *,
        currency: str = "USD",
        description: str = "",
        optional: bool = False,
        width: str = "110px",
        style: dict | None = None,
    ):
        self.rule, self.currency, self.optional = rule, currency, optional
        self._value = value
        self._callbacks: list[Callable[[], None]] = []
        self.text = w.Text(
            description=description,
            continuous_update=False,
            placeholder="not given" if optional else "",
            layout=w.Layout(width=width, max_width="100%"),
            style=style or {},
            tooltip=f"type {rule.label} {self._hint()}",
        )
        self.message = w.HTML(layout=w.Layout(max_width="640px"))
        self._show()
        self.text.observe(self._typed, names="value")

    @property
    def value(self) -> float | None:
        return self._value

    def _hint(self) -> str:
        if self.rule.percent:
            return "in % (7 or 7%)"
        if self.rule.money:
            return "as you write it (1,200,000 or 1.2M)"
        return f"as you write it ({self.rule.words()})"

    def read(self, text: str) -> tuple[float | None, str]:
        """(the number in ``text`` in the field's units, "") or (None, why it is refused)."""
        shown = str(text).strip()
        if len(shown) > MAX_CHARS:
            return None, f'"{shown[:MAX_CHARS]}…" is too long to be a number'
        number, problem = typed_number(
            shown,
            percent=self.rule.percent,
            currency=self.currency if self.rule.money else "",
            unit=self.rule.unit,
        )
        if number is None:
            return None, problem
        problem = self.rule.check(number, shown)
        if problem:
            return None, problem
        return (round(number) if self.rule.integer else number), ""

    def set(self, value: float | None) -> None:
        """Show ``value`` as the field's own (set by the app, not typed: no callback)."""
        self._value = value
        self.message.value = ""
        self._show()

    def observe(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever a typed value is accepted."""
        self._callbacks.append(callback)

    def _show(self) -> None:
        """The accepted value in the field (not read back as typed, so a message stays)."""
        value = self.value
        self._showing = True
        try:
            self.text.value = "" if value is None else self.rule.show(value)
        finally:
            self._showing = False

    def _typed(self, change) -> None:
        if getattr(self, "_showing", False):
            return
        if self.optional and not str(change["new"]).strip():
            number, problem = None, ""
        else:
            number, problem = self.read(change["new"])
            if number is None and not problem:
                problem = f'"{change["new"]}" is not a number'
        if problem:
            self.message.value = refusal(problem)
            self._show()  # the shown value comes back; the message says why
            return
        self.message.value = ""
        self._accept(number)

    def _accept(self, number: float | None) -> None:
        self._value = number
        self._show()
        for callback in self._callbacks:
            callback()


class TypedValue(TypedField):
    """The field beside a slider: shows its value as the label's unit says (60%, 280,000) and
    takes a typed one the way people write it ("350,000", "USD 350k", "1.2M", "7%", "7"). A value
    beyond the slider's end, within the rule, moves the end."""

    def __init__(self, rule: FieldRule | ParamSpec, slider: w.Widget, currency: str = "USD"):
        self.slider = slider
        rule = FieldRule.of(rule) if isinstance(rule, ParamSpec) else rule
        super().__init__(rule, slider.value, currency=currency)
        slider.observe(lambda _change: self._show(), names="value")

    @property
    def value(self) -> float:
        return self.slider.value

    def _accept(self, number: float | None) -> None:
        assert number is not None  # a slider's field is never optional
        self.slider.max = max(self.slider.max, number)
        self.slider.min = min(self.slider.min, number)
        if number == self.slider.value:
            self._show()
        self.slider.value = number
        for callback in self._callbacks:
            callback()


class Guard:
    """Every slider's value read within limits kept here, in the kernel, whatever the browser sent;
    a value beyond them is put back within them and :attr:`message` says, for each control that
    received one, what was sent and what is used. ``value(name)`` is a control's value within its
    limits."""

    def __init__(self) -> None:
        self.message = w.HTML()
        self.controls: dict[str, tuple[w.Widget, FieldRule]] = {}
        self._said: dict[str, str] = {}

    def watch(self, name: str, control: w.Widget, rule: FieldRule) -> None:
        """Keep ``control`` (a slider) within ``rule``'s limits."""
        self.controls[name] = (control, rule)
        control.observe(lambda change, n=name: self._received(n, change["new"]), names="value")

    def value(self, name: str) -> float:
        control, rule = self.controls[name]
        return self.within(rule, control.value)

    @staticmethod
    def within(rule: FieldRule, value: float) -> float:
        """``value`` within ``rule``'s limits (a NaN: its low end)."""
        number = float(value) if not math.isnan(value) else rule.low
        number = min(max(number, rule.low), rule.high)
        return round(number) if rule.integer else number

    def _received(self, name: str, value) -> None:
        control, rule = self.controls[name]
        used = self.within(rule, value)
        if used == value:
            return
        sent = rule.show(value) if rule.percent and math.isfinite(value) else f"{value:,.10g}"
        self._said[name] = (
            f"{rule.label}: {sent} was received, which none of the controls can send ({rule.words()}); "
            f"{rule.show(used)} is used."
        )
        self.message.value = "<br>".join(refusal(text) for text in self._said.values())
        # The ends back within the rule too (a typed value may have moved them, within it), set in
        # an order that never puts the minimum above the maximum.
        low = min(max(control.min, rule.low), rule.high)
        high = max(min(control.max, rule.high), low)
        if low <= control.max:
            control.min, control.max = low, high
        else:
            control.max, control.min = high, low
        control.value = used


#: ipywidgets' sliders are drawn by noUiSlider, whose handle (role "slider", the element a
#: keyboard and a screen reader reach) carries no name: axe counts one violation per slider
#: (aria-input-field-name). This names each handle after its slider's label, now and for every
#: slider shown later (a group opened, the page redrawn). noUiSlider #1019 and #1223 give the
#: same workaround.
_NAME_SLIDERS = """<script>
(() => {
  if (window.__orNamedSliders) return;
  window.__orNamedSliders = true;
  const name = () => document.querySelectorAll('.widget-slider .noUi-handle:not([aria-label])').forEach(h => {
    const label = h.closest('.widget-slider').querySelector('.widget-label');
    const text = label && label.textContent.trim();
    if (text) h.setAttribute('aria-label', text);
  });
  new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
  name();
})();
</script>"""


def name_the_sliders():
    """An output for an app's notebook that gives every slider's handle its label's name (for a
    screen reader and axe); shown once, it keeps naming sliders as they appear.

    >>> "aria-label" in name_the_sliders().data
    True
    """
    from IPython.display import HTML

    return HTML(_NAME_SLIDERS)
