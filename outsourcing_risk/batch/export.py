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

__all__ = ["PLOTLY_MIME", "export_html"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _figure_html(figure: dict, include_plotlyjs: bool, number: int) -> str:
    import plotly.io as pio

    return pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=include_plotlyjs,
        include_mathjax=False,
        div_id=f"figure-{number}-{uuid.uuid4().hex[:8]}",
        validate=False,
        config={"displaylogo": False, "responsive": True},
    )


def charts_to_html(nb: nbformat.NotebookNode) -> int:
    """Give every plotly JSON output an HTML form, plotly.js embedded in the first; returns the count."""
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PLOTLY_MIME in data:
                data["text/html"] = _figure_html(data[PLOTLY_MIME], count == 0, count)
                del data[PLOTLY_MIME]  # the HTML form replaces it: the page carries the data once
                count += 1
    return count


def export_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The executed report as one offline HTML page: code hidden, plotly.js embedded once."""
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
    body, _ = exporter.from_notebook_node(nb)
    return body
