// Charts that fit the page they are read on: a phone, a tablet, or paper.
// Shared by the reports and the index (outsourcing_risk/present/page_fit.py puts it in a page).
//
// - On a narrow screen (a chart under 600 px wide) every plotly chart wraps its title, subtitle and
//   axis titles instead of clipping them, puts its legend under the plot, and narrows its margins;
//   wider again, it gets its own layout back.
// - In print (Ctrl+P fires beforeprint) every chart is drawn at the printable width of A4 and
//   Letter portrait, so that it prints whole; afterprint gives it back its width.
// The what-if section's figure is laid out by its own script and only follows print.
(function () {
  'use strict';
  var NARROW = 600;       // px: below this a chart's layout is fitted
  var PRINT_WIDTH = 680;  // px: A4 (210 mm) and Letter (8.5 in) less 12 mm margins, at 96 dpi

  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll('.js-plotly-plot'));
  }

  function ready(el) {
    return window.Plotly && el.layout && el._fullLayout;
  }

  // One wrapping rule for every title (outsourcing_risk/present/formatting.py's wrap and
  // line_chars, which window.orRules follows): how many characters a line of a given size holds.
  function wrap(text, chars) { return window.orRules.wrap(text, chars); }
  function chars(width, size) { return window.orRules.lineChars(width, size || 13); }
  function size(el, key) {  // a text's font size as the chart draws it
    var font = get(el._fullLayout, key);
    return font && font.size ? font.size : 13;
  }

  function lines(text) {
    return text ? String(text).split(/<br\s*\/?>/i).length : 0;
  }

  function get(obj, path) {
    return path.split('.').reduce(function (o, k) { return o == null ? undefined : o[k]; }, obj);
  }

  // A layout value as the chart was made, before any fitting changed it.
  function original(el, key) {
    var own = el.__orOwn;
    return own && Object.prototype.hasOwnProperty.call(own, key) ? own[key] : get(el.layout, key);
  }

  var KEYS = ['height', 'width', 'autosize', 'title.text', 'title.subtitle.text', 'title.y', 'title.yref', 'title.yanchor', 'title.pad.t',
              'xaxis.title.text', 'yaxis.title.text', 'yaxis.tickmode', 'yaxis.tickvals',
              'yaxis.ticktext', 'yaxis.tickfont.size', 'xaxis.nticks', 'xaxis.tickangle', 'xaxis.ticklabelstandoff',
              'xaxis2.title.text', 'xaxis2.nticks', 'xaxis2.tickangle',
              'legend.orientation', 'legend.x', 'legend.xanchor', 'legend.y', 'legend.yanchor',
              'margin.l', 'margin.r', 'margin.t', 'margin.b'];

  function narrowLayout(el, width) {
    var full = el._fullLayout;
    var title = wrap(original(el, 'title.text'), chars(width, size(el, 'title.font')));
    var subtitle = wrap(original(el, 'title.subtitle.text'), chars(width, size(el, 'title.subtitle.font')));
    var plotHeight = full.height - full.margin.t - full.margin.b;  // the plot keeps its height
    // Bars lying on their side (the tornado) are labelled by category: on a narrow screen a label
    // keeps its first line, wrapped, so that the bars keep most of the width.
    var lying = (el.data || []).filter(function (t) {
      return t.orientation === 'h' && t.y && t.y.length && typeof t.y[0] === 'string';
    });
    var shortLabels = lying.length ? lying[0].y.map(function (c) {
      return wrap(String(c).split(/<br\s*\/?>/i)[0], 16);
    }) : null;
    var plotWidth = width - (shortLabels ? 120 : Math.min(full.margin.l, 64)) - 12;
    // Panels side by side (the index's comparison): each axis title wraps to its own panel's width.
    var second = full.xaxis2 && full.xaxis2.domain ? full.xaxis2 : null;
    var share = function (ax) { return ax && ax.domain ? ax.domain[1] - ax.domain[0] : 1; };
    var xTitle = wrap(original(el, 'xaxis.title.text'), chars(plotWidth * share(full.xaxis) + 30, size(el, 'xaxis.title.font')));
    var x2Title = second ? wrap(original(el, 'xaxis2.title.text'), chars(plotWidth * share(second) + 30, size(el, 'xaxis2.title.font'))) : '';
    var titleLines = Math.max(lines(xTitle), lines(x2Title));
    var top = Math.max(full.margin.t, 44 + 22 * lines(title) + 15 * lines(subtitle));
    var bottom = full.margin.b + 18 * Math.max(0, titleLines - 1);
    var update = {
      'title.text': title,
      'title.yref': 'container',  // from the top down: more lines push the plot down, not up
      'title.y': 1,
      'title.yanchor': 'top',
      'title.pad.t': 24,  // plotly anchors a wrapped title by its first line's middle
      'xaxis.title.text': xTitle,
      'yaxis.title.text': wrap(original(el, 'yaxis.title.text'), chars(plotHeight + 30, size(el, 'yaxis.title.font'))),
      'margin.l': Math.min(full.margin.l, 64),
      'margin.r': Math.min(full.margin.r, 12),
      // level tick labels, each with room for an amount ("USD −500k"): a rotated label runs into
      // the axis title and the legend under it
      'xaxis.nticks': Math.max(2, Math.floor(plotWidth * share(full.xaxis) / 95)),
      'xaxis.tickangle': 0,
      'xaxis.ticklabelstandoff': 6  // the first amount clear of the value axis's "0"
    };
    if (second) {  // the right panel's title is centred under it: room for its widest line
      var longest = Math.max.apply(null, x2Title.split(/<br\s*\/?>/i).map(function (l) { return l.replace(/<[^>]*>/g, '').length; }));
      var half = 0.62 * size(el, 'xaxis2.title.font') * longest / 2 - plotWidth * share(second) / 2;
      update['margin.r'] = Math.max(update['margin.r'], Math.ceil(half) + 6);
      update['xaxis2.title.text'] = x2Title;
      update['xaxis2.nticks'] = Math.max(2, Math.floor(plotWidth * share(second) / 95));
      update['xaxis2.tickangle'] = 0;
    }
    if (subtitle) { update['title.subtitle.text'] = subtitle; }
    if (shortLabels) {
      update['yaxis.tickmode'] = 'array';
      update['yaxis.tickvals'] = lying[0].y;
      update['yaxis.ticktext'] = shortLabels;
      update['yaxis.tickfont.size'] = 11;
    }
    if (full.showlegend) {  // under the tick labels and the axis title
      var below = 62 + 20 * titleLines;
      var entries = (el.data || []).filter(function (t) { return t.showlegend !== false && t.name; }).length;
      update['legend.orientation'] = 'v';  // one entry a line: it never runs past the edge
      update['legend.x'] = 0;
      update['legend.xanchor'] = 'left';
      update['legend.y'] = -below / Math.max(plotHeight, 1);
      update['legend.yanchor'] = 'top';
      bottom = below + 21 * entries + 14;
    }
    update['margin.t'] = top;
    update['margin.b'] = bottom;
    update.height = plotHeight + top + bottom;
    update.width = Math.floor(width);  // a set height holds only with the size set in full
    update.autosize = false;
    return update;
  }

  // Wider than NARROW (a tablet, a laptop, paper): the chart keeps its layout, but a title or
  // subtitle longer than the chart wraps, anchored from the top so that more lines push the
  // legend and the plot down. Null when everything fits as it is.
  function wideLayout(el, width) {
    var full = el._fullLayout;
    // Wide titles hold more capitals and digits than a phone's: a wider estimate per character.
    var title = wrap(original(el, 'title.text'), chars(width, size(el, 'title.font')));
    var subtitle = wrap(original(el, 'title.subtitle.text'), chars(width, size(el, 'title.subtitle.font')));
    var extra = 22 * Math.max(0, lines(title) - 1) + 15 * Math.max(0, lines(subtitle) - 1);
    if (extra === 0) { return null; }
    var ownTop = el.__orOwn ? el.__orOwn['margin.t'] : undefined;
    var baseTop = typeof ownTop === 'number' ? ownTop : full.margin.t;
    var legend = full.showlegend && original(el, 'legend.orientation') === 'h' ? 26 : 0;
    var top = Math.max(baseTop + extra, 44 + 22 * lines(title) + 15 * lines(subtitle) + legend);
    var plotHeight = full.height - full.margin.t - full.margin.b;
    var update = {
      'title.text': title,
      'title.yref': 'container',
      'title.y': 1,
      'title.yanchor': 'top',
      'title.pad.t': 24,
      'margin.t': top,
      height: plotHeight + top + full.margin.b
    };
    if (subtitle) { update['title.subtitle.text'] = subtitle; }
    return update;
  }

  // The chart's own box follows its new height (the page sized the box for the first drawing).
  function relayout(el, update) {
    if (update.height) { el.style.height = update.height + 'px'; }
    boxFollows(el);
    return window.Plotly.relayout(el, update);
  }

  // plotly's to_html wraps a chart of a set height in a box of that height (a page, not a
  // notebook): the box follows the chart's new height, and its own when the chart is restored.
  function boxFollows(el) {
    var box = el.parentElement;
    if (!box) { return; }
    if (box.__orHeight === undefined) { box.__orHeight = /px$/.test(box.style.height) ? box.style.height : null; }
    if (box.__orHeight === null) { return; }
    box.style.height = /px$/.test(el.style.height) ? el.style.height : box.__orHeight;
  }

  function keep(el) {  // the chart's own layout, once, before the first fitting
    if (el.__orOwn) { return; }
    var own = {};
    KEYS.forEach(function (k) { own[k] = get(el.layout, k); });
    own.__style = el.style.height;
    el.__orOwn = own;
  }

  function restore(el) {
    var back = {};
    Object.keys(el.__orOwn).forEach(function (k) {  // null: plotly's default, where there was none
      if (k === '__style' || (/^xaxis2\./.test(k) && !el.layout.xaxis2)) { return; }  // no such axis
      back[k] = el.__orOwn[k] === undefined ? null : el.__orOwn[k];
    });
    el.style.height = el.__orOwn.__style;
    boxFollows(el);
    el.__orOwn = null;
    el.__orFitted = null;
    return window.Plotly.relayout(el, back).then(function () { return window.Plotly.Plots.resize(el); });
  }

  function fit(el) {
    if (!ready(el) || el.closest('.or-whatif') || el.__orPrint) { return; }
    var width = (el.parentElement || el).getBoundingClientRect().width;  // the room it has
    if (el.__orFitted && Math.abs(width - el.__orFitted) <= 2) { return; }  // fitted to this width
    var narrow = width < NARROW;
    var update = narrow ? narrowLayout(el, width) : wideLayout(el, width);
    if (!update) {
      if (el.__orOwn) { restore(el); }
      return;
    }
    var was = el.__orOwn;
    if (was && !narrow && el.__orNarrow) {  // from a phone's layout to a wide one: start from its own
      restore(el).then(function () { fit(el); });
      return;
    }
    keep(el);
    el.__orNarrow = narrow;
    el.__orFitted = width;
    relayout(el, update);
  }

  function fitAll() { charts().forEach(fit); }

  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(fitAll, 150);
  });
  window.addEventListener('load', fitAll);
  document.addEventListener('DOMContentLoaded', function () { setTimeout(fitAll, 0); });

  // In print: the printable width, and titles wrapped to it (a long subtitle would be cut).
  window.addEventListener('beforeprint', function () {
    charts().forEach(function (el) {
      if (!ready(el) || el.__orPrint) { return; }
      var width = Math.min(PRINT_WIDTH, el._fullLayout.width);
      var update = {width: width, autosize: false};
      if (!el.closest('.or-whatif') && !el.__orNarrow) {
        var titles = wideLayout(el, width);  // wrapped to the paper, from the chart's own titles
        if (titles) { Object.keys(titles).forEach(function (k) { update[k] = titles[k]; }); }
      }
      var own = {};
      Object.keys(update).forEach(function (k) {
        var value = k === 'autosize' ? el.layout.autosize : get(el.layout, k);
        own[k] = value === undefined ? null : value;
      });
      own.__style = el.style.height;
      own.__width = el.style.width;
      el.__orPrint = own;
      el.style.width = width + 'px';
      relayout(el, update);
    });
  });
  window.addEventListener('afterprint', function () {
    charts().forEach(function (el) {
      var own = el.__orPrint;
      if (!own) { return; }
      el.__orPrint = null;
      el.style.height = own.__style;
      boxFollows(el);
      el.style.width = own.__width;
      delete own.__style;
      delete own.__width;
      own.width = null;
      own.autosize = true;
      window.Plotly.relayout(el, own).then(function () {
        window.Plotly.Plots.resize(el);
        fit(el);
      });
    });
  });
})();
