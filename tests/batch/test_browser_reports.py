"""Reports and the index in a real browser, offline: charts render, nothing leaves the machine,
a hostile scenario name is shown as text and runs no script."""

import re
import subprocess
import sys

import pandas as pd
import pytest

from outsourcing_risk import load_scenarios

from ..browser import browser_page, chromium_path

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The shipped sample scenarios plus a plain and a hostile row, as a recipient gets them."""
    chromium_path()
    root = tmp_path_factory.mktemp("browser")
    table = root / "t.csv"
    frame = load_scenarios()
    extra = pd.DataFrame(
        [
            {"name": "Plain", "trust": "0.5"},
            {"name": HOSTILE, "notes": "<script>alert(2)</script>", "trust": "0.8"},
        ]
    )
    pd.concat([frame, extra]).fillna("").to_csv(table, index=False)
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
            "2000",
            "--quiet",
            "--pdf",  # printed as Ctrl+P prints them (issue 21)
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
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
        assert _charts_drawn(page) == (7, 7), (
            "6 report charts (with the trust path) and the what-if's (its two panels are one figure)"
        )
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
        assert _charts_drawn(page) == (7, 7), (
            "6 report charts (with the trust path) and the what-if's (its two panels are one figure)"
        )
        assert page.errors == []


def test_the_index_links_every_report_sorts_and_draws_its_chart(reports):
    out, summary = reports
    with browser_page() as page:
        dialogs = _open(page, out / "index.html")
        assert dialogs == []
        assert page.locator('img[src="x"]').count() == 0
        assert _charts_drawn(page) == (1, 1)
        labels = page.locator("#comparison .yaxislayer-above text").all_text_contents()
        assert HOSTILE in labels
        links = page.locator("#kpis tbody a:not(.whatif)")
        assert sorted(links.all_inner_texts()) == sorted(summary.index)
        names = lambda: page.locator("#kpis tbody tr td:first-child a:not(.whatif)").all_inner_texts()
        page.click("#kpis th:nth-child(2) button")  # Mean NPV, ascending
        ascending = names()
        page.click("#kpis th:nth-child(2) button")
        assert names() == ascending[::-1]
        expected = list(summary.sort_values("mean_npv").index)
        assert ascending == expected
        links.first.click()
        page.wait_for_selector(".js-plotly-plot .main-svg")
        assert page.outside_requests == []
        assert page.errors == []


# Every visible text element of every chart: its box, and the box of the chart it belongs to.
_TEXT_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
  const fig = plot.getBoundingClientRect();
  const texts = [...plot.querySelectorAll('text')].filter(t => {
    const style = getComputedStyle(t);
    return t.textContent.trim() && style.display !== 'none' && style.visibility !== 'hidden'
      && style.opacity !== '0' && t.getBoundingClientRect().width > 0;
  }).map(t => { const r = t.getBoundingClientRect();
    return {text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; });
  return {id: plot.id, fig: {x0: fig.left, y0: fig.top, x1: fig.right, y1: fig.bottom}, texts};
})"""
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _overlap(a, b, slack=1.0):
    return (
        min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > slack
        and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > slack
    )


def _layout_problems(page) -> list[str]:
    problems = []
    for chart in page.evaluate(_TEXT_BOXES):
        fig, texts = chart["fig"], chart["texts"]
        for t in texts:
            if (
                t["x0"] < fig["x0"] - 1
                or t["x1"] > fig["x1"] + 1
                or t["y0"] < fig["y0"] - 1
                or t["y1"] > fig["y1"] + 1
            ):
                problems.append(f"{chart['id']}: {t['text']!r} runs outside its chart")
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                if _overlap(a, b):
                    problems.append(f"{chart['id']}: {a['text']!r} overlaps {b['text']!r}")
    return problems


def _visible_words(page) -> str:
    """What a reader sees: the page's text without what closed sections hold (the analysts'
    material) and without code, plus chart text."""
    body = page.evaluate(
        """() => { const clone = document.body.cloneNode(true);
        clone.querySelectorAll('script, style, code').forEach(e => e.remove());
        clone.querySelectorAll('details:not([open])').forEach(d =>
          Array.from(d.children).forEach(c => c.tagName !== 'SUMMARY' && c.remove()));
        return clone.textContent; }"""
    )
    charts = " ".join(t["text"] for c in page.evaluate(_TEXT_BOXES) for t in c["texts"])
    return body + " " + charts


