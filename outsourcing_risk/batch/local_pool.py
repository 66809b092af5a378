"""The local pool: batch rows in worker processes on this machine, robust to what goes wrong.

Rows run in ``python -m outsourcing_risk.batch.worker`` processes, each started in a session (on
Windows: a process group) of its own, so a Ctrl-C at the terminal reaches only the pool, with its
standard error, and its kernels', sent to a log file. A thread per worker reads its answers, so
the pool works alike on Linux, macOS and Windows (where ``select`` cannot wait on a pipe). A worker runs one row after another (its imports are paid once), each row in a
fresh kernel. The pool

- records a row whose worker dies (killed, out of memory, a crash) as failed, with the reason,
  and goes on with a fresh worker for the next row;
- stops a row that runs longer than its timeout, killing the worker and its kernel;
- on SIGINT or SIGTERM stops within a second: every worker and kernel is killed, and the rows
  not finished are reported as not run, so the caller can still write its index.

Processes are tracked as a tree (the worker and everything it started, snapshotted while it
runs), so a kernel whose worker was killed is found and stopped too. On Linux a worker dies with
the process that started it, even when that one is killed outright (SIGKILL), and its kernel
follows within a second: nothing of a killed batch goes on running. With several workers, each
one's numerical libraries use their share of the cores (no oversubscription).
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import psutil

from ..io.environment import THREAD_VARIABLES
from ..io.processes import stop_signals
from .report_row import RowResult
from .worker import frame, unframe

__all__ = ["LocalPool", "StopOnSignals", "stop_all_rows"]

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
#: Every row running in this process, across pools: what :func:`stop_all_rows` stops.
_LIVE: set[_Running] = set()
_LIVE_LOCK = threading.Lock()
#: The thread counts of numpy's BLAS and OpenMP libraries, set per worker when several run at once.


@dataclass(eq=False)
class _Running:
    """A worker process and the row it is running (``job`` is None while it waits for one)."""

    proc: subprocess.Popen
    log: Path
    job: object = None
    started: float = 0.0
    data: bytearray = field(default_factory=bytearray)
    tree: dict[int, psutil.Process] = field(default_factory=dict)

    @property
    def input(self) -> io.BufferedWriter:
        """The worker's standard input (a pipe: the pool starts every worker with one)."""
        return cast(io.BufferedWriter, self.proc.stdin)

    @property
    def output(self) -> io.BufferedReader:
        """The worker's standard output (a pipe, read by the pool's reader thread)."""
        return cast(io.BufferedReader, self.proc.stdout)

    def snapshot(self) -> None:
        """Remember every process the worker started (the kernel among them) while they are visible."""
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                self.tree.setdefault(child.pid, child)
        except psutil.Error:
            pass

    def kill(self) -> list[psutil.Process]:
        """Send SIGKILL to the worker and every process it started (still running, not a reused
        pid); returns them, to be waited for with :func:`_wait_gone`."""
        self.snapshot()
        for p in self.tree.values():
            with contextlib.suppress(psutil.Error):
                if p.is_running():
                    p.kill()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        return list(self.tree.values())


