// The what-if section of a shared report (outsourcing_risk/workbook/whatif_page.py writes the page).
// The writer replaces the two placeholders for element ids (see _script in whatif_page.py) with JSON strings.
(function () {
  var root = document.getElementById(__ID__);
  var data = JSON.parse(document.getElementById(__DATA_ID__).textContent);
  var sliders = Array.prototype.slice.call(root.querySelectorAll('input[type=range]'));
  var sizes = data.axes.map(function (a) { return a.texts.length; });
  var cur = data.currency ? data.currency + ' ' : '';
  function money(v) {  // as outsourcing_risk.present.formatting.money: USD −40,000 (a true minus)
    var r = Math.round(v);
    return cur + (r < 0 ? '\u2212' : '') + Math.abs(r).toLocaleString('en-US');
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
