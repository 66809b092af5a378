"""The what-if section of a shared report: sliders for trust, failure probability and switching
cost that redraw the KPI cards, the fan chart and the NPV distribution in the browser, with no
kernel and no network, from the grid that :func:`outsourcing_risk.whatif.whatif_grid` precomputed.

The data travel as JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, read with ``JSON.parse``: nothing in a scenario's name or notes can end the script or run.
"""

from __future__ import annotations

import html
import json
import uuid
from pathlib import Path

from .distributions import Distribution
from .notebook import papermill_command, report_parameters
from .scenario import Scenario, require_scenario
from .whatif import axes_for, whatif_grid

__all__ = ["export_whatif", "whatif_html"]

_STYLE = """
.or-whatif { max-width: 1100px; margin: 1em 0; font-family: DejaVu Sans, Arial, sans-serif; color: #2c3e50; }
.or-whatif .or-levers { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 14px 28px; }
.or-whatif .or-lever label { display: block; font-size: 13px; color: #566573; }
.or-whatif .or-lever output { font-weight: 600; color: #2c3e50; }
.or-whatif input[type=range] { width: 100%; }
.or-whatif input[type=range]:focus-visible { outline: 2px solid #2e86de; outline-offset: 2px; }
.or-whatif .or-ends { display: flex; justify-content: space-between; font-size: 11px; color: #7f8c8d; }
.or-whatif .or-setting { font-size: 14px; margin: 10px 0; }
.or-whatif .or-note { font-size: 12px; color: #566573; }
.or-whatif .or-note code { font-size: 11px; white-space: pre-wrap; overflow-wrap: anywhere; }
.or-whatif details.or-note > code { display: block; margin: 4px 0 12px; }
@media print { .or-whatif input[type=range] { display: none; } .or-whatif .or-setting { font-weight: 600; }
  .or-whatif .or-kpis, .or-whatif .or-whatif-charts { break-inside: avoid; } }
"""

