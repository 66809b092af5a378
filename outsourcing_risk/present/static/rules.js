// How a page's JavaScript writes money, chances and months and wraps a chart's titles: by the
// rules of outsourcing_risk/present/formatting.py (RULES), read from the page's JSON block, so
// that a figure written in the browser reads exactly as the same figure written by Python
// (tests/present/test_rules_js.py runs both on one table of values).
(function () {
  'use strict';
  if (window.orRules) { return; }
  var R = JSON.parse(document.querySelector('script.or-rules').textContent);

  // The exact decimal digits of |x| (a double below 1e21 has a finite expansion; 100 places
  // hold every one this code meets): {int: '12', frac: '5000…'}.
  function exact(x) {
    var s = Math.abs(x).toFixed(100).split('.');
    return {int: s[0], frac: s[1]};
  }

  function increment(digits) {  // '199' → '200', '99' → '100'
    var a = digits.split(''), i = a.length - 1;
    while (i >= 0 && a[i] === '9') { a[i] = '0'; i -= 1; }
    if (i < 0) { a.unshift('1'); } else { a[i] = String(+a[i] + 1); }
    return a.join('');
  }

  // Keep `keep` digits or round them up by what follows (`rest`), half to even: Python rounds
  // the exact value of a double so, and so does this.
  function rounded(keep, rest) {
    var first = rest.charAt(0), tail = /[1-9]/.test(rest.slice(1));
    var up = first > '5' || (first === '5' && (tail || +keep.charAt(keep.length - 1) % 2 === 1));
    return up ? increment(keep) : keep;
  }

  function negative(x) { return x < 0 || Object.is(x, -0); }

  // Python's format(x, '.{d}f'): '-0.0' for a small negative number, as Python writes it.
  function fixed(x, d) {
    var e = exact(x), digits = rounded(e.int + e.frac.slice(0, d), e.frac.slice(d));
    var cut = digits.length - d;
    return (negative(x) ? '-' : '') + (d ? digits.slice(0, cut) + '.' + digits.slice(cut) : digits);
  }

  function grouped(text) {  // '-1234567.5' → '-1,234,567.5'
    var parts = text.split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, R.group);
    return parts.join('.');
  }

  function stripZeros(text) { return text.indexOf('.') < 0 ? text : text.replace(/\.?0+$/, ''); }

  // Python's format(x, '.{p}g').
  function general(x, p) {
    if (x === 0) { return negative(x) ? '-0' : '0'; }
    var e = exact(x), all = (e.int + e.frac).replace(/^0+/, '');
    var exponent = e.int !== '0' ? e.int.length - 1 : -(e.frac.length - e.frac.replace(/^0+/, '').length) - 1;
    var keep = rounded(all.slice(0, p), all.slice(p));
    if (keep.length > p) { exponent += 1; keep = keep.slice(0, p); }
    var sign = negative(x) ? '-' : '';
    if (exponent >= -4 && exponent < p) { return stripZeros(fixed(x, Math.max(0, p - 1 - exponent))); }
    var mantissa = stripZeros(keep.charAt(0) + '.' + keep.slice(1));
    var power = Math.abs(exponent) < 10 ? '0' + Math.abs(exponent) : String(Math.abs(exponent));
    return sign + mantissa + 'e' + (exponent < 0 ? '-' : '+') + power;
  }

  function missing(v) { return v === null || v === undefined || (typeof v === 'number' && isNaN(v)); }

  function compact(v) {
    var size = Math.abs(v), digits = R.compactDigits;
    for (var i = 0; i < R.compact.length; i += 1) {
      var factor = R.compact[i][0];
      if (size >= factor * R.compactFrom) { return general(v / factor, digits) + R.compact[i][1]; }
    }
    return general(v, digits);
  }

  // As formatting.money: 'USD 125,000', compact 'USD 125k', negative 'USD −40,000'.
  function money(v, currency, options) {
    options = options || {};
    if (missing(v)) { return R.missing; }
    var number = options.compact ? compact(v) : grouped(fixed(v, 0));
    if (number === '-0' || number === '-0k') { number = number.slice(1); }
    number = number.split('-').join(R.minus);
    var text = currency ? currency + ' ' + number : number;
    return text + (options.perMonth ? R.perMonth : '');
  }

  // As formatting.percent: '16.7%'.
  function percent(p, digits) {
    if (missing(p)) { return R.missing; }
    return fixed(100 * p, digits === undefined ? R.percentDigits : digits) + '%';
  }

  // As formatting.month: 'month 31'; 'never', or 'not within 60 months' given the horizon.
  function month(m, horizon) {
    if (missing(m)) { return horizon ? R.notWithin.replace('{h}', horizon) : R.never; }
    return R.month.replace('{m}', fixed(m, 0));
  }

  // As formatting.line_chars: the characters a line of text `size` px high holds in `width` px.
  function lineChars(width, size) {
    return Math.max(R.wrap.minChars, Math.floor((width - R.wrap.pad) / (R.wrap.charEm * size)));
  }

  // As formatting.wrap: broken at spaces into lines of at most `chars` characters; tags (<b>,
  // <span style="...">, <br>) are kept whole and count for nothing, an entity (&amp;) for one.
  function wrap(text, chars) {
    if (!text) { return text; }
    var out = '', line = 0, space = false;
    words(String(text)).forEach(function (item) {
      if (item.kind === 'br') { out += item.markup; line = 0; space = false; return; }
      if (item.kind === 'space') { space = line > 0; return; }
      if (line > 0 && line + 1 + item.length > chars) { out += '<br>'; line = 0; }
      else if (space) { out += ' '; line += 1; }
      out += item.markup; line += item.length; space = false;
    });
    return out;
  }

  // As formatting._words: a word runs from space to space across the tags it touches.
  function words(text) {
    var items = [], word = '', length = 0;
    function flush() { if (word) { items.push({kind: 'word', markup: word, length: length}); } word = ''; length = 0; }
    (text.match(/<[^>]*>|[^<]+/g) || []).forEach(function (token) {
      if (token.charAt(0) === '<' && /^<br\s*\/?>$/i.test(token)) { flush(); items.push({kind: 'br', markup: token}); return; }
      if (token.charAt(0) === '<') { word += token; return; }
      token.split(/( +)/).forEach(function (part) {
        if (part && !part.replace(/ /g, '')) { flush(); items.push({kind: 'space'}); }
        else if (part) { word += part; length += part.replace(/&#?\w+;/g, 'x').length; }
      });
    });
    flush();
    return items;
  }

  // A colour of the palette (outsourcing_risk/present/palette.py) as the page's CSS holds it.
  function colour(name, element) {
    return getComputedStyle(element || document.documentElement).getPropertyValue('--or-' + name).trim();
  }

  window.orRules = {money: money, percent: percent, month: month, wrap: wrap, lineChars: lineChars,
                    colour: colour, fixed: fixed, general: general};
})();
