"""``index.html`` of a batch: a sortable KPI table linking every report and a comparison chart,
in one offline page. Every name and message that came from the table is escaped."""

from __future__ import annotations

import html
import math
import time

import pandas as pd

from . import plots

__all__ = ["index_html"]

_COLUMNS = (
    ("mean_npv", "Mean NPV", "money"),
    ("p_loss", "P(loss)", "pct"),
    ("cvar5", "CVaR 5 %", "money"),
    ("p_failure", "P(vendor failure)", "pct"),
    ("breakeven_month", "Break-even month", "month"),
)

_STYLE = """
body { font-family: DejaVu Sans, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #2c3e50; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { padding: 6px 10px; border-bottom: 1px solid #ecf0f1; text-align: right; }
th:first-child, td:first-child, td.status, td.error { text-align: left; }
th { cursor: pointer; background: #f4f6f8; user-select: none; }
th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
tr.failed td { color: #c0392b; } td.error { font-size: 90%; white-space: pre-wrap; max-width: 420px; }
"""

_SORT_SCRIPT = """
document.querySelectorAll('#kpis th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var body = document.querySelector('#kpis tbody');
    var rows = Array.prototype.slice.call(body.rows);
    var up = th.getAttribute('aria-sort') !== 'ascending';
    document.querySelectorAll('#kpis th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y);
      var cmp = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
      return up ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _cell(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        shown, key = ("never" if kind == "month" else "—"), "Infinity" if kind == "month" else "-Infinity"
        return f'<td data-sort="{key}">{shown}</td>'
    shown = {"money": f"{value:,.0f}", "pct": f"{value:.1%}", "month": f"{value:.0f}"}[kind]
    return f'<td data-sort="{float(value)!r}">{shown}</td>'


def index_html(outcomes, title: str = "Outsourcing risk: scenario reports") -> str:
    """The whole index page as a string."""
    rows = []
    for o in outcomes:
        name = html.escape(o.job.name)
        link = f'<a href="{html.escape(o.report)}">{name}</a>' if o.report else name
        cells = "".join(_cell(o.summary.get(key), kind) for key, _, kind in _COLUMNS)
        rows.append(
            f'<tr class="{o.status}"><td data-sort="{name}">{link}</td>{cells}'
            f'<td class="status" data-sort="{o.status}">{o.status}</td>'
            f'<td class="error" data-sort="{html.escape(o.error)}">{html.escape(o.error)}</td></tr>'
        )
    header = "".join(f"<th>{label}</th>" for _, label, _ in _COLUMNS)
    ok = [o for o in outcomes if o.status == "ok"]
    failed = len(outcomes) - len(ok)
    chart = _chart(ok)
    when = time.strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{len(outcomes)} scenarios, {len(ok)} reported, {failed} failed. Made {when}. Click a column to sort;
click a scenario to open its report (offline, a single file).</p>
<table id="kpis"><thead><tr><th>Scenario</th>{header}<th>Status</th><th>Error</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody></table>
{chart}
<script>{_SORT_SCRIPT}</script>
</body></html>
"""


def _chart(ok) -> str:
    if not ok:
        return "<p>No scenario produced a report, so there is no chart.</p>"
    frame = pd.DataFrame([o.summary for o in ok], index=[o.job.name for o in ok])
    fig = plots.kpi_comparison_chart(frame)
    return fig.to_html(full_html=False, include_plotlyjs=True, include_mathjax=False, div_id="comparison")
