"""The workbook for people who don't code: the what-if explorer and vendor selection as a Voilà
app (widgets and charts only, no code), served from this machine and working offline.

``outsourcing-risk app`` (``make app``) serves the what-if explorer, ``outsourcing-risk app
vendors`` the vendor selection, from the app notebooks that ship with the package; each is one
page at the server's root (Voilà's folder listing would load widget plug-ins with no kernel and a
stylesheet from a CDN). The page is Voilà's lab template without the two Font Awesome stylesheets
it fetches from a CDN (Voilà's own bundle already carries the icons), so nothing leaves the
machine. Each visitor gets a kernel of their own.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ..io.environment import THREAD_VARIABLES
from ..io.examples import notebooks_dir

__all__ = ["APPS", "TEMPLATE", "AppError", "app_folder", "offline_template", "serve"]

TEMPLATE = "outsourcing-risk"
_CDN_LINK = re.compile(r'\s*<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/[^"]*"[^>]*/>')


class AppError(Exception):
    """The app cannot start (Voilà missing, its template not found)."""


#: The apps by name: their notebooks in :func:`app_folder`.
APPS = {"what-if": "what_if.ipynb", "vendors": "vendor_selection.ipynb"}


def app_folder() -> Path:
    """The app notebooks: ``what_if.ipynb`` and ``vendor_selection.ipynb``."""
    return notebooks_dir() / "app"


def offline_template(share: Path) -> Path:
    """Write the offline lab template into ``share/voila/templates/`` (a Jupyter data folder) and
    return its folder: Voilà's lab page without links to a CDN."""
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("voila", "templates", "lab"):
        page = Path(base) / "index.html.j2"
        if page.is_file():
            break
    else:
        raise AppError("Voilà's lab template is missing: pip install 'outsourcing-risk[app]'")
    folder = share / "voila" / "templates" / TEMPLATE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conf.json").write_text('{"base_template": "lab"}\n')
    (folder / "index.html.j2").write_text(_CDN_LINK.sub("", page.read_text()))
    return folder


def serve(app: str = "what-if", port: int = 8866, ip: str = "127.0.0.1", browser: bool = False) -> int:
    """Run Voilà on one app (see :data:`APPS`) until stopped (Ctrl-C); returns its exit code."""
    if app not in APPS:
        raise AppError(f"unknown app {app!r}: choose one of {', '.join(APPS)}")
    try:
        import voila  # noqa: F401
    except ImportError:
        raise AppError(
            "the app needs Voilà, which is not installed: pip install 'outsourcing-risk[app]'"
        ) from None
    with tempfile.TemporaryDirectory(prefix="outsourcing-risk-app-") as share:
        offline_template(Path(share))
        env = {
            # One BLAS thread per kernel: numpy's OpenBLAS otherwise spins a second core after
            # every simulation (twice the CPU for the same wall time), the core the browser needs
            # to draw the charts; each visitor's kernel works on one core anyway.
            **dict.fromkeys(THREAD_VARIABLES, "1"),
            **os.environ,
            "JUPYTER_PATH": os.pathsep.join(filter(None, [share, os.environ.get("JUPYTER_PATH")])),
        }
        command = [
            sys.executable,
            "-m",
            "voila",
            str(app_folder() / APPS[app]),
            f"--template={TEMPLATE}",
            f"--port={port}",
            f"--Voila.ip={ip}",
        ]
        if not browser:
            command.append("--no-browser")
        print(f"outsourcing-risk app: http://{ip}:{port}/ (Ctrl-C stops it)", flush=True)
        return _run_until_stopped(command, env)


class _Stopped(Exception):
    """SIGTERM arrived (``kill``, a service manager, a test harness)."""


def _raise_stopped(_signum, _frame):
    raise _Stopped


def _run_until_stopped(command: list[str], env: dict) -> int:
    """Run Voilà until it exits, Ctrl-C or SIGTERM; in every case Voilà and its kernels are gone
    before this returns, so the caller's temporary template folder can go too. (Python's default
    SIGTERM would end this process at once and leave Voilà serving, orphaned.)"""
    server = subprocess.Popen(command, env=env)
    main = threading.current_thread() is threading.main_thread()  # where signal handlers live
    previous = signal.signal(signal.SIGTERM, _raise_stopped) if main else None
    try:
        return server.wait()
    except (KeyboardInterrupt, _Stopped):
        return 0
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        if server.poll() is None:
            server.terminate()  # Voilà shuts its kernels down on SIGTERM
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
