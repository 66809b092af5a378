"""The Voilà app as a stakeholder meets it: `outsourcing-risk app` in headless chromium, offline.

No code on the page, no JavaScript error, no request leaving the machine; moving the trust slider
by keyboard, and typing a switching cost as it is shown, set the mean-saving card to what
`simulate` gives at the new setting.
"""

import os
import signal
import socket

import pytest

from outsourcing_risk import Scenario, plots, simulate

from ..app_server import start_app, stop_app
from ..browser import browser_page, chromium_path

pytestmark = pytest.mark.browser


@pytest.fixture
def app(request, tmp_path):
    """`outsourcing-risk app NAME` on a free port, run from a folder outside the repository."""
    chromium_path()
    server, port = start_app(tmp_path, request.param, timeout=90)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_app(server)


def _kpi(page, key: str) -> float:
    return float(page.locator(f'.or-kpi[data-kpi="{key}"]').first.get_attribute("data-value"))


def _clean(page) -> None:
    assert page.locator(".jp-InputArea-editor, .jp-InputPrompt").count() == 0, "no code is shown"
    assert page.errors == []
    assert page.console_errors == []
    assert page.outside_requests == []


@pytest.mark.parametrize("app", ["what-if"], indirect=True)
def test_the_what_if_app_moves_with_its_trust_slider(app):
    with browser_page() as page:
        page.set_default_timeout(120_000)
        page.goto(app)
        page.wait_for_selector(".or-kpis")
        page.wait_for_selector(".js-plotly-plot .main-svg")
        base = simulate(Scenario(), n_trials=20_000, seed=2026).summary()
        assert _kpi(page, "mean_npv") == pytest.approx(base["mean_npv"], rel=1e-12)
        handle = page.locator(".widget-hslider .noUi-handle").first  # trust, the first headline lever
        shown = page.locator('.or-kpi[data-kpi="mean_npv"]').first.get_attribute("data-value")
        handle.focus()
        handle.press("ArrowRight")  # one step: 60 % -> 61 %
        page.wait_for_function(  # the card's own text, not a repr of it, until the update lands
            f"() => document.querySelector('.or-kpi[data-kpi=\"mean_npv\"]').dataset.value != '{shown}'"
        )
        moved = simulate(Scenario(trust=0.61), n_trials=20_000, seed=2026).summary()
        assert _kpi(page, "mean_npv") == pytest.approx(moved["mean_npv"], rel=1e-12)
        # A value typed the way it is shown (the slider's own readout read "350,000" as 350).
        field = next(i for i in page.locator("input[type=text]").all() if i.input_value() == "280,000")
        shown = page.locator('.or-kpi[data-kpi="mean_npv"]').first.get_attribute("data-value")
        field.fill("350,000")
        field.press("Enter")
        page.wait_for_function(
            f"() => document.querySelector('.or-kpi[data-kpi=\"mean_npv\"]').dataset.value != '{shown}'"
        )
        result = simulate(Scenario(trust=0.61, switching_cost=350_000), n_trials=20_000, seed=2026)
        typed = result.summary()
        assert _kpi(page, "mean_npv") == pytest.approx(typed["mean_npv"], rel=1e-12)
        # and the charts: the fan's median line and the distribution's mean mark at that setting
        page.wait_for_function(
            """([median, mean]) => {
              const g = document.querySelector('.or-live-charts .js-plotly-plot');
              const y = g.data.find(t => t.name === 'median').y, mark = g.layout.shapes.find(s => s.xref === 'x2');
              const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
              return near(y[y.length - 1], median) && near(mark.x0, mean); }""",
            arg=[float(plots.fan_data(result)["p50"].iloc[-1]), float(typed["mean_npv"])],
        )
        assert page.locator(".js-plotly-plot").count() == 1, (
            "the charts once: fan and distribution, one figure"
        )
        # Trust over time: the ramp policy chosen in its section reaches the cards.
        page.get_by_text("Trust over time", exact=True).click()
        shown = page.locator('.or-kpi[data-kpi="mean_npv"]').first.get_attribute("data-value")
        page.locator("select").filter(has=page.locator("option", has_text="ramp")).first.select_option("ramp")
        page.wait_for_function(
            f"() => document.querySelector('.or-kpi[data-kpi=\"mean_npv\"]').dataset.value != '{shown}'"
        )
        ramp = Scenario(trust=0.61, switching_cost=350_000, trust_policy="ramp")
        assert _kpi(page, "mean_npv") == pytest.approx(
            simulate(ramp, n_trials=20_000, seed=2026).npv.mean(), rel=1e-12
        )
        _clean(page)
        # On a phone the controls stack: every headline slider, field and button within the screen.
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        edges = page.evaluate(
            """() => Array.from(document.querySelectorAll('.widget-hslider, input[type=text], .widget-toggle-button, select'))
              .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.top < 1200).map(r => r.right)"""
        )
        assert edges
        assert max(edges) <= 391, "nothing of the levers past the phone's edge"


@pytest.mark.parametrize("app", ["vendors"], indirect=True)
def test_the_vendor_app_ranks_the_candidates(app):
    with browser_page() as page:
        page.set_default_timeout(120_000)
        page.goto(app)
        page.wait_for_selector(".js-plotly-plot .main-svg")
        page.wait_for_selector("table")
        # the ranking's chart, and the value of interviewing before choosing (issue 24)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2")
        assert page.locator(".js-plotly-plot").count() == 2
        assert page.get_by_text("Interviews or reference checks that halve").count() == 1
        cost = page.locator(".widget-text", has_text="Cost of interviewing every candidate").locator("input")
        cost.fill("25000.5")
        cost.press("Enter")
        page.get_by_text("they cost USD 25,000").wait_for()
        page.set_viewport_size({"width": 390, "height": 844})  # on a phone the field stays on the screen
        page.wait_for_timeout(500)
        box = cost.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 392
        _clean(page)


def test_a_stopped_app_leaves_no_server_kernel_or_folder_behind(tmp_path):
    """`kill` (SIGTERM, as a service manager stops it) on `outsourcing-risk app` stops Voilà and
    its kernel too, and removes the app's template folder: nothing keeps serving on the port."""
    pytest.importorskip("voila")
    server, port = start_app(tmp_path, None, env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=90)
    try:
        assert list(tmp_path.glob("outsourcing-risk-app-*")), "the app's template folder is in TMPDIR"
        server.send_signal(signal.SIGTERM)  # the app's own process only, not its process group
        assert server.wait(timeout=40) == 0
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        with pytest.raises(ProcessLookupError):  # Voilà and its kernel ran in the app's group
            os.killpg(server.pid, 0)
        assert list(tmp_path.glob("outsourcing-risk-app-*")) == []
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
