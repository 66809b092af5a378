"""What the package reads from the process environment, each variable read in one place.

- ``TQDM_DISABLE``: tqdm's own switch for progress bars (``1``, ``true``, ``yes`` or another word for yes
  turn them off).
- ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``: a process's share of the
  cores for numerical libraries; the batch sets them for its workers, the app for its kernels.
"""

from __future__ import annotations

import os
import sys

__all__ = [
    "SLOW_OPTIONAL_IMPORT",
    "THREAD_VARIABLES",
    "core_share",
    "progress_disabled",
    "skip_slow_optional_import",
]

#: The variables that cap a process's numerical threads (OpenMP, OpenBLAS, MKL).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


#: jsonschema imports this optional IRI-format checker when it is installed (JupyterLab pulls it
#: in); nbformat, via plotly, then spends 1–2.5 s on it in every worker and kernel, and notebooks
#: never use the format. The command, report kernels and workers mark it as absent.
SLOW_OPTIONAL_IMPORT = "rfc3987_syntax"


def skip_slow_optional_import() -> None:
    """Mark :data:`SLOW_OPTIONAL_IMPORT` as absent in this process (unless it is loaded already)."""
    sys.modules.setdefault(SLOW_OPTIONAL_IMPORT, None)  # type: ignore[arg-type]


def progress_disabled() -> bool:
    """``TQDM_DISABLE`` says progress bars are off (tqdm's convention: 1, true or yes; read by the
    one vocabulary of yes and no, :func:`~outsourcing_risk.io.rows.yes_no`)."""
    from .rows import yes_no

    return yes_no(os.environ.get("TQDM_DISABLE", "")) is True


def core_share() -> int:
    """How many threads this process may use: ``OMP_NUM_THREADS`` when set to a positive whole
    number (the batch's workers get their share that way), else the machine's cores."""
    share = os.environ.get("OMP_NUM_THREADS", "")
    return int(share) if share.isdigit() and int(share) > 0 else os.cpu_count() or 1
