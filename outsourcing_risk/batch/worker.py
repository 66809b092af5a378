"""``python -m outsourcing_risk.batch.worker``: a worker process of the local pool.

It reads pickled requests (job, notebook, timeout, images, temporary folder) from standard input,
each framed by its length (:func:`frame`), runs
:func:`outsourcing_risk.batch.report_row.execute_row` for each (in one kept kernel) and writes the pickled
:class:`~outsourcing_risk.batch.report_row.RowResult`, framed the same way, to standard output; it
ends at the end of its input. The pool starts it in a session
of its own, so a Ctrl-C at the terminal reaches the pool, which decides what stops, and not the
worker; its standard error (and its kernel's) goes to a log file, not to the user's terminal.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the pool's process dies (even by SIGKILL: a batch or a
    dask worker killed outright); its kernel notices the orphaning itself within a second and exits."""
    parent = os.environ.get("OUTSOURCING_RISK_PARENT_PID", "")
    if parent.isdigit():
        from ..io.processes import die_with_parent

        die_with_parent(signal.SIGKILL, int(parent))


#: Every message between the pool and a worker is its length in this many bytes (big-endian),
#: then the pickled payload.
HEADER = 8


def frame(payload: bytes) -> bytes:
    """``payload`` as one message: its length, then itself."""
    return len(payload).to_bytes(HEADER, "big") + payload


def unframe(buffer: bytes | bytearray) -> tuple[bytes, int] | None:
    """The first whole message in ``buffer`` and how many bytes it took, or None while it is
    still arriving."""
    if len(buffer) < HEADER:
        return None
    end = HEADER + int.from_bytes(buffer[:HEADER], "big")
    return (bytes(buffer[HEADER:end]), end) if len(buffer) >= end else None


def _read_message(stream) -> bytes | None:
    header = stream.read(HEADER)
    if len(header) < HEADER:
        return None
    size = int.from_bytes(header, "big")
    payload = stream.read(size)
    return payload if len(payload) == size else None


def main() -> int:
    _die_with_parent()
    from ..io.environment import skip_slow_optional_import

    skip_slow_optional_import()
    from .report_kernel import KernelKeeper
    from .report_row import KERNEL_ARGUMENTS, execute_row

    kernel = KernelKeeper(KERNEL_ARGUMENTS)  # one kernel for row after row (see report_kernel)
    while (message := _read_message(sys.stdin.buffer)) is not None:
        request = pickle.loads(message)
        print(f"== row {request['job'].row}", file=sys.stderr, flush=True)  # for the pool's log
        answer = pickle.dumps(execute_row(**request, kernel=kernel), protocol=pickle.HIGHEST_PROTOCOL)
        sys.stdout.buffer.write(frame(answer))
        sys.stdout.buffer.flush()
    kernel.discard()
    return 0


if __name__ == "__main__":
    sys.exit(main())
