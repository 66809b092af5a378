"""Key press -> redrawn charts in the Voilà app, measured in Chromium (issue 12).

The app runs as a user starts it (``python -m outsourcing_risk app``); Playwright focuses the trust
slider and presses the arrow keys. The page records, on its own clock, each key press and each
time a chart finished drawing (plotly's ``plotly_afterplot``) together with the number it now
shows: the median line's last month (fan chart) and the mean's mark (NPV distribution). A press
counts as shown when both charts show what ``simulate`` gives at the new setting and the browser
has painted the frame after (one animation frame later).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from outsourcing_risk import Scenario, simulate
from outsourcing_risk.present import plots

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from app_server import start_app, stop_app  # the browser tests start the app the same way

TRIALS, SEED = 20_000, 2026

#: Installed in the page: a log of key presses, KPI card changes and chart draws.
_HOOK = """() => {
  window.__log = [];
  const log = (kind, value) => __log.push({kind, t: performance.now(), value});
  document.addEventListener('keydown', () => log('key'), true);
  const plots = document.querySelectorAll(".js-plotly-plot");  // one stacked figure, or (before) two
  const fan = plots[0], histogram = plots[plots.length - 1];
  const mean = g => (g.layout.shapes.find(s => s.xref === "x2") || g.layout.shapes[0]).x0;
  const painted = (kind, value) => requestAnimationFrame(() => log(kind, value));
  fan.on('plotly_afterplot', () => { const y = fan.data.find(t => t.name === 'median').y; painted('fan', y[y.length - 1]); });
  histogram.on('plotly_afterplot', () => painted('histogram', mean(histogram)));
  new MutationObserver(() => log('kpi')).observe(
    document.querySelector('.or-kpis').parentElement, {childList: true, subtree: true, characterData: true});
}"""

#: True once both charts have drawn the expected numbers since the log was cleared.
_SHOWN = """([fan, mean]) => {
  const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  return __log.some(e => e.kind === 'fan' && near(e.value, fan))
      && __log.some(e => e.kind === 'histogram' && near(e.value, mean));
}"""


def _expected(trust_percent: int) -> tuple[float, float]:
    result = simulate(Scenario(trust=trust_percent / 100), n_trials=TRIALS, seed=SEED)
    return float(plots.fan_data(result)["p50"].iloc[-1]), float(result.summary()["mean_npv"])


def _shown_at(log, since: float, fan: float, mean: float) -> float:
    """When both charts were painted with the expected numbers, after ``since``."""

    def first(kind, value):
        return min(
            e["t"]
            for e in log
            if e["kind"] == kind and e["t"] >= since and abs(e["value"] - value) <= 1e-9 * max(1, abs(value))
        )

    return max(first("fan", fan), first("histogram", mean))


def measure(chromium: str, singles: int = 20, bursts: int = 6, gap_ms: int = 33, pythonpath=None) -> dict:
    """Latencies in ms: ``single`` (one press, settled before the next), ``burst_last`` and
    ``burst_first`` (five presses ``gap_ms`` apart, a held key's repeat rate: from the last and
    from the first press to the final setting shown), ``kpi`` (press -> cards changed) and
    ``kernel`` (the app's own "updated in" figure: control change -> figures sent).
    ``pythonpath`` runs another version of the package (the benchmark's "before");
    ``live_charts`` says whether the page had this version's charts."""
    from playwright.sync_api import sync_playwright

    out = {
        "single": [],
        "kpi": [],
        "kernel": [],
        "draw": [],
        "burst_last": [],
        "burst_first": [],
        "burst_draws": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, **({"PYTHONPATH": str(pythonpath)} if pythonpath else {})}
        server, port = start_app(folder, env=env)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(120_000)
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector(".or-kpis")
                page.wait_for_selector(".js-plotly-plot .main-svg")
                page.wait_for_timeout(1_000)
                out["live_charts"] = page.locator(".or-live-chart").count() > 0
                page.evaluate(_HOOK)
                page.locator(".widget-hslider .noUi-handle").first.focus()  # trust, at 60 %
                trust = 60
                for i in range(singles):
                    step = 1 if (i // 5) % 2 == 0 else -1
                    trust += step
                    fan, mean = _expected(trust)
                    page.evaluate("__log.length = 0")
                    page.keyboard.press("ArrowRight" if step > 0 else "ArrowLeft")
                    page.wait_for_function(_SHOWN, arg=[fan, mean])
                    log = page.evaluate("__log")
                    pressed = log[0]["t"]
                    out["single"].append(_shown_at(log, pressed, fan, mean) - pressed)
                    out["kpi"].append(min(e["t"] for e in log if e["kind"] == "kpi") - pressed)
                    status = page.locator("text=updated in").first.inner_text()
                    out["kernel"].append(float(status.split("updated in ")[1].split(" ms")[0]))
                    draw = page.locator(".or-live-charts[data-draw-ms]").first
                    if draw.count():
                        out["draw"].append(float(draw.get_attribute("data-draw-ms")))
                    page.wait_for_timeout(300)
                for j in range(bursts):
                    step = 5 if j % 2 == 0 else -5
                    trust += step
                    fan, mean = _expected(trust)
                    page.evaluate("__log.length = 0")
                    for _ in range(5):
                        page.keyboard.press("ArrowRight" if step > 0 else "ArrowLeft")
                        page.wait_for_timeout(gap_ms)
                    page.wait_for_function(_SHOWN, arg=[fan, mean])
                    page.wait_for_timeout(500)  # any stale draw still to come would show here
                    log = page.evaluate("__log")
                    keys = [e["t"] for e in log if e["kind"] == "key"]
                    shown = _shown_at(log, keys[-1], fan, mean)
                    out["burst_last"].append(shown - keys[-1])
                    out["burst_first"].append(shown - keys[0])
                    out["burst_draws"].append(sum(e["kind"] == "fan" for e in log))
                browser.close()
        finally:
            stop_app(server)
    return out


def summary(times) -> str:
    return f"median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms"
