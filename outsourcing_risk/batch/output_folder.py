"""The output folder of a batch or a book: one run at a time, a set of files that arrives whole,
clear errors, and never a file that is not ours.

- **A lock.** A run holds an exclusive lock on ``.outsourcing-risk.lock`` in the folder
  (:mod:`filelock`: the same on Linux, macOS and Windows); a second run into the same folder is
  refused at once (exit 2) and told which process holds it.
- **All or nothing.** A run writes its files into a staging folder inside the output folder
  (``.outsourcing-risk-stage-PID-…``, on the same disk) and :meth:`OutputFolder.close` moves them in
  together: renames, which need no room on the disk, with every stop signal held off until they
  are done. A failure before that (a full disk, a signal, a crash) leaves the previous complete set
  as it was, or nothing; a staging folder left by a run killed outright is removed by the next run.
- **A manifest.** ``.outsourcing-risk.json`` lists every file in the folder that a run wrote, with
  the SHA-256 of what it wrote, and only files that are there. A file is **ours** when the manifest
  lists it, its name is one the batch or the book makes, and its content is still what we wrote.
  Only our files are ever replaced or removed, and a command only its own kind: a report batch's
  rerun removes the files of the previous batch that it does not write again (rows no longer in the
  table, rows that failed or were not run), so ``index.html``, ``summary.csv`` and the files on disk
  agree; it never removes a book's ``portfolio.html``, nor a book run a batch's reports. A planted
  or stale manifest cannot make us delete anything else.
- **Consent.** A file the run would write over that is not ours (the user's own ``index.html``, a
  folder named like a report) stops the run before anything runs, naming the files; ``--force``
  replaces them. Nothing else is ever touched.
- **No links followed.** ``--out`` itself, the lock and the manifest must not be symbolic links;
  every file is renamed into place, which replaces a link instead of writing through it.
- **Clear errors.** A failed write raises :class:`OutputError` with one line such as
  "no space left on device while writing reports/x.html".
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..io.atomic import write_atomic
from ..io.errors import OutsourcingRiskError
from ..io.processes import remove_orphans, scratch_folder, stop_signals

__all__ = ["BOOK_FILES", "LOCK", "MANIFEST", "OutputError", "OutputFolder", "is_batch_name", "write_atomic"]

MANIFEST = ".outsourcing-risk.json"
#: What a book (``outsourcing-risk portfolio``) writes; every other name is a report batch's.
BOOK_FILES = ("portfolio.html", "contracts.csv", "vendors.csv", "portfolio.xlsx", "portfolio.pdf")
LOCK = ".outsourcing-risk.lock"
#: The largest manifest read (a listing of thousands of files is a few hundred kB).
_MANIFEST_MAX = 8 << 20
#: The names a batch writes: the index, the summary, and per row a slug with an 8-digit hash
#: followed by the report, the notebook or an image; the portfolio report's three files; and
#: the workbooks of --xlsx.
_BATCH_NAME = re.compile(
    r"(index\.html|summary\.csv|summary\.xlsx|claims\.csv|portfolio\.html|portfolio\.xlsx|contracts\.csv|vendors\.csv"
    r"|[a-z0-9-]+-[0-9a-f]{8}(\.html|\.ipynb|-(fan|npv)\.(png|svg)))"
)


class OutputError(OutsourcingRiskError, OSError):
    """A problem with the output folder, in one line that says what to do."""


def is_batch_name(name: str) -> bool:
    """Whether ``name`` is one the batch makes (see :data:`_BATCH_NAME`).

    >>> is_batch_name("base-case-545862e1.html"), is_batch_name("thesis.docx")
    (True, False)
    """
    return _BATCH_NAME.fullmatch(name) is not None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    text = os.strerror(exc.errno) if exc.errno else str(exc)
    return text[0].lower() + text[1:] if text else "an error"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OutputFolder:
    """``--out`` for one run: checked, locked, written to a staging folder, moved in whole at the end.

    ``force``: files this run writes over may be files that are not ours (the user said so).
    ``kind``: whose files this run writes, ``"report"`` (a batch) or ``"book"`` (a portfolio); at the
    end it removes only the previous run's files of its own kind.
    """

    def __init__(self, path: str | os.PathLike, *, force: bool = False, kind: str = "report"):
        if kind not in ("report", "book"):
            raise ValueError(f"kind must be 'report' or 'book' (got {kind!r})")
        self.path = _checked(path)
        self.force = force
        self.kind = kind
        self.written: dict[str, str] = {}  # name -> SHA-256 of what this run wrote (staged)
        self.previous: dict[str, str | None] = {}  # what the folder holds of ours (None: hash unknown)
        self.pending: dict[str, str] = {}  # what a run killed while moving its files in was moving
        self._lock: Any = None  # the filelock lock while the run holds the folder
        self._stage: Path | None = None  # the staging folder, made at the first write
        self._open()

    # --- opening: the folder, the lock, the last run's manifest -------------------------------

    def _open(self) -> None:
        from filelock import FileLock, Timeout

        for name in (LOCK, MANIFEST):
            _refuse_planted(self.path / name)
        self._ours_since_open = [n for n in (LOCK, MANIFEST) if not os.path.lexists(self.path / n)]
        lock = FileLock(str(self.path / LOCK), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            holder = self._read_manifest().get("pid", "?")
            raise OutputError(
                f"another outsourcing-risk run (process {holder}) is writing to {self.path}: wait for "
                "it to finish, or choose another --out"
            ) from None
        except OSError as exc:
            raise OutputError(f"cannot write to --out {self.path}: {_reason(exc)}") from None
        self._lock = lock
        manifest = self._read_manifest()
        self.previous = _listed(manifest)
        self.pending = {n: h for n, h in _listed({"files": manifest.get("pending")}).items() if h}
        remove_orphans(self.path)  # the staging folder of a run killed outright (we hold the lock)
        try:
            self._save(self.previous, self.pending)  # the holder's pid, for a second run's message
        except OSError as exc:
            self._leave_as_found()
            raise OutputError(f"cannot write to --out {self.path}: {_reason(exc)}") from None

    def _read_manifest(self) -> dict:
        """The manifest as a dict ({} when missing, unreadable, not a plain file or too large)."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path / MANIFEST, flags)
        except OSError:
            return {}
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return {}
            data = json.loads(os.read(fd, _MANIFEST_MAX) or b"{}")
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}
        finally:
            os.close(fd)

    def _save(self, files: Mapping[str, str | None], pending: Mapping[str, str] | None = None) -> None:
        body: dict[str, Any] = {
            "pid": os.getpid(),
            "updated": time.strftime("%Y-%m-%d %H:%M:%S"),
            "files": dict(sorted(files.items())),
        }
        if pending:
            body["pending"] = dict(sorted(pending.items()))
        write_atomic(self.path / MANIFEST, json.dumps(body, indent=1))

    # --- what is ours -------------------------------------------------------------------------

    def is_ours(self, name: str) -> bool:
        """Whether ``name`` in the folder is a file the batch or the book wrote and nobody changed
        since: listed, named as they name files, a plain file, its content as recorded (or as a run
        killed while moving its files in was moving it). A list from before hashes were recorded
        proves nothing: its files are not ours (``--force`` replaces them once; from then on they
        are)."""
        hashes = {self.previous.get(name), self.pending.get(name)} - {None}
        if not hashes or not is_batch_name(name):
            return False
        target = self.path / name
        try:
            if not stat.S_ISREG(target.lstat().st_mode):
                return False
            return _digest(target.read_bytes()) in hashes
        except OSError:
            return False

    def foreign(self, names) -> list[str]:
        """Of ``names``, those present in the folder that are not ours (see :meth:`is_ours`)."""
        return [n for n in names if os.path.lexists(self.path / n) and not self.is_ours(n)]

    def claim(self, names) -> None:
        """Make sure this run may write ``names``: every one that is already there must be ours,
        unless :attr:`force`; otherwise :class:`OutputError` naming them, before anything runs."""
        if self.force:
            return
        foreign = self.foreign(names)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            self._leave_as_found()
            raise OutputError(
                f"--out {self.path} already holds {len(foreign)} file(s) this tool did not write and "
                f"would replace: {shown}. Choose another --out, move them away, or pass --force to "
                "replace them"
            )

    # --- writing, then moving in ---------------------------------------------------------------

    def write(self, name: str, data: str | bytes) -> None:
        """Write one file into the staging folder (it moves in with the rest at :meth:`close`);
        :class:`OutputError` in one line when the disk says no, or when the name is taken by
        something that is not ours (a folder, a link) and not forced."""
        data = data.encode() if isinstance(data, str) else data
        target = self.path / name
        if not self.force and os.path.lexists(target) and not self.is_ours(name):
            raise OutputError(f"{target} is not a file this tool wrote: left as it is (--force replaces it)")
        try:
            if self._stage is None:
                self._stage = scratch_folder("stage", self.path)
            write_atomic(self._stage / name, data)
        except OSError as exc:
            raise OutputError(f"{_reason(exc)} while writing {target}") from None
        self.written[name] = _digest(data)

    def staged(self, name: str) -> Path:
        """Where ``name`` is now: in the staging folder when this run wrote it, else in the folder."""
        if self._stage is not None and name in self.written:
            return self._stage / name
        return self.path / name

    def close(self) -> list[str]:
        """Move this run's files in, remove the previous run's files of this kind that this one did
        not write again (if still ours), record what is there, unlock; returns the names removed.
        Stop signals wait until it is done. When not even the list can be written (a full disk),
        nothing moves: :class:`OutputError`, and the folder keeps the previous set."""
        try:
            with stop_signals():  # held off: the set moves in whole
                return self._move_in()
        except OSError as exc:
            self.abandon()
            raise OutputError(f"{_reason(exc)} while writing {self.path / MANIFEST}") from None
        finally:
            self._release()

    def _move_in(self) -> list[str]:
        others = {n: h for n, h in self.previous.items() if _kind(n) != self.kind and self.is_ours(n)}
        stale = [
            n for n in self.previous if _kind(n) == self.kind and n not in self.written and self.is_ours(n)
        ]
        if self.written:  # first the list, so that a run killed mid-way leaves files still ours
            self._save(self.previous, {**self.pending, **self.written})
        for name in self.written:
            os.replace(self.staged(name), self.path / name)
        for name in stale:
            with contextlib.suppress(FileNotFoundError):
                (self.path / name).unlink()
        with contextlib.suppress(OSError):  # when it fails, the list of pending files holds
            self._save({**others, **self.written})
        self._remove_stage()
        return stale

    def abandon(self) -> None:
        """Unlock without moving anything in: a run that stopped or failed leaves the folder as it
        was (the previous run's files and their list; a folder it found without them, without)."""
        self._remove_stage()
        if not self.previous and not self.pending:
            self._leave_as_found()
        self._release()

    def _remove_stage(self) -> None:
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None

    def _leave_as_found(self) -> None:
        """Unlock and remove the lock and list this run made: a refused run changes nothing."""
        self._release()
        for name in self._ours_since_open:
            with contextlib.suppress(OSError):
                (self.path / name).unlink()

    def _release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.release()
            self._lock = None


