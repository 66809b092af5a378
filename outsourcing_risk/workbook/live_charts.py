"""Charts that follow a slider: plotly figures as plain JSON in one light widget.

plotly's ``FigureWidget`` answers every update with a diff of the whole figure computed in the
browser and sent back to the kernel; in Chromium that cost ~90 ms per chart on top of plotly's own
~25 ms redraw. :class:`LiveCharts` only sends the figures down: its view draws the newest figures
with ``Plotly.react`` once per animation frame, so updates that arrive while a frame is pending
are never drawn. Several charts live in one widget, so they redraw in the same frame.

The figures are the ones :mod:`outsourcing_risk.present.plots` builds, as plotly JSON; :func:`patched`
returns a copy with a few values replaced, which is how a caller moves a trace or a marker without
rebuilding the figure (building one with plotly's Python classes takes 30–65 ms). :func:`stacked`
makes two charts the two panels of one figure, which the browser redraws in two thirds of the time.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import anywidget
import plotly
import plotly.graph_objects as go
import traitlets

from ..present.plots import MUTED

__all__ = ["PANEL_TITLES", "LiveCharts", "named", "patched", "plain", "stacked"]

#: Shown by every chart: no plotly logo, no link to plotly's cloud.
CONFIG = {"displaylogo": False}


@lru_cache(maxsize=1)
def _module() -> str:
    """The view's ES module (a few kB: anywidget gives a model two seconds to load its module,
    and 4.6 MB of plotly.js parsed inside it took longer on a loaded machine)."""
    return files("outsourcing_risk.workbook").joinpath("static", "live_charts.js").read_text()


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    """plotly.js, the copy the plotly package ships: the view runs it once per page, as a
    script, when the page has no Plotly yet."""
    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()


def plain(figure: go.Figure) -> dict:
    """A figure as plain JSON types (lists, not numpy arrays), with the widget's chart config."""
    return {**json.loads(figure.to_json(validate=False)), "config": CONFIG}


#: Fixed margins of a stacked figure (px): room for the money ticks and the axis titles.
_LEFT, _RIGHT, _BELOW = 110, 30, 70


def stacked(top: go.Figure, bottom: go.Figure) -> go.Figure:
    """``top`` above ``bottom`` as the two panels of one figure, each as tall as it was.

    In the browser plotly redraws one figure in about two thirds of the time two take (each
    redraw has a fixed cost), and a legend is laid out again on every redraw: each panel's title
    carries its keys instead (coloured marks before the traces' names), with the chart's subtitle
    under them. Shapes and annotations stay with their panel. Margins are fixed: automargin would
    have plotly lay the figure out twice whenever a tick label changes width.

    The result has ``top``'s traces, shapes and annotations first, then ``bottom``'s, then the two
    panel titles (named :data:`PANEL_TITLES`); a caller patches them by name (see
    :func:`named`).
    """
    a, b = top.to_dict(), bottom.to_dict()
    la, lb = a["layout"], b["layout"]
    h1, h2 = la["height"], lb["height"]
    t1, t2 = la.get("margin", {}).get("t", 80), lb.get("margin", {}).get("t", 80)
    inner = h1 + h2 - t1 - _BELOW

    def domain(top_px: float, bottom_px: float) -> list[float]:  # pixels from the figure's top
        return [1 - (bottom_px - t1) / inner, 1 - (top_px - t1) / inner]

    upper, lower = domain(t1, h1 - _BELOW), domain(h1 + t2, h1 + h2 - _BELOW)
    fixed = {"automargin": False}
    layout = {
        **{k: v for k, v in lb.items() if k not in ("title", "height", "margin", "shapes", "annotations")},
        **{k: v for k, v in la.items() if k not in ("title", "height", "margin", "shapes", "annotations")},
        "height": h1 + h2,
        "margin": {"l": _LEFT, "r": _RIGHT, "t": t1, "b": _BELOW},
        "showlegend": False,
        "xaxis": {**la.get("xaxis", {}), "anchor": "y", **fixed},
        "yaxis": {**la.get("yaxis", {}), "domain": upper, **fixed},
        "xaxis2": {**lb.get("xaxis", {}), "anchor": "y2", **fixed},
        "yaxis2": {**lb.get("yaxis", {}), "domain": lower, **fixed},
        "shapes": [
            *(_in_panel(s, 1) for s in la.get("shapes", [])),
            *(_in_panel(s, 2) for s in lb.get("shapes", [])),
        ],
        "annotations": [
            *(_in_panel(n, 1) for n in la.get("annotations", [])),
            *(_in_panel(n, 2) for n in lb.get("annotations", [])),
            _panel_title(la, a["data"], upper[1], PANEL_TITLES[0]),
            _panel_title(lb, b["data"], lower[1], PANEL_TITLES[1]),
        ],
    }
    data = [*a["data"], *({**t, "xaxis": "x2", "yaxis": "y2"} for t in b["data"])]
    return go.Figure(data=data, layout=layout)


