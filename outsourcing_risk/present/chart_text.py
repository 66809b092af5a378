"""A chart's text alternative: what a screen reader, a printout without colour or a reader who
wants the numbers gets instead of the picture.

:func:`chart_html` writes a chart as a ``<figure>``: the plotly drawing (the figure named by its
title), a caption that says what it shows (the finding its section already wrote, carried in
the figure's ``layout.meta.caption``; else its title, subtitle and marks), and its numbers as a
table in a closed ``<details>``, read from the figure's own traces (nothing computed here).
"""

from __future__ import annotations

import base64
import html
import re
from typing import Any

import numpy as np

from .formatting import money, percent
from .plotlyjs import chart_div
from .tables import Column, rows_html, table_box

__all__ = ["caption_of", "chart_html", "figure_rows", "plain"]

#: The most rows a chart's table shows; a longer series is shown at evenly spaced points.
MAX_ROWS = 80

_TAG = re.compile(r"<[^>]*>")


def plain(text) -> str:
    """Plotly text as plain words: tags dropped (a ``<br>`` is a space), entities read."""
    return " ".join(html.unescape(_TAG.sub(" ", str(text or ""))).split())


def _as_dict(figure) -> dict:
    return figure if isinstance(figure, dict) else figure.to_plotly_json()


def caption_of(figure: dict) -> str:
    """What the chart shows in words: ``layout.meta.caption`` when its section set one (a finding
    from the section's claims), else its title, its subtitle and the labels of its marks."""
    layout = figure.get("layout", {})
    meta = layout.get("meta")
    if isinstance(meta, dict) and meta.get("caption"):
        return str(meta["caption"])
    title = layout.get("title", {})
    title = title if isinstance(title, dict) else {"text": title}
    parts = [plain(title.get("text")), plain((title.get("subtitle") or {}).get("text"))]
    # the labels of its marks that carry a figure ("break-even: month 32", "everything: USD 35,672")
    parts += [
        plain(a["text"]) for a in layout.get("annotations", []) if re.search(r"\d", str(a.get("text") or ""))
    ]
    return ". ".join(p.rstrip(".") for p in parts if p) + "." if any(parts) else ""


def _axis(layout: dict, ref: str | None, letter: str) -> dict:
    name = letter + "axis" + (ref[1:] if ref and len(ref) > 1 else "")
    return layout.get(name) or {}


def _writer(axis: dict):
    """How the numbers of an axis are written: money for a currency axis, percentages for
    chances, else three significant digits."""
    prefix = html.unescape(str(axis.get("tickprefix") or "")).strip()
    if "%" in str(axis.get("tickformat") or ""):
        return lambda v: percent(v)
    if prefix:
        return lambda v: money(v, prefix)
    return lambda v: f"{v:,.3g}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else plain(v)


def _title(axis: dict, default: str) -> str:
    title = axis.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return plain(text) or default


def _values(value) -> list:
    """A trace's array as a list, however plotly holds it: a list, a numpy array, or the typed
    array of a figure's JSON (``{"dtype": "f8", "bdata": base64}``)."""
    if value is None:
        return []
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if value.get("shape"):
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return list(value) if isinstance(value, list | tuple) else [value]


def _series(trace: dict) -> list[tuple[str, list, list]]:
    """A trace's (name, categories or x, values); a band (one closed outline) as its two edges."""
    name = plain(trace.get("name")) or "values"
    flat = trace.get("orientation") == "h"
    x, y = _values(trace.get("y" if flat else "x")), _values(trace.get("x" if flat else "y"))
    if not x or len(x) != len(y):
        return []
    base = trace.get("base")
    if isinstance(base, int | float):
        y = [base + v for v in y]
    if trace.get("fill") == "toself" and len(x) % 2 == 0:
        n = len(x) // 2
        return [(f"{name}, top", x[:n], y[:n]), (f"{name}, bottom", x[:n], y[n:][::-1])]
    out = [(name, x, y)]
    bars = trace.get("error_y" if not flat else "error_x") or {}
    error, below = _values(bars.get("array")), _values(bars.get("arrayminus"))
    if error and below and len(error) == len(below) == len(y) and not bars.get("symmetric", False):
        # Whiskers of two lengths (a 5th to 95th percentile range): each end as it is drawn.
        out.append((f"{name}, whisker above", x, error))
        out.append((f"{name}, whisker below", x, below))
    elif error and len(error) == len(y):
        out.append((f"{name}, margin (±)", x, error))
    return out


def figure_rows(figure) -> tuple[list[Column], list[list[Any]]]:
    """The chart's numbers as a table: one row per point, one column per series when the series
    share their points (the fan's months), else one row per series and point."""
    fig = _as_dict(figure)
    layout = fig.get("layout", {})
    found = []
    for trace in fig.get("data", []):
        flat = trace.get("orientation") == "h"
        key_axis = _axis(layout, trace.get("yaxis" if flat else "xaxis"), "y" if flat else "x")
        value_axis = _axis(layout, trace.get("xaxis" if flat else "yaxis"), "x" if flat else "y")
        found += [(s, key_axis, value_axis) for s in _series(trace)]
    if not found:
        return [], []
    key_axis, value_axis = found[0][1], found[0][2]
    key = _writer(key_axis)
    shared = all(list(s[1]) == list(found[0][0][1]) for s, _, _ in found)
    if shared:
        columns = [Column(_title(key_axis, "Point"))] + [Column(s[0], numeric=True) for s, _, _ in found]
        points = found[0][0][1]
        rows = [[key(points[i])] + [_writer(va)(s[2][i]) for s, _, va in found] for i in _spaced(len(points))]
        return columns, rows
    columns = [
        Column("Series"),
        Column(_title(key_axis, "Point")),
        Column(_title(value_axis, "Value"), numeric=True),
    ]
    rows = [
        [name, _writer(ka)(xs[i]), _writer(va)(ys[i])]
        for (name, xs, ys), ka, va in found
        for i in _spaced(len(xs))
    ]
    return columns, rows


def _spaced(n: int) -> list[int]:
    """At most :data:`MAX_ROWS` indices spread evenly over ``n`` points, the first and last kept."""
    if n <= MAX_ROWS:
        return list(range(n))
    step = (n - 1) / (MAX_ROWS - 1)
    return sorted({round(i * step) for i in range(MAX_ROWS)})


def chart_html(figure, div_id: str, caption: str | None = None) -> str:
    """A chart as a ``<figure>`` with its caption and its numbers (see the module's docstring)."""
    fig = _as_dict(figure)
    title = fig.get("layout", {}).get("title", {})
    name = plain(title.get("text") if isinstance(title, dict) else title) or "Chart"
    words = caption if caption is not None else caption_of(fig)
    columns, rows = figure_rows(fig)
    table = ""
    if rows:
        table = (
            '<details class="or-chart-data"><summary>The chart\'s numbers</summary>'
            + table_box(rows_html(columns, rows, "or-chart-table"), f"The numbers of: {name}")
            + "</details>"
        )
    return (
        # The figure is named by its title and described by its caption; plotly's drawing inside
        # it is the picture, its numbers the table below.
        f'<figure class="or-figure" aria-label="{html.escape(name)}"><div class="or-chart">'
        f"{chart_div(figure, div_id)}</div>"
        + (f"<figcaption>{html.escape(words)}</figcaption>" if words else "")
        + f"{table}</figure>"
    )