def _wait_gone(processes: list[psutil.Process], seconds: float = 3.0) -> None:
    """Wait until every process has exited; a zombie (dead, not yet reaped by its parent) counts."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        alive = []
        for p in processes:
            with contextlib.suppress(psutil.Error):
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
        if not alive:
            return
        processes = alive
        time.sleep(0.02)


def _describe_death(code: int, log: Path) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        reason = f"the worker process was killed by {name}"
        if -code == getattr(signal, "SIGKILL", None):  # POSIX only
            reason += " (out of memory, or stopped by someone)"
        elif -code == signal.SIGSEGV:
            reason += " (a crash)"
    else:
        reason = f"the worker process exited with code {code} before finishing the row"
    try:  # the log of this row only: what follows the worker's "== row" marker
        lines = log.read_text(errors="replace").split("\n== row ")[-1].splitlines()[1:]
        last = [ln for ln in lines if ln.strip()][-1:]
    except OSError:
        last = []
    return reason + (f"; its last words: {last[0][:300]}" if last else "")


def _forget(run: _Running) -> _Running:
    with _LIVE_LOCK:
        _LIVE.discard(run)
    return run


def stop_all_rows() -> int:
    """Kill every row running in this process (its worker and kernel); returns how many.

    A dask client calls this on its workers when the batch is stopped: a task cannot be
    interrupted, but the row it waits for can, and the task then ends at once.
    """
    with _LIVE_LOCK:
        runs = list(_LIVE)
    _wait_gone([p for run in runs for p in run.kill()])
    return len(runs)


class StopOnSignals:
    """While a pool runs (in the main thread), SIGINT, SIGTERM and SIGHUP set :attr:`stop_signal`
    instead of raising (:func:`~outsourcing_risk.io.processes.stop_signals`): the pool stops its
    rows and returns, and the batch writes what finished."""

    _received: list[int] = []  # noqa: RUF012 - replaced per run by the signals' own list

    @property
    def stop_signal(self) -> int | None:
        """The first stop signal of this run, or None."""
        return self._received[0] if self._received else None

    @contextlib.contextmanager
    def _stopped_by_signals(self):
        with stop_signals() as received:
            self._received = received
            yield


@dataclass
class _Rows:
    """One :meth:`LocalPool.run`: the rows not started yet, and the workers by process id."""

    pending: deque
    workers: dict[int, _Running]

    def busy(self) -> bool:
        return bool(self.pending) or any(w.job is not None for w in self.workers.values())

    def retire(self, pid: int) -> _Running:
        return self.workers.pop(pid)


def _pump(worker: _Running, into: queue.SimpleQueue) -> None:
    """Pass what ``worker`` writes on to the pool, chunk by chunk, then ``b""`` at its end."""
    stream = worker.output
    try:
        while chunk := stream.read1(1 << 20):
            into.put((worker, chunk))
    except (OSError, ValueError):  # the pipe was closed under us: the worker is gone
        pass
    into.put((worker, b""))


#: How a worker is started apart from the pool's terminal: its own session on POSIX, its own
#: process group on Windows (where sessions do not exist).
_APART = (
    {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    if sys.platform == "win32"
    else {"start_new_session": True}
)


class LocalPool(StopOnSignals):
    """Run rows on this machine, ``workers`` at a time: a :class:`~outsourcing_risk.batch.pools.RowPool`;
    see the module docstring."""

    def __init__(
        self,
        workers: int,
        timeout: float,
        tmp_root: Path,
        *,
        keep_workers: bool = False,
    ):
        self.workers = max(1, workers)
        self.timeout = timeout
        self.tmp_root = Path(tmp_root)
        # Inside a dask worker the idle worker (with its kernel) is kept for the next task's row.
        self.keep_workers = keep_workers
        self._kept: dict[int, _Running] = {}
        self._started = 0
        self._from_workers: queue.SimpleQueue = queue.SimpleQueue()

    def _spawn(self) -> _Running:
        self._started += 1
        log = self.tmp_root / f"worker-{self._started}.log"
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(self.tmp_root / "runtime"),  # kernel connection files go too
            "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_PARENT, os.environ.get("PYTHONPATH")])),
        }
        if self.workers > 1:  # each worker's numerical libraries (and its kernels') get their share
            share = str(max(1, (os.cpu_count() or 1) // self.workers))
            for name in THREAD_VARIABLES:
                env.setdefault(name, share)
        env["OUTSOURCING_RISK_PARENT_PID"] = str(os.getpid())  # the worker dies with this process
        with open(log, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "outsourcing_risk.batch.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
                **_APART,
            )
        worker = _Running(proc, log)
        with _LIVE_LOCK:
            _LIVE.add(worker)
        threading.Thread(target=_pump, args=(worker, self._from_workers), daemon=True).start()
        return worker

    def _send(self, worker: _Running, job, request: dict) -> None:
        worker.job, worker.started, worker.data = job, time.monotonic(), bytearray()
        try:
            worker.input.write(frame(pickle.dumps({**request, "tmp_dir": str(self.tmp_root)})))
            worker.input.flush()
        except BrokenPipeError:  # the worker died: its end of output and exit code tell why
            pass

    @staticmethod
    def _answer(worker: _Running) -> RowResult | None:
        """The worker's answer once it has arrived in full, else None."""
        message = unframe(worker.data)
        if message is None:
            return None
        payload, used = message
        del worker.data[:used]
        try:
            return pickle.loads(payload)
        except Exception as exc:  # noqa: BLE001 - a garbled answer is a broken worker
            return RowResult("failed", f"the worker's answer could not be read ({type(exc).__name__})")

    def _dead(self, worker: _Running) -> RowResult:
        """Why a worker ended mid-row, once it and whatever it left behind are gone."""
        code = worker.proc.wait()
        _wait_gone(_forget(worker).kill())
        if code == 0:
            return RowResult("failed", "the worker process stopped before finishing the row")
        return RowResult("failed", _describe_death(code, worker.log))

    def run(self, items: list[tuple[Any, dict]], on_done: Callable[[Any, RowResult], None]) -> int | None:
        """Run every (job, request) and call ``on_done(job, result)`` as each row ends.

        Returns the signal number (SIGINT or SIGTERM) if the run was stopped by one, else None;
        rows not finished then are not passed to ``on_done``.
        """
        run = _Rows(deque(items), {pid: w for pid, w in self._kept.items() if w.proc.poll() is None})
        self._kept = {}  # idle workers kept from the last run are used first
        with self._stopped_by_signals():
            try:
                while run.busy() and self.stop_signal is None:
                    self._start_rows(run)
                    self._collect_answers(run, on_done)
                    self._stop_overdue(run, on_done)
            finally:
                workers = run.workers
                if self.keep_workers and self.stop_signal is None:
                    self._kept = {
                        pid: w for pid, w in workers.items() if w.job is None and w.proc.poll() is None
                    }
                    workers = {pid: w for pid, w in workers.items() if pid not in self._kept}
                self._close(workers)
        return self.stop_signal

    def _start_rows(self, run: _Rows) -> None:
        """Give pending rows to idle workers, starting workers up to :attr:`workers`."""
        idle = [w for w in run.workers.values() if w.job is None]
        while run.pending and (idle or len(run.workers) < self.workers):
            worker = idle.pop() if idle else self._spawn()
            run.workers[worker.proc.pid] = worker
            job, request = run.pending.popleft()
            self._send(worker, job, request)

    def _collect_answers(self, run: _Rows, on_done) -> None:
        """Read what the workers sent within a quarter of a second: answers, or a worker's death."""
        for worker, chunk in self._arrived(timeout=0.25):
            if run.workers.get(worker.proc.pid) is not worker:
                continue  # a worker already retired (timed out, or dead): its last words
            if chunk == b"":  # end of output: the worker died
                run.retire(worker.proc.pid)
                if worker.job is not None:
                    on_done(worker.job, self._dead(worker))
                continue
            worker.data.extend(chunk)
            result = self._answer(worker)
            if result is not None:
                job, worker.job = worker.job, None
                on_done(job, result)

    def _stop_overdue(self, run: _Rows, on_done) -> None:
        """Kill a worker whose row has run longer than :attr:`timeout`, and say so for the row."""
        now = time.monotonic()
        for pid, worker in list(run.workers.items()):
            worker.snapshot()
            if worker.job is not None and now - worker.started > self.timeout:
                run.retire(pid)
                _wait_gone(_forget(worker).kill())
                on_done(
                    worker.job,
                    RowResult(
                        "failed",
                        f"timed out after {self.timeout:g} s (the whole report, kernel start "
                        "included): raise --timeout or lower --trials",
                        seconds=now - worker.started,
                    ),
                )

    def close(self) -> None:
        """Stop the workers kept for the next run (``keep_workers``) and their kernels."""
        kept, self._kept = self._kept, {}
        self._close(kept)

    def _close(self, workers: dict[int, _Running]) -> None:
        """Idle workers are told to finish (end of input) and given a moment; the rest are killed."""
        for worker in workers.values():
            if worker.job is None:
                with contextlib.suppress(OSError):
                    worker.input.close()
        end = time.monotonic() + 2.0
        for worker in workers.values():
            if worker.job is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.proc.wait(timeout=max(0.0, end - time.monotonic()))
        _wait_gone([p for w in workers.values() for p in _forget(w).kill()])

    def _arrived(self, timeout: float) -> list[tuple[_Running, bytes]]:
        """What the workers' readers passed on: waits up to ``timeout`` for the first, then takes
        whatever else is there."""
        try:
            got = [self._from_workers.get(timeout=timeout)]
        except queue.Empty:
            return []
        with contextlib.suppress(queue.Empty):
            while True:
                got.append(self._from_workers.get_nowait())
        return got
