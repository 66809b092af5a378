"""One row of a batch, run anywhere: execute the report notebook, check it, export it, and hand
back the files as bytes. Nothing is written outside a private temporary folder, so the caller (the
local pool today, a cluster tomorrow) decides where the files go.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..io.environment import SLOW_OPTIONAL_IMPORT
from ..workbook.papermill import SUMMARY_MIME

__all__ = ["KERNEL_ARGUMENTS", "RowResult", "execute_row", "failure_in_words"]

KERNEL_ARGUMENTS = [
    "--IPKernelApp.log_level=ERROR",  # quiet kernel start
    # No input history: a kept kernel starts each row's count at 1 again, and IPython's history
    # database then printed "ERROR! Session/line number was not unique" into the next report.
    "--HistoryManager.enabled=False",
    f"--IPKernelApp.exec_lines=[\"import sys; sys.modules['{SLOW_OPTIONAL_IMPORT}'] = None\"]",
]


@dataclass
class RowResult:
    """What one row produced: status, error, KPIs, and the files' contents by name."""

    status: str  # "ok" or "failed"
    error: str = ""
    summary: dict = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> contents
    report: str = ""
    notebook: str = ""
    images: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _summary_of(nb) -> dict | None:
    """The figures the report recorded for the batch: the summary, and what later cells add to
    it (the value of information), in the notebook's order. None when it recorded none."""
    found: dict | None = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if SUMMARY_MIME in out.get("data", {}):
                payload = out["data"][SUMMARY_MIME]
                found = {**(found or {}), **payload["summary"]}
                if "claims" in payload:
                    found["claims"] = payload["claims"]
    return found


def _complete(nb) -> bool:
    return all(c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip())


def failure_in_words(name: str, message: str) -> str:
    """An error's name and message for a failed row; an error raised with no message (a bare
    ``StopIteration``) says so rather than ending on a colon.

    >>> failure_in_words("StopIteration", "")
    'StopIteration (raised with no message: an internal error; please report it)'
    """
    message = (message or "").strip()
    if not message:
        return f"{name} (raised with no message: an internal error; please report it)"
    return f"{name}: {message}"


def execute_row(
    job, notebook: Path, timeout: float, images: str | None = None, tmp_dir=None, kernel=None
) -> RowResult:
    """Execute, check and export one row; never raises for a failure of the row itself.

    ``timeout`` is the most seconds any one cell may run (papermill counts whole seconds, so it is
    rounded up); the local pool also stops a row that runs longer than ``timeout`` in all.
    ``kernel`` (a :class:`~outsourcing_risk.batch.report_kernel.KernelKeeper`) runs the row in a kept
    kernel; without it the row gets a kernel of its own.
    """
    import nbformat

    start = time.perf_counter()
    if job.error:
        return RowResult("failed", f"ScenarioError: {job.error}")
    with tempfile.TemporaryDirectory(dir=tmp_dir, prefix="row-") as tmp:
        executed = Path(tmp) / f"{job.slug}.ipynb"
        error = _execute(job, notebook, executed, timeout, kernel)
        nb = nbformat.read(str(executed), as_version=4) if executed.exists() else None
        summary = _summary_of(nb) if nb is not None else None
        if not error and (nb is None or summary is None or not _complete(nb)):
            error = f"incomplete run: not every cell finished within the {timeout:g} s timeout"
        result = RowResult("failed" if error else "ok", error, summary or {})
        if nb is not None:  # the executed notebook, failed or not, is kept for diagnosis
            result.notebook = f"{job.slug}.ipynb"
            result.files[result.notebook] = executed.read_bytes()
        if not error:
            _export(result, nb, job, images)
    result.seconds = time.perf_counter() - start
    return result


def _execute(job, notebook: Path, executed: Path, timeout: float, kernel) -> str:
    """Run the report notebook with the row's parameters into ``executed``: the failure in words,
    or "" when every cell ran. A kept kernel that failed is discarded with whatever state it has."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if kernel is not None:
        from .report_kernel import ENGINE

        engine = dict(engine_name=ENGINE, km=kernel.acquire(str(notebook.parent)))
    else:
        engine = dict(extra_arguments=KERNEL_ARGUMENTS)
    error = ""
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=job.parameters,
            cwd=str(notebook.parent),
            execution_timeout=max(1, math.ceil(timeout)),
            # A kernel on a loaded machine (a cluster's workers and the batch's on two cores) can
            # take over papermill's 60 s to answer: up to three minutes, within the row's timeout.
            start_timeout=max(60, min(180, math.ceil(timeout))),
            progress_bar=False,
            kernel_name="python3",
            log_output=False,
            **engine,
        )
    except PapermillExecutionError as exc:
        error = failure_in_words(exc.ename, exc.evalue)
    except Exception as exc:  # noqa: BLE001 - a timeout or dead kernel: recorded, the batch goes on
        error = failure_in_words(type(exc).__name__, str(exc))
    if error and kernel is not None:
        kernel.discard()
    return error


def _export(result: RowResult, nb, job, images: str | None) -> None:
    """The report's HTML and, with ``images``, its key charts into ``result``; an image that
    cannot be drawn flags the row and keeps the report."""
    from .export import export_html

    result.report = f"{job.slug}.html"
    result.files[result.report] = export_html(nb, job.name).encode()
    if not images:
        return
    try:
        for name, data in chart_images(nb, job.slug, images).items():
            result.files[name] = data
            result.images.append(name)
    except Exception as exc:  # noqa: BLE001 - the report stands; the row is flagged
        message = " ".join(str(exc).split()) or "no message"
        result.status, result.error = "failed", f"images: {type(exc).__name__}: {message}"


#: The report notebook's cells whose first chart goes to ``--images``, by tag, and the file's suffix.
IMAGE_CELLS = {"chart-fan": "fan", "chart-npv": "npv"}


def chart_images(nb, slug: str, fmt: str) -> dict[str, bytes]:
    """The key charts as PNG or SVG for slide decks, drawn by kaleido (which drives the system
    chromium) from the figures the executed notebook ``nb`` holds: the report's own charts, not a
    second simulation."""
    import plotly.graph_objects as go

    from .export import PLOTLY_MIME

    figures = {}
    for cell in nb.cells:
        charts = [o["data"][PLOTLY_MIME] for o in cell.get("outputs", []) if PLOTLY_MIME in o.get("data", {})]
        for tag in cell.metadata.get("tags", []):
            if tag in IMAGE_CELLS and charts:
                figures[IMAGE_CELLS[tag]] = charts[0]
    missing = sorted(set(IMAGE_CELLS.values()) - set(figures))
    if missing:
        raise LookupError(f"the report notebook has no {' or '.join(missing)} chart to draw")
    return {
        f"{slug}-{kind}.{fmt}": go.Figure(figure).to_image(format=fmt, width=1100, height=600)
        for kind, figure in figures.items()
    }
