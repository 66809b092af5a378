"""Claims in words: the small pieces every sentence of a report is made of.

Nothing here computes a number: each function writes a :class:`~outsourcing_risk.analyses.claims.Claim`'s
own figures (its size, its margin of two standard errors, its direction) the one way a reader
meets them everywhere. A sentence element names the claims it renders (``data-claims``), so the
page can be checked against the numbers (:func:`~outsourcing_risk.analyses.claims.recheck`).
"""

from __future__ import annotations

import html
import math

from ..analyses.claims import CLAIM_SE, Claim
from ..model.parameters import PARAMETERS
from .formatting import money, month, param_label, param_value, percent

__all__ = [
    "MINUS",
    "chance",
    "input_name",
    "margin",
    "sentence",
    "setting_words",
    "signed_money",
    "size",
    "tail_words",
]

#: The minus sign of text, cards and charts alike (U+2212), not a hyphen.
MINUS = "\u2212"

_NAMES = {p.name for p in PARAMETERS}
_SPECIAL = {
    "vendor_quality": "the vendor's own quality",
    "chance": "chance (when failures and incidents happen)",
    "all": "every uncertain input together",
}


def input_name(name: str, currency: str = "USD") -> str:
    """An input as a reader names it in a sentence: ``vendor failure probability``."""
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name in _NAMES:
        return param_label(name, currency, unit=False).lower()
    return str(name)


def signed_money(value: float, currency: str = "USD", *, compact: bool = False) -> str:
    """``USD +152,869``, ``USD −27,864`` (a true minus), ``USD 0``.

    >>> signed_money(-27_864.2, "USD"), signed_money(152_869, "USD")
    ('USD −27,864', 'USD +152,869')
    """
    text = money(abs(value), currency, compact=compact)
    if round(abs(value)) == 0 and not compact:
        return text
    sign = "+" if value > 0 else MINUS
    cur, _, number = text.partition(" ")
    return f"{cur} {sign}{number}" if number else f"{sign}{text}"


def chance(value: float, digits: int | None = None) -> str:
    """A chance as the report writes it: whole percents, one decimal under 10 %; a chance that
    is not 0 or 1 is never written as one ("under 0.1%", "99.6%", "over 99.9%").

    >>> chance(0.153), chance(0.0002), chance(0.996), chance(0.99996), chance(0.0)
    ('15%', 'under 0.1%', '99.6%', 'over 99.9%', '0%')
    """
    if digits is None:
        digits = 1 if 0 < abs(value) < 0.1 else 0
    shown = percent(value, digits)
    if 0 < abs(value) < 1 and float(shown.rstrip("%")) in (0.0, 100.0):
        shown = percent(value, max(digits, 1))
        if float(shown.rstrip("%")) == 0.0:
            return f"under {percent(0.001, 1)}"
        if float(shown.rstrip("%")) == 100.0:
            return f"over {percent(0.999, 1)}"
    return shown


def size(claim: Claim, currency: str = "USD", *, compact: bool = False) -> str:
    """A claim's size without its sign, in its unit."""
    v = abs(claim.value)
    if claim.unit == "money":
        return money(v, currency, compact=compact)
    if claim.unit in ("chance", "share"):
        return chance(v)
    if claim.unit == "month":
        return month(v)
    return f"{v:,.0f}"


def margin(claim: Claim, currency: str = "USD") -> str:
    """The claim's margin of error as the page writes it: ``± USD 2,737`` (two standard errors);
    empty for an exact figure."""
    if not math.isfinite(claim.se) or claim.se == 0:
        return ""
    m = CLAIM_SE * claim.se
    if claim.unit == "money":
        return f"± {money(m, currency)}"
    if claim.unit in ("chance", "share"):
        return f"± {100 * m:.1f} points"
    return f"± {m:,.0f}"


def setting_words(name: str, value, currency: str = "USD") -> str:
    """A parameter's setting in words: ``55%``, ``USD 70,000/month``; a range in words."""
    from .formatting import value_in_words

    return (
        value_in_words(name, value, currency) if hasattr(value, "ppf") else param_value(name, value, currency)
    )


def sentence(text: str, claims, css: str = "", tag: str = "p", style: str = "") -> str:
    """An HTML sentence, escaped, carrying the keys of the claims it renders."""
    keys = " ".join(c.key if isinstance(c, Claim) else str(c) for c in claims)
    cls = f' class="{css}"' if css else ""
    st = f' style="{style}"' if style else ""
    return f'<{tag}{cls}{st} data-claims="{html.escape(keys)}">{html.escape(text)}</{tag}>'


def tail_words(c: Claim | None, currency: str = "USD") -> str:
    """What an action does to the worst-5 % average, ``; the worst-5 % average rises by USD 24,106
    (± USD 7,319)``, when that change is beyond its margin; empty otherwise."""
    if c is None or not c.significant or c.unit != "money":
        return ""
    verb = "rises" if c.direction == "higher" else "falls"
    return f"; the worst-5 % average {verb} by {size(c, currency)} ({margin(c, currency)})"
