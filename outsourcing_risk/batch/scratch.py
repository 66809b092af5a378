"""The batch's temporary folders: named for the process that made them, removed by it, and by the
next run when that process was killed outright.

A folder is ``outsourcing-risk-[KIND-]PID-RANDOM`` in the system's temporary folder: a batch's own
(worker logs, kernel connection files, a row's executed notebook) or a dask worker's kept report
process. Kernel connection files hold the key that authenticates kernel messages: they live only
in these folders, so nothing with a key outlives the run that made it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["PREFIX", "remove_orphans", "scratch_folder"]

PREFIX = "outsourcing-risk-"
_NAME = re.compile(rf"{re.escape(PREFIX)}(?:worker-)?(\d+)-[\w-]+")


def scratch_folder(kind: str = "") -> Path:
    """A new private folder (mode 0700) for this process; ``kind`` says whose (``"worker"``)."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind + '-' if kind else ''}{os.getpid()}-"))


def remove_orphans() -> list[Path]:
    """Remove the folders of processes that are gone (killed outright, so they could not tidy up):
    only folders named as :func:`scratch_folder` names them, owned by this user, not links, and only
    when their process no longer runs. Returns those removed."""
    import psutil

    mine = getattr(os, "getuid", lambda: None)()
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
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
