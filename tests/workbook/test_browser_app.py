"""The Voilà app as a stakeholder meets it: `outsourcing-risk app` in headless chromium, offline.

No code on the page, no JavaScript error, no request leaving the machine. Both apps are driven by
the keyboard alone (Tab, arrows, Enter, typing; no click): every control is reached by Tab;
moving the trust slider, typing a switching cost as it is shown and choosing the ramp set the
mean-saving card to what `simulate` gives at the new setting; the vendor app reads a typed cost
as people write it and refuses, in words, one that reads two ways.
"""

import os
import signal
import socket

import pytest

from outsourcing_risk import Scenario, plots, simulate

from ..app_server import start_app, stop_app
from ..browser import axe_violations, browser_page, chromium_path

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


#: What a keyboard user must reach: sliders' handles, fields, drop-downs, buttons (plotly's own
#: mode bar aside).
_CONTROLS = ".noUi-handle, input, select, button:not(.modebar-btn)"


def _tab_to(page, test: str, most: int = 400) -> None:
    """Press Tab until the focused element passes ``test`` (a JavaScript expression of ``e``)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({test}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def _tab_reaches_every_control(page) -> int:
    """Tab through the page twice over and check that every visible control had the focus;
    returns how many there are."""
    page.evaluate(f"() => document.querySelectorAll('{_CONTROLS}').forEach(e => delete e.dataset.orTabbed)")
    total = page.evaluate(f"() => document.querySelectorAll('{_CONTROLS}').length")
    for _ in range(2 * total + 40):
        page.keyboard.press("Tab")
        page.evaluate("() => { const e = document.activeElement; if (e) e.dataset.orTabbed = '1'; }")
    missed = page.evaluate(
        f"""() => Array.from(document.querySelectorAll('{_CONTROLS}'))
          .filter(e => e.offsetParent !== null && !e.disabled && !e.dataset.orTabbed)
          .map(e => e.outerHTML.slice(0, 120))"""
    )
    assert missed == [], "controls Tab never reaches"
    return page.evaluate(
        f"() => Array.from(document.querySelectorAll('{_CONTROLS}')).filter(e => e.offsetParent !== null).length"
    )


def _card_changes(page, shown: str) -> None:
    page.wait_for_function(  # the card's own text, not a repr of it, until the update lands
        f"() => document.querySelector('.or-kpi[data-kpi=\"mean_npv\"]').dataset.value != '{shown}'"
    )


def _shown(page) -> str:
    return page.locator('.or-kpi[data-kpi="mean_npv"]').first.get_attribute("data-value")


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
        # The review panel under the charts: the defaults' vendors are alike, and it says so.
        review = page.locator(".or-review").first
        review.wait_for()
        assert review.inner_text().startswith("After 6 months and 4 incidents: ")
        assert "so the record says nothing about this one" in review.inner_text()
        shown = _shown(page)  # from here on the keyboard alone: Tab, arrows, Enter, typing
        _tab_to(page, "e.classList.contains('noUi-handle')")  # trust, the first headline lever
        page.keyboard.press("ArrowRight")  # one step: 60 % -> 61 %
        _card_changes(page, shown)
        moved = simulate(Scenario(trust=0.61), n_trials=20_000, seed=2026).summary()
        assert _kpi(page, "mean_npv") == pytest.approx(moved["mean_npv"], rel=1e-12)
        # A value typed the way it is shown (the slider's own readout read "350,000" as 350).
        shown = _shown(page)
        _tab_to(page, "e.value === '280,000'")
        page.keyboard.press("Control+A")
        page.keyboard.type("350,000")
        page.keyboard.press("Enter")
        _card_changes(page, shown)
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
        # Trust over time: its section opened with Enter, the ramp chosen with an arrow.
        shown = _shown(page)
        _tab_to(page, "e.textContent.trim() === 'Trust over time'")
        page.keyboard.press("Enter")
        _tab_to(page, "e.tagName === 'SELECT' && e.value === 'fixed'")
        page.keyboard.press("ArrowDown")
        _card_changes(page, shown)
        ramp = Scenario(trust=0.61, switching_cost=350_000, trust_policy="ramp")
        assert _kpi(page, "mean_npv") == pytest.approx(
            simulate(ramp, n_trials=20_000, seed=2026).npv.mean(), rel=1e-12
        )
        # Every group opened with Enter, then every control of every group reached by Tab.
        for title in (
            "Costs",
            "Transition",
            "Trust and governance",
            "Goal clarity and vendor selection",
            "Vendor failure",
            "Exit strategy",
            "Time and discounting",
            "Uncertainty (trials and seed)",
        ):
            _tab_to(page, f"e.textContent.trim() === {title!r}")
            page.keyboard.press("Enter")
        page.wait_for_function("document.querySelectorAll('.noUi-handle').length > 0")
        assert _tab_reaches_every_control(page) > 100
        assert axe_violations(page) == [], "every group open: WCAG 2.1 A/AA (each slider named)"
        assert page.evaluate(
            "() => Array.from(document.querySelectorAll('.noUi-handle')).every(e => e.offsetParent !== null)"
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
        assert page.get_by_text("Best risk-adjusted: Acme Offshore, because").count() == 1
        assert _tab_reaches_every_control(page) >= 15  # 7 sliders and their fields, the cost
        assert axe_violations(page) == [], "WCAG 2.1 A/AA"
        # The cost typed from the keyboard, as people write it; what reads two ways is refused.
        cost = page.locator(".widget-text", has_text="Cost of interviewing every candidate").locator("input")
        for typed, said in (
            ("80k", "they cost USD 80,000, more than they are worth"),
            ("350.000", '"350.000" could be 350 or 350,000 (a point between thousands)'),
            ("abc", '"abc" is not a number'),
        ):
            _tab_to(
                page, "e.tagName === 'INPUT' && e.closest('.widget-text').textContent.includes('Cost of')"
            )
            page.keyboard.press("Control+A")
            page.keyboard.type(typed)
            page.keyboard.press("Enter")
            page.get_by_text(said).wait_for()
            assert cost.input_value() == "80,000", "a refused value leaves the one in use shown"
            assert page.get_by_text("they cost USD 80,000").count() == 1
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
