"""One way out: one palette, one formatter, one title wrapper, one table writer, one page shell.

The pages' JavaScript (``present/static/rules.js``) is run in Chromium on one table of values
and must write exactly what Python writes."""

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from outsourcing_risk.present import palette
from outsourcing_risk.present.formatting import RULES, line_chars, money, month, percent, rules_html, wrap
from outsourcing_risk.present.page import page_html
from outsourcing_risk.present.tables import Cell, Column, rows_html, table_html

from ..browser import browser_page

PACKAGE = Path(__file__).resolve().parents[2] / "outsourcing_risk"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|rgba?\(\s*\d+\s*,\s*\d+\s*,\s*\d+")

#: Amounts that test the rules' corners: exact ties (Python rounds half to even), a minus that
#: rounds to zero, compact thresholds (999,500 is already 1M), exponents, digits of percents.
AMOUNTS = [
    0.0, -0.0, 0.4, -0.4, 0.5, 1.5, 2.5, -2.5, 1234.5, 1235.5, 999.4, 999.5, -999.5, 125_400.4,
    -40_000.0, 1_234_567.0, -1_234_567.0, 999_500.0, 999_499.0, 12_345_678_901.0, 1.5e12, 9.99e14,
    2.2e15, 0.0004, 0.00012, 1e-7, 123.456, 3_000.0, 4_999.999, math.nan,
]  # fmt: skip
CHANCES = [0.0, 0.1666, 0.05, 0.125, 0.1225, 0.9995, 1.0, -0.0004, 0.00049, 0.33333, math.nan]
MONTHS = [0.0, 12.0, 12.5, 13.5, 31.0, 59.6, math.nan]
TEXTS = [
    ("Cumulative savings by month — <b>Risky low-cost bid</b>", 20),
    ("A &amp; B: chance of a loss 12.3%<br>Each bar counts simulated futures; red ones lose money.", 18),
    ("<span style='font-size:11px;color:#566573'>USD 80,000/month to USD 120,000/month</span>", 12),
    ("  two  spaces   and averyveryverylongwordthatcannotbreak here", 10),
    ("", 10),
    (
        (
            "<b>Cumulative savings by quarter</b>   <span style='color:red'>■</span>\xa0median   "
            "<span style='color:blue'>■</span>\xa0half\xa0of\xa0the\xa0futures"
        ),
        25,
    ),
]


def _python(values):
    cases = []
    for v in values["amounts"]:
        for cur in ("USD", "", "EUR"):
            cases.append(money(v, cur))
            cases.append(money(v, cur, compact=True))
        cases.append(money(v, "USD", per_month=True))
    cases += [percent(p) for p in values["chances"]] + [percent(p, 0) for p in values["chances"]]
    cases += [month(m) for m in values["months"]] + [month(m, 60) for m in values["months"]]
    cases += [wrap(t, n) for t, n in values["texts"]]
    cases += [line_chars(w, s) for w, s in ((390, 17.55), (680, 12), (120, 13), (1280, 13))]
    return cases


_JS = """(v) => { const r = window.orRules, out = [], num = x => x === null ? NaN : x;
  v.amounts.forEach(a => { a = num(a); ['USD', '', 'EUR'].forEach(c => {
    out.push(r.money(a, c)); out.push(r.money(a, c, {compact: true})); });
    out.push(r.money(a, 'USD', {perMonth: true})); });
  v.chances.forEach(p => out.push(r.percent(num(p)))); v.chances.forEach(p => out.push(r.percent(num(p), 0)));
  v.months.forEach(m => out.push(r.month(num(m)))); v.months.forEach(m => out.push(r.month(num(m), 60)));
  v.texts.forEach(([t, n]) => out.push(r.wrap(t, n)));
  [[390, 17.55], [680, 12], [120, 13], [1280, 13]].forEach(([w, s]) => out.push(r.lineChars(w, s)));
  return out; }"""


@pytest.mark.browser
def test_the_pages_javascript_writes_every_figure_as_python_does():
    values = {"amounts": AMOUNTS, "chances": CHANCES, "months": MONTHS, "texts": TEXTS}
    expected = _python(values)
    with browser_page() as page:
        page.set_content(f"<!DOCTYPE html><html><head>{rules_html()}</head><body></body></html>")
        js_values = {
            k: [None if isinstance(x, float) and math.isnan(x) else x for x in v] for k, v in values.items()
        }
        js_values["texts"] = [list(t) for t in TEXTS]
        got = page.evaluate(_JS, js_values)
        assert page.errors == []
    assert len(got) == len(expected)
    differ = [(e, g) for e, g in zip(expected, got, strict=True) if e != g]
    assert differ == [], differ[:10]
    assert "USD \u221240,000" in expected, "a true minus, not a hyphen"
    assert "USD 1M" in expected
    assert "USD 2.2e+03T" in expected


def test_rules_are_the_ones_python_follows():
    assert money(-1_234_567, "EUR", compact=True) == f"EUR {RULES['minus']}1.23M"
    assert money(999_500, "USD", compact=True) == "USD 1M"
    assert month(float("nan"), 60) == "not within 60 months"
    assert wrap("a <b>bold</b> move", 6) == "a <b>bold</b><br>move"
    key = wrap(TEXTS[-1][0], TEXTS[-1][1])
    assert "■</span>\xa0half" in key, "a key's mark and its words stay on one line"
    assert key.count("<br>") == 2


def test_no_colour_is_written_outside_the_palette():
    """Every colour of every page and chart comes from present/palette.py: a literal elsewhere (a
    module, a stylesheet, a script) is a second copy that can drift."""
    found = []
    for path in PACKAGE.rglob("*"):
        if (
            path.suffix not in (".py", ".js", ".css", ".j2")
            or "plotly" in path.parts
            or path.name == "palette.py"
        ):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if COLOUR.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()[:80]}")
    assert found == []


