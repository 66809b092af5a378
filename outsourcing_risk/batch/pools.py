"""The contract of a row pool: what the batch runner needs from wherever rows run.

Two pools implement it: :class:`~outsourcing_risk.batch.local_pool.LocalPool` (worker processes on
this machine) and :class:`~outsourcing_risk.batch.dask_pool.DaskPool` (tasks on a dask cluster).
A new place to run rows (a job queue, a cloud service) is a class with these two methods; the
runner needs nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from .report_row import RowResult

__all__ = ["RowPool"]


@runtime_checkable
class RowPool(Protocol):
    """Runs batch rows and reports each as it ends.

    - ``run(items, on_done)`` runs every ``(job, request)`` of ``items`` (``request`` holds the
      row's notebook, timeout and image format) and calls ``on_done(job, result)`` with a
      :class:`~outsourcing_risk.batch.report_row.RowResult` as each row ends, from the calling
      thread. A row that cannot finish (a dead worker, a timeout, a lost cluster) is a failed
      result with its reason, never an exception. Ctrl-C or SIGTERM stops the run within seconds:
      ``run`` returns that signal's number, and the rows not finished are not passed to
      ``on_done``; otherwise it returns None.
    - ``close()`` releases what the pool holds (kept workers, a cluster it started); calling it
      twice is harmless.
    """

    def run(self, items: list[tuple[Any, dict]], on_done: Callable[[Any, RowResult], None]) -> int | None: ...

    def close(self) -> None: ...
