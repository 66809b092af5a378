"""Charts that follow a slider: plotly figures as plain JSON in one light widget.

plotly's ``FigureWidget`` answers every update with a diff of the whole figure computed in the
browser and sent back to the kernel; in Chromium that cost ~90 ms per chart on top of plotly's own
~25 ms redraw. :class:`LiveCharts` only sends the figures down: its view draws the newest figures
with ``Plotly.react`` once per animation frame, so updates that arrive while a frame is pending
are never drawn. Several charts live in one widget, so they redraw in the same frame.

The figures are the ones :mod:`outsourcing_risk.plots` builds, as plotly JSON; :func:`patched`
returns a copy with a few values replaced, which is how a caller moves a trace or a marker without
rebuilding the figure (building one with plotly's Python classes takes 30–65 ms).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import anywidget
import plotly
import plotly.graph_objects as go
import traitlets

__all__ = ["LiveCharts", "patched", "plain"]

#: Shown by every chart: no plotly logo, no link to plotly's cloud.
CONFIG = {"displaylogo": False}


@lru_cache(maxsize=1)
def _module() -> str:
    """The view's ES module: plotly.js (the copy the plotly package ships, unless the page has
    one already) followed by the view."""
    plotly_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()
    view = files("outsourcing_risk").joinpath("static", "live_charts.js").read_text()
    return f"if (!globalThis.Plotly) {{\n{plotly_js}\n}}\n{view}"


def plain(figure: go.Figure) -> dict:
    """A figure as plain JSON types (lists, not numpy arrays), with the widget's chart config."""
    return {**json.loads(figure.to_json(validate=False)), "config": CONFIG}


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
            child = node[key]
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
    figures = traitlets.List().tag(sync=True)

    def __init__(self, figures: list[go.Figure], **kwargs):
        super().__init__(_esm=_module(), figures=[plain(f) for f in figures], **kwargs)