def _kind(name: str) -> str:
    """Which command writes ``name``: a book (its three files) or a report batch (the rest)."""
    return "book" if name in BOOK_FILES else "report"


def _checked(path) -> Path:
    """``--out`` as a folder we may use: named, not a link, not a file; created if missing."""
    if str(path).strip() == "":
        raise OutputError("--out is empty: name a folder for the reports (for example --out reports)")
    where = Path(path)
    try:
        if where.is_symlink():
            raise OutputError(
                f"--out {where} is a symbolic link (to {os.readlink(where)}): give the folder itself, "
                "so that the reports land where you can see them"
            )
        if where.exists() and not where.is_dir():
            raise OutputError(f"--out {where} is a file, not a folder: choose a folder for the reports")
        where.mkdir(parents=True, exist_ok=True)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot use --out {_shown(where)}: {_reason(exc)}") from None
    return where


def _shown(path: Path, most: int = 80) -> str:
    """A path short enough for a one-line message."""
    text = str(path)
    return text if len(text) <= most else f"{text[: most // 2]}…{text[-most // 2 :]} ({len(text)} characters)"


def _refuse_planted(path: Path) -> None:
    """Our own dot-files must be plain files (or missing): a link or a folder in their place was
    put there by someone else, and following it would write outside the folder."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot use {path}: {_reason(exc)}") from None
    if not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a plain file"
        raise OutputError(f"{path} is {kind}, which this tool never makes: remove it, then run again")


def _listed(manifest: dict) -> dict[str, str | None]:
    """The files a manifest lists, by name: plain names in this folder only (no path, no dot-file),
    with their SHA-256 (None for a list from before hashes were recorded)."""
    files = manifest.get("files", {})
    if isinstance(files, list):
        files = dict.fromkeys(map(str, files))
    if not isinstance(files, dict):
        return {}
    return {
        str(n): (h if isinstance(h, str) else None)
        for n, h in files.items()
        if str(n) == Path(str(n)).name and not str(n).startswith(".")
    }
