"""The dask pool: batch rows as tasks on a dask.distributed cluster.

``--scheduler local`` starts a ``LocalCluster`` on this machine (one single-threaded worker process
per ``--workers``, default the cores); ``--scheduler tcp://host:8786`` uses a running cluster, on
this machine or others. Each row is one task, :func:`run_row`, which

- runs the report notebook of the worker's *installed* package (no repository checkout, no shared
  file system: only a temporary folder on the worker is used);
- runs it in a process of its own through the local pool, so the row's ``--timeout``, a crashed
  kernel and the clean-up of the kernel work exactly as on one machine (and, as there, the process
  and its kernel are kept for the worker's next row);
- returns the files as bytes with the KPIs; the client writes ``--out`` as usual (atomic, indexed).

A dask worker that dies mid-row takes its row's process with it (Linux), and the scheduler gives
the row to another worker (up to ``distributed.scheduler.allowed-failures`` times, 3 by default);
a row that still cannot finish is recorded as failed with the reason, and the batch goes on.
Ctrl-C or SIGTERM cancels the rows not started, stops the running ones on every worker, and the
batch writes its index and summary as with the local pool.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..io.errors import OutsourcingRiskError
from ..io.examples import report_notebook
from ..io.processes import remove_orphans, scratch_folder
from .local_pool import LocalPool, StopOnSignals, stop_all_rows
from .report_row import RowResult

__all__ = ["DaskPool", "SchedulerError", "cluster_session", "connect", "run_row"]


class SchedulerError(OutsourcingRiskError):
    """The dask cluster cannot be used (dask missing, scheduler unreachable, no workers)."""


_KEPT = threading.local()  # per task thread of a dask worker: its kept local pool


def run_row(job, timeout: float, images: str | None = None, notebook: bytes | None = None) -> RowResult:
    """One row on a dask worker: the report of ``job`` through a one-process local pool.

    The pool's worker process and its kernel are kept for the next row this dask worker runs (the
    kernel's namespace is cleared between rows), so a row on the cluster costs what it costs on
    the local pool. ``notebook`` is the report notebook's contents when the batch uses its own; it
    then runs in a pool of its own. By default the worker's installed copy runs.
    """
    request = dict(job=job, timeout=timeout, images=images)
    results: list[RowResult] = []
    pool: LocalPool | None
    if notebook is not None:
        tmp = scratch_folder()
        try:
            path = tmp / "report.ipynb"
            path.write_bytes(notebook)
            pool = LocalPool(1, timeout, tmp)
            pool.run([(job, {**request, "notebook": path})], lambda _job, result: results.append(result))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        pool = getattr(_KEPT, "pool", None)
        if pool is None:
            remove_orphans()  # of this worker's predecessors on this machine, killed outright
            root = scratch_folder("worker")
            pool = _KEPT.pool = LocalPool(1, timeout, root, keep_workers=True)
            atexit.register(_close_kept, pool, root)
        pool.timeout = timeout  # this batch's; the kept process and kernel serve any batch
        pool.run(
            [(job, {**request, "notebook": report_notebook()})], lambda _job, result: results.append(result)
        )
    return results[0] if results else RowResult("failed", "the row was stopped on its dask worker")


def _close_kept(pool: LocalPool, root: Path) -> None:
    """When the dask worker exits (closed, Ctrl-C, SIGTERM): its kept report process and kernel
    stop, then their folder goes (before, every dask worker left one in the temporary folder)."""
    pool.close()
    shutil.rmtree(root, ignore_errors=True)


def connect(scheduler: str, workers: int):
    """A dask client: on a new LocalCluster (``"local"``) or on the scheduler at an address."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SchedulerError(
            "--scheduler needs dask.distributed, which is not installed: pip install 'outsourcing-risk[dask]'"
        ) from None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return Client(cluster), cluster
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(
            f"cannot reach the dask scheduler at {scheduler!r} ({' '.join(str(exc).split())[:200]}): "
            "start it with `dask scheduler` and its workers with `dask worker ADDRESS`, "
            "or use --scheduler local"
        ) from None
    if not client.scheduler_info().get("workers"):
        with contextlib.suppress(TimeoutError, OSError):
            client.wait_for_workers(1, timeout=10)
    if not client.scheduler_info().get("workers"):
        client.close()
        raise SchedulerError(
            f"the dask scheduler at {scheduler} has no workers: start some with `dask worker {scheduler}`"
        )
    return client, None