def test_every_report_reads_cleanly_for_its_recipient(reports):
    out, summary = reports
    for name in [*load_scenarios()["name"], "Plain"]:
        with browser_page() as page:
            _open(page, out / summary.loc[name, "report"])
            page.wait_for_timeout(500)
            assert _layout_problems(page) == [], name
            words = _visible_words(page)
            assert SNAKE.findall(words) == [], f"{name}: Python names shown to the reader"
            for leftover in ("dtype:", "Name: version", "it/s]", "%|"):
                assert leftover not in words, f"{name}: {leftover!r} left in the report"
            analysts = page.locator("details.or-analysts")
            assert analysts.count() == 1, f"{name}: the analysts' material is in one closed section"
            assert analysts.get_attribute("open") is None
            assert "seed" not in page.locator("p.or-run").inner_text(), name
            conclusion = page.locator("p.or-conclusion")
            assert conclusion.bounding_box()["y"] + conclusion.bounding_box()["height"] <= 900, name
            assert conclusion.inner_text().startswith("Outsourcing "), name
            card = page.locator('.or-kpi[data-kpi="mean_npv"] .or-kpi-value').first
            assert card.bounding_box()["y"] + card.bounding_box()["height"] <= 900, name
            assert re.fullmatch(r"USD [-−]?[\d,]+", card.inner_text()), card.inner_text()
            shown = float(card.inner_text().split()[1].replace(",", ""))
            assert shown == pytest.approx(summary.loc[name, "mean_npv"], abs=0.5)
            assert page.console_errors == [], name
            assert page.errors == [], name
            assert page.outside_requests == [], name


def test_the_index_reads_cleanly_and_sorts_from_the_keyboard(reports):
    out, summary = reports
    with browser_page() as page:
        _open(page, out / "index.html")
        assert _layout_problems(page) == []
        assert SNAKE.findall(_visible_words(page)) == []
        conclusion = page.locator("p.conclusion").inner_text()
        best = summary["mean_npv"].idxmax()
        assert f"{best} (USD " in conclusion
        headers = page.locator("#kpis thead th").all_inner_texts()
        assert "Chance of a vendor failure within 5 years" in headers
        cells = page.locator("#kpis tbody tr:first-child td").all_inner_texts()
        assert cells[1].startswith("USD "), cells
        page.locator("#kpis th:nth-child(2) button").focus()
        page.keyboard.press("Enter")
        first_column = "#kpis tbody tr td:first-child a:not(.whatif)"
        ascending = page.locator(first_column).all_inner_texts()
        assert ascending == list(summary.sort_values("mean_npv").index)
        assert page.locator("#kpis th:nth-child(2)").get_attribute("aria-sort") == "ascending"
        page.keyboard.press("Space")
        assert page.locator(first_column).all_inner_texts() == ascending[::-1]
        assert page.console_errors == []
        assert page.outside_requests == []


def _whatif_state(page):
    return page.evaluate(
        """() => { const root = document.querySelector('.or-whatif');
        const cards = {}; root.querySelectorAll('.or-kpi').forEach(c =>
            cards[c.dataset.kpi] = c.querySelector('.or-kpi-value').textContent);
        const fan = root.querySelector('.or-whatif-charts').data.filter(t => t.xaxis !== 'x2');
        return {cards, sliders: [...root.querySelectorAll('input[type=range]')].map(s => +s.value),
                median: fan.find(t => t.name === 'median').y.slice(), fan: fan.map(t => t.y.slice()),
                setting: root.querySelector('.or-setting').textContent}; }"""
    )


