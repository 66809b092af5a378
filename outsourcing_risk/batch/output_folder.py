"""The output folder of a batch: one run at a time, atomic writes, clear errors, no stale files.

- **A lock.** A run holds an exclusive lock on ``.outsourcing-risk.json`` in the folder; a second
  run into the same folder is refused at once (exit 2) and told which process holds it.
- **A manifest.** The same file lists every file the last run wrote. A rerun removes the files of
  the previous run that it did not write again (rows no longer in the table, rows that failed or
  were not run), so ``index.html``, ``summary.csv`` and the files on disk always agree. Files the
  batch did not write are never touched.
- **Atomic writes.** Every file is written under a temporary name and renamed into place.
- **Clear errors.** A failed write raises :class:`OutputError` with one line such as
  "no space left on device while writing reports/x.html".
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from pathlib import Path

from ..io.atomic import write_atomic

__all__ = ["MANIFEST", "OutputError", "OutputFolder", "write_atomic"]

MANIFEST = ".outsourcing-risk.json"


class OutputError(OSError):
    """A problem with the output folder, in one line that says what to do."""


def _reason(exc: OSError) -> str:
    text = os.strerror(exc.errno) if exc.errno else str(exc)
    return text[0].lower() + text[1:] if text else "an error"


class OutputFolder:
    """``--out`` for one run: checked, locked, written atomically, tidied at the end."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.written: list[str] = []
        self.previous: list[str] = []
        self._lock = None
        self._open()

    def _open(self) -> None:
        where = self.path
        if where.exists() and not where.is_dir():
            raise OutputError(f"--out {where} is a file, not a folder: choose a folder for the reports")
        try:
            where.mkdir(parents=True, exist_ok=True)
            fd = os.open(where / MANIFEST, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write to --out {where}: {_reason(exc)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._read(fd).get("pid", "?")
            os.close(fd)
            raise OutputError(
                f"another outsourcing-risk run (process {holder}) is writing to {where}: wait for "
                "it to finish, or choose another --out"
            ) from None
        self._lock = fd
        # Only plain names of files in this folder: a tampered list cannot reach outside it.
        listed = self._read(fd).get("files", [])
        self.previous = [f for f in map(str, listed) if f == Path(f).name and not f.startswith(".")]
        self._save(self.previous)  # a run killed outright still leaves the old list

    @staticmethod
    def _read(fd: int) -> dict:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            data = json.loads(os.read(fd, 1 << 22) or b"{}")
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save(self, files: list[str]) -> None:
        body = {
            "pid": os.getpid(),
            "updated": time.strftime("%Y-%m-%d %H:%M:%S"),
            "files": sorted(set(files)),
        }
        data = json.dumps(body, indent=1).encode()
        os.lseek(self._lock, 0, os.SEEK_SET)
        os.ftruncate(self._lock, 0)
        os.write(self._lock, data)

    def write(self, name: str, data: str | bytes) -> None:
        """Write one file atomically; :class:`OutputError` in one line when the disk says no."""
        target = self.path / name
        try:
            write_atomic(target, data)
        except OSError as exc:
            raise OutputError(f"{_reason(exc)} while writing {target}") from None
        self.written.append(name)
        with contextlib.suppress(OSError):  # the list is a convenience; the files come first
            self._save([*self.previous, *self.written])

    def remove(self, names) -> None:
        """Remove files a previous run wrote (before a row is redone, or when it is gone)."""
        for name in names:
            if name in self.written:
                continue
            with contextlib.suppress(FileNotFoundError):
                (self.path / name).unlink()

    def close(self) -> list[str]:
        """Remove what the previous run wrote and this one did not; record this run's files; unlock.

        Returns the names removed.
        """
        stale = [n for n in self.previous if n not in self.written and (self.path / n).exists()]
        try:
            self.remove(stale)
            self._save(self.written)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EROFS, errno.EACCES):
                raise
        finally:
            os.close(self._lock)
            self._lock = None
        return stale
