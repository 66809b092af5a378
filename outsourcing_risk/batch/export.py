"""The executed report notebook as one offline HTML page.

Report notebooks store their charts as plotly JSON (``application/vnd.plotly.v1+json``), which
JupyterLab draws and which keeps the executed ``.ipynb`` small (no copy of plotly.js in it). The
export turns each chart into a ``<div>`` drawn by plotly.js, embedded once, in the first chart,
so the page needs no network.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import nbformat

from ..present.chart_text import chart_html
from ..present.page import head_html
from ..present.plotlyjs import declared_types, script_tag, trace_types

__all__ = ["PLOTLY_MIME", "export_html"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _figure_html(figure: dict, number: int) -> str:
    """A chart with its caption and its numbers (its text alternative)."""
    return chart_html(figure, f"figure-{number}-{uuid.uuid4().hex[:8]}")


def charts_to_html(nb: nbformat.NotebookNode) -> int:
    """Give every plotly JSON output an HTML form, with the smallest plotly.js that draws every
    trace type of the page (its charts', and what HTML outputs declare) embedded once, before the
    first chart; returns the number of charts."""
    outputs = [out for cell in nb.cells for out in cell.get("outputs", [])]
    charts = [out for out in outputs if PLOTLY_MIME in out.get("data", {})]
    types = trace_types(out["data"][PLOTLY_MIME] for out in charts)
    for out in outputs:
        types |= declared_types(str(out.get("data", {}).get("text/html", "")))
    for count, out in enumerate(charts):
        data = out["data"]
        script = script_tag(types) if count == 0 else ""
        data["text/html"] = script + _figure_html(data[PLOTLY_MIME], count)
        del data[PLOTLY_MIME]  # the HTML form replaces it: the page carries the data once
    return len(charts)


def export_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The executed report as one offline HTML page: code hidden, plotly.js embedded once, the
    page shell's head (:func:`~outsourcing_risk.present.page.head_html`) in its head."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.from_dict(nb)  # a copy: the executed notebook keeps its JSON charts
    nb.metadata["title"] = title  # nbconvert escapes it into <title>
    charts_to_html(nb)
    exporter = HTMLExporter(
        template_name="offline_report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"remove_cell"}, enabled=True), enabled=True
    )
    body, _ = exporter.from_notebook_node(nb, resources={"page_head": head_html()})
    return body
