"""``python -m outsourcing_risk.worker``: a worker process of the local pool.

It reads one pickled request (job, notebook, timeout, images, temporary folder) from standard
input, runs :func:`outsourcing_risk.report_row.execute_row` and writes the pickled
:class:`~outsourcing_risk.report_row.RowResult` to standard output. The pool starts it in a session
of its own, so a Ctrl-C at the terminal reaches the pool, which decides what stops, and not the
worker; its standard error (and its kernel's) goes to a log file, not to the user's terminal.
"""

from __future__ import annotations

import pickle
import sys


def main() -> int:
    sys.modules.setdefault("rfc3987_syntax", None)  # see report_row.SLOW_OPTIONAL_IMPORT
    request = pickle.load(sys.stdin.buffer)
    from .report_row import execute_row

    result = execute_row(**request)
    pickle.dump(result, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
