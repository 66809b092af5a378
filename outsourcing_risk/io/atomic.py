"""Atomic writes: a file appears whole or not at all, whatever stops the process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write next to ``path`` under a temporary name, then rename: readers never see half a file,
    and a symbolic link at ``path`` is replaced, never written through.

    An error names ``path`` (not the temporary file): ``FileNotFoundError: [Errno 2] No such
    file or directory: 'missing/dir/x.html'``.
    """
    path = Path(path)
    tmp = None
    try:
        # A short temporary name: the final one may already be as long as the system allows.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a shared report must be readable
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
