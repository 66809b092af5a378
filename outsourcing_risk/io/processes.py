"""What every process of the package shares: its scratch folders, the signals that stop it, and
dying with its parent.

**Scratch folders.** Every temporary folder the package makes is :func:`scratch_folder`'s:
``outsourcing-risk-[KIND-]PID-RANDOM`` (mode 0700), in the system's temporary folder or in a
folder given (an output folder's staging place). The process that made one removes it; when that
process was killed outright, :func:`remove_orphans` (called by the next batch, book or app)
removes it, recognising it by the dead PID in its name. Kernel connection files and the app's
notary secret live only in such folders, so nothing with a key outlives the run that made it.

**Stop signals.** Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal or SSH session) stop a
command the same way everywhere: inside :func:`stop_signals` they are recorded (and, with
``interrupt=True``, raised as :class:`KeyboardInterrupt`), so that the command can finish what must
not be cut in half (an index, the moving in of a set of files) and say what it kept.

**Dying with the parent.** :func:`die_with_parent` asks Linux to signal a process when its parent
dies, even by SIGKILL (``PR_SET_PDEATHSIG``): a batch's workers, a dask worker's report process and
the app's server do not outlive the command that started them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "PREFIX",
    "STOP_SIGNALS",
    "die_with_parent",
    "ignore_stop_signals",
    "remove_orphans",
    "scratch_folder",
    "stop_signals",
]

PREFIX = "outsourcing-risk-"
#: A scratch folder's name: the prefix, an optional kind (lower-case letters), the PID, a random tail;
#: a dot in front inside another folder (hidden beside a user's files).
_NAME = re.compile(rf"\.?{re.escape(PREFIX)}(?:[a-z]+-)?(\d+)-[\w-]+")

#: The signals that stop a command, as this platform has them.
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)


def scratch_folder(kind: str = "", where: str | os.PathLike | None = None) -> Path:
    """A new private folder (mode 0700) named for this process; ``kind`` says whose (``"worker"``,
    ``"app"``, ``"stage"``: lower-case letters), ``where`` where (default: the system's temporary
    folder; elsewhere the name starts with a dot).

    >>> folder = scratch_folder("doc")
    >>> folder.name.startswith(f"outsourcing-risk-doc-{os.getpid()}-"), oct(folder.stat().st_mode & 0o777)
    (True, '0o700')
    >>> folder.rmdir()
    """
    if kind and not kind.isalpha():
        raise ValueError(f"a scratch folder's kind is lower-case letters (got {kind!r})")
    dot = "." if where is not None else ""
    prefix = f"{dot}{PREFIX}{kind + '-' if kind else ''}{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=None if where is None else str(where)))


def remove_orphans(where: str | os.PathLike | None = None) -> list[Path]:
    """Remove the scratch folders of processes that are gone (killed outright, so they could not
    tidy up) in ``where`` (default: the system's temporary folder): only folders named as
    :func:`scratch_folder` names them, owned by this user, not links, and only when their process
    no longer runs. Returns those removed."""
    import psutil

    mine = getattr(os, "getuid", lambda: None)()
    removed = []
    root = Path(tempfile.gettempdir() if where is None else where)
    for folder in [*root.glob(f"{PREFIX}*"), *root.glob(f".{PREFIX}*")]:
        match = _NAME.fullmatch(folder.name)
        try:
            info = folder.lstat()
        except OSError:
            continue
        if match is None or not folder.is_dir() or folder.is_symlink():
            continue
        if (mine is not None and info.st_uid != mine) or psutil.pid_exists(int(match.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@contextlib.contextmanager
def stop_signals(*, interrupt: bool = False) -> Iterator[list[int]]:
    """Inside the block, SIGINT, SIGTERM and SIGHUP are recorded in the list it yields, in order
    (``interrupt=True``: then raised as :class:`KeyboardInterrupt`, whichever came); the handlers
    before are put back at its end. Only the main thread can handle signals: elsewhere the list
    stays empty and nothing changes.

    >>> with stop_signals() as received:
    ...     os.kill(os.getpid(), signal.SIGTERM)
    >>> [signal.Signals(s).name for s in received]
    ['SIGTERM']
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handle(signum, _frame):
        received.append(signum)
        if interrupt:
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, handle) for s in STOP_SIGNALS}
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def ignore_stop_signals() -> None:
    """From now on a stop signal changes nothing (a command that has said its last word)."""
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)


def die_with_parent(signum: int = signal.SIGKILL, parent: int | None = None) -> None:
    """Linux: ask the kernel to send ``signum`` to this process when its parent dies, even by
    SIGKILL (``PR_SET_PDEATHSIG``; kept across ``exec``). When ``parent`` (the parent's PID) is
    given and the parent is already gone, exit at once. Elsewhere nothing happens."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signum))
    if parent is not None and os.getppid() != parent:  # gone before the request took effect
        os._exit(1)
