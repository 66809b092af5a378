"""The workbook for people who don't code: the what-if explorer and vendor selection as a Voilà
app (widgets and charts only, no code), served from this machine and working offline.

``outsourcing-risk app`` (``make app``) serves the what-if explorer, ``outsourcing-risk app
vendors`` the vendor selection, from the app notebooks that ship with the package; each is one
page at the server's root (Voilà's folder listing would load widget plug-ins with no kernel and a
stylesheet from a CDN). The page is Voilà's lab template without the two Font Awesome stylesheets
it fetches from a CDN (Voilà's own bundle already carries the icons), so nothing leaves the
machine. Each visitor gets a kernel of their own.

For a visitor who is not on this machine, and for one who means harm:

- **Kernels are reclaimed.** A kernel with no page connected (a closed tab, a bare ``GET``) and
  idle for :data:`IDLE_SECONDS` is shut down; at most :data:`MAX_KERNELS` run at once, and a visitor
  beyond that gets a page that says the app is full (see :mod:`.app_kernels`).
- **A token off this machine.** Served on any address other than loopback, the app asks for a
  token, made at start and printed once in the URL to give to colleagues.
- **The URL printed is the one served.** A busy port moves to the next free one, and the printed
  URL says which; ``0.0.0.0`` is printed as this machine's name.
- **Nothing outlives the app.** Ctrl-C and SIGTERM stop Voilà and its kernels; on Linux, so does
  the app's death by SIGKILL (the kernel ends Voilà with its parent). The app's scratch folder
  (its template, its notary secret) is named for its process: the next app, batch or book removes
  it when that process was killed outright.
- **Quiet.** The app prints its URL and what a person needs to know; Voilà's own log (its start,
  each kernel, the culling of idle ones, websocket pings) only with ``verbose`` (``--verbose``),
  errors always. The app's notebook is signed at start (so Voilà does not call it untrusted) and
  its kernels log errors only (not the loopback TCP notice).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from ..io.environment import THREAD_VARIABLES
from ..io.errors import OutsourcingRiskError
from ..io.examples import notebooks_dir
from ..io.processes import remove_orphans, scratch_folder, stop_signals

__all__ = ["APPS", "TEMPLATE", "AppError", "app_folder", "idle_words", "offline_template", "serve"]

TEMPLATE = "outsourcing-risk"
_CDN_LINK = re.compile(r'\s*<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/[^"]*"[^>]*/>')


class AppError(OutsourcingRiskError):
    """The app cannot start (Voilà missing, its template not found)."""


#: A kernel with no page connected is shut down after this many idle seconds.
IDLE_SECONDS = 180
#: The most kernels (visitors) at once: each holds ~200 MB and a core when it simulates.
MAX_KERNELS = 12

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


def serve(
    app: str = "what-if",
    port: int = 8866,
    ip: str = "127.0.0.1",
    browser: bool = False,
    max_visitors: int = MAX_KERNELS,
    idle_seconds: float = IDLE_SECONDS,
    verbose: bool = False,
) -> int:
    """Run Voilà on one app (see :data:`APPS`) until stopped (Ctrl-C); returns its exit code.
    ``max_visitors``: the most kernels at once; ``idle_seconds``: how long a kernel with no page
    connected lives; ``verbose``: Voilà's own log too (see the module docstring)."""
    if app not in APPS:
        raise AppError(f"unknown app {app!r}: choose one of {', '.join(APPS)}")
    try:
        import voila  # noqa: F401
    except ImportError:
        raise AppError(
            "the app needs Voilà, which is not installed: pip install 'outsourcing-risk[app]'"
        ) from None
    port = _free_port(ip, port)
    token = "" if _is_loopback(ip) else secrets.token_urlsafe(24)
    remove_orphans()  # the folders of apps (and batches) killed outright
    share = scratch_folder("app")
    try:
        offline_template(share)
        _quiet_kernel(share)
        notebook = _signed_copy(app_folder() / APPS[app], share)
        env = {
            # One BLAS thread per kernel: numpy's OpenBLAS otherwise spins a second core after
            # every simulation (twice the CPU for the same wall time), the core the browser needs
            # to draw the charts; each visitor's kernel works on one core anyway.
            **dict.fromkeys(THREAD_VARIABLES, "1"),
            **os.environ,
            "JUPYTER_PATH": os.pathsep.join(filter(None, [str(share), os.environ.get("JUPYTER_PATH")])),
            "TMPDIR": str(share),  # Voilà's kernel connection files (their keys) go with the folder
        }
        command = [
            sys.executable,
            "-m",
            "voila",
            str(notebook),
            f"--template={TEMPLATE}",
            f"--port={port}",
            "--Voila.port_retries=0",
            f"--Voila.ip={ip}",
            f"--Voila.token={token}",
            f"--NotebookNotary.db_file={share / 'signatures.db'}",
            f"--NotebookNotary.secret_file={share / 'notary-secret'}",
            "--VoilaConfiguration.multi_kernel_manager_class=outsourcing_risk.workbook.app_kernels.CappedKernelManager",
            f"--CappedKernelManager.max_kernels={int(max_visitors)}",
            f"--CappedKernelManager.cull_idle_timeout={max(1, round(idle_seconds))}",
            f"--CappedKernelManager.cull_interval={max(1, min(30, round(idle_seconds / 3)))}",
            f"--Voila.log_level={'INFO' if verbose else 'ERROR'}",
        ]
        if not browser:
            command.append("--no-browser")
        print(f"outsourcing-risk app: {_url(ip, port, token)} (Ctrl-C stops it)", flush=True)
        print(
            f"Up to {max_visitors} visitors at once, each with a kernel of their own; a page left idle "
            f"frees its place after {idle_words(idle_seconds)}."
            + ("" if verbose else " Voilà's own log: --verbose."),
            flush=True,
        )
        return _run_until_stopped(command, env)
    finally:
        shutil.rmtree(share, ignore_errors=True)


