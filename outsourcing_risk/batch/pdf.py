"""``--pdf``: each written report printed to a PDF as a reader's Ctrl+P prints it.

Chromium's own ``--print-to-pdf`` does not fire ``beforeprint``, so the charts would keep their
screen width and be cut at the page's edge (see :mod:`outsourcing_risk.present.page_fit`). Here
Playwright opens the report in Chrome or Chromium, fires ``beforeprint``, switches to print media
and prints A4 or Letter, portrait: every chart laid out at the printable width, whole.

Runs in the process that holds the output folder, after the rows: a row run on a cluster is
printed where its report is written. Needs ``playwright`` (``pip install "outsourcing-risk[pdf]"``)
and a Chrome or Chromium (``apt-get install chromium``, or ``BROWSER_PATH``).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path

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


def pdf_problem(browser: str | None) -> str:
    """Why ``--pdf`` cannot run here, in one line, or ``""``."""
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
    return ""


def print_reports(
    reports: Iterable[tuple[str, Path]],
    browser: str,
    paper: str,
    save: Callable[[str, bytes], None],
    stop: Callable[[], bool] = lambda: False,
) -> dict[str, str]:
    """Print each ``(name, html file)`` and hand the PDF's bytes to ``save(name, data)``; returns
    the problems by name (a report that could not be printed). Stops between reports when
    ``stop()`` says so."""
    from playwright.sync_api import Error, sync_playwright

    problems: dict[str, str] = {}
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=browser, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(PRINT_TIMEOUT * 1000)
            for name, path in reports:
                if stop():
                    break
                try:
                    save(name, _print_one(page, path, PAGE_FORMATS[paper]))
                except Error as exc:
                    problems[name] = f"pdf: {str(exc).splitlines()[0]}"
        finally:
            chromium.close()
    return problems


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
