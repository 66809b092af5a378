"""A report kernel kept for the next row: a worker of the local pool starts one kernel and runs row
after row in it, so the kernel's start and its imports (about 2 s of a report's 5 s) are paid once.

Each row still starts from a clean namespace (``%reset -f``: no variable of one report is seen by
the next, and cells are numbered from 1) and the numbers do not depend on it: every simulation is seeded by its row. The kernel
is replaced after a row that failed (whatever state the failure left goes with it) and after
:data:`ROWS_PER_KERNEL` rows (so that nothing a kernel accumulates grows without bound).
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

__all__ = ["ENGINE", "ROWS_PER_KERNEL", "KernelKeeper"]

ROWS_PER_KERNEL = 25
ENGINE = "outsourcing-risk-kept-kernel"
#: Before each row: an empty namespace, and cells numbered from 1 as in a new kernel.
_CLEAN = "%reset -f\nget_ipython().execution_count = 1"


class _KeptKernelEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel it is given (``km``), which it leaves running; only
    the connection it opened is closed."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        km=None,
        **kwargs,
    ):
        client = PapermillNotebookClient(
            nb_man,
            km=km,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


papermill_engines.register(ENGINE, _KeptKernelEngine)


class KernelKeeper:
    """The kernel of one worker; :meth:`acquire` before each row, :meth:`discard` after a failure."""

    def __init__(self, arguments: list[str], rows_per_kernel: int = ROWS_PER_KERNEL):
        self.arguments = arguments
        self.rows_per_kernel = rows_per_kernel
        self.km: Any = None  # a jupyter_client AsyncKernelManager while a kernel is kept
        self.cwd: str | None = None
        self.rows = 0

    def acquire(self, cwd: str):
        """A running kernel with an empty namespace, started in ``cwd``."""
        from jupyter_core.utils import run_sync

        alive = self.km is not None and run_sync(self.km.is_alive)()
        if not alive or self.cwd != cwd or self.rows >= self.rows_per_kernel:
            self.discard()
            from jupyter_client.manager import AsyncKernelManager
            from jupyter_core.paths import jupyter_runtime_dir

            # The connection file (it holds the kernel's message key) goes into the runtime folder,
            # which the pool points into its own temporary folder: never loose in /tmp.
            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.km = AsyncKernelManager(
                kernel_name="python3", connection_file=str(runtime / f"kernel-{uuid.uuid4().hex}.json")
            )
            run_sync(self.km.start_kernel)(extra_arguments=self.arguments, cwd=cwd)
            self.cwd, self.rows = cwd, 0
        elif self.rows:
            client = self.km.client()
            client.start_channels()
            try:
                reply = run_sync(client.execute_interactive)(_CLEAN, timeout=60, store_history=False)
            finally:
                client.stop_channels()
            if reply["content"]["status"] != "ok":  # cannot be cleaned: start afresh
                self.discard()
                return self.acquire(cwd)
        self.rows += 1
        return self.km

    def discard(self) -> None:
        """Shut the kernel down (a new one starts at the next :meth:`acquire`)."""
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = None
