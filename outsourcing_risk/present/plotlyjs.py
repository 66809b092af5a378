"""Which plotly.js a page embeds: the smallest bundle that holds every trace type it draws.

A shared report carries plotly.js so that it opens offline. plotly.py's full plotly.js is 4.8 MB;
the charts of a report draw scatter and bar traces only, which plotly.js's *basic* bundle (1.2 MB)
holds. The bundles ship in ``static/plotly/`` with their MIT licence (see its README): plotly.js
4.1.1, the version plotly.py 7.1 writes figures for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

__all__ = [
    "BUNDLES",
    "BUNDLE_VERSION",
    "DECLARED",
    "bundle_for",
    "chart_div",
    "declared_types",
    "plotlyjs_for",
    "script_tag",
    "trace_types",
]

#: How HTML that draws with plotly.js by itself (the what-if section) declares the trace types it
#: draws, so that the page's bundle holds them: ``data-plotly-traces="bar scatter"``.
DECLARED = re.compile(r'data-plotly-traces="([a-z0-9 ]*)"')

#: The plotly.js version of the shipped bundles; plotly.py must write figures for the same one.
BUNDLE_VERSION = "4.1.1"

#: The partial bundles, smallest first: (name, the trace types it holds, file in static/plotly/).
_BASIC = frozenset({"bar", "pie", "scatter"})
_CARTESIAN = _BASIC | {
    "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image",
    "scatterternary", "violin",
}  # fmt: skip
BUNDLES = (
    ("basic", _BASIC, f"plotly-basic-{BUNDLE_VERSION}.min.js"),
    ("cartesian", frozenset(_CARTESIAN), f"plotly-cartesian-{BUNDLE_VERSION}.min.js"),
)


def trace_types(figures: Iterable[dict]) -> set[str]:
    """The trace types that plotly JSON figures draw (a trace without ``type`` is a scatter)."""
    return {trace.get("type", "scatter") for figure in figures for trace in figure.get("data", [])}


def declared_types(html: str) -> set[str]:
    """The trace types an HTML fragment declares it draws (see :data:`DECLARED`)."""
    return {t for match in DECLARED.finditer(html) for t in match.group(1).split()}


def chart_div(figure, div_id: str) -> str:
    """One chart as an element of an offline page that embeds plotly.js once (:func:`script_tag`):
    no plotly.js or MathJax of its own, no logo, resizing with the page. ``figure`` is a
    ``go.Figure`` or its JSON (not validated again)."""
    import plotly.io as pio

    return pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        validate=False,
        config={"displaylogo": False, "responsive": True},
    )


def script_tag(types: Iterable[str]) -> str:
    """The ``<script>`` elements that load the smallest plotly.js for ``types``, offline."""
    return (
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
        f"<script>{plotlyjs_for(types)}</script>"
    )


def bundle_for(types: Iterable[str]) -> str:
    """The name of the smallest bundle that holds ``types``: "basic", "cartesian", or "full"."""
    wanted = set(types)
    return next((name for name, holds, _file in BUNDLES if wanted <= holds), "full")


def plotlyjs_for(types: Iterable[str]) -> str:
    """The script of the smallest plotly.js that draws every type of ``types``. Its version equals
    the one plotly.py writes figures for, or the full plotly.js is used."""
    return _script(bundle_for(types))


@cache
def _script(name: str) -> str:
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if name == "full" or get_plotlyjs_version() != BUNDLE_VERSION:
        return get_plotlyjs()
    file = next(file for bundle, _holds, file in BUNDLES if bundle == name)
    return files("outsourcing_risk.present").joinpath("static", "plotly", file).read_text(encoding="utf-8")
