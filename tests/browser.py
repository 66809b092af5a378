"""Debian's chromium driven by Playwright, offline: shared by the browser tests.

In CI (CI=true) a missing chromium is a failure, not a skip: .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from outsourcing_risk.batch.pdf import CHROMIUM_ARGS

LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}
ARGS = CHROMIUM_ARGS


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must apt-get install chromium before the tests")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@contextmanager
def browser_page():
    """A fresh page that records every request leaving the machine and every page error."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.outside_requests = []
            page.errors = []
            page.console_errors = []
            page.on("request", lambda r: _record(page, r.url))
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
            yield page
        finally:
            browser.close()


def _record(page, url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "file"):
        return
    if parsed.hostname not in LOCAL_HOSTS:
        page.outside_requests.append(url)


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's violations of WCAG 2.1 A and AA on the page as it is now: rule, nodes, first node."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['html'][:120]}" for v in found["violations"]]