@pytest.mark.parametrize("name", ["Risky low-cost bid", "Managed cloud operations"])
def test_the_what_if_levers_move_by_keyboard_and_show_what_simulate_gives(reports, name):
    from outsourcing_risk import Scenario, simulate
    from outsourcing_risk.present.formatting import money, percent
    from outsourcing_risk.present.whatif import axes_for

    out, summary = reports
    row = load_scenarios().set_index("name").loc[name].to_dict()
    scenario = Scenario.from_dict({**row, "name": name})
    axes = axes_for(scenario)
    with browser_page() as page:
        _open(page, out / summary.loc[name, "report"])
        page.wait_for_selector(".or-whatif .or-whatif-charts .main-svg")
        first = _whatif_state(page)
        assert first["sliders"] == [a.start for a in axes], "opens on the report's own setting"
        assert first["cards"]["mean_npv"] == money(summary.loc[name, "mean_npv"], "USD")
        for a, axis in enumerate(axes):
            before = _whatif_state(page)
            slider = page.locator(".or-whatif input[type=range]").nth(a)
            slider.focus()
            key = "ArrowRight" if axis.start < len(axis.values) - 1 else "ArrowLeft"
            page.keyboard.press(key)
            page.wait_for_function(
                "([a, v]) => +document.querySelectorAll('.or-whatif input[type=range]')[a].value !== v",
                arg=[a, before["sliders"][a]],
            )
            after = _whatif_state(page)
            setting = {ax.name: ax.values[i] for ax, i in zip(axes, after["sliders"], strict=True)}
            direct = simulate(scenario.replace(**setting), n_trials=2_000, seed=2026).summary()
            assert after["cards"]["mean_npv"] == money(direct["mean_npv"], "USD"), axis.name
            assert after["cards"]["p_loss"] == percent(direct["p_loss"]), axis.name
            assert after["fan"] != before["fan"], f"{axis.name}: the fan chart moved"
            if axis.name != "switching_cost":  # when most futures never fail, the median need not move
                assert after["median"] != before["median"], f"{axis.name}: the fan chart's median moved"
            assert axis.texts[after["sliders"][a]] in after["setting"], "the current setting is written out"
        assert page.console_errors == []
        assert page.errors == []
        assert page.outside_requests == []


def test_the_what_if_of_a_hostile_name_stays_text_and_the_index_links_it(reports):
    out, summary = reports
    with browser_page() as page:
        dialogs = _open(page, out / summary.loc[HOSTILE, "report"])
        page.wait_for_selector(".or-whatif .or-whatif-charts .main-svg")
        assert dialogs == []
        assert page.locator('img[src="x"]').count() == 0
        assert page.console_errors == []
        assert page.outside_requests == []
    with browser_page() as page:
        _open(page, out / "index.html")
        links = page.locator("#kpis a.whatif")
        assert links.count() == len(summary)
        assert links.first.get_attribute("href").endswith("#what-if")
        assert "interactive" in page.inner_text("body")


