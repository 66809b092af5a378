"""The colours of every page and chart, defined once.

Python code imports the names; a page carries them as CSS custom properties (:func:`css_variables`,
``--or-loss`` and so on), which its stylesheets use and its JavaScript reads from the page
(``getComputedStyle(element).getPropertyValue('--or-loss')``): no second copy of a colour.

Text colours are chosen for contrast: ``NOTE`` on the cards' ``PANEL`` is 5.5:1, above the 4.5:1
that WCAG 2.1 AA asks of text; ``MUTED`` (3.2:1 there) is for lines and marks only, never text.

>>> css_variables().startswith(":root{--or-ink:#2c3e50;")
True
>>> band(0.25)
'rgba(46,134,222,0.25)'
"""

from __future__ import annotations

__all__ = [
    "ACCENT",
    "COLOURS",
    "GAIN",
    "GOOD",
    "GRID",
    "INK",
    "LINE",
    "LOSS",
    "MUTED",
    "NOTE",
    "PANEL",
    "PANEL_LIGHT",
    "PURPLE",
    "band",
    "css_variables",
]

#: Text, and the lines that mark a figure (mean, break-even) on a chart.
INK = "#2c3e50"
#: Secondary text: notes, labels above a card's figure, captions (5.5:1 on PANEL).
NOTE = "#566573"
#: A loss, an error, a missing agreement.
LOSS = "#c0392b"
#: A saving; the main series of a chart; focus rings.
GAIN = "#2e86de"
#: A second series (the mean beside the median); "at the edge" of the appetite.
ACCENT = "#e67e22"
#: "Within the appetite".
GOOD = "#27ae60"
#: A fourth series.
PURPLE = "#8e44ad"
#: Lines and marks of less weight (the zero line); never text.
MUTED = "#7f8c8d"
#: A chart's grid, a table's rules.
GRID = "#ecf0f1"
#: Axis lines and zero lines.
LINE = "#bdc3c7"
#: The cards' and table headings' background.
PANEL = "#f4f6f8"
#: A lighter background (the verdict's box).
PANEL_LIGHT = "#f8f9fa"

#: Every colour by the name a page's CSS and JavaScript use (``--or-<name>``).
COLOURS = {
    "ink": INK,
    "note": NOTE,
    "loss": LOSS,
    "gain": GAIN,
    "accent": ACCENT,
    "good": GOOD,
    "purple": PURPLE,
    "muted": MUTED,
    "grid": GRID,
    "line": LINE,
    "panel": PANEL,
    "panel-light": PANEL_LIGHT,
}


def band(alpha: float, colour: str = GAIN) -> str:
    """``colour`` (``#rrggbb``) with opacity ``alpha``, as plotly and CSS take it: a fan's band."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


def css_variables(selector: str = ":root") -> str:
    """The palette as CSS custom properties on ``selector``: ``--or-ink``, ``--or-loss``…"""
    return selector + "{" + "".join(f"--or-{name}:{value};" for name, value in COLOURS.items()) + "}"
