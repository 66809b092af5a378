"""Work for the newest request only: what keeps a widget's charts at the speed of a drag.

A slider moved five times in quick succession asks for five recomputations. :class:`Latest` runs
them on one background thread and keeps only the newest request waiting, so the kernel answers
each move at once, never computes a setting that a newer one has replaced before it started, and
lets the work in flight see that it became stale (and skip drawing it).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

__all__ = ["Latest"]

_NOTHING = object()


class Latest:
    """``Latest(work)``; ``submit(item)`` returns at once and ``work(item, stale)`` runs on a
    background thread for the newest item submitted, where ``stale()`` tells whether a newer item
    has been submitted since. ``wait()`` blocks until every submitted item has been dealt with.

    ``work`` reports what it cannot handle itself (a status line); should it raise, the exception
    goes to :func:`threading.excepthook` and the next ``submit`` starts a new thread.
    """

    def __init__(self, work: Callable[[object, Callable[[], bool]], None], name: str = "latest"):
        self._work = work
        self._name = name
        self._lock = threading.Lock()
        self._next = _NOTHING
        self._submitted = 0
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, item) -> None:
        with self._lock:
            self._next = item
            self._submitted += 1
            if self._thread is None:
                self._start()

    def _start(self) -> None:  # with the lock held
        self._idle.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def _overtaken(self, number: int) -> bool:
        """Whether a newer item than number ``number`` has come in."""
        return self._submitted != number

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._next is _NOTHING:
                    self._thread = None
                    self._idle.set()
                    return
                item, self._next, number = self._next, _NOTHING, self._submitted
            try:
                self._work(item, functools.partial(self._overtaken, number))
            except BaseException:
                # threading reports the exception; a newer item still gets its turn.
                with self._lock:
                    self._thread = None
                    if self._next is _NOTHING:
                        self._idle.set()
                    else:
                        self._start()
                raise

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread is idle; False if ``timeout`` seconds passed first."""
        return self._idle.wait(timeout)