#: Per chart: its box, and the boxes of its title, axis titles, legend and drawn data (bars,
#: lines, fills), as the page lays them out now.
_CHART_BOXES = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
  const box = el.getBoundingClientRect();
  const parts = sel => Array.from(el.querySelectorAll(sel)).map(n => n.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0).map(r => [r.left, r.top, r.right, r.bottom]);
  return {box: [box.left, box.top, box.right, box.bottom],
          text: parts('.g-gtitle text, .g-xtitle text, .g-ytitle text, .legend text'),
          data: parts('.cartesianlayer .trace path')};
})"""


def _settle(page, most_ms: int = 8_000) -> None:
    """Wait until the charts have fitted themselves to a new width: their boxes stay the same for
    300 ms (a page of a dozen charts relays them one by one; a loaded machine takes its time)."""
    page.wait_for_timeout(400)
    before = page.evaluate(_CHART_BOXES)
    for _ in range(most_ms // 300):
        page.wait_for_timeout(300)
        now = page.evaluate(_CHART_BOXES)
        if now == before:
            return
        before = now


def _inside(part, box, slack=2.0) -> bool:
    return (
        part[0] >= box[0] - slack
        and part[1] >= box[1] - slack
        and part[2] <= box[2] + slack
        and part[3] <= box[3] + slack
    )


def test_a_report_reads_whole_on_a_phone_and_prints_every_chart_whole(reports, tmp_path):
    """Found from outside: at 390 px titles, legends and axis titles were clipped and the fan's
    months ran from -100; printed from a desktop window, every chart kept only its top ~150 px."""
    out, summary = reports
    path = out / summary.loc["Risky low-cost bid", "report"]
    with browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 844})
        _open(page, path)
        page.wait_for_timeout(600)  # the charts fit themselves after the page's load
        for width in (390, 768, 1280):  # a phone, a tablet, then wide again: each chart's own layout back
            page.set_viewport_size({"width": width, "height": 900})
            _settle(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 2, (
                f"nothing wider at {width}"
            )
            charts = page.evaluate(_CHART_BOXES)
            for chart in charts:
                assert chart["box"][2] <= width + 2
                assert chart["data"], (width, "every chart has drawn data")
                assert all(_inside(t, chart["box"]) for t in chart["text"]), (width, chart)
            fan_months = page.evaluate(
                "() => document.querySelectorAll('.js-plotly-plot')[0]._fullLayout.xaxis.range"
            )
            assert fan_months[0] >= 0, "the fan's month axis starts at month 0"
        widest = max(c["box"][2] - c["box"][0] for c in charts)
        assert widest > 1000, "widened after the phone, the charts take the window's width again"

    with browser_page() as page:  # printed from a desktop-width window
        page.set_viewport_size({"width": 1280, "height": 900})
        _open(page, path)
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # what Ctrl+P fires
        page.emulate_media(media="print")
        page.wait_for_timeout(500)
        charts = page.evaluate(_CHART_BOXES)
        assert len(charts) == 9, (
            "with the value of information and the Sobol indices: the failure rate is uncertain"
        )
        for chart in charts:
            box = chart["box"]
            assert box[2] - box[0] <= 681, "drawn at the printable width of A4 and Letter"
            assert chart["data"], "every chart has drawn data"
            assert all(_inside(d, box) for d in chart["data"]), chart
            assert all(_inside(t, box) for t in chart["text"]), chart
        pdf = tmp_path / "report.pdf"
        page.pdf(path=str(pdf), format="A4")
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
        page.emulate_media(media="screen")
        page.wait_for_timeout(500)
        restored = page.evaluate(
            "() => document.querySelectorAll('.js-plotly-plot')[0].getBoundingClientRect().width"
        )
        assert restored > 681, "after printing, the charts take the window's width again"
        assert page.errors == []
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False).stdout
    if text:  # poppler-utils present: every chart's title is on paper
        for title in (
            "Cumulative savings by month",
            "Present value of savings",
            "What moves the mean saving",
            "Trust by month under the best ramp",
            "What learning each input before signing is worth",
        ):
            assert title in text


def test_the_index_fits_a_phone(reports):
    out, _ = reports
    with browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 844})
        _open(page, out / "index.html")
        page.wait_for_timeout(600)
        assert page.evaluate("document.documentElement.scrollWidth") <= 392, "the table scrolls in its box"
        box = page.evaluate("() => document.querySelector('.or-table-box').getBoundingClientRect().width")
        assert box <= 390
        for chart in page.evaluate(_CHART_BOXES):
            assert all(_inside(t, chart["box"]) for t in chart["text"]), chart


def test_pdf_prints_every_report_whole_beside_it(reports, tmp_path):
    """--pdf: Chromium's own --print-to-pdf fires no beforeprint and cut every chart; the batch
    prints as a reader's Ctrl+P does: A4, every chart laid out at the page's width."""
    import json
    import shutil

    out, summary = reports
    manifest = json.loads((out / ".outsourcing-risk.json").read_text())
    for report in summary["report"]:
        pdf = out / report.replace(".html", ".pdf")
        assert pdf.read_bytes().startswith(b"%PDF"), pdf
        assert pdf.name in json.dumps(manifest), "a PDF is ours: a rerun may replace it"
    if shutil.which("pdftotext") is None:
        return
    pdf = out / summary.loc["Risky low-cost bid", "report"].replace(".html", ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("Cumulative savings by month", "What moves the mean saving", "Trust by month"):
        assert title in text
    # Every chart's drawing reaches paper: the fan chart's page has ink in the plot, not only a title.
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 5
