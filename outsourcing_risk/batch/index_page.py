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
from ..present.chart_text import chart_html
from ..present.formatting import money, month, param_label, percent
from ..present.kpis import HEADLINE_KPIS, headline_label
from ..present.page import page_html
from ..present.plotlyjs import trace_types
from ..present.plots import QUALITY_LABEL
from ..present.tables import Cell, Column, rows_html, table_box

__all__ = ["index_html"]

#: The index's own rules; the rest is the page shell's (:mod:`outsourcing_risk.present.page`).
_STYLE = """
.conclusion { font-size: 17px; line-height: 1.45; max-width: 60em; }
#kpis { width: 100%; }
#kpis td.status, #kpis td.error, #kpis td.verdict { text-align: left; }
tr.failed td, tr.not-run td { color: var(--or-loss); }
td.error { font-size: 90%; white-space: pre-wrap; max-width: 380px; overflow-wrap: anywhere; }
a.whatif { font-size: 12px; margin-left: 6px; white-space: nowrap; }
@media print {
  /* Every column on paper, the error's words included: the table takes the page's width. */
  #kpis { font-size: 9px; table-layout: auto; }
  #kpis th, #kpis td { padding: 2px 3px; }
  #kpis th button::after { content: none; }
  #kpis .or-num { white-space: normal; }
  td.error { max-width: none; }
  a.whatif { display: none; }
}
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


def _figure_cell(value, kind: str, currency: str) -> Cell:
    """A headline figure as the cards write it, sorted by its number ("never" after every month)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Cell("never", "Infinity") if kind == "month" else Cell("—", "-Infinity")
    shown = {"money": money(value, currency), "pct": percent(value), "month": month(value)}[kind]
    return Cell(shown, float(value))


def _information_cell(o) -> Cell:
    """The value of learning every uncertain input (EVPI) and the input most worth learning alone;
    "—" for a failed row or a scenario with nothing uncertain."""
    value = o.summary.get("evpi")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Cell("—", "-Infinity")
    top = o.summary.get("top_input") or ""
    se = o.summary.get("evpi_se")
    if isinstance(se, float) and math.isfinite(se) and value <= 2 * se:  # the report's rule
        return Cell(
            f"nothing beyond its margin ({money(value, o.job.currency)} ± {money(2 * se, o.job.currency)})",
            float(value),
        )
    shown = money(value, o.job.currency)
    if isinstance(se, float) and math.isfinite(se):
        shown += f" ± {money(2 * se, o.job.currency)}"
    if top:
        name = QUALITY_LABEL if top == QUALITY else param_label(top, o.job.currency, unit=False)
        shown += f" · most: {name[:1].lower() + name[1:]}"
    return Cell(shown, float(value))


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
        + lead("cvar5", "cvar5_se", "Best worst-5 % average")
    )
    text += " " + _within_appetite(ok)
    if len({o.job.currency for o in ok}) > 1:
        text += " The scenarios use different currencies: compare their money figures with care."
    return text


def _within_appetite(ok) -> str:
    """Which scenarios each report found within the risk appetite it was given (the verdict
    column), so that a best figure is never read as "safe" on its own."""
    within = [o for o in ok if o.summary.get("verdict") == "within your risk appetite"]
    if not any(o.summary.get("verdict") for o in ok):
        return ""
    if not within:
        return "No scenario is within its risk appetite (see the verdict column)."
    names = ", ".join(f"<b>{html.escape(o.job.name)}</b>" for o in within)
    return f"Within its risk appetite: {names} (see the verdict column)."


def _verdict_cell(o) -> Cell:
    verdict = o.summary.get("verdict") or ("—" if o.status == "ok" else "")
    order = {
        "within your risk appetite": 0,
        "at the edge of your risk appetite": 1,
        "outside your risk appetite": 2,
        "not worth it": 3,
    }.get(verdict, 4)
    return Cell(verdict, str(order), "verdict")


def _name_cell(o) -> Cell:
    """The scenario's name, a link to its report and to its what-if section (escaped here)."""
    name = html.escape(o.job.name)
    if not o.report:
        return Cell(o.job.name, o.job.name)
    link = (
        f'<a href="{html.escape(o.report)}">{name}</a> <a class="whatif" href="{html.escape(o.report)}#what-if" '
        'title="Move trust, failure probability and switching cost in the report">what if?</a>'
    )
    return Cell(o.job.name, o.job.name, markup=link)


def _table(outcomes) -> str:
    """The sortable table: one row a scenario, its figures as the cards write them."""
    figures = _columns(_horizon(outcomes))
    columns = [
        Column("Scenario"),
        Column("Verdict", title="Against the risk appetite each report states"),
        *(Column(label, numeric=True) for _, label, _ in figures),
        Column(
            "Worth learning before signing",
            title="What knowing every uncertain input before signing would be worth (EVPI), and the input "
            "most worth learning",
        ),
        Column("Status"),
        Column("Error"),
    ]
    rows = [
        [
            _name_cell(o),
            _verdict_cell(o),
            *(_figure_cell(o.summary.get(key), kind, o.job.currency) for key, _, kind in figures),
            _information_cell(o),
            Cell(o.status, o.status, "status"),
            Cell(o.error, o.error, "error"),
        ]
        for o in outcomes
    ]
    table = rows_html(
        columns, rows, "or-stack", sortable=True, table_id="kpis", row_classes=[o.status for o in outcomes]
    )
    return table_box(table, "The scenarios' figures")


def index_html(outcomes, title: str = "Outsourcing risk: scenario reports", *, chart: bool = True) -> str:
    """The whole index page as a string (``chart=False``: without the comparison chart, ~5 MB
    smaller, for when the disk has no room for it)."""
    ok = [o for o in outcomes if o.status == "ok"]
    counts = pd.Series([o.status for o in outcomes]).value_counts().to_dict() if outcomes else {}
    tally = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    when = time.strftime("%Y-%m-%d %H:%M")
    figure, types = _chart(ok) if chart else ("", set())
    body = f"""<h1>{html.escape(title)}</h1>
<p class="conclusion">{best_scenarios(ok)}</p>
<p class="or-note">{len(outcomes)} scenarios: {html.escape(tally)}. Made {when}. <span class="or-screen-only">Press a column heading to sort
(Enter or Space from the keyboard); open a scenario for its full report (a single file that works offline).
Each report is interactive: its <b>what if?</b> section lets you move trust, the vendor's failure
probability and the switching cost and see the figures follow, in the browser, without Python.</span>
<b>Verdict</b>: each scenario against the risk appetite its report states (at most a 20 % chance of a loss and
a 50 % chance of a vendor failure, unless the table says otherwise).
<b>Worth learning before signing</b>: what knowing every uncertain input before signing would be worth,
and the input most worth learning on its own; "—" where a scenario's inputs are all single numbers.</p>
{_table(outcomes)}
{figure if chart else '<p class="or-note">The comparison chart was left out: there was no room for it on the disk.</p>'}
<script>{_sort_script()}</script>"""
    return page_html(title, body, style=_STYLE, plotly=types)


def _chart(ok) -> tuple[str, set]:
    """The comparison chart with its text alternative, and the trace types it draws."""
    if not ok:
        return "<p>No scenario produced a report, so there is no chart.</p>", set()
    frame = pd.DataFrame([o.summary for o in ok], index=[o.job.name for o in ok])
    currencies = {o.job.currency for o in ok}
    fig = plots.kpi_comparison_chart(frame, currencies.pop() if len(currencies) == 1 else "")
    return chart_html(fig, "comparison"), trace_types([fig.to_plotly_json()])
