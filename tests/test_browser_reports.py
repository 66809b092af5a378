"""Reports and the index in a real browser, offline: charts render, nothing leaves the machine,
a hostile scenario name is shown as text and runs no script."""

import subprocess
import sys

import pandas as pd
import pytest

from .browser import browser_page, chromium_path

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    chromium_path()
    root = tmp_path_factory.mktemp("browser")
    table = root / "t.csv"
    table.write_text(f'name,notes,trust\nPlain,,0.5\n"{HOSTILE}","<script>alert(2)</script>",0.8\n')
    out = root / "reports"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "outsourcing_risk.cli",
            "report",
            str(table),
            "--out",
            str(out),
            "--trials",
            "1000",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out, pd.read_csv(out / "summary.csv").set_index("scenario")


def _open(page, path):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_timeout(300)
    return dialogs


def _charts_drawn(page) -> tuple[int, int]:
    plots = page.locator(".js-plotly-plot")
    drawn = page.locator(".js-plotly-plot:has(.main-svg)")
    return plots.count(), drawn.count()


def test_every_chart_of_a_report_renders_offline(reports):
    out, summary = reports
    with browser_page() as page:
        dialogs = _open(page, out / summary.loc["Plain", "report"])
        assert _charts_drawn(page) == (5, 5)
        assert page.errors == []
        assert page.outside_requests == []
        assert dialogs == []
        assert page.title() == "Plain"


def test_a_hostile_name_is_shown_as_text_and_runs_no_script(reports):
    out, summary = reports
    with browser_page() as page:
        dialogs = _open(page, out / summary.loc[HOSTILE, "report"])
        assert dialogs == []
        assert page.locator('img[src="x"]').count() == 0
        assert page.title() == HOSTILE
        assert page.locator("h1.or-title").inner_text() == HOSTILE
        assert "<script>alert(2)</script>" in page.inner_text("body")
        chart_titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
        assert any(HOSTILE in t for t in chart_titles), chart_titles
        assert _charts_drawn(page) == (5, 5)
        assert page.errors == []


def test_the_index_links_every_report_sorts_and_draws_its_chart(reports):
    out, summary = reports
    with browser_page() as page:
        dialogs = _open(page, out / "index.html")
        assert dialogs == []
        assert page.locator('img[src="x"]').count() == 0
        assert _charts_drawn(page) == (1, 1)
        labels = page.locator("#comparison .xtick text").all_text_contents()
        assert HOSTILE in labels
        links = page.locator("#kpis tbody a")
        assert sorted(links.all_inner_texts()) == sorted(summary.index)
        names = lambda: page.locator("#kpis tbody tr td:first-child").all_inner_texts()
        page.click("#kpis th:nth-child(2)")  # Mean NPV, ascending
        ascending = names()
        page.click("#kpis th:nth-child(2)")
        assert names() == ascending[::-1]
        expected = list(summary.sort_values("mean_npv").index)
        assert ascending == expected
        links.first.click()
        page.wait_for_selector(".js-plotly-plot .main-svg")
        assert page.outside_requests == []
        assert page.errors == []
