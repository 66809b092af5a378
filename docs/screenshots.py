"""Screenshots of what a recipient gets (``make screenshots``): the top of a report and the index.

Runs the batch on the shipped scenario table into a temporary folder and photographs the pages in
Debian's chromium, offline, at 1280 × 900. The PNGs land in ``docs/img/`` and the README shows them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
ARGS = ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
REPORT = "Risky low-cost bid"


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("screenshots need Debian's chromium: apt-get install chromium", file=sys.stderr)
        return 2
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "outsourcing_risk.cli",
                "report",
                str(ROOT / "data" / "scenarios.csv"),
                "--out",
                str(out),
                "--quiet",
            ],
            check=True,
        )
        summary = pd.read_csv(out / "summary.csv").set_index("scenario")
        pages = {
            "report-top.png": out / summary.loc[REPORT, "report"],
            "index.png": out / "index.html",
        }
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in pages.items():
                page.goto(path.as_uri())
                page.wait_for_selector(".js-plotly-plot .main-svg")
                page.wait_for_timeout(800)
                page.screenshot(path=str(IMG / name))
                print(f"wrote {IMG / name}")
            page.goto(pages["report-top.png"].as_uri() + "#what-if")
            page.wait_for_selector(".or-whatif .or-whatif-charts .main-svg")
            page.locator(".or-whatif input[type=range]").nth(1).focus()
            page.keyboard.press("ArrowRight")  # "and if the vendor were more likely to fail?"
            page.wait_for_timeout(800)
            page.locator(".or-whatif").screenshot(path=str(IMG / "what-if.png"))
            print(f"wrote {IMG / 'what-if.png'}")
            _app_screenshot(browser)
            browser.close()
    return 0


def _app_screenshot(browser) -> None:
    """The Voilà app (``make app``) after one move of the vendor-failure slider."""
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "outsourcing_risk", "app", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.set_default_timeout(120_000)
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector(".js-plotly-plot .main-svg")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(IMG / "app.png"))
        print(f"wrote {IMG / 'app.png'}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
