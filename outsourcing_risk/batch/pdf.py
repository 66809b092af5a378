"""``--pdf``: each written report printed to a PDF as a reader's Ctrl+P prints it.

Chromium's own ``--print-to-pdf`` does not fire ``beforeprint``, so the charts would keep their
screen width and be cut at the page's edge (see :mod:`outsourcing_risk.present.page_fit`). Here
Playwright opens the report in Chrome or Chromium, fires ``beforeprint``, switches to print media
and prints A4 or Letter, portrait: every chart laid out at the printable width, whole.

The printing runs after the rows, in a process of its own (``python -m outsourcing_risk.batch.pdf``):
in a session of its own, so that a Ctrl-C at the terminal reaches only the batch, which stops it
between two reports without a word from Playwright or asyncio; with its scratch folder as its
temporary folder, so that Chromium's profile goes with it whatever stops it. A browser that cannot
start is found before the rows run (:func:`pdf_problem`). Needs ``playwright`` (``pip install
"outsourcing-risk[pdf]"``) and a Chrome or Chromium (``apt-get install chromium``, or
``BROWSER_PATH``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Self

from ..io.processes import scratch_folder

__all__ = ["CHROMIUM_ARGS", "PAGE_FORMATS", "pdf_problem", "print_reports"]

#: Paper sizes of ``--pdf``, as Playwright names them.
PAGE_FORMATS = {"a4": "A4", "letter": "Letter"}
#: How Chromium is started to open a report: headless-safe, nothing fetched from outside the
#: machine (a report needs nothing from the network; the browser tests use the same).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # a report loads nothing from outside
]
#: How long one report may take to open and print (seconds).
PRINT_TIMEOUT = 120


#: How long the browser may take to start (seconds).
START_TIMEOUT = 60


def pdf_problem(browser: str | None) -> str:
    """Why ``--pdf`` cannot run here, in one line, or ``""``: Playwright missing, no browser, or a
    browser that does not start (tried, in the printing process, before any row runs)."""
    if importlib.util.find_spec("playwright") is None:
        return (
            '--pdf needs playwright, which is not installed: pip install "outsourcing-risk[pdf]" (it also '
            "needs Chrome or Chromium), or run without --pdf"
        )
    if browser is None:
        return (
            "--pdf needs Chrome or Chromium and none was found: install chromium (apt-get install "
            "chromium) or set BROWSER_PATH, or run without --pdf"
        )
    with _Printer(browser, "a4", lambda: False) as printer:
        if printer.problem:
            return f"--pdf: {printer.problem}; install chromium (apt-get install chromium) or set BROWSER_PATH, or run without --pdf"
    return ""


def print_reports(
    reports: Iterable[tuple[str, Path]],
    browser: str,
    paper: str,
    save: Callable[[str, bytes], None],
    stop: Callable[[], bool] = lambda: False,
) -> dict[str, str]:
    """Print each ``(name, html file)`` and hand the PDF's bytes to ``save(name, data)``; returns
    the problems by name (a report that could not be printed, each of them when the browser did
    not start). When ``stop()`` says so (a signal), the printing process is stopped at once, the
    report being printed is left unprinted (no problem recorded) and the rest are not printed."""
    problems: dict[str, str] = {}
    with _Printer(browser, paper, stop) as printer:
        for name, path in reports:
            if stop():
                break
            if printer.problem:
                problems[name] = f"pdf: {printer.problem}"
                continue
            answer = printer.print(path)
            if answer is None:  # stopped
                break
            if isinstance(answer, bytes):
                save(name, answer)
            else:
                problems[name] = f"pdf: {answer}"
    return problems


class _Printer:
    """The printing process: started in a session and a scratch folder of its own, told one report
    at a time, stopped (with everything it started) when ``stop()`` says so or at the end."""

    def __init__(self, browser: str, paper: str, stop: Callable[[], bool]):
        self.stop = stop
        self.problem = ""
        self.folder = scratch_folder("print", _short_temporary_folder())
        self.answers: queue.SimpleQueue = queue.SimpleQueue()
        env = {**os.environ, "TMPDIR": str(self.folder), "OUTSOURCING_RISK_PARENT_PID": str(os.getpid())}
        with open(self.folder / "printer.log", "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "outsourcing_risk.batch.pdf", browser, paper],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                start_new_session=True,
            )
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._answer(START_TIMEOUT)  # None: stopped, which print_reports sees itself
        if ready is not None and "problem" in ready:
            self.problem = ready["problem"]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10 if not self.stop() else 0)
        _kill_tree(self.proc)
        end = time.monotonic() + 3  # a browser in its last moments may still write its profile
        while self.folder.exists() and time.monotonic() < end:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            with contextlib.suppress(ValueError):
                self.answers.put(json.loads(line))
        self.answers.put({"problem": "the printing process ended"})

    def _answer(self, seconds: float) -> dict | None:
        """The next answer, or None when stopped; a silence past ``seconds`` is a problem."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.stop():
                _kill_tree(self.proc)
                return None
            with contextlib.suppress(queue.Empty):
                return self.answers.get(timeout=0.2)
        return {"problem": f"the browser did not answer within {seconds:g} s"}

    def print(self, html: Path) -> bytes | str | None:
        """One report's PDF, or the problem in words, or None when stopped."""
        target = self.folder / "report.pdf"
        try:
            self.proc.stdin.write((json.dumps({"html": str(html), "pdf": str(target)}) + "\n").encode())  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except OSError:
            self.problem = "the printing process ended"
            return self.problem
        answer = self._answer(PRINT_TIMEOUT + 10)
        if answer is None:
            return None
        if "problem" in answer:
            return answer["problem"]
        data = target.read_bytes()
        target.unlink()
        return data


