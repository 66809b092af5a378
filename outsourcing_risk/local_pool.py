"""The local pool: batch rows in worker processes on this machine, robust to what goes wrong.

Each row runs in a fresh ``python -m outsourcing_risk.worker`` process, started in a session of
its own (so a Ctrl-C at the terminal reaches only the pool) with its standard error, and its
kernel's, sent to a log file. The pool

- records a row whose worker dies (killed, out of memory, a crash) as failed, with the reason,
  and goes on with a fresh worker for the next row;
- stops a row that runs longer than its timeout, killing the worker and its kernel;
- on SIGINT or SIGTERM stops within a second: every worker and kernel is killed, and the rows
  not finished are reported as not run, so the caller can still write its index.

Processes are tracked as a tree (the worker and everything it started, snapshotted while it
runs), so a kernel whose worker was killed is found and stopped too.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .report_row import RowResult

__all__ = ["LocalPool", "StopOnSignals", "stop_all_rows"]

_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
#: Every row running in this process, across pools: what :func:`stop_all_rows` stops.
_LIVE: set[_Running] = set()
_LIVE_LOCK = threading.Lock()


@dataclass(eq=False)
class _Running:
    job: object
    proc: subprocess.Popen
    log: Path
    started: float
    data: bytearray = field(default_factory=bytearray)
    tree: dict[int, psutil.Process] = field(default_factory=dict)

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
        if -code == signal.SIGKILL:
            reason += " (out of memory, or stopped by someone)"
        elif -code == signal.SIGSEGV:
            reason += " (a crash)"
    else:
        reason = f"the worker process exited with code {code} before finishing the row"
    try:
        last = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()][-1:]
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
    """While a pool runs (in the main thread), SIGINT and SIGTERM set ``stop_signal`` instead of
    raising: the pool stops its rows and returns, and the batch writes what finished."""

    stop_signal: int | None = None

    def _catch_signals(self):
        if threading.current_thread() is not threading.main_thread():
            return None

        def stop(signum, _frame):
            self.stop_signal = signum

        return {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}

    @staticmethod
    def _restore_signals(previous) -> None:
        for s, handler in (previous or {}).items():
            signal.signal(s, handler)


class LocalPool(StopOnSignals):
    """Run rows on this machine, ``workers`` at a time; see the module docstring."""

    def __init__(self, workers: int, timeout: float, tmp_root: Path, *, die_with_parent: bool = False):
        self.workers = max(1, workers)
        self.timeout = timeout
        self.tmp_root = Path(tmp_root)
        self.stop_signal: int | None = None
        # Inside a dask worker: the row's process dies with the dask worker that started it.
        self.die_with_parent = die_with_parent

    def _start(self, job, request: dict) -> _Running:
        log = self.tmp_root / f"{job.slug}.log"
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(self.tmp_root / "runtime"),  # kernel connection files go too
            "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_PARENT, os.environ.get("PYTHONPATH")])),
        }
        if self.die_with_parent:
            env["OUTSOURCING_RISK_PARENT_PID"] = str(os.getpid())
        with open(log, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "outsourcing_risk.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                start_new_session=True,
                env=env,
            )
        try:
            proc.stdin.write(pickle.dumps({**request, "tmp_dir": str(self.tmp_root)}))
            proc.stdin.close()
        except BrokenPipeError:  # the worker died at once: its exit code tells why
            pass
        os.set_blocking(proc.stdout.fileno(), False)
        run = _Running(job, proc, log, time.monotonic())
        with _LIVE_LOCK:
            _LIVE.add(run)
        return run

    def _finish(self, run: _Running) -> RowResult:
        code = run.proc.wait()
        _wait_gone(_forget(run).kill())  # anything the worker left behind (a kernel whose worker was killed)
        if code == 0 and run.data:
            try:
                return pickle.loads(bytes(run.data))
            except Exception as exc:  # noqa: BLE001 - a truncated answer is a dead worker
                return RowResult("failed", f"the worker's answer was cut short ({type(exc).__name__})")
        return RowResult("failed", _describe_death(code, run.log))

    def run(
        self, items: list[tuple[object, dict]], on_done: Callable[[object, RowResult], None]
    ) -> int | None:
        """Run every (job, request) and call ``on_done(job, result)`` as each row ends.

        Returns the signal number (SIGINT or SIGTERM) if the run was stopped by one, else None;
        rows not finished then are not passed to ``on_done``.
        """
        pending = deque(items)
        running: dict[int, _Running] = {}
        selector = selectors.DefaultSelector()
        previous = self._catch_signals()
        try:
            while (pending or running) and self.stop_signal is None:
                while pending and len(running) < self.workers:
                    job, request = pending.popleft()
                    run = self._start(job, request)
                    running[run.proc.stdout.fileno()] = run
                    selector.register(run.proc.stdout, selectors.EVENT_READ)
                for key, _ in selector.select(timeout=0.25):
                    run = running[key.fd]
                    chunk = self._read(run)
                    if chunk == b"":  # end of output: the worker is done or dead
                        selector.unregister(run.proc.stdout)
                        del running[key.fd]
                        on_done(run.job, self._finish(run))
                now = time.monotonic()
                for fd, run in list(running.items()):
                    run.snapshot()
                    if now - run.started > self.timeout:
                        selector.unregister(run.proc.stdout)
                        del running[fd]
                        _wait_gone(_forget(run).kill())
                        on_done(
                            run.job,
                            RowResult(
                                "failed",
                                f"timed out after {self.timeout:g} s (the whole report, kernel start "
                                "included): raise --timeout or lower --trials",
                                seconds=now - run.started,
                            ),
                        )
        finally:
            _wait_gone([p for run in running.values() for p in _forget(run).kill()])
            selector.close()
            self._restore_signals(previous)
        return self.stop_signal

    @staticmethod
    def _read(run: _Running) -> bytes:
        try:
            chunk = os.read(run.proc.stdout.fileno(), 1 << 20)
        except BlockingIOError:
            return b"\0"  # nothing yet; not the end
        run.data.extend(chunk)
        return chunk