_SCRIPT = r"""
(function () {
  var root = document.getElementById(__ID__);
  var data = JSON.parse(document.getElementById(__DATA_ID__).textContent);
  var sliders = Array.prototype.slice.call(root.querySelectorAll('input[type=range]'));
  var sizes = data.axes.map(function (a) { return a.texts.length; });
  var cur = data.currency ? data.currency + ' ' : '';
  function money(v) {
    var r = Math.round(v);
    return cur + (r === 0 ? 0 : r).toLocaleString('en-US');
  }
  function percent(p) { return (100 * p).toFixed(1) + '%'; }
  function month(m) { return m === null ? 'not within ' + data.horizon + ' months' : 'month ' + m; }
  function shown(key, v) {
    if (key === 'breakeven_month') return month(v);
    if (key === 'p_loss' || key === 'p_failure') return percent(v);
    return money(v);
  }
  function position() {
    return (+sliders[0].value * sizes[1] + +sliders[1].value) * sizes[2] + +sliders[2].value;
  }
  var LOSS = '#c0392b', GAIN = '#2e86de', MUTED = '#7f8c8d', INK = '#2c3e50';
  // Both charts are panels of one plotly figure: each plotly redraw has a fixed cost (about 9 ms
  // here, whatever it draws), so one redraw instead of two. Panel titles carry the legend's keys
  // as coloured marks: a plotly legend is laid out again on every redraw (about 6 ms).
  var FAN = [0.57, 1], HIST = [0, 0.41];
  var chartDiv = root.querySelector('.or-whatif-charts');
  function isNarrow() { return chartDiv.clientWidth < 800; }
  function axis(extra) {
    // fixed margins: automargin would make plotly lay the figure out twice on every move; the
    // margins hold the tick labels, so plotly need not measure each label to hide overflowing ones
    var a = {gridcolor: '#ecf0f1', zerolinecolor: '#bdc3c7', linecolor: '#bdc3c7', automargin: false,
             ticklabeloverflow: 'allow'};
    for (var k in extra) a[k] = extra[k];
    return a;
  }
  function key(color, mark) { return '<span style="color:' + color + '">' + (mark || '■') + '</span>'; }
  function title(y, text) {
    return {xref: 'paper', yref: 'paper', x: 0, y: y, xanchor: 'left', yanchor: 'bottom', yshift: 10,
            showarrow: false, align: 'left', text: text, font: {size: 15}};
  }
  var layout = {
    font: {family: 'DejaVu Sans, Arial, sans-serif', size: 13, color: INK},
    paper_bgcolor: 'white', plot_bgcolor: 'white', margin: {l: 110, r: 30, t: 40, b: 60},
    showlegend: false, bargap: 0.02,
    // the months are fixed: the break-even label must not widen the axis (plotly makes room for
    // annotations on autoranged axes)
    xaxis: axis({domain: [0, 1], anchor: 'y', title: {text: 'Month', standoff: 8}, range: [0, data.horizon]}),
    yaxis: axis({domain: FAN, title: {text: 'Cumulative savings (' + data.currency + ', not discounted)'},
                 tickprefix: cur, tickformat: ',.3~s'}),
    xaxis2: axis({domain: [0, 1], anchor: 'y2', title: {text: 'Present value of savings (' + data.currency + ')'},
                  tickprefix: cur, tickformat: ',.3~s'}),
    yaxis2: axis({domain: HIST, title: {text: 'Simulated futures'}})
  };
  function titles(narrow) {  // on a narrow page the keys go to a second line instead of off the edge
    var gap = narrow ? '<br>' : '   ';
    return [
      title(FAN[1], '<b>Cumulative savings by quarter</b>' + gap + key(GAIN, '━') + ' median   ' +
            key('rgba(46,134,222,0.5)') + ' half of the futures   ' + key('rgba(46,134,222,0.25)') + ' 9 in 10'),
      title(HIST[1], '<b>Present value of savings</b>' + gap + key(LOSS) + ' a loss (NPV < 0)   ' +
            key(GAIN) + ' a saving (NPV ≥ 0)')
    ];
  }
  function fanTraces(c) {
    var scale = data.fan[c][0], q = data.fan[c].slice(1), n = data.months.length;
    var col = function (i) { return q.slice(i * n, (i + 1) * n).map(function (v) { return v * scale; }); };
    var back = data.months.slice().reverse();
    var band = function (lo, hi, name, alpha) {  // one closed shape: along the top, back along the bottom
      return {x: data.months.concat(back), y: col(hi).concat(col(lo).reverse()), mode: 'lines',
              line: {width: 0}, fill: 'toself', fillcolor: 'rgba(46,134,222,' + alpha + ')', name: name,
              hoverinfo: 'skip'};
    };
    return [band(0, 4, '90 % of futures', 0.18), band(1, 3, '50 % of futures', 0.35),
            {x: data.months, y: col(2), mode: 'lines', name: 'median', line: {color: GAIN, width: 2.5},
             hovertemplate: 'month %{x}: ' + cur + '%{y:,.0f}<extra>median</extra>'}];
  }
  function histTraces(c) {
    var h = data.hist[c], first = h[0], width = h[1], counts = h.slice(2);
    var loss = {x: [], y: []}, gain = {x: [], y: []};
    counts.forEach(function (n, i) {
      var centre = first + (i + 0.5) * width, side = centre < 0 ? loss : gain;
      side.x.push(centre); side.y.push(n);
    });
    var bar = function (s, name, color) {
      return {type: 'bar', x: s.x, y: s.y, width: width, name: name, marker: {color: color}, xaxis: 'x2',
              yaxis: 'y2', hovertemplate: 'around ' + cur + '%{x:,.0f}: %{y} futures<extra></extra>'};
    };
    return [bar(loss, 'loss (NPV < 0)', LOSS), bar(gain, 'saving (NPV ≥ 0)', GAIN)];
  }
  function figure(c) {
    var be = data.kpi.breakeven_month[c], mean = data.kpi.mean_npv[c];
    var shapes = [
      {type: 'line', xref: 'x domain', yref: 'y', x0: 0, x1: 1, y0: 0, y1: 0, line: {color: MUTED, width: 1}},
      {type: 'line', xref: 'x2', yref: 'y2 domain', x0: mean, x1: mean, y0: 0, y1: 1, line: {color: INK, width: 1}}
    ];
    var narrow = isNarrow();
    var notes = titles(narrow).concat([{xref: 'x2', yref: 'y2 domain', x: mean, y: 1, text: 'mean', showarrow: false,
                                xanchor: 'left', yanchor: 'top'}]);
    if (be !== null) {
      shapes.push({type: 'line', xref: 'x', yref: 'y domain', x0: be, x1: be, y0: 0, y1: 1,
                   line: {color: INK, dash: 'dot', width: 1.5}});
      notes.push({xref: 'x', yref: 'y domain', x: be, y: 1, text: ' break-even: month ' + be + ' ', showarrow: false,
                  xanchor: be < data.horizon / 2 ? 'left' : 'right', yanchor: 'top'});
    }
    return [fanTraces(c).concat(histTraces(c)),
            Object.assign({}, layout, {shapes: shapes, annotations: notes,
                                       margin: Object.assign({}, layout.margin, {t: narrow ? 62 : 40})})];
  }
  var config = {displaylogo: false, responsive: true};
  function update() {
    var started = performance.now(), c = position(), setting = [];
    sliders.forEach(function (s, a) {
      var text = data.axes[a].texts[+s.value];
      s.setAttribute('aria-valuetext', text);
      root.querySelector('output[for="' + s.id + '"]').textContent = text;
      setting.push(data.axes[a].label + ': ' + text);
    });
    root.querySelector('.or-setting').textContent = 'Showing ' + setting.join('; ') + '.';
    root.querySelectorAll('.or-kpi').forEach(function (card) {
      var key = card.dataset.kpi, v = data.kpi[key][c];
      card.dataset.value = v === null ? 'nan' : String(v);
      card.querySelector('.or-kpi-value').textContent = shown(key, v);
    });
    var f = figure(c);
    Plotly.react(chartDiv, f[0], f[1], config);
    root.dataset.position = String(c);
    root.dataset.redrawMs = String(performance.now() - started);
  }
  function start() {
    sliders.forEach(function (s) { s.addEventListener('input', update); });
    var narrow = isNarrow();
    window.addEventListener('resize', function () {  // the panel titles wrap, or unwrap
      if (isNarrow() !== narrow) { narrow = !narrow; update(); }
    });
    update();
  }
  if (window.Plotly) { start(); } else { window.addEventListener('DOMContentLoaded', start); }
})();
"""

