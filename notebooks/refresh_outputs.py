"""Re-execute every notebook and keep only the outputs nbval checks (``make notebooks``).

Notebooks are committed without outputs (readable diffs, no 5 MB plotly.js blobs), except the
cells marked ``# NBVAL_CHECK_OUTPUT`` (tagged ``keep_output`` for the nbstripout git filter): their seeded KPI tables are what ``pytest --nbval-lax``
compares, so a change in the model's numbers shows up as a failing notebook cell. Run this after
an intentional change of the numbers, and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import papermill

from outsourcing_risk.io.notebook_git import strip_for_git

HERE = Path(__file__).resolve().parent
CHECK = "NBVAL_CHECK_OUTPUT"


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What git stores: the checked cells' outputs (tagged keep_output), nothing else, exactly as
    the nbstripout git filter of ``make git-filter`` writes it, so the refreshed file is clean."""
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        if cell.cell_type == "code" and CHECK in cell.source:
            tags = cell.metadata.setdefault("tags", [])
            if "keep_output" not in tags:
                tags.append("keep_output")
            cell.outputs = [o for o in cell.outputs if o.output_type == "stream"]
    nb.metadata.pop("papermill", None)
    return strip_for_git(nb)


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
