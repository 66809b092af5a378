"""``index.html`` of a batch: a one-line conclusion, a sortable KPI table linking every report and a
comparison chart, in one offline page. Every name and message that came from the table is escaped."""

from __future__ import annotations

import html
import math
import time
from importlib.resources import files

import pandas as pd

from ..analyses.value_of_information import QUALITY
from ..present import plots
from ..present.formatting import money, month, param_label, percent
from ..present.kpis import HEADLINE_KPIS, headline_label
from ..present.page_fit import page_fit_html
from ..present.plotlyjs import chart_div, script_tag, trace_types
from ..present.plots import QUALITY_LABEL

__all__ = ["index_html"]

_STYLE = """
body { font-family: DejaVu Sans, Arial, sans-serif; margin: 2em auto; max-width: 1180px; color: #2c3e50;
       padding: 0 1em; }
.conclusion { font-size: 17px; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
.or-table-box { overflow-x: auto; max-width: 100%; }
.or-table-box table { display: table; }
@media (max-width: 600px) { body { margin: 1em auto; padding: 0 6px; } th, td { padding: 5px 6px; } }
th, td { padding: 6px 10px; border-bottom: 1px solid #ecf0f1; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.status, td.error, td.verdict { text-align: left; }
th { background: #f4f6f8; font-weight: 600; }
th button { font: inherit; background: none; border: 0; padding: 0; cursor: pointer; color: inherit;
            text-align: inherit; }
th button:focus-visible { outline: 2px solid #2e86de; outline-offset: 2px; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
tr.failed td, tr.not-run td { color: #c0392b; }
td.error { font-size: 90%; white-space: pre-wrap; max-width: 380px; }
.note { color: #566573; font-size: 13px; }
a.whatif { font-size: 12px; margin-left: 6px; white-space: nowrap; }
"""


def _sort_script() -> str:
    """The table's sorting code (``static/index_page.js``), read from the installed package."""
    return files("outsourcing_risk.batch").joinpath("static", "index_page.js").read_text(encoding="utf-8")


#: How each headline figure is written in the table.
_KINDS = {
    "mean_npv": "money",
    "p_loss": "pct",
    "cvar5": "money",
    "p_failure": "pct",
    "breakeven_month": "month",
}


def _columns(horizon: int | None) -> tuple[tuple[str, str, str], ...]:
    """(key, label, kind) of the headline figures; the labels are the cards' (a common horizon
    named, else "the horizon")."""
    return tuple(
        (key, headline_label(key, horizon) if horizon else _any_horizon(key), _KINDS[key])
        for key in HEADLINE_KPIS
    )


def _any_horizon(key: str) -> str:
    return "Chance of a vendor failure within the horizon" if key == "p_failure" else headline_label(key, 12)