_CARDS = (
    ("mean_npv", "Mean saving (NPV)"),
    ("p_loss", "Chance of a loss"),
    ("cvar5", "Worst-5 % average"),
    ("p_failure", "Chance of a vendor failure"),
    ("breakeven_month", "Break-even month"),
)


def _json_for_script(data: dict) -> str:
    """JSON that cannot end its ``<script>`` element or start markup inside it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _example_trust(scenario: Scenario) -> float:
    """For the example command: halfway between the scenario's own trust (its median when it is
    uncertain) and the slider's next position, a value the page cannot show."""
    numbers = sorted(v for v in axes_for(scenario)[0].values if not isinstance(v, Distribution))
    own = scenario.trust.quantile(0.5) if isinstance(scenario.trust, Distribution) else scenario.trust
    i = min(range(len(numbers)), key=lambda j: abs(numbers[j] - own))
    other = numbers[i + 1] if i + 1 < len(numbers) else numbers[i - 1]
    return round((numbers[i] + other) / 2, 3)


def _command(scenario: Scenario, n_trials: int, seed: int) -> str:
    """The papermill command that reruns this report at the example trust (a command to edit)."""
    parameters = report_parameters(scenario, n_trials, seed, changed_only=True)
    parameters.pop("trust", None)
    return papermill_command({**parameters, "trust": _example_trust(scenario)})


