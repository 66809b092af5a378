// The what-if section of a shared report (outsourcing_risk/workbook/whatif_page.py writes the page).
// The writer replaces the two placeholders for element ids (see _script in whatif_page.py) with JSON strings.
// Figures are written by window.orRules (the rules of outsourcing_risk/present/formatting.py) and
// coloured by the page's palette (CSS custom properties of outsourcing_risk/present/palette.py).
(function () {
  var root = document.getElementById(__ID__);
  var data = JSON.parse(document.getElementById(__DATA_ID__).textContent);
  var rules = window.orRules;
  var sliders = Array.prototype.slice.call(root.querySelectorAll('input[type=range]'));
  var sizes = data.axes.map(function (a) { return a.texts.length; });
  var cur = data.currency ? data.currency + ' ' : '';
  function money(v, compact) { return rules.money(v, data.currency, {compact: compact}); }
  function shown(key, v) {
    if (key === 'breakeven_month') return rules.month(v, data.horizon);
    if (key === 'p_loss' || key === 'p_failure') return rules.percent(v);
    return money(v);
  }
  function position() {
    return (+sliders[0].value * sizes[1] + +sliders[1].value) * sizes[2] + +sliders[2].value;
  }
  function colour(name) { return rules.colour(name, root); }
  function faded(hex, alpha) {  // the palette's colour with an opacity, as palette.band writes it
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }
  var LOSS = colour('loss'), GAIN = colour('gain'), MUTED = colour('muted'), INK = colour('ink');
  var GRID = colour('grid'), LINE = colour('line');
  // Both charts are panels of one plotly figure: each plotly redraw has a fixed cost (about 9 ms
  // here, whatever it draws), so one redraw instead of two. Panel titles carry the legend's keys
  // as coloured marks: a plotly legend is laid out again on every redraw (about 6 ms).
  var chartDiv = root.querySelector('.or-whatif-charts');
  var TITLE_SIZE = 15, NOTE_SIZE = 12, LINE_PX = 20;
  function axis(extra) {
    // fixed margins: automargin would make plotly lay the figure out twice on every move; the
    // margins hold the tick labels, so plotly need not measure each label to hide overflowing ones
    var a = {gridcolor: GRID, zerolinecolor: LINE, linecolor: LINE, automargin: false,
             ticklabeloverflow: 'allow'};
    for (var k in extra) a[k] = extra[k];
    return a;
  }
  function key(color, mark) { return '<span style="color:' + color + '">' + (mark || '■') + '</span>'; }
  function title(y, text, shift) {
    return {xref: 'paper', yref: 'paper', x: 0, y: y, xanchor: 'left', yanchor: 'bottom', yshift: shift,
            showarrow: false, align: 'left', text: text, font: {size: TITLE_SIZE}};
  }
  // The room the figure has, and what follows from it: margins, how the panel titles wrap (the
  // page's one wrapping rule) and the panels' heights, so that no title, key or label is cut,
  // on a phone (390 px) as on paper (680 px) or a desktop.
  function frame() {
    var width = chartDiv.clientWidth || 800, narrow = width < 800;
    var margin = {l: narrow ? 100 : 110, r: narrow ? 14 : 30, b: 60};
    var plot = Math.max(120, width - margin.l - margin.r);
    var chars = rules.lineChars(plot + margin.r, TITLE_SIZE);
    // a key and its words never part (no-break spaces): a line breaks between keys
    var entry = function (mark, words) { return mark + '\u00a0' + words.split(' ').join('\u00a0'); };
    var fan = rules.wrap('<b>Cumulative savings by quarter</b>   ' + entry(key(GAIN, '━'), 'median') + '   ' +
                         entry(key(faded(GAIN, 0.5)), 'half of the futures') + '   ' +
                         entry(key(faded(GAIN, 0.25)), '9 in 10'), chars);
    var hist = rules.wrap('<b>Present value of savings</b>   ' + entry(key(LOSS), 'a loss (NPV &lt; 0)') + '   ' +
                          entry(key(GAIN), 'a saving (NPV ≥ 0)'), chars);
    var lines = function (t) { return t.split('<br>').length; };
    // on paper the two panels are shorter, so that the setting, its cards and the chart share a page
    var fanH = printing ? 240 : narrow ? 300 : 340, histH = printing ? 180 : narrow ? 250 : 300;
    var gap = 64 + LINE_PX * lines(hist);  // the fan's month axis, then the distribution's title
    margin.t = 16 + LINE_PX * lines(fan);
    var inner = fanH + gap + histH;
    return {width: width, narrow: narrow, margin: margin, plot: plot, fan: fan, hist: hist,
            height: margin.t + inner + margin.b, FAN: [(histH + gap) / inner, 1], HIST: [0, histH / inner]};
  }
  function layoutFor(f) {
    var ticks = f.narrow ? {tickfont: {size: 11}, nticks: 4, ticklabelstandoff: 4} : {};
    return {
      font: {family: 'DejaVu Sans, Arial, sans-serif', size: 13, color: INK},
      paper_bgcolor: 'white', plot_bgcolor: 'white', margin: f.margin, height: f.height,
      showlegend: false, bargap: 0.02,
      // the months are fixed: the break-even label must not widen the axis (plotly makes room for
      // annotations on autoranged axes)
      xaxis: axis(Object.assign({domain: [0, 1], anchor: 'y', title: {text: 'Month', standoff: 8},
                                 range: [0, data.horizon]}, ticks)),
      yaxis: axis(Object.assign({domain: f.FAN, tickprefix: cur, tickformat: ',.3~s',
                                 title: {text: f.narrow ? 'Cumulative savings (' + data.currency + ')'
                                                        : 'Cumulative savings (' + data.currency + ', not discounted)'}}, ticks)),
      xaxis2: axis(Object.assign({domain: [0, 1], anchor: 'y2', tickprefix: cur, tickformat: ',.3~s',
                                  title: {text: 'Present value of savings (' + data.currency + ')'}}, ticks)),
      yaxis2: axis(Object.assign({domain: f.HIST, title: {text: 'Simulated futures'}}, ticks))
    };
  }
  function fanColumns(c) {
    var scale = data.fan[c][0], q = data.fan[c].slice(1), n = data.months.length;
    return [0, 1, 2, 3, 4].map(function (i) {
      return q.slice(i * n, (i + 1) * n).map(function (v) { return v * scale; });
    });
  }
  function fanTraces(cols) {
    var back = data.months.slice().reverse();
    var band = function (lo, hi, name, alpha) {  // one closed shape: along the top, back along the bottom
      return {x: data.months.concat(back), y: cols[hi].concat(cols[lo].slice().reverse()), mode: 'lines',
              line: {width: 0}, fill: 'toself', fillcolor: faded(GAIN, alpha), name: name,
              hoverinfo: 'skip'};
    };
    return [band(0, 4, '90 % of futures', 0.18), band(1, 3, '50 % of futures', 0.35),
            {x: data.months, y: cols[2], mode: 'lines', name: 'median', line: {color: GAIN, width: 2.5},
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
  // The break-even label reads towards the side it has room on; with room on neither, it sits at
  // the panel's left edge, a line lower (never past the chart's edge).
  function breakEvenNote(be, f) {
    var text = 'break-even: month ' + be, room = 0.62 * NOTE_SIZE * (text.length + 2);
    var at = f.plot * be / data.horizon;
    var note = {xref: 'x', yref: 'y domain', x: be, y: 1, text: ' ' + text + ' ', showarrow: false,
                yanchor: 'top', font: {size: NOTE_SIZE}, bgcolor: 'white'};
    if (at + room <= f.plot) { note.xanchor = 'left'; } else if (at >= room) { note.xanchor = 'right'; } else {
      note.xref = 'x domain'; note.x = 0; note.xanchor = 'left'; note.yshift = -18;
    }
    return note;
  }
  function figure(c, f, cols) {
    var be = data.kpi.breakeven_month[c], mean = data.kpi.mean_npv[c];
    var shapes = [
      {type: 'line', xref: 'x domain', yref: 'y', x0: 0, x1: 1, y0: 0, y1: 0, line: {color: MUTED, width: 1}},
      {type: 'line', xref: 'x2', yref: 'y2 domain', x0: mean, x1: mean, y0: 0, y1: 1, line: {color: INK, width: 1}}
    ];
    var notes = [title(f.FAN[1], f.fan, 6), title(f.HIST[1], f.hist, 6),
                 {xref: 'x2', yref: 'y2 domain', x: mean, y: 1, text: 'mean', showarrow: false,
                  xanchor: 'left', yanchor: 'top'}];
    if (be !== null) {
      shapes.push({type: 'line', xref: 'x', yref: 'y domain', x0: be, x1: be, y0: 0, y1: 1,
                   line: {color: INK, dash: 'dot', width: 1.5}});
      notes.push(breakEvenNote(be, f));
    }
    return [fanTraces(cols).concat(histTraces(c)), Object.assign(layoutFor(f), {shapes: shapes, annotations: notes})];
  }
  // The chart in words, for a screen reader and whoever wants the numbers: what it shows at this
  // setting, and the fan's figures by quarter in a table.
  function describe(c, cols, setting) {
    var be = data.kpi.breakeven_month[c];
    root.querySelector('figcaption').textContent =
      'Cumulative savings by quarter (the median, the middle half and 9 in 10 of the futures) and the ' +
      'spread of the present value of savings, at ' + setting + '. Break-even: ' + rules.month(be, data.horizon) +
      '; mean saving ' + money(data.kpi.mean_npv[c]) + '; chance of a loss ' + rules.percent(data.kpi.p_loss[c]) + '.';
    var head = ['Month', '5th percentile', '25th percentile', 'Median', '75th percentile', '95th percentile'];
    var rows = data.months.map(function (m, i) {
      return '<tr><td>' + m + '</td>' + cols.map(function (col) {
        return '<td class="or-num">' + money(col[i]) + '</td>';
      }).join('') + '</tr>';
    });
    root.querySelector('.or-chart-data .or-table-box').innerHTML =
      '<table class="or-table"><thead><tr>' + head.map(function (h, i) {
        return '<th scope="col"' + (i ? ' class="or-num"' : '') + '>' + h + '</th>';
      }).join('') + '</tr></thead><tbody>' + rows.join('') + '</tbody></table>';
  }
  var config = {displaylogo: false, responsive: true};
  var printing = false;
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
    var f = frame(), cols = fanColumns(c), fig = figure(c, f, cols);
    chartDiv.style.height = f.height + 'px';
    Plotly.react(chartDiv, fig[0], fig[1], config);
    describe(c, cols, setting.join('; '));
    root.dataset.position = String(c);
    root.dataset.redrawMs = String(performance.now() - started);
  }
  function start() {
    sliders.forEach(function (s) { s.addEventListener('input', update); });
    var width = chartDiv.clientWidth;
    window.addEventListener('resize', function () {  // the panel titles wrap, or unwrap
      if (Math.abs(chartDiv.clientWidth - width) > 2) { width = chartDiv.clientWidth; update(); }
    });
    // Printed, the chart is as wide as the paper (the page-fit script sets its width first).
    window.addEventListener('beforeprint', function () { printing = true; update(); });
    window.addEventListener('afterprint', function () { printing = false; setTimeout(update, 0); });
    update();
  }
  if (window.Plotly) { start(); } else { window.addEventListener('DOMContentLoaded', start); }
})();