@contextlib.contextmanager
def cluster_session(scheduler: str, workers: int):
    """A dask client for the length of a ``with`` block (a new LocalCluster for ``"local"``), its
    logs quiet, everything closed at the end."""
    levels = _quiet_logs()
    client, cluster = connect(scheduler, workers)
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
        _restore_logs(levels)


def _failure(future) -> RowResult:
    """The reason a row's task ended without a result, in words."""
    try:
        exc = future.exception()
    except Exception as error:  # noqa: BLE001 - cancelled futures raise instead of returning
        exc = error
    name = type(exc).__name__
    if name == "KilledWorker":
        return RowResult(
            "failed",
            "every dask worker that ran this row died (KilledWorker): the row may need more memory "
            "than a worker has, or workers were stopped",
        )
    if name == "CancelledError":
        return RowResult("failed", "the cluster cancelled this row (its scheduler or client went away)")
    return RowResult("failed", f"{name}: {' '.join(str(exc).split())[:500]}")


_LOGGERS = ("distributed", "distributed.client", "distributed.core", "distributed.comm", "distributed.utils")


def _quiet_logs() -> dict[str, int]:
    """Silence dask's client-side loggers (each has its own level in dask's configuration); returns
    their levels to put back."""
    levels = {name: logging.getLogger(name).level for name in _LOGGERS}
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return levels


def _restore_logs(levels: dict[str, int]) -> None:
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _lost(exc: BaseException, scheduler: str) -> str:
    """Why the rows still running cannot finish: the cluster went away under them."""
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    return (
        f"the dask scheduler ({scheduler}) was lost before this row finished ({detail}); its workers "
        "stop on their own. Start the cluster again and rerun: finished reports are kept"
    )


class DaskPool(StopOnSignals):
    """Run rows on a dask cluster: a :class:`~outsourcing_risk.batch.pools.RowPool`."""

    def __init__(self, scheduler: str, workers: int, timeout: float, notebook: bytes | None = None):
        self.scheduler, self.timeout, self.notebook = scheduler, timeout, notebook
        # The client's own log lines (reconnection attempts with their tracebacks when the
        # scheduler dies) would bury the one line per row that says what happened.
        with contextlib.suppress(ImportError):  # its import sets its loggers' levels: first
            import distributed  # noqa: F401
        self._levels = _quiet_logs()
        try:
            self.client, self.cluster = connect(scheduler, workers)
        except BaseException:
            _restore_logs(self._levels)
            raise

    def run(self, items: list[tuple[Any, dict]], on_done: Callable[[Any, RowResult], None]) -> int | None:
        with self._stopped_by_signals():
            return self._run(items, on_done)

    def _run(self, items: list[tuple[Any, dict]], on_done: Callable[[Any, RowResult], None]) -> int | None:
        from distributed import wait

        futures = {}
        try:
            for job, request in items:
                future = self.client.submit(
                    run_row,
                    job,
                    self.timeout,
                    request.get("images"),
                    self.notebook,
                    key=f"outsourcing-risk-row-{job.row}-{job.slug}",
                    pure=False,
                )
                futures[future] = job
            pending = set(futures)
            try:
                while pending and self.stop_signal is None:
                    try:
                        done, pending = wait(pending, timeout=0.25, return_when="FIRST_COMPLETED")
                    except TimeoutError:
                        continue
                    for future in done:
                        result = future.result() if future.status == "finished" else _failure(future)
                        on_done(futures[future], result)
            except Exception as exc:  # noqa: BLE001 - the scheduler is gone: every row left says so
                reason = _lost(exc, self.scheduler)
                self._levels = {}  # the client's threads go on retrying for a while: keep them quiet
                for future in pending:
                    on_done(futures[future], RowResult("failed", reason))
                return self.stop_signal
            if self.stop_signal is not None:
                self.client.cancel(list(pending))
                with contextlib.suppress(Exception):
                    self.client.run(stop_all_rows)
        finally:
            self.close()
        return self.stop_signal

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        _restore_logs(self._levels)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()