def _in_panel(item: dict, panel: int) -> dict:
    """A shape or annotation of one chart, placed in its panel (``paper`` meant the whole chart)."""
    suffix = "" if panel == 1 else str(panel)
    refs = {
        "x": f"x{suffix}",
        "y": f"y{suffix}",
        "x domain": f"x{suffix} domain",
        "y domain": f"y{suffix} domain",
    }
    return {
        **item,
        "xref": refs.get(item.get("xref", "x"), f"x{suffix} domain"),
        "yref": refs.get(item.get("yref", "y"), f"y{suffix} domain"),
    }


def _key(trace: dict) -> str:
    """A coloured mark and the trace's name, as a legend shows it."""
    if trace.get("fill") or trace.get("type") == "bar":
        color = trace.get("fillcolor") or trace.get("marker", {}).get("color", MUTED)
        mark = "■"
    else:
        color = trace.get("line", {}).get("color", MUTED)
        mark = "╍" if trace.get("line", {}).get("dash") else "━"
    return f'<span style="color:{color}">{mark}</span> {html.escape(trace["name"], quote=False)}'


#: The names of the two panel titles' annotations in :func:`stacked`, top then bottom.
PANEL_TITLES = ("panel-title-1", "panel-title-2")


def _panel_title(layout: dict, data: list[dict], top: float, name: str) -> dict:
    """The chart's title, its legend as keys and its subtitle, above its panel's top edge."""
    title = layout.get("title", {})
    keys = "   ".join(_key(t) for t in data if t.get("name") and t.get("showlegend") is not False)
    lines = [title.get("text", ""), f'<span style="font-size:13px">{keys}</span>']
    if title.get("subtitle", {}).get("text"):
        lines.append(f'<span style="font-size:12px;color:{MUTED}">{title["subtitle"]["text"]}</span>')
    return {
        "name": name,
        "text": "<br>".join(lines),
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "xshift": 12 - _LEFT,  # from near the figure's left edge, where plotly puts a title
        "y": top,
        "yshift": 12,
        "xanchor": "left",
        "yanchor": "bottom",
        "align": "left",
        "showarrow": False,
        "font": {"size": 17},
    }


def named(figure: dict) -> dict[str, dict[str, int]]:
    """Where each named trace, shape and annotation of a figure's JSON is:
    ``{"data": {name: index}, "shapes": {...}, "annotations": {...}}``, the paths :func:`patched`
    takes, so that a caller never counts positions."""
    layout = figure.get("layout", {})
    return {
        kind: {item["name"]: i for i, item in enumerate(items) if item.get("name")}
        for kind, items in (
            ("data", figure.get("data", [])),
            ("shapes", layout.get("shapes", [])),
            ("annotations", layout.get("annotations", [])),
        )
    }


def patched(figure: dict, changes: dict[tuple, object]) -> dict:
    """A copy of ``figure`` with the value at each path replaced, e.g.
    ``{("data", 4, "y"): [...], ("layout", "title", "text"): "…"}``.

    Only the containers along each path are copied, so a patch costs microseconds and the widget
    sees a new value (traitlets sends a change only when the value differs from the old one).
    """
    root = dict(figure)
    for path, value in changes.items():
        node = root
        for key in path[:-1]:
            child: Any = node[key]
            child = list(child) if isinstance(child, list) else dict(child)
            node[key] = child
            node = child
        node[path[-1]] = value
    return root


class LiveCharts(anywidget.AnyWidget):
    """One or more plotly charts, stacked, redrawn from :attr:`figures` whenever it changes.

    ``LiveCharts([fig_a, fig_b])`` takes ``go.Figure`` objects; assign plain figures (see
    :func:`plain`, :func:`patched`) to :attr:`figures` to redraw.
    """

    _esm = traitlets.Unicode().tag(sync=True)
    _plotly_js = traitlets.Unicode().tag(sync=True)
    figures: Any = traitlets.List().tag(sync=True)

    def __init__(self, figures: list[go.Figure], **kwargs):
        super().__init__(
            _esm=_module(), _plotly_js=_plotly_js(), figures=[plain(f) for f in figures], **kwargs
        )
