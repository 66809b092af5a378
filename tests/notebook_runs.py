"""Running notebooks through papermill in tests: a small helper shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parent.parent
# The papermill notebooks (analysts and reports); notebooks/app/ holds the Voilà app, tested in a browser.
NOTEBOOKS = sorted(p for d in ("explore", "reports") for p in (ROOT / "notebooks" / d).glob("*.ipynb"))
REPORT = ROOT / "notebooks" / "reports" / "scenario_report.ipynb"


def run(path: Path, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    """Execute a notebook with parameters (always with a timeout) and return the executed copy."""
    out = out_dir / path.name
    papermill.execute_notebook(
        str(path),
        str(out),
        parameters=parameters,
        cwd=str(path.parent),
        execution_timeout=300,
        progress_bar=False,
        kernel_name="python3",
    )
    return nbformat.read(str(out), as_version=4)


def texts(nb: nbformat.NotebookNode, kinds=("stream", "text/plain", "text/html")) -> str:
    """The outputs of the given kinds, joined: streams, plain-text or HTML representations."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "stream" in kinds:
                parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts.extend(data.get(kind, "") for kind in kinds if kind != "stream")
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)