def whatif_html(scenario: Scenario, n_trials: int = 20_000, seed: int = 0, grid: dict | None = None) -> str:
    """The what-if section as an HTML fragment (needs plotly.js on the page, as every report has)."""
    require_scenario(scenario)
    grid = grid or whatif_grid(scenario, n_trials, seed)
    data = {**grid, "currency": scenario.currency, "horizon": scenario.horizon_months}
    uid = f"or-whatif-{uuid.uuid4().hex[:8]}"
    levers = []
    for a, axis in enumerate(grid["axes"]):
        sid = f"{uid}-{a}"
        levers.append(
            f'<div class="or-lever"><label for="{sid}">{html.escape(axis["label"])}: '
            f'<output for="{sid}">{html.escape(axis["texts"][axis["start"]])}</output></label>'
            f'<input type="range" id="{sid}" name="{html.escape(axis["name"])}" min="0" '
            f'max="{len(axis["texts"]) - 1}" step="1" value="{axis["start"]}" '
            f'aria-valuetext="{html.escape(axis["texts"][axis["start"]])}">'
            f'<div class="or-ends"><span>{html.escape(axis["texts"][0])}</span>'
            f"<span>{len(axis['texts'])} positions</span><span>{html.escape(axis['texts'][-1])}</span></div></div>"
        )
    cards = "".join(
        f'<div class="or-kpi" data-kpi="{key}" style="flex:1 1 150px;padding:8px 12px;border-radius:6px;'
        f'background:#f4f6f8;border-left:4px solid #e67e22"><div style="font-size:12px;color:#566573">'
        f'{html.escape(label)}</div><div class="or-kpi-value" style="font-size:20px;font-weight:600"></div></div>'
        for key, label in _CARDS
    )
    command = html.escape(_command(scenario, n_trials, seed))
    return (
        f"<style>{_STYLE}</style>"
        f'<section class="or-whatif" id="{uid}"><a id="what-if"></a>'
        f'<p class="or-note">Move a lever with the mouse or the arrow keys: the figures and charts below '
        f"follow at once, with no Python and no network. Every position was simulated in advance with "
        f"this report's {n_trials:,} futures and seed {seed}, so each shows the model's own numbers at "
        f"that setting, not an interpolation, and moving one lever shows its effect, not noise. The fan "
        f"chart is drawn by quarter. For values between the positions, ask for the report to be run "
        f"again with them.</p>"
        f'<details class="or-note"><summary>For the analyst: the command for other values</summary>'
        f"<p>This report again with trust at {_example_trust(scenario) * 100:g} %, between two of the "
        f"slider's positions; change any value (a number, or a distribution such as "
        f"<code>'pert(0.4, 0.6, 0.8)'</code>):</p><code>{command}</code></details>"
        f'<div class="or-levers">{"".join(levers)}</div>'
        f'<p class="or-setting"></p>'
        f'<div class="or-kpis" style="display:flex;flex-wrap:wrap;gap:8px;margin:8px 0">{cards}</div>'
        f'<div class="or-whatif-charts" style="height:860px"></div>'
        f'<script type="application/json" id="{uid}-data">{_json_for_script(data)}</script>'
        f"<script>{_SCRIPT.replace('__ID__', json.dumps(uid)).replace('__DATA_ID__', json.dumps(uid + '-data'))}</script>"
        "</section>"
    )


def export_whatif(scenario: Scenario, path: str | Path, n_trials: int = 20_000, seed: int = 0) -> Path:
    """Write a single-file, offline what-if page for ``scenario`` and return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = export_whatif(Scenario(name="Base"), pathlib.Path(tempfile.mkdtemp()) / "w.html", n_trials=500)
    >>> out.stat().st_size > 1_000_000  # plotly.js is embedded: the page works offline
    True
    """
    from plotly.offline import get_plotlyjs

    from .output_folder import write_atomic

    section = whatif_html(scenario, n_trials, seed)
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(scenario.name)}: what if?</title>"
        f'<script>{get_plotlyjs()}</script></head><body style="margin:2em auto;max-width:1100px">'
        f'<h1 style="font-family:DejaVu Sans, Arial, sans-serif">{html.escape(scenario.name)}: what if?</h1>'
        f"{section}</body></html>"
    )
    path = Path(path)
    write_atomic(path, page)
    return path