def idle_words(seconds: float) -> str:
    """How long an idle page keeps its place, as a person says it.

    >>> idle_words(180), idle_words(60), idle_words(6), idle_words(90)
    ('3 minutes', '1 minute', '6 seconds', '1.5 minutes')
    """
    if seconds < 60:
        return f"{seconds:g} second{'s' * (seconds != 1)}"
    minutes = round(seconds / 60, 1)
    return f"{minutes:g} minute{'s' * (minutes != 1)}"


def _is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _url(ip: str, port: int, token: str) -> str:
    """The address to open: this machine's name for "every network" (0.0.0.0, ::)."""
    host = socket.gethostname() if ip in ("0.0.0.0", "::", "") else ip
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/" + (f"?token={token}" if token else "")


def _free_port(ip: str, port: int, tries: int = 50) -> int:
    """``port``, or the next free one after it (as Voilà would choose, but known here, so that
    the URL printed is the one served)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    for candidate in range(port, port + tries):
        with socket.socket(family) as probe:
            try:
                probe.bind((ip if ip not in ("localhost",) else "127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise AppError(f"ports {port} to {port + tries - 1} are all in use on {ip}: choose another with --port")


def _quiet_kernel(share: Path) -> None:
    """A ``python3`` kernel spec in ``share`` (first on the app's Jupyter path): this Python, with
    kernels that log errors only."""
    spec = share / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
        "--IPKernelApp.log_level=ERROR",
    ]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"})
    )


def _signed_copy(notebook: Path, share: Path) -> Path:
    """The app's notebook copied into ``share`` and signed with a notary of the app's own, which
    the served Voilà uses: its own notebook is trusted, without touching the user's signatures."""
    import nbformat
    from nbformat.sign import NotebookNotary

    nb = nbformat.read(str(notebook), as_version=4)
    NotebookNotary(db_file=str(share / "signatures.db"), secret_file=str(share / "notary-secret")).sign(nb)
    copy = share / "app" / notebook.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(copy))
    return copy


#: Run as ``python -c`` before Voilà (Linux): ask the kernel to SIGTERM this process when its
#: parent, the app, dies (even by SIGKILL), then become ``python ARGS`` (the request survives the
#: exec), so that Voilà shuts its kernels down instead of serving on, orphaned.
_DIE_WITH_PARENT = (
    "import os, signal, sys\n"
    "from outsourcing_risk.io.processes import die_with_parent\n"
    "die_with_parent(signal.SIGTERM, int(sys.argv[1]))\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])"
)


def _run_until_stopped(command: list[str], env: dict) -> int:
    """Run Voilà until it exits, Ctrl-C, SIGTERM or SIGHUP; in every case Voilà and its kernels are
    gone before this returns, so the caller's scratch folder can go too. (Python's default SIGTERM
    would end this process at once and leave Voilà serving, orphaned.)"""
    if sys.platform.startswith("linux"):  # Voilà gets SIGTERM when this process dies, even by SIGKILL
        command = [sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid()), *command[1:]]
    server = subprocess.Popen(command, env=env)
    try:
        with stop_signals(interrupt=True):
            return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()  # Voilà shuts its kernels down on SIGTERM
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