def _html_cell(value, kind: str, currency: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        shown, key = ("never" if kind == "month" else "—"), "Infinity" if kind == "month" else "-Infinity"
        return f'<td data-sort="{key}">{shown}</td>'
    shown = {"money": money(value, currency), "pct": percent(value), "month": month(value)}[kind]
    return f'<td data-sort="{float(value)!r}">{html.escape(shown)}</td>'


def _information_cell(o) -> str:
    """The value of learning every uncertain input (EVPI) and the input most worth learning alone;
    "—" for a failed row or a scenario with nothing uncertain."""
    value = o.summary.get("evpi")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '<td data-sort="-Infinity">—</td>'
    top = o.summary.get("top_input") or ""
    shown = money(value, o.job.currency)
    if top:
        name = QUALITY_LABEL if top == QUALITY else param_label(top, o.job.currency, unit=False)
        shown += f" · most: {name[:1].lower() + name[1:]}"
    return f'<td data-sort="{float(value)!r}">{html.escape(shown)}</td>'


def _horizon(outcomes) -> int | None:
    """The horizon in months that every scenario shares, else None."""
    horizons = {o.job.horizon_months for o in outcomes}
    return horizons.pop() if len(horizons) == 1 else None


def _leader(ok, key: str, se_key: str) -> tuple[list, float, float]:
    """The scenarios that lead on ``key`` (highest): the best, and those within the margin of two
    standard errors of it (unpaired, so a conservative margin: the rows share their seed)."""
    ranked = sorted(ok, key=lambda o: o.summary[key], reverse=True)
    best = ranked[0]
    tied = [best]
    for o in ranked[1:]:
        gap = best.summary[key] - o.summary[key]
        se = math.hypot(best.summary.get(se_key) or 0.0, o.summary.get(se_key) or 0.0)
        if gap <= 2 * se:
            tied.append(o)
    return tied, best.summary[key], 0.0


def best_scenarios(ok) -> str:
    """One line naming the best scenario by mean saving and by worst-5 % average (escaped), or the
    scenarios that share the lead within their margins of error."""
    if not ok:
        return "No scenario produced a report."

    def named(o, key):
        return f"<b>{html.escape(o.job.name)}</b> ({html.escape(money(o.summary[key], o.job.currency, compact=True))})"

    def lead(key: str, se_key: str, what: str) -> str:
        tied, _, _ = _leader(ok, key, se_key)
        if len(tied) == 1:
            return f"{what}: {named(tied[0], key)}."
        return (
            f"{what}, within their margins of error of each other: "
            + ", ".join(named(o, key) for o in tied)
            + "."
        )

    text = (
        lead("mean_npv", "se_npv", "Best mean saving")
        + " "
        + lead("cvar5", "cvar5_se", "Best worst-5 % average, the safest choice")
    )
    if len({o.job.currency for o in ok}) > 1:
        text += " The scenarios use different currencies: compare their money figures with care."
    return text


def _verdict_cell(o) -> str:
    verdict = o.summary.get("verdict") or ("—" if o.status == "ok" else "")
    order = {
        "within your risk appetite": 0,
        "at the edge of your risk appetite": 1,
        "outside your risk appetite": 2,
        "not worth it": 3,
    }.get(verdict, 4)
    return f'<td class="verdict" data-sort="{order}">{html.escape(verdict)}</td>'


def index_html(outcomes, title: str = "Outsourcing risk: scenario reports", *, chart: bool = True) -> str:
    """The whole index page as a string (``chart=False``: without the comparison chart, ~5 MB
    smaller, for when the disk has no room for it)."""
    columns = _columns(_horizon(outcomes))
    rows = []
    for o in outcomes:
        name = html.escape(o.job.name)
        link = f'<a href="{html.escape(o.report)}">{name}</a>' if o.report else name
        if o.report:
            link += (
                f' <a class="whatif" href="{html.escape(o.report)}#what-if" '
                f'title="Move trust, failure probability and switching cost in the report">what if?</a>'
            )
        cells = "".join(_html_cell(o.summary.get(key), kind, o.job.currency) for key, _, kind in columns)
        cells += _information_cell(o)
        status = html.escape(o.status)
        rows.append(
            f'<tr class="{status}"><td data-sort="{name}">{link}</td>{_verdict_cell(o)}{cells}'
            f'<td class="status" data-sort="{status}">{status}</td>'
            f'<td class="error" data-sort="{html.escape(o.error)}">{html.escape(o.error)}</td></tr>'
        )
    header = "".join(
        f'<th scope="col" aria-sort="none"><button type="button">{html.escape(label)}</button></th>'
        for _, label, _ in columns
    )
    header += (
        '<th scope="col" aria-sort="none" title="What knowing every uncertain input before signing would '
        'be worth (EVPI), and the input most worth learning"><button type="button">Worth learning before '
        "signing</button></th>"
    )
    ok = [o for o in outcomes if o.status == "ok"]
    counts = pd.Series([o.status for o in outcomes]).value_counts().to_dict() if outcomes else {}
    tally = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    when = time.strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="conclusion">{best_scenarios(ok)}</p>
<p class="note">{len(outcomes)} scenarios: {html.escape(tally)}. Made {when}. Press a column heading to sort
(Enter or Space from the keyboard); open a scenario for its full report (a single file that works offline).
Each report is interactive: its <b>what if?</b> section lets you move trust, the vendor's failure
probability and the switching cost and see the figures follow, in the browser, without Python.
<b>Verdict</b>: each scenario against the risk appetite its report states (at most a 20 % chance of a loss and
a 50 % chance of a vendor failure, unless the table says otherwise).
<b>Worth learning before signing</b>: what knowing every uncertain input before signing would be worth,
and the input most worth learning on its own; "—" where a scenario's inputs are all single numbers.</p>
<div class="or-table-box"><table id="kpis"><thead><tr><th scope="col" aria-sort="none"><button type="button">Scenario</button></th>
<th scope="col" aria-sort="none" title="Against the risk appetite each report states"><button type="button">Verdict</button></th>{header}
<th scope="col" aria-sort="none"><button type="button">Status</button></th>
<th scope="col" aria-sort="none"><button type="button">Error</button></th></tr></thead>
<tbody>
{"".join(rows)}
</tbody></table></div>
{_chart(ok) if chart else '<p class="note">The comparison chart was left out: there was no room for it on the disk.</p>'}
<script>{_sort_script()}</script>
{page_fit_html()}
</body></html>
"""


def _chart(ok) -> str:
    if not ok:
        return "<p>No scenario produced a report, so there is no chart.</p>"
    frame = pd.DataFrame([o.summary for o in ok], index=[o.job.name for o in ok])
    currencies = {o.job.currency for o in ok}
    fig = plots.kpi_comparison_chart(frame, currencies.pop() if len(currencies) == 1 else "")
    return script_tag(trace_types([fig.to_plotly_json()])) + chart_div(fig, "comparison")