def _short_temporary_folder() -> str | None:
    """Where the printer's scratch folder goes: the temporary folder, unless its path is so long
    that Chromium's socket inside it would pass the system's 107 characters (Chromium then dies:
    "Socket path too long"); ``/tmp`` then."""
    if len(tempfile.gettempdir()) <= 40 or not os.path.isdir("/tmp"):
        return None
    return "/tmp"


def _kill_tree(proc: subprocess.Popen) -> None:
    """Kill a process and everything it started (the Playwright driver, Chromium)."""
    import psutil

    try:
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.Error:
        family = []
    for p in family:
        with contextlib.suppress(psutil.Error):
            p.kill()
    with contextlib.suppress(Exception):
        proc.wait(timeout=5)
    psutil.wait_procs(family, timeout=5)


def _say(**answer) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def main(browser: str, paper: str) -> int:
    """The printing process: start the browser (say ``ready`` or the problem), then print each
    report asked for on standard input (a JSON line) and answer each with a JSON line."""
    from playwright.sync_api import Error, sync_playwright

    from ..io.processes import die_with_parent

    die_with_parent(parent=int(os.environ.get("OUTSOURCING_RISK_PARENT_PID", os.getppid())))
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(
                executable_path=browser, args=CHROMIUM_ARGS, timeout=START_TIMEOUT * 1000
            )
        except Error as exc:
            _say(problem=f"Chrome or Chromium ({browser}) could not start: {_launch_problem(exc)}")
            return 1
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(PRINT_TIMEOUT * 1000)
            _say(ready=True)
            for line in sys.stdin:
                request = json.loads(line)
                try:
                    data = _print_one(page, Path(request["html"]), PAGE_FORMATS[paper])
                    Path(request["pdf"]).write_bytes(data)
                    _say(ok=True)
                except Error as exc:
                    _say(problem=_first_line(exc))
        finally:
            chromium.close()
    return 0


def _launch_problem(exc: BaseException) -> str:
    """What the browser said when it would not start (its last error line and exit code), else
    Playwright's first line.

    >>> _launch_problem(Exception("launch: closed\\n[pid=7][err] cannot open display\\n<process did exit: exitCode=1, signal=null>"))
    'cannot open display (exit code 1)'
    >>> _launch_problem(Exception("[pid=7][err] [7:7:1203/1:FATAL:singleton.cc:315] Socket path too long: /x\\n[pid=7][err] [1203/1:ERROR:file_io.cc:145] open /sys/x: No such file"))
    'Socket path too long: /x'
    """
    text = str(exc)
    said = re.findall(r"\[pid=\d+\]\[err\] (.+)", text)
    fatal = [re.sub(r"^\[[^\]]*:FATAL:[^\]]*\]\s*", "", line) for line in said if ":FATAL:" in line]
    said = fatal or said
    code = re.search(r"exitCode=(\d+)", text)
    if not said:
        return _first_line(exc)
    return said[-1].strip()[:200] + (f" (exit code {code.group(1)})" if code else "")


def _first_line(exc: BaseException) -> str:
    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__


def _print_one(page, path: Path, paper: str) -> bytes:
    """One report as a desktop reader prints it: laid out at 1280 px, then Ctrl+P."""
    page.emulate_media(media="screen")
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    if page.locator(".js-plotly-plot").count():
        page.wait_for_selector(".js-plotly-plot .main-svg")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # what Ctrl+P fires
    page.emulate_media(media="print")
    page.wait_for_timeout(300)  # the charts relay themselves out at the page's width
    data = page.pdf(format=paper, print_background=True, prefer_css_page_size=False)
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    return data


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
