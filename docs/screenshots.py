"""Screenshots of what a recipient gets (``make screenshots``): the top of a report, the index,
the what-if section, the trust section, the app, a report and its what-if on a phone, a printed
page of a report and the printed index.

Runs the batch on the shipped scenario table into a temporary folder (with ``--pdf``) and
photographs the pages in Debian's chromium, offline, at 1280 × 900 and at 390 × 844 (a phone);
the printed page is page 2 of the report's PDF, rasterised by pdftoppm (poppler-utils). The PNGs
land in ``docs/img/`` and the README shows them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from playwright.sync_api import sync_playwright

from outsourcing_risk.batch.pdf import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
ARGS = CHROMIUM_ARGS
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
                "--pdf",
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
            page.goto(pages["report-top.png"].as_uri())
            page.wait_for_selector(".or-policy-sentence")
            section = page.locator("h2", has_text="Building trust over time")
            top = section.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
            bottom = page.locator(".or-policies").evaluate(
                "e => e.getBoundingClientRect().bottom + window.scrollY"
            )
            page.screenshot(
                path=str(IMG / "trust-over-time.png"),
                full_page=True,
                clip={"x": 0, "y": top - 10, "width": 1280, "height": bottom - top + 20},
            )
            print(f"wrote {IMG / 'trust-over-time.png'}")
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.goto(pages["report-top.png"].as_uri())
            phone.wait_for_selector(".js-plotly-plot .main-svg")
            phone.wait_for_timeout(1200)  # the charts fit the phone after the page's load
            phone.screenshot(
                path=str(IMG / "report-phone.png"),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 390, "height": 1900},
            )
            print(f"wrote {IMG / 'report-phone.png'}")
            phone.goto(pages["report-top.png"].as_uri() + "#what-if")
            phone.wait_for_selector(".or-whatif .or-whatif-charts .main-svg")
            phone.locator(".or-whatif input[type=range]").nth(1).focus()
            phone.keyboard.press("ArrowRight")  # the same question, asked on a phone
            phone.wait_for_timeout(1200)
            phone.locator(".or-whatif").screenshot(path=str(IMG / "what-if-phone.png"))
            print(f"wrote {IMG / 'what-if-phone.png'}")
            uncertain = out / summary.loc["Uncertain base case", "report"]
            page.goto(uncertain.as_uri())
            page.wait_for_selector(".or-sobol")
            page.wait_for_timeout(800)
            # What causes the spread and what is worth learning (the drivers' second and third parts).
            top = min(
                page.locator(f"h3#{key}").evaluate("e => e.getBoundingClientRect().top + window.scrollY")
                for key in ("sobol", "information")
            )
            bottom = page.locator("h2", has_text="Value of an exit strategy").evaluate(
                "e => e.getBoundingClientRect().top + window.scrollY"
            )
            page.screenshot(
                path=str(IMG / "which-uncertainty.png"),
                full_page=True,
                clip={"x": 0, "y": top - 10, "width": 1280, "height": bottom - top},
            )
            print(f"wrote {IMG / 'which-uncertainty.png'}")
            book = Path(tmp) / "book"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "outsourcing_risk.cli",
                    "portfolio",
                    str(ROOT / "data" / "portfolio_bank.csv"),
                    "--out",
                    str(book),
                    "--capacity",
                    "2",
                ],
                check=True,
                capture_output=True,
            )
            page.goto((book / "portfolio.html").as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg")
            page.wait_for_timeout(800)
            page.screenshot(
                path=str(IMG / "portfolio.png"),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 1280, "height": 1400},
            )
            print(f"wrote {IMG / 'portfolio.png'}")
            _app_screenshot(browser)
            browser.close()
        _printed_page(out / summary.loc[REPORT, "report"].replace(".html", ".pdf"))
        _printed_page(out / "index.pdf", "index-print", page=1)
    return 0


def _printed_page(pdf: Path, name: str = "report-print", page: int = 2) -> None:
    """A page as the batch printed it (``--pdf``, A4): page 2 of the report, the charts whole on
    paper; the index, every column on paper."""
    if shutil.which("pdftoppm") is None:
        print("no printed page: pdftoppm is not installed (apt-get install poppler-utils)", file=sys.stderr)
        return
    stem = IMG / name
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    print(f"wrote {stem}.png")


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
