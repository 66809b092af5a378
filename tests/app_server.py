"""`outsourcing-risk app` started as a user starts it, on a free port: shared by the browser tests
and the app benchmark (``benchmarks/app_latency.py`` imports this file as well)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(folder, name: str | None = "what-if", *, env=None, timeout: float = 120):
    """(process, port): ``python -m outsourcing_risk app [name]`` run from ``folder`` (not the
    repository: ``python -m`` puts the working folder first on the path) in a process group of its
    own, once its port accepts connections. Raises when it exits or is not serving in time."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "outsourcing_risk", "app", *([name] if name else []), "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server, port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                stop_app(server)
                raise RuntimeError(f"the app did not start (exit code {server.poll()})") from None
            time.sleep(0.3)


def stop_app(server: subprocess.Popen) -> None:
    """SIGTERM to the app's process group (Voilà and its kernels too), then wait for the app."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    server.wait(timeout=30)
