"""How numbers are written for people: money, percentages, months and parameter labels.

One module, used by the reports, the index page, the widgets and the charts alike, so that a
reader sees currency, chances and months written the same way everywhere:

- money: the currency code first, thousands separated: ``USD 125,000``, compact ``USD 125k``;
- chances: ``16.7%``; in words ``1 future in 6``;
- months: ``month 31``; ``never`` when the event does not happen within the horizon.

Plotly axes use the same conventions through :func:`money_axis` and :func:`percent_axis`.

The pages' JavaScript writes money, percentages and months, and wraps chart titles, by the same
rules: :data:`RULES` travels in the page as JSON (:func:`rules_html`) and ``static/rules.js``
follows it; tests run both on one table of values and compare.
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import cache
from importlib.resources import files
from typing import Any

from ..model.currency import CURRENCY_RULE, check_currency, currency_code
from ..model.parameters import ParamSpec, spec

__all__ = [
    "CURRENCY_RULE",
    "RULES",
    "chance_in_words",
    "check_currency",
    "line_chars",
    "money",
    "money_axis",
    "month",
    "param_label",
    "param_unit",
    "param_value",
    "percent",
    "percent_axis",
    "rules_html",
    "terminal_text",
    "wrap",
]

#: How money, chances and months are written, and how a title is wrapped: the one definition
#: that this module and the pages' JavaScript (``static/rules.js``) both follow.
RULES: dict[str, Any] = {
    "minus": "\u2212",  # a true minus, never a hyphen
    "group": ",",  # thousands
    "compact": [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]],  # SI-style, as the chart axes
    "compactDigits": 3,  # significant digits of a compact amount
    "compactFrom": 0.9995,  # 999,500 is already 1M (it would round to 1e3k)
    "percentDigits": 1,
    "perMonth": "/month",
    "missing": "n/a",
    "month": "month {m}",
    "never": "never",
    "notWithin": "not within {h} months",
    # A line of a wrapped title holds at most floor((width - pad) / (charEm * font size))
    # characters, never fewer than minChars; tags count for nothing.
    "wrap": {"pad": 30, "charEm": 0.6, "minChars": 12},
}


def terminal_text(text) -> str:
    """``text`` safe to print on a terminal: every character that is not printable (escape
    sequences that clear the screen or retitle the window, a bare carriage return that overwrites
    the line, direction overrides, zero-width characters) written as its escape, ``\\x1b``.
    Line breaks are kept.

    >>> terminal_text("row 1 (\\x1b[2JEvil\\rName): failed")
    'row 1 (\\\\x1b[2JEvil\\\\rName): failed'
    """
    return "".join(
        c if c.isprintable() or c == "\n" else c.encode("unicode_escape").decode("ascii") for c in str(text)
    )


def _currency(currency: str) -> str:
    return currency_code(currency)


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _compact(value: float) -> str:
    """125000 → 125k, 1234567 → 1.23M: three significant digits, SI-style as on the chart axes."""
    size, digits = abs(value), RULES["compactDigits"]
    for factor, suffix in RULES["compact"]:
        if size >= factor * RULES["compactFrom"]:
            return f"{value / factor:.{digits}g}{suffix}"
    return f"{value:.{digits}g}"


def money(value, currency: str = "", *, compact: bool = False, per_month: bool = False) -> str:
    """``USD 125,000`` (``USD 125k`` compact); ``n/a`` when missing. Negative: ``USD −40,000``,
    with a true minus (U+2212) as the charts write it, never a hyphen.

    Examples
    --------
    >>> money(125_400.4, "usd")
    'USD 125,400'
    >>> money(-1_234_567, "EUR", compact=True)
    'EUR −1.23M'
    >>> money(70_000, "€", per_month=True)
    '€ 70,000/month'
    """
    if _is_missing(value):
        return RULES["missing"]
    number = _compact(float(value)) if compact else f"{float(value):,.0f}".replace(",", RULES["group"])
    if number in ("-0", "-0k"):
        number = number[1:]
    number = number.replace("-", RULES["minus"])
    cur = _currency(currency)
    text = f"{cur} {number}" if cur else number
    return text + (RULES["perMonth"] if per_month else "")


def percent(p, digits: int = RULES["percentDigits"]) -> str:
    """A probability or fraction as a percentage: ``16.7%``; ``n/a`` when missing.

    Examples
    --------
    >>> percent(0.1666)
    '16.7%'
    >>> percent(0.05, 0)
    '5%'
    """
    if _is_missing(p):
        return RULES["missing"]
    return f"{100 * float(p):.{digits}f}%"


def month(m, horizon: int | None = None) -> str:
    """``month 31``; ``never`` (``not within 60 months`` given the horizon) when missing.

    Examples
    --------
    >>> month(31.0)
    'month 31'
    >>> month(float("nan"), 60)
    'not within 60 months'
    """
    if _is_missing(m):
        return RULES["notWithin"].format(h=horizon) if horizon else RULES["never"]
    return RULES["month"].format(m=f"{float(m):.0f}")


def chance_in_words(p: float) -> str:
    """A chance as a reader says it: ``1 future in 6``, ``almost none``, ``3 futures in 4``.

    Examples
    --------
    >>> chance_in_words(0.166)
    '1 future in 6'
    >>> chance_in_words(0.75)
    '3 futures in 4'
    """
    if p <= 0:
        return "none of the simulated futures"
    if p < 0.005:
        return "fewer than 1 future in 200"
    if p <= 0.5:
        return f"1 future in {round(1 / p)}"
    if p >= 0.995:
        return "almost every future"
    for den in range(2, 11):
        num = round(p * den)
        if abs(num / den - p) < 0.02:
            return f"{num} futures in {den}"
    return f"{percent(p, 0)} of futures"


# --- parameters ---------------------------------------------------------------------------

_UNITS = {
    "currency": "{cur}",
    "currency/month": "{cur}/month",
    "fraction (0–1)": "%",
    "probability/year": "% per year",
    "fraction/year": "% per year",
    "fraction of fee": "% of fee",
    "fraction of in-house cost": "% of in-house cost",
    "multiplier": "multiplier",
    "incidents/month": "per month",
    "months": "months",
    "incidents": "incidents",
    "log-sd": "",
}


def param_unit(p: ParamSpec | str, currency: str = "USD") -> str:
    """The unit as a reader writes it: ``USD/month``, ``% per year``, ``months``."""
    p = spec(p) if isinstance(p, str) else p
    return _UNITS[p.unit].format(cur=_currency(currency) or "currency")


def param_label(p: ParamSpec | str, currency: str = "USD", *, unit: bool = True) -> str:
    """A parameter's human label with its unit: ``Vendor monthly fee (USD/month)``.

    Examples
    --------
    >>> param_label("vendor_failure_prob_annual")
    'Vendor failure probability (% per year)'
    """
    p = spec(p) if isinstance(p, str) else p
    shown = param_unit(p, currency)
    return f"{p.label} ({shown})" if unit and shown else p.label


def param_value(p: ParamSpec | str, value, currency: str = "USD") -> str:
    """A parameter's value as a reader writes it: ``USD 70,000/month``, ``60%``, ``6 months``.

    A distribution is written with each of its numbers formatted the same way.

    Examples
    --------
    >>> param_value("switching_cost", 280000.0, "USD")
    'USD 280,000'
    >>> param_value("trust", 0.6)
    '60%'
    >>> param_value("transition_months", 3)
    '3 months'
    """
    p = spec(p) if isinstance(p, str) else p
    if hasattr(value, "ppf"):  # a distribution: the same form with formatted numbers
        args = ", ".join(_plain(p, v, currency) for v in value.__dict__.values())
        return f"{type(value).__name__.lower()}({args})"
    return _plain(p, value, currency, with_unit=True)


def value_in_words(p: ParamSpec | str, value, currency: str = "USD") -> str:
    """A parameter's value for a reader who does not know the distributions' notation: a number as
    :func:`param_value` writes it, a range in words.

    >>> from outsourcing_risk import Pert
    >>> value_in_words("vendor_failure_prob_annual", Pert(0.08, 0.15, 0.35))
    'between 8% and 35% per year, most likely 15%'
    """
    p = spec(p) if isinstance(p, str) else p
    if not hasattr(value, "ppf"):
        return param_value(p, value, currency)
    args = value.__dict__
    unit = param_value(p, args.get("high", args.get("p90")), currency)
    tail = unit[len(_plain(p, args.get("high", args.get("p90")), currency)) :]  # " per year", "/month"
    if "mode" in args:
        return (
            f"between {_plain(p, args['low'], currency)} and {_plain(p, args['high'], currency)}{tail}, "
            f"most likely {_plain(p, args['mode'], currency)}"
        )
    if "low" in args:
        return f"between {_plain(p, args['low'], currency)} and {_plain(p, args['high'], currency)}{tail}"
    return (
        f"about {_plain(p, args['median'], currency)}{tail} (1 chance in 10 above "
        f"{_plain(p, args['p90'], currency)})"
    )


def _plain(p: ParamSpec, value, currency: str, with_unit: bool = False) -> str:
    unit = p.unit
    if unit.startswith("currency"):
        return money(value, currency, per_month=with_unit and unit == "currency/month")
    if unit.startswith(("fraction", "probability")):
        digits = 0 if abs(float(value) * 100 - round(float(value) * 100)) < 1e-9 else 1
        text = percent(value, digits)
        return f"{text}{_UNITS[unit][1:]}" if with_unit else text
    if unit == "months":
        count = round(float(value))
        return f"{count} month{'s' if count != 1 else ''}" if with_unit else f"{count}"
    if unit == "multiplier":
        return f"×{float(value):g}" if with_unit else f"{float(value):g}"
    if unit == "incidents":
        count = round(float(value))
        return f"{count} incident{'s' if count != 1 else ''}" if with_unit else f"{count}"
    if unit == "log-sd":
        return f"{float(value):g}"
    return f"{float(value):g} per month" if with_unit else f"{float(value):g}"


# --- plotly axes -----------------------------------------------------------------------------


def money_axis(currency: str = "", **axis) -> dict:
    """A plotly axis written like :func:`money` with ``compact=True``: ``USD 125k``."""
    cur = _currency(currency)
    return {**axis, "tickprefix": f"{html.escape(cur)} " if cur else "", "tickformat": ",.3~s"}


def percent_axis(**axis) -> dict:
    """A plotly axis of chances, written like :func:`percent` without decimals."""
    return {**axis, "tickformat": ".0%"}


# --- wrapping titles -------------------------------------------------------------------------

_TOKENS = re.compile(r"<[^>]*>|[^<]+")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&#?\w+;")


def line_chars(width: float, font_size: float) -> int:
    """How many characters a line of text ``font_size`` px high holds in ``width`` px (the rule
    ``static/rules.js`` follows too).

    >>> line_chars(390, 17), line_chars(680, 12)
    (35, 90)
    """
    rule = RULES["wrap"]
    return max(rule["minChars"], math.floor((width - rule["pad"]) / (rule["charEm"] * font_size)))


def wrap(text: str, chars: int) -> str:
    """``text`` (plotly's markup: ``<b>``, ``<br>``, ``<span style=...>``) broken at spaces into
    lines of at most ``chars`` characters (a longer word stays whole; a word runs across the tags it
    touches); tags count for nothing, an entity (``&amp;``) for one, an existing ``<br>`` starts a
    new line, and runs of spaces read as one. ``static/rules.js`` wraps the same way, to the letter.

    >>> wrap("Cumulative savings by month — <b>Risky</b> bid", 20)
    'Cumulative savings<br>by month — <b>Risky</b> bid'
    """
    out, line, space = "", 0, False
    for kind, markup, length in _words(text or ""):
        if kind == "br":
            out, line, space = out + markup, 0, False
        elif kind == "space":
            space = line > 0
        else:
            if line > 0 and line + 1 + length > chars:
                out, line = out + "<br>", 0
            elif space:
                out, line = out + " ", line + 1
            out, line, space = out + markup, line + length, False
    return out


def _words(text: str) -> list[tuple[str, str, int]]:
    """``text`` as words, spaces and line breaks: a word runs from space to space across the tags
    it touches (a coloured mark and the words after it are one), and counts its visible characters."""
    items: list[tuple[str, str, int]] = []
    word, length = "", 0
    for token in _TOKENS.findall(text):
        if token.startswith("<") and _BREAK.fullmatch(token):
            items += [("word", word, length)] if word else []
            items.append(("br", token, 0))
            word, length = "", 0
        elif token.startswith("<"):
            word += token
        else:
            for part in re.split(r"( +)", token):
                if part and not part.strip(" "):
                    items += [("word", word, length)] if word else []
                    items.append(("space", "", 0))
                    word, length = "", 0
                elif part:
                    word, length = word + part, length + len(_ENTITY.sub("x", part))
    return items + ([("word", word, length)] if word else [])


@cache
def rules_html() -> str:
    """:data:`RULES` as a JSON block and ``static/rules.js``, which reads it: ``window.orRules``
    writes money, percentages and months and wraps titles as this module does. Safe to include
    more than once in a page (the first wins)."""
    data = json.dumps(RULES, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")
    js = files("outsourcing_risk.present").joinpath("static", "rules.js").read_text(encoding="utf-8")
    return f'<script type="application/json" class="or-rules">{data}</script><script>{js}</script>'