def test_the_palette_reaches_the_page_as_custom_properties():
    page = page_html("t", "<p>x</p>")
    for name, value in palette.COLOURS.items():
        assert f"--or-{name}:{value};" in page
    assert palette.band(0.18) == "rgba(46,134,222,0.18)"


def test_a_colour_a_test_plants_outside_the_palette_is_found(tmp_path):
    planted = tmp_path / "x.css"
    planted.write_text(".or-x { color: #7f8c8d; }")
    assert COLOUR.search(planted.read_text())


def test_one_table_writer_escapes_sorts_and_labels_every_cell():
    html = rows_html(
        [Column("Name"), Column("Saving", numeric=True)],
        [[Cell("<x>", "<x>"), Cell("USD 5", 5.0)], ["a & b", Cell("—", "-Infinity")]],
        "or-stack",
        sortable=True,
        table_id="t",
        row_classes=["ok", "failed"],
    )
    assert "<x>" not in html
    assert "&lt;x&gt;" in html
    assert "a &amp; b" in html
    assert '<th scope="col" aria-sort="none"><button type="button">Name</button></th>' in html
    assert 'data-sort="5.0" data-label="Saving"' in html
    assert '<tr class="failed">' in html
    frame = pd.DataFrame({"What it means": ["one long description"], "n": [math.nan]})
    assert '<td data-label="n"></td>' in table_html(frame, "or-parameters")


def test_one_page_shell_for_every_page():
    page = page_html("A <b> & C", "<p>body</p>", style=".x{}", plotly={"bar"})
    assert page.count("<title>A &lt;b&gt; &amp; C</title>") == 1
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert 'class="or-rules"' in page
    assert "window.orRules" in page
    assert "beforeprint" in page
    assert "window.PlotlyConfig" in page  # the bundle that draws bars
    assert "window.PlotlyConfig" not in page_html("t", "")  # no charts, no plotly.js
