"""``python -m outsourcing_risk.worker``: a worker process of the local pool.

It reads one pickled request (job, notebook, timeout, images, temporary folder) from standard
input, runs :func:`outsourcing_risk.report_row.execute_row` and writes the pickled
:class:`~outsourcing_risk.report_row.RowResult` to standard output. The pool starts it in a session
of its own, so a Ctrl-C at the terminal reaches the pool, which decides what stops, and not the
worker; its standard error (and its kernel's) goes to a log file, not to the user's terminal.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys


def _die_with_parent() -> None:
    """Under a dask worker (which may be killed outright), ask Linux to kill this process when its
    parent dies; its kernel notices the orphaning itself and exits."""
    parent = os.environ.get("OUTSOURCING_RISK_PARENT_PID")
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != int(parent):  # the parent was gone before the request took effect
        os._exit(1)


def main() -> int:
    _die_with_parent()
    sys.modules.setdefault("rfc3987_syntax", None)  # see report_row.SLOW_OPTIONAL_IMPORT
    request = pickle.load(sys.stdin.buffer)
    from .report_row import execute_row

    result = execute_row(**request)
    pickle.dump(result, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
