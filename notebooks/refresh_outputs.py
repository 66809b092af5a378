"""Re-execute every notebook and keep only the outputs nbval checks (``make notebooks``).

Notebooks are committed without outputs (readable diffs, no 5 MB plotly.js blobs), except the
cells marked ``# NBVAL_CHECK_OUTPUT``: their seeded KPI tables are what ``pytest --nbval-lax``
compares, so a change in the model's numbers shows up as a failing notebook cell. Run this after
an intentional change of the numbers, and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import papermill

HERE = Path(__file__).resolve().parent
CHECK = "NBVAL_CHECK_OUTPUT"


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop every output but the checked ones, execution counts and papermill's metadata."""
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        keep = CHECK in cell.source
        if not keep:  # nbval compares a cell's outputs only if it was run: keep the count there
            cell.execution_count = None
        cell.outputs = [o for o in cell.outputs if keep and o.output_type == "stream"]
        for out in cell.outputs:
            out.pop("execution_count", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    return nb


def refresh(path: Path) -> None:
    executed = papermill.execute_notebook(
        str(path), None, cwd=str(path.parent), execution_timeout=600, progress_bar=False
    )
    nbformat.write(strip(executed), str(path))
    print(f"refreshed {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    targets = [Path(p) for p in sys.argv[1:]] or sorted(HERE.glob("*/*.ipynb"))
    for target in targets:
        refresh(target.resolve())
